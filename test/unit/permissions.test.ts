import { describe, expect, it } from 'vitest';
import {
  actorName,
  agentPrincipal,
  assertCanActAsAgent,
  assertCanActOnTicket,
  assertCanManageRoster,
  assertCanTakeOver,
  BATON,
  canActOnTicket,
  isAdmin,
  principalMention,
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

describe('how a principal is named', () => {
  it.each<[string, Principal, string, string]>([
    ['a Slack user', user(IRIS_USER), IRIS_USER, `<@${IRIS_USER}>`],
    ['an agent’s API token', agentPrincipal('iris', 'api'), 'agent:iris', '@iris'],
    ['an agent over MCP', agentPrincipal('max', 'mcp'), 'agent:max', '@max'],
    ['Baton itself', BATON, 'baton', 'Baton'],
  ])('%s: %s in the trail, %s in Slack', (_n, p, trail, mention) => {
    expect(actorName(p)).toBe(trail);
    expect(principalMention(p)).toBe(mention);
  });

  it('an agent principal carries its handle and how it called', () => {
    expect(agentPrincipal('iris', 'webhook')).toEqual({ kind: 'agent', handle: 'iris', via: 'webhook' });
  });
});

describe('an agent’s token', () => {
  it.each(['api', 'mcp', 'webhook', 'a2a'] as const)('is never an admin (via %s)', (via) => {
    expect(isAdmin(agentPrincipal('iris', via), { admins: ['iris', 'agent:iris'] })).toBe(false);
    expect(() => assertCanManageRoster(agentPrincipal('iris', via), policy)).toThrow('Only Baton admins (`ADMIN_USER_IDS`) can change the roster.');
  });

  it('may set its own agent’s availability', () => {
    expect(() => assertCanActAsAgent(agentPrincipal('iris', 'api'), iris, policy, 'set its availability')).not.toThrow();
  });

  it('may not set another agent’s availability, and is told whose token it is', () => {
    const e = refusal(() => assertCanActAsAgent(agentPrincipal('max', 'api'), iris, policy, 'set its availability'));
    expect(e.code).toBe('not_allowed');
    expect(e.message).toBe("The token of max can't set its availability: only iris itself or an admin can.");
  });

  it('a user whose ID is an agent’s handle is not that agent', () => {
    const agentNamedLikeUser = makeAgent(STRANGER, { user: IRIS_USER });
    expect(() => assertCanActAsAgent(user(STRANGER), agentNamedLikeUser, policy, 'set its availability')).toThrow(
      `Only ${STRANGER}'s own user or an admin can set its availability.`,
    );
  });

  const ALL: TicketAction[] = ['accept', 'resolve', 'handoff', 'escalate', 'reopen', 'assign', 'takeover', 'update', 'decline', 'wait', 'resume'];
  const WORDS: Record<TicketAction, string> = {
    accept: 'accept',
    resolve: 'resolve',
    handoff: 'hand off',
    escalate: 'escalate',
    reopen: 'reopen',
    assign: 'assign',
    takeover: 'take over',
    update: 'post an update on',
    decline: 'decline',
    wait: 'put on hold for its requester',
    resume: 'resume',
  };

  it.each(ALL)('may %s a ticket assigned to its agent', (action) => {
    const t = makeTicket({ key: 'T-2026-007', assignee: 'iris', requester: REQUESTER });
    expect(canActOnTicket(agentPrincipal('iris', 'api'), t, iris, policy)).toBe(true);
    expect(() => assertCanActOnTicket(agentPrincipal('iris', 'api'), t, iris, policy, action)).not.toThrow();
  });

  it.each(ALL)('may %s a ticket its agent filed, assigned to another', (action) => {
    const t = makeTicket({ key: 'T-2026-007', assignee: 'iris', requester: 'agent:max' });
    expect(canActOnTicket(agentPrincipal('max', 'mcp'), t, iris, policy)).toBe(true);
    expect(() => assertCanActOnTicket(agentPrincipal('max', 'mcp'), t, iris, policy, action)).not.toThrow();
  });

  it.each(ALL)('may not %s a ticket neither assigned to nor filed by its agent, and is told why', (action) => {
    const t = makeTicket({ key: 'T-2026-007', assignee: 'iris', requester: REQUESTER });
    expect(canActOnTicket(agentPrincipal('max', 'api'), t, iris, policy)).toBe(false);
    const e = refusal(() => assertCanActOnTicket(agentPrincipal('max', 'api'), t, iris, policy, action));
    expect(e.code).toBe('not_allowed');
    expect(e.message).toBe(`max can't ${WORDS[action]} T-2026-007: it is neither assigned to max nor filed by it.`);
  });

  it('gets no rights from the assignee’s or the requester’s Slack user', () => {
    const t = makeTicket({ key: 'T-2026-007', assignee: 'iris', requester: 'max' });
    expect(canActOnTicket(agentPrincipal('max', 'api'), t, makeAgent('iris', { user: 'agent:max' }), policy)).toBe(false);
  });

  it('may not take over from an escalation ping, even for its own agent', () => {
    const e = refusal(() => assertCanTakeOver(agentPrincipal('max', 'api'), max, ticket, policy));
    expect(e.message).toBe("Only max's own user or an admin can take over T-2026-007.");
  });
});
