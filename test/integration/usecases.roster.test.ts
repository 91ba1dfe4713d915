// The roster as people set it up: escalation links to agents not added yet or removed, loops, capacity.
import { describe, expect, it } from 'vitest';
import { addAgent, removeAgent, rosterWithLoad, updateAgent } from '../../src/app/agents.js';
import { fileTicket } from '../../src/app/fileTicket.js';
import { user } from '../../src/core/permissions.js';
import { UNLIMITED_CAPACITY } from '../../src/core/validate.js';
import { getAgent } from '../../src/storage/agents.js';
import { getTicket } from '../../src/storage/tickets.js';
import { agentAdded, agentRemoved, agentUpdated } from '../../src/slack/blocks/outcomes.js';
import { agentList } from '../../src/slack/blocks/lists.js';
import { DB_KINDS, type TestDatabase } from '../support/db.js';
import { ADMIN, makeDeps, ManualClock, useCaseBed } from '../support/deps.js';
import { auditOf, deliverHome, expectDomainError, input, outboxOf } from '../support/inspect.js';

const admin = user(ADMIN);
const REQ = 'UREQ0001';

describe.each(DB_KINDS)('the roster as people set it up on %s', (kind) => {
  let db: TestDatabase;
  let clock: ManualClock;
  let deps: ReturnType<typeof makeDeps>;
  useCaseBed(kind, { per: 'test' }, (bed) => ({ db, clock, deps } = bed));

  const add = (handle: string, o: { escalatesTo?: string; capacity?: number; skills?: string[] } = {}) =>
    addAgent(deps, admin, {
      handle,
      skills: o.skills ?? ['support'],
      channel: `C${handle.toUpperCase()}`,
      user: `U${handle.toUpperCase()}`,
      capacity: o.capacity,
      escalatesTo: o.escalatesTo ? { handle: o.escalatesTo } : undefined,
    });

  it('item 6 (issue 11): escalates-to may name an agent not on the roster yet: it succeeds and says so, and the chain follows it once it is added', async () => {
    const r = await add('iris', { escalatesTo: 'felix' });
    expect(r.agent.escalatesTo).toBe('felix');
    expect(r.warnings).toEqual(['`escalates-to:felix`: felix is not on the roster yet; escalations skip it until it is added.']);
    expect(agentAdded(r).text).toContain('felix is not on the roster yet; escalations skip it until it is added');
    const felix = await add('felix');
    expect(felix.warnings).toEqual(['iris escalates to felix again.']);
  });

  it('item 10: escalates-to:fleix names the option and the closest agent', async () => {
    await add('felix');
    const iris = await add('iris', { escalatesTo: 'fleix' });
    expect(iris.warnings[0]).toBe('`escalates-to:fleix`: fleix is not on the roster yet; escalations skip it until it is added. Did you mean felix?');
  });

  it('item 6 (issue 11): capacity takes up to 100000 or unlimited, shown as unlimited', async () => {
    const big = await add('bulk', { capacity: 100_000 });
    expect(big.agent.capacity).toBe(100_000);
    await add('bot', { capacity: UNLIMITED_CAPACITY });
    expect((await getAgent(db.db, 'bot'))!.capacity).toBe(UNLIMITED_CAPACITY);
    const list = agentList(await rosterWithLoad(deps), { now: clock.now(), timeZone: 'UTC' });
    expect(JSON.stringify(list.blocks)).toContain('load 0/unlimited');
    expect(JSON.stringify(list.blocks)).toContain('load 0/100000');
    await expectDomainError(add('toomany', { capacity: 100_001 }), 'invalid_input', /from 1 to 100000, or `unlimited`/, 'capacity');
  });

  it('item 1: an escalates-to that closes a loop is accepted with a warning naming the loop', async () => {
    await add('felix', { escalatesTo: 'iris' });
    const r = await add('iris', { escalatesTo: 'felix' });
    expect(r.agent.escalatesTo).toBe('felix');
    expect(r.warnings).toContain('iris → felix → iris: escalations stop at the end of the loop.');
    await add('maya');
    const u = await updateAgent(deps, admin, { handle: 'iris', escalatesTo: { handle: 'maya' } });
    expect(u.warnings).toEqual([]);
    const v = await updateAgent(deps, admin, { handle: 'maya', escalatesTo: { handle: 'felix' } });
    expect(agentUpdated(v).text).toContain('maya → felix → iris → maya: escalations stop at the end of the loop.');
  });

  it('item 10: lowering capacity under the active load says what happens: they stay, new work waits', async () => {
    await add('iris', { capacity: 5 });
    for (let i = 0; i < 3; i++) await fileTicket(deps, user(REQ), input(`t${i}`, { type: 'support' }));
    const r = await updateAgent(deps, admin, { handle: 'iris', capacity: 1 });
    expect(r.warnings).toEqual(['iris has 3 active tickets, more than its new capacity of 1: they stay with it, and new work waits until it is under capacity.']);
    const held = await fileTicket(deps, user(REQ), input('next', { type: 'support' }));
    expect(held.agent).toBeNull();
  });

  it('item 10: assign: to an agent without the ticket type pins it as asked, and says so', async () => {
    await add('devin', { skills: ['engineering'] });
    const r = await fileTicket(deps, user(REQ), input('refund', { type: 'billing', assign: { handle: 'devin' } }));
    expect(r.agent?.handle).toBe('devin');
    expect(r.reason).toBe('assigned to devin as asked, though devin does not take `billing` tickets');
  });

  it('item 4: removing an agent keeps the chains that point at it as dangling links, says which changed, and re-adding restores them', async () => {
    await add('felix');
    await add('iris', { escalatesTo: 'felix' });
    await add('maya', { escalatesTo: 'felix' });
    const r = await removeAgent(deps, admin, { handle: 'felix' });
    expect(r.chainsChanged).toEqual(['iris', 'maya']);
    expect(agentRemoved(r).text).toContain('iris and maya escalated to felix; their escalations skip it until it is added again.');
    expect((await getAgent(db.db, 'iris'))!.escalatesTo).toBe('felix');
    expect(JSON.stringify(agentList(await rosterWithLoad(deps), { now: clock.now(), timeZone: 'UTC' }).blocks)).toContain('escalates to @felix');
    const back = await add('felix');
    expect(back.warnings).toEqual(['iris and maya escalate to felix again.']);
    expect((await getAgent(db.db, 'maya'))!.escalatesTo).toBe('felix');
  });

  it('item 4: the removed agent’s open tickets: their cards lose their buttons and get a thread note', async () => {
    await add('felix');
    const f = await fileTicket(deps, user(REQ), input('open one', { type: 'support' }));
    expect(f.agent?.handle).toBe('felix');
    await deliverHome(db, f.ticket.key, '1700000010.000100');
    await removeAgent(deps, admin, { handle: 'felix' });
    const out = await outboxOf(db, f.ticket.key);
    const assignedId = (await auditOf(db, f.ticket.key)).find((e) => e.action === 'assigned')!.id;
    const edit = out.find((m) => m.updatesKey === `${assignedId}:card`)!;
    expect(edit).toMatchObject({ channel: 'CFELIX' });
    expect(JSON.stringify(edit.blocks)).not.toContain('"actions"');
    expect(edit.text).toContain('left the roster; it went back to intake');
    const note = out.find((m) => m.idempotencyKey.endsWith(':removed-note'))!;
    expect(note).toMatchObject({ channel: 'CFELIX', threadTs: '1700000010.000100' });
    expect(note.text).toContain('@felix left the roster; this card no longer acts, and it waits in intake');
    expect((await getTicket(db.db, f.ticket.key))!.status).toBe('intake');
  });
});
