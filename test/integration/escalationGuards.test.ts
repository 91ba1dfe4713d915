// Guards of escalation that each need a test of their own (issue 19 items 3 and 4): a waiting parent's
// clock stays stopped whatever happens to the parent, and a take-over never goes to an agent who could not
// take new work.
import { describe, expect, it } from 'vitest';
import { addAgent, setBusy } from '../../src/app/agents.js';
import { escalateDue, escalateTicket, takeOver } from '../../src/app/escalation.js';
import { fileTicket } from '../../src/app/fileTicket.js';
import { handoffTicket } from '../../src/app/handoff.js';
import { assignTicket } from '../../src/app/ticketActions.js';
import { user } from '../../src/core/permissions.js';
import { getTicket } from '../../src/storage/tickets.js';
import { DB_KINDS, type TestDatabase } from '../support/db.js';
import { ADMIN, makeDeps, ManualClock, useCaseBed } from '../support/deps.js';
import { actionsOf, expectDomainError, HOUR, input, MIN, snapshot } from '../support/inspect.js';

const admin = user(ADMIN);
const REQ = 'UREQ0001';

describe.each(DB_KINDS)('escalation guards on %s', (kind) => {
  let db: TestDatabase;
  let clock: ManualClock;
  let deps: ReturnType<typeof makeDeps>;
  let t0: number;

  useCaseBed(kind, { per: 'test' }, (bed) => {
    ({ db, clock, deps } = bed);
    t0 = clock.now().getTime();
  });

  const agent = (handle: string, o: { escalatesTo?: string; capacity?: number; skills?: string[] } = {}) =>
    addAgent(deps, admin, {
      handle,
      skills: o.skills ?? ['ops'],
      channel: `C${handle.toUpperCase()}`,
      user: `U${handle.toUpperCase()}`,
      capacity: o.capacity,
      escalatesTo: o.escalatesTo ? { handle: o.escalatesTo } : undefined,
    });
  const at = (ms: number) => clock.set(new Date(t0 + ms));
  const file = async (title: string, assign: string) =>
    (await fileTicket(deps, user(REQ), input(title, { type: 'ops', assign: { handle: assign } }))).ticket.key;

  it('item 3 (issue 19): a parent waiting on its handoff child, escalated by hand and reassigned, keeps its clock stopped; a sweep 5 h later leaves it', async () => {
    await agent('lead');
    await agent('a', { escalatesTo: 'lead' });
    await agent('b', { escalatesTo: 'lead' });
    await agent('eng', { skills: ['eng'] });
    const parent = await file('parent', 'a');
    at(5 * MIN);
    const { child } = await handoffTicket(deps, admin, parent, { handle: 'eng' }, undefined);
    expect((await getTicket(db.db, parent))?.escalateDueAt).toBeNull();

    at(10 * MIN);
    await escalateTicket(deps, admin, parent, 'looking for help');
    expect(await getTicket(db.db, parent)).toMatchObject({ escalationLevel: 1, waitingOn: child.key, escalateDueAt: null });
    at(15 * MIN);
    await assignTicket(deps, admin, parent, { handle: 'b' });
    expect(await getTicket(db.db, parent)).toMatchObject({ assignee: 'b', waitingOn: child.key, escalateDueAt: null });

    at(15 * MIN + 5 * HOUR);
    const swept = await escalateDue(deps);
    expect(swept).not.toContain(parent);
    expect(await getTicket(db.db, parent)).toMatchObject({ escalationLevel: 1, escalateDueAt: null });
  });

  /** b is pinged for a ticket of a's: b may take it over, if b could take new work. */
  async function escalatedToB() {
    await agent('b', { capacity: 1 });
    await agent('a', { escalatesTo: 'b' });
    const K = await file('take me', 'a');
    await escalateTicket(deps, admin, K, undefined);
    expect(await getTicket(db.db, K)).toMatchObject({ assignee: 'a', escalatedTo: 'b' });
    return K;
  }

  it('item 4 (issue 19): a take-over by a busy agent is refused with the reason, and nothing changes', async () => {
    const K = await escalatedToB();
    await setBusy(deps, admin, { handle: 'b' }, { reason: 'offsite' });
    const before = await snapshot(db);
    await expectDomainError(takeOver(deps, user('UB'), K, null), 'agent_unavailable', "Can't give it to b: b is busy (offsite).");
    expect(await snapshot(db)).toEqual(before);
  });

  it('item 4 (issue 19): a take-over by an agent at capacity is refused with the reason, and nothing changes', async () => {
    const K = await escalatedToB();
    await file('fills b', 'b');
    const before = await snapshot(db);
    await expectDomainError(takeOver(deps, user('UB'), K, null), 'agent_unavailable', "Can't give it to b: b is at capacity (1/1).");
    expect(await snapshot(db)).toEqual(before);
    expect(await getTicket(db.db, K)).toMatchObject({ assignee: 'a' });
    expect(await actionsOf(db, K)).not.toContain('taken_over');
  });
});
