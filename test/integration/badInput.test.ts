// Bad input on every database: each gives a DomainError with its code and a message naming the value or
// option, and changes nothing at all (every table compared before and after).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAgent, removeAgent, setAvailable, setBusy, updateAgent } from '../../src/app/agents.js';
import { escalateTicket, takeOver } from '../../src/app/escalation.js';
import { fileTicket } from '../../src/app/fileTicket.js';
import { handoffTicket } from '../../src/app/handoff.js';
import { listFor } from '../../src/app/queries.js';
import { acceptTicket, assignTicket, claimNext, recordThreadReply, reopenTicket, resolveTicket, showTicket } from '../../src/app/ticketActions.js';
import type { ErrorCode } from '../../src/core/errors.js';
import { user } from '../../src/core/permissions.js';
import { LIMITS } from '../../src/core/types.js';
import { DB_KINDS, openTestDatabase, type TestDatabase } from '../support/db.js';
import { ADMIN, makeDeps, ManualClock } from '../support/deps.js';
import { domainError, input, snapshot } from '../support/inspect.js';

const admin = user(ADMIN);
const REQ = 'UREQ0001';
const STRANGER = user('USTRANGE1');
const NOPE = 'T-2026-999';

type Deps = ReturnType<typeof makeDeps>;

interface Case {
  name: string;
  run: (deps: Deps, k: { active: string; done: string }) => Promise<unknown>;
  code: ErrorCode;
  message: string | RegExp;
  field?: string;
}

const long = (n: number) => 'x'.repeat(n);

const CASES: Case[] = [
  // --- unknown agent --------------------------------------------------------------------------
  { name: 'assign to an unknown agent', run: (d, k) => assignTicket(d, admin, k.active, { handle: 'ghost' }), code: 'unknown_agent', message: 'There is no agent `ghost`. `/agent list` shows the roster.', field: 'handle' },
  { name: 'assign to a user who is no agent', run: (d, k) => assignTicket(d, admin, k.active, { user: 'UNOBODY1' }), code: 'unknown_agent', message: '<@UNOBODY1> is not an agent. `/agent list` shows the roster.', field: 'handle' },
  { name: 'handoff to an unknown agent', run: (d, k) => handoffTicket(d, admin, k.active, { handle: 'ghost' }, 'note'), code: 'unknown_agent', message: /`ghost`/ },
  { name: 'file with `assign:` an unknown agent', run: (d) => fileTicket(d, user(REQ), input('t', { assign: { handle: 'ghost' } })), code: 'unknown_agent', message: /`ghost`/ },
  { name: 'file with `handoff:` an unknown agent', run: (d) => fileTicket(d, user(REQ), input('t', { handoff: [{ handle: 'iris' }, { handle: 'ghost' }] })), code: 'unknown_agent', message: /`ghost`/ },
  { name: 'busy for an unknown agent', run: (d) => setBusy(d, admin, { handle: 'ghost' }, {}), code: 'unknown_agent', message: /`ghost`/ },
  { name: 'available for an unknown agent', run: (d) => setAvailable(d, admin, { handle: 'ghost' }), code: 'unknown_agent', message: /`ghost`/ },
  { name: 'update an unknown agent', run: (d) => updateAgent(d, admin, { handle: 'ghost', capacity: 2 }), code: 'unknown_agent', message: /`ghost`/ },
  { name: 'remove an unknown agent', run: (d) => removeAgent(d, admin, { handle: 'ghost' }), code: 'unknown_agent', message: /`ghost`/ },
  { name: 'next for an unknown agent', run: (d) => claimNext(d, admin, { handle: 'ghost' }), code: 'unknown_agent', message: /`ghost`/ },
  { name: 'escalates-to a user who is no agent', run: (d) => addAgent(d, admin, { handle: 'new1', skills: ['x'], channel: 'CNEW1', escalatesTo: { user: 'UGHOST1' } }), code: 'unknown_agent', message: /<@UGHOST1> is not the user of any agent/ },
  { name: 'take over for an unknown agent', run: (d, k) => takeOver(d, admin, k.active, { handle: 'ghost' }), code: 'unknown_agent', message: /`ghost`/ },
  { name: 'list an unknown agent', run: (d) => listFor(d, admin, { kind: 'agent', agent: { handle: 'ghost' } }), code: 'unknown_agent', message: /`ghost`/ },

  // --- unknown key ----------------------------------------------------------------------------
  ...(
    [
      ['show', (d: Deps) => showTicket(d, NOPE)],
      ['accept', (d: Deps) => acceptTicket(d, admin, NOPE)],
      ['resolve', (d: Deps) => resolveTicket(d, admin, NOPE, 'n')],
      ['reopen', (d: Deps) => reopenTicket(d, admin, NOPE, undefined)],
      ['escalate', (d: Deps) => escalateTicket(d, admin, NOPE, undefined)],
      ['assign', (d: Deps) => assignTicket(d, admin, NOPE, { handle: 'iris' })],
      ['handoff', (d: Deps) => handoffTicket(d, admin, NOPE, { handle: 'iris' }, undefined)],
      ['take over', (d: Deps) => takeOver(d, admin, NOPE, null)],
      ['comment', (d: Deps) => recordThreadReply(d, { ticketKey: NOPE, user: REQ, text: 'hi', ts: '1.2' })],
      ['file with `follows:`', (d: Deps) => fileTicket(d, user(REQ), input('t', { follows: NOPE }))],
    ] as const
  ).map(([what, run]): Case => ({ name: `${what} an unknown key`, run, code: 'unknown_ticket', message: 'There is no ticket `T-2026-999`.', field: 'key' })),

  // --- not allowed ----------------------------------------------------------------------------
  ...(['resolve', 'accept', 'escalate', 'handoff', 'assign', 'reopen'] as const).map(
    (action): Case => ({
      name: `${action} by someone not allowed`,
      run: (d, k) => {
        const key = action === 'reopen' ? k.done : k.active;
        switch (action) {
          case 'resolve':
            return resolveTicket(d, STRANGER, key, 'done');
          case 'accept':
            return acceptTicket(d, STRANGER, key);
          case 'escalate':
            return escalateTicket(d, STRANGER, key, undefined);
          case 'handoff':
            return handoffTicket(d, STRANGER, key, { handle: 'max' }, undefined);
          case 'assign':
            return assignTicket(d, STRANGER, key, { handle: 'max' });
          case 'reopen':
            return reopenTicket(d, STRANGER, key, undefined);
        }
      },
      code: 'not_allowed',
      message: new RegExp(`^You can't ${({ handoff: 'hand off', takeover: 'take over' } as Record<string, string>)[action] ?? action} T-2026-00\\d: only its assignee \\(iris\\), its requester or an admin can\\.$`),
    }),
  ),
  { name: 'resolve by another agent’s user', run: (d, k) => resolveTicket(d, user('UMAX'), k.active, undefined), code: 'not_allowed', message: /^You can't resolve/ },
  { name: 'add an agent as a non-admin', run: (d) => addAgent(d, user('UIRIS'), { handle: 'new2', skills: ['x'], channel: 'CNEW2' }), code: 'not_allowed', message: 'Only Baton admins (`ADMIN_USER_IDS`) can change the roster.' },
  { name: 'update an agent as its own user', run: (d) => updateAgent(d, user('UIRIS'), { handle: 'iris', capacity: 9 }), code: 'not_allowed', message: 'Only Baton admins (`ADMIN_USER_IDS`) can change the roster.' },
  { name: 'busy for another agent', run: (d) => setBusy(d, user('UMAX'), { handle: 'iris' }, {}), code: 'not_allowed', message: "Only iris's own user or an admin can set its availability." },
  { name: 'next for another agent', run: (d) => claimNext(d, user('UMAX'), { handle: 'iris' }), code: 'not_allowed', message: "Only iris's own user or an admin can pull work for it." },

  // --- wrong state ----------------------------------------------------------------------------
  { name: 'handoff to the current assignee', run: (d, k) => handoffTicket(d, user('UIRIS'), k.active, { handle: 'iris' }, 'to myself'), code: 'invalid_input', message: /^T-2026-00\d is already with iris; hand it off to another agent\.$/, field: 'handle' },
  { name: 'handoff to the assignee by its user mention', run: (d, k) => handoffTicket(d, admin, k.active, { user: 'UIRIS' }, undefined), code: 'invalid_input', message: /is already with iris/, field: 'handle' },
  { name: 'resolve a completed ticket', run: (d, k) => resolveTicket(d, admin, k.done, undefined), code: 'invalid_state', message: /^T-2026-00\d is already completed\.$/ },
  { name: 'accept a completed ticket', run: (d, k) => acceptTicket(d, admin, k.done), code: 'invalid_state', message: /is already completed/ },
  { name: 'assign a completed ticket', run: (d, k) => assignTicket(d, admin, k.done, { handle: 'max' }), code: 'invalid_state', message: /is completed; `\/ticket reopen T-2026-00\d` first\./ },
  { name: 'reopen an active ticket', run: (d, k) => reopenTicket(d, admin, k.active, undefined), code: 'invalid_state', message: /is not completed, so there is nothing to reopen/ },
  { name: 'assign to a busy agent', run: (d, k) => assignTicket(d, admin, k.active, { handle: 'bo' }), code: 'agent_unavailable', message: "Can't give it to bo: bo is busy (away).", field: 'handle' },

  // --- too long -------------------------------------------------------------------------------
  { name: 'a title too long', run: (d) => fileTicket(d, user(REQ), input(long(LIMITS.title + 1))), code: 'invalid_input', message: 'The title is 201 characters long; the limit is 200.', field: 'title' },
  { name: 'a title of 201 emoji', run: (d) => fileTicket(d, user(REQ), input('😀'.repeat(LIMITS.title + 1))), code: 'invalid_input', message: 'The title is 201 characters long; the limit is 200.', field: 'title' },
  { name: 'a description too long', run: (d) => fileTicket(d, user(REQ), { ...input('t'), description: long(LIMITS.description + 1) }), code: 'invalid_input', message: 'The description is 4001 characters long; the limit is 4000.', field: 'description' },
  { name: 'a context value too long', run: (d) => fileTicket(d, user(REQ), input('t', { context: { customer: long(LIMITS.contextValue + 1) } })), code: 'invalid_input', message: /customer:.* is 201 characters long; the limit is 200\./ },
  { name: 'too many context values', run: (d) => fileTicket(d, user(REQ), input('t', { context: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v'])) })), code: 'invalid_input', message: 'At most 20 context values (`name:value`) per ticket.', field: 'context' },
  { name: 'a resolve note too long', run: (d, k) => resolveTicket(d, admin, k.active, long(LIMITS.note + 1)), code: 'invalid_input', message: 'The note is 2001 characters long; the limit is 2000.', field: 'note' },
  { name: 'a handoff note too long', run: (d, k) => handoffTicket(d, admin, k.active, { handle: 'max' }, long(LIMITS.note + 1)), code: 'invalid_input', message: 'The note is 2001 characters long; the limit is 2000.', field: 'note' },
  { name: 'an escalate note too long', run: (d, k) => escalateTicket(d, admin, k.active, long(LIMITS.note + 1)), code: 'invalid_input', message: /^The note is 2001/, field: 'note' },
  { name: 'a reopen note too long', run: (d, k) => reopenTicket(d, admin, k.done, long(LIMITS.note + 1)), code: 'invalid_input', message: /^The note is 2001/, field: 'note' },
  { name: 'a busy reason too long', run: (d) => setBusy(d, admin, { handle: 'iris' }, { reason: long(LIMITS.reason + 1) }), code: 'invalid_input', message: 'The reason is 201 characters long; the limit is 200.', field: 'reason' },

  // --- NUL bytes ------------------------------------------------------------------------------
  { name: 'a NUL in the title', run: (d) => fileTicket(d, user(REQ), input('bad\u0000title')), code: 'invalid_input', message: "The title contains a NUL character, which can't be stored.", field: 'title' },
  { name: 'a NUL in the description', run: (d) => fileTicket(d, user(REQ), { ...input('t'), description: 't\n\u0000' }), code: 'invalid_input', message: /description contains a NUL/, field: 'description' },
  { name: 'a NUL in a context value', run: (d) => fileTicket(d, user(REQ), input('t', { context: { customer: 'ac\u0000me' } })), code: 'invalid_input', message: /customer:.* contains a NUL character/ },
  { name: 'a NUL in a context name', run: (d) => fileTicket(d, user(REQ), input('t', { context: { ['cus\u0000tomer']: 'acme' } })), code: 'invalid_input', message: /contains a NUL character/ },
  { name: 'a NUL in a resolve note', run: (d, k) => resolveTicket(d, admin, k.active, 'done\u0000'), code: 'invalid_input', message: "The note contains a NUL character, which can't be stored.", field: 'note' },
  { name: 'a NUL in a handoff note', run: (d, k) => handoffTicket(d, admin, k.active, { handle: 'max' }, '\u0000'), code: 'invalid_input', message: /note contains a NUL/, field: 'note' },
  { name: 'a NUL in a busy reason', run: (d) => setBusy(d, admin, { handle: 'iris' }, { reason: 'x\u0000' }), code: 'invalid_input', message: /reason contains a NUL/, field: 'reason' },

  // --- the roster -----------------------------------------------------------------------------
  { name: 'a duplicate handle', run: (d) => addAgent(d, admin, { handle: 'iris', skills: ['x'], channel: 'CX1' }), code: 'agent_exists', message: 'There is already an agent `iris`; use `/agent update` to change it.', field: 'handle' },
  { name: 'a user already used by another agent (add)', run: (d) => addAgent(d, admin, { handle: 'new3', skills: ['x'], channel: 'CX1', user: 'UIRIS' }), code: 'conflict', message: '<@UIRIS> is already the user of agent iris.', field: 'user' },
  { name: 'a user already used by another agent (update)', run: (d) => updateAgent(d, admin, { handle: 'max', user: 'UIRIS' }), code: 'conflict', message: '<@UIRIS> is already the user of agent iris.', field: 'user' },
  ...[0, -1, 100_001, 1.5, Number.NaN].map(
    (capacity): Case => ({
      name: `capacity ${capacity}`,
      run: (d) => addAgent(d, admin, { handle: 'new4', skills: ['x'], channel: 'CX1', capacity }),
      code: 'invalid_input',
      message: `\`capacity:\` must be a whole number from 1 to 100000, or \`unlimited\`; got \`${capacity}\`.`,
      field: 'capacity',
    }),
  ),
  { name: 'capacity out of range on update', run: (d) => updateAgent(d, admin, { handle: 'iris', capacity: 0 }), code: 'invalid_input', message: /^`capacity:` must be a whole number from 1 to 100000, or `unlimited`; got `0`\.$/, field: 'capacity' },
  { name: 'escalates-to itself (update)', run: (d) => updateAgent(d, admin, { handle: 'iris', escalatesTo: { handle: 'iris' } }), code: 'invalid_input', message: "iris can't escalate to itself.", field: 'escalates-to' },
  { name: 'escalates-to itself by user mention (update)', run: (d) => updateAgent(d, admin, { handle: 'iris', escalatesTo: { user: 'UIRIS' } }), code: 'invalid_input', message: "iris can't escalate to itself.", field: 'escalates-to' },
  { name: 'escalates-to itself (add)', run: (d) => addAgent(d, admin, { handle: 'new5', skills: ['x'], channel: 'CX1', escalatesTo: { handle: 'new5' } }), code: 'invalid_input', message: "new5 can't escalate to itself.", field: 'escalates-to' },
  { name: 'escalates-to its own user (add)', run: (d) => addAgent(d, admin, { handle: 'new6', skills: ['x'], channel: 'CX1', user: 'UNEW6', escalatesTo: { user: 'UNEW6' } }), code: 'invalid_input', message: "new6 can't escalate to itself.", field: 'escalates-to' },
  { name: 'a handle with capitals', run: (d) => addAgent(d, admin, { handle: 'Iris2', skills: ['x'], channel: 'CX1' }), code: 'invalid_input', message: /^`Iris2` is not a valid handle/, field: 'handle' },
  { name: 'no skills', run: (d) => addAgent(d, admin, { handle: 'new7', skills: [], channel: 'CX1' }), code: 'invalid_input', message: /^`skills:` needs at least one ticket type/, field: 'skills' },
  { name: 'a bad skill', run: (d) => addAgent(d, admin, { handle: 'new8', skills: ['Bad Skill'], channel: 'CX1' }), code: 'invalid_input', message: /^`Bad Skill` is not a ticket type/, field: 'skills' },
  { name: 'an update with nothing to change', run: (d) => updateAgent(d, admin, { handle: 'iris' }), code: 'invalid_input', message: /needs at least one option/, field: 'options' },
  { name: 'a bad ticket type', run: (d) => fileTicket(d, user(REQ), input('t', { type: 'Not A Type' })), code: 'invalid_input', message: /^`type:` must be lowercase letters, digits, `-` and `_`; got `Not A Type`\.$/, field: 'type' },
  { name: 'an empty title', run: (d) => fileTicket(d, user(REQ), input('   ')), code: 'invalid_input', message: 'The title is empty; it is required.', field: 'title' },
];

describe.each(DB_KINDS)('bad input on %s', (kind) => {
  let db: TestDatabase;
  let deps: Deps;
  const keys = { active: '', done: '' };

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    deps = makeDeps(db, { clock: new ManualClock() });
    await addAgent(deps, admin, { handle: 'iris', skills: ['general', 'billing'], channel: 'CIRIS', user: 'UIRIS' });
    await addAgent(deps, admin, { handle: 'max', skills: ['legal'], channel: 'CMAX', user: 'UMAX' });
    await addAgent(deps, admin, { handle: 'bo', skills: ['legal'], channel: 'CBO', user: 'UBO' });
    await setBusy(deps, admin, { handle: 'bo' }, { reason: 'away' });
    keys.active = (await fileTicket(deps, user(REQ), input('active one'))).ticket.key;
    keys.done = (await fileTicket(deps, user(REQ), input('done one'))).ticket.key;
    await resolveTicket(deps, user('UIRIS'), keys.done, 'done');
  });
  afterAll(async () => db?.close());

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const before = await snapshot(db);
    const e = await domainError(c.run(deps, keys));
    expect(e.code).toBe(c.code);
    if (typeof c.message === 'string') expect(e.message).toBe(c.message);
    else expect(e.message).toMatch(c.message);
    if (c.field !== undefined) expect(e.field).toBe(c.field);
    expect(await snapshot(db)).toEqual(before);
  });

  it('values at the limits are accepted, counted in characters', async () => {
    const f = await fileTicket(deps, user(REQ), input('😀'.repeat(LIMITS.title), { context: { customer: 'é'.repeat(LIMITS.contextValue) } }));
    expect([...f.ticket.title]).toHaveLength(LIMITS.title);
    await resolveTicket(deps, admin, f.ticket.key, '📎'.repeat(LIMITS.note));
    await setBusy(deps, admin, { handle: 'max' }, { reason: '🌴'.repeat(LIMITS.reason) });
  });
});
