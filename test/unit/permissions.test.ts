import { describe, expect, it } from 'vitest';
import {
  assertCanActAsAgent,
  assertCanActOnTicket,
  assertCanManageRoster,
  assertCanTakeOver,
  BATON,
  canActOnTicket,
  isAdmin,
  user,
  type Principal,
  type TicketAction,
} from '../../src/core/permissions.js';
import { DomainError } from '../../src/core/errors.js';
import { makeAgent, makeTicket } from '../support/fixtures.js';

const ADMIN = 'UADMIN1';
const policy = { admins: [ADMIN, 'UADMIN2'] };

const IRIS_USER = 'UIRIS01';
const REQUESTER = 'UREQ001';
const STRANGER = 'USTRANGE';
const OTHER_AGENT_USER = 'UMAX001';

const iris = makeAgent('iris', { user: IRIS_USER });
const max = makeAgent('max', { user: OTHER_AGENT_USER });
const ticket = makeTicket({ key: 'T-2026-007', assignee: 'iris', requester: REQUESTER });

function refusal(fn: () => void): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a refusal, the action was allowed');
}

describe('isAdmin', () => {
  it.each<[string, Principal, boolean]>([
    ['an admin', user(ADMIN), true],
    ['the second admin', user('UADMIN2'), true],
    ['another user', user(STRANGER), false],
    ['Baton itself', BATON, true],
  ])('%s → %s', (_n, p, expected) => {
    expect(isAdmin(p, policy)).toBe(expected);
  });

  it('with no ADMIN_USER_IDS, no user is an admin', () => {
    expect(isAdmin(user(ADMIN), { admins: [] })).toBe(false);
  });
});

describe('roster commands: ADMIN_USER_IDS only', () => {
  it.each<[string, Principal]>([
    ['an admin', user(ADMIN)],
    ['Baton', BATON],
  ])('%s may change the roster', (_n, p) => {
    expect(() => assertCanManageRoster(p, policy)).not.toThrow();
  });

  it.each<[string, Principal]>([
    ['the agent’s own user', user(IRIS_USER)],
    ['a requester', user(REQUESTER)],
    ['anyone else', user(STRANGER)],
  ])('%s may not, and is told why', (_n, p) => {
    const e = refusal(() => assertCanManageRoster(p, policy));
    expect(e.code).toBe('not_allowed');
    expect(e.message).toBe('Only Baton admins (`ADMIN_USER_IDS`) can change the roster.');
  });

  it('an admin of another policy is not an admin here', () => {
    expect(() => assertCanManageRoster(user(ADMIN), { admins: ['UOTHER1'] })).toThrow(DomainError);
  });
});

describe('busy / available: admins or the agent’s own user', () => {
  it.each<[string, Principal, boolean]>([
    ['an admin', user(ADMIN), true],
    ['Baton (busy windows ending)', BATON, true],
    ['the agent’s own user', user(IRIS_USER), true],
    ['another agent’s user', user(OTHER_AGENT_USER), false],
    ['a requester of its tickets', user(REQUESTER), false],
    ['anyone else', user(STRANGER), false],
  ])('%s → %s', (_n, p, allowed) => {
    const act = () => assertCanActAsAgent(p, iris, policy, 'set its availability');
    if (allowed) expect(act).not.toThrow();
    else {
      const e = refusal(act);
      expect(e.code).toBe('not_allowed');
      expect(e.message).toBe("Only iris's own user or an admin can set its availability.");
    }
  });

  it('an agent without a Slack user: only admins', () => {
    const bot = makeAgent('bot', { user: null });
    expect(() => assertCanActAsAgent(user(ADMIN), bot, policy, 'set its availability')).not.toThrow();
    expect(() => assertCanActAsAgent(user(STRANGER), bot, policy, 'set its availability')).toThrow(
      "Only bot's own user or an admin can set its availability.",
    );
  });
});

const ACTIONS: TicketAction[] = ['accept', 'resolve', 'handoff', 'escalate', 'reopen', 'assign'];

describe('acting on a ticket: its assignee’s user, its requester, or an admin', () => {
  const who: Array<[string, Principal, boolean]> = [
    ['an admin', user(ADMIN), true],
    ['Baton', BATON, true],
    ['the assignee’s user', user(IRIS_USER), true],
    ['the requester', user(REQUESTER), true],
    ['another agent’s user', user(OTHER_AGENT_USER), false],
    ['anyone else', user(STRANGER), false],
  ];
  const matrix = ACTIONS.flatMap((action) => who.map(([name, p, allowed]) => [action, name, p, allowed] as const));

  it.each(matrix)('%s by %s', (action, _name, p, allowed) => {
    const assignee = iris;
    expect(canActOnTicket(p, ticket, assignee, policy)).toBe(allowed);
    const act = () => assertCanActOnTicket(p, ticket, assignee, policy, action);
    if (allowed) expect(act).not.toThrow();
    else {
      const e = refusal(act);
      expect(e.code).toBe('not_allowed');
      expect(e.message).toBe(`You can't ${({ handoff: 'hand off', takeover: 'take over' } as Record<string, string>)[action] ?? action} T-2026-007: only its assignee (iris), its requester or an admin can.`);
    }
  });

  it('a ticket in intake (no assignee): only the requester or an admin', () => {
    const held = makeTicket({ key: 'T-2026-008', status: 'intake', assignee: null, requester: REQUESTER });
    expect(canActOnTicket(user(REQUESTER), held, null, policy)).toBe(true);
    expect(canActOnTicket(user(ADMIN), held, null, policy)).toBe(true);
    expect(canActOnTicket(user(IRIS_USER), held, null, policy)).toBe(false);
    expect(() => assertCanActOnTicket(user(STRANGER), held, null, policy, 'resolve')).toThrow(
      "You can't resolve T-2026-008: only its assignee, its requester or an admin can.",
    );
  });

  it('a ticket filed by Baton (no requester): only the assignee’s user or an admin', () => {
    const t = makeTicket({ assignee: 'iris', requester: null });
    expect(canActOnTicket(user(IRIS_USER), t, iris, policy)).toBe(true);
    expect(canActOnTicket(user(STRANGER), t, iris, policy)).toBe(false);
  });

  it('an assignee without a Slack user gives no user the assignee’s rights', () => {
    const bot = makeAgent('bot', { user: null });
    const t = makeTicket({ assignee: 'bot', requester: REQUESTER });
    expect(canActOnTicket(user(STRANGER), t, bot, policy)).toBe(false);
  });
});

describe('take-over from an escalation ping: the taker’s own user or an admin', () => {
  it.each<[string, Principal, boolean]>([
    ['an admin', user(ADMIN), true],
    ['the taker’s own user', user(OTHER_AGENT_USER), true],
    ['the current assignee’s user', user(IRIS_USER), false],
    ['the requester', user(REQUESTER), false],
    ['anyone else', user(STRANGER), false],
  ])('%s → %s', (_n, p, allowed) => {
    const act = () => assertCanTakeOver(p, max, ticket, policy);
    if (allowed) expect(act).not.toThrow();
    else {
      const e = refusal(act);
      expect(e.code).toBe('not_allowed');
      expect(e.message).toBe("Only max's own user or an admin can take over T-2026-007.");
    }
  });
});
