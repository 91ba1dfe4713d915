// Escalation on every database: the sweep's thresholds, the chain, exhaustion, manual escalation and take-over.
// The sweep acts on the whole database, so each test gets a fresh one.
import { describe, expect, it } from 'vitest';
import { addAgent, setAvailable, setBusy, updateAgent } from '../../src/app/agents.js';
import { escalateDue, escalateTicket, takeOver } from '../../src/app/escalation.js';
import { fileTicket } from '../../src/app/fileTicket.js';
import { handoffTicket } from '../../src/app/handoff.js';
import { assignTicket, resolveTicket } from '../../src/app/ticketActions.js';
import { user } from '../../src/core/permissions.js';
import type { Priority } from '../../src/core/types.js';
import { getTicket } from '../../src/storage/tickets.js';
import { DB_KINDS, type TestDatabase } from '../support/db.js';
import { ADMIN, makeDeps, ManualClock, useCaseBed } from '../support/deps.js';
import { actionsOf, auditOf, countEvents, deliverHome, expectDomainError, HOUR, input, MIN, outboxOf, snapshot } from '../support/inspect.js';

const admin = user(ADMIN);
const REQ = 'UREQ0001';
const SEC = 1000;

describe.each(DB_KINDS)('escalation on %s', (kind) => {
  let db: TestDatabase;
  let clock: ManualClock;
  let deps: ReturnType<typeof makeDeps>;
  let t0: number;

  useCaseBed(kind, { per: 'test' }, (bed) => {
    ({ db, clock, deps } = bed);
    t0 = clock.now().getTime();
  });

  const agent = (handle: string, escalatesTo?: string) =>
    addAgent(deps, admin, {
      handle,
      skills: ['ops'],
      channel: `C${handle.toUpperCase()}`,
      user: `U${handle.toUpperCase()}`,
      escalatesTo: escalatesTo ? { handle: escalatesTo } : undefined,
    });
  const at = (ms: number) => clock.set(new Date(t0 + ms));
  const sweep = async () => (await escalateDue(deps)).sort();
  const file = async (title: string, o: { priority?: Priority; escalateAfterSec?: number; assign?: string } = {}) =>
    (
      await fileTicket(
        deps,
        user(REQ),
        input(title, { type: 'ops', priority: o.priority, escalateAfterSec: o.escalateAfterSec, assign: o.assign ? { handle: o.assign } : undefined }),
      )
    ).ticket.key;

  it('the threshold is by priority (urgent 15m, high 30m, normal 4h, low 1d) or by `escalate:`', async () => {
    await agent('lead');
    await agent('a', 'lead');
    const U = await file('urgent', { priority: 'urgent', assign: 'a' });
    const H = await file('high', { priority: 'high', assign: 'a' });
    const N = await file('normal', { assign: 'a' });
    const L = await file('low', { priority: 'low', assign: 'a' });
    const E = await file('explicit', { escalateAfterSec: 90, priority: 'urgent', assign: 'a' });

    at(89 * SEC);
    expect(await sweep()).toEqual([]);
    at(90 * SEC);
    expect(await sweep()).toEqual([E]); // level 1 → lead
    at(180 * SEC);
    expect(await sweep()).toEqual([E]); // level 2: lead escalates to no one: chain exhausted
    at(15 * MIN - SEC);
    expect(await sweep()).toEqual([]);
    at(15 * MIN);
    expect(await sweep()).toEqual([U]);
    at(30 * MIN - SEC);
    expect(await sweep()).toEqual([]);
    at(30 * MIN);
    expect(await sweep()).toEqual([H, U].sort());
    at(4 * HOUR - SEC);
    expect(await sweep()).toEqual([H]);
    at(4 * HOUR);
    expect(await sweep()).toEqual([N]);
    at(24 * HOUR - SEC);
    expect(await sweep()).toEqual([N]);
    at(24 * HOUR);
    expect(await sweep()).toEqual([L]);
    at(48 * HOUR);
    expect(await sweep()).toEqual([L]);
    at(400 * HOUR);
    expect(await sweep()).toEqual([]); // every chain is exhausted: the sweep leaves them alone

    for (const key of [U, H, N, L, E]) {
      expect(await actionsOf(db, key)).toEqual(['filed', 'assigned', 'escalated', 'escalation_exhausted']);
      expect(await getTicket(db.db, key)).toMatchObject({ escalationLevel: 2, escalatedTo: 'lead', chainExhausted: true, escalateDueAt: null, assignee: 'a' });
    }
  });

  it('an escalation pings the next agent, replies in the home thread and tells the managers; the clock restarts', async () => {
    await agent('lead');
    await agent('a', 'lead');
    const K = await file('stale', { priority: 'high', assign: 'a' });
    await deliverHome(db, K, '1700000010.000100');
    at(30 * MIN);
    expect(await sweep()).toEqual([K]);
    const t = await getTicket(db.db, K);
    expect(t).toMatchObject({ escalationLevel: 1, escalatedTo: 'lead', clockStartedAt: clock.now(), escalateDueAt: new Date(t0 + 60 * MIN), assignee: 'a' });
    const ev = (await auditOf(db, K)).at(-1)!;
    expect(ev).toMatchObject({ action: 'escalated', actor: 'baton', fromStatus: 'active', toStatus: 'active', note: 'past its escalation threshold', data: { level: 1, to: 'lead', reason: 'stale' } });
    const out = await outboxOf(db, K);
    const ping = out.find((m) => m.idempotencyKey === `${ev.id}:ping`)!;
    expect(ping.channel).toBe('CLEAD');
    expect(JSON.stringify(ping.blocks)).toContain('ticket_takeover');
    expect(JSON.stringify(ping.blocks)).toContain('https://slack.com/archives/CA/p1700000010000100');
    expect(ping.text).toContain('<@ULEAD>');
    expect(out.find((m) => m.idempotencyKey === `${ev.id}:home`)).toMatchObject({ threadOfTicket: K, threadOf: 'home' });
    const managers = out.find((m) => m.idempotencyKey === `${ev.id}:managers`)!;
    expect(managers.channel).toBe('CESCAL1');
    expect(managers.text).toContain('went stale (level 1)');
  });

  it('the chain skips busy agents and continues from the last agent pinged; a run-out chain tells managers once', async () => {
    await agent('d');
    await agent('c', 'd');
    await agent('b', 'c');
    await agent('a', 'b');
    await setBusy(deps, admin, { handle: 'b' }, { reason: 'offsite' });
    const K = await file('chain', { priority: 'urgent', assign: 'a' });

    at(15 * MIN);
    await sweep();
    expect((await auditOf(db, K)).at(-1)).toMatchObject({ action: 'escalated', data: { level: 1, to: 'c' } });
    await setAvailable(deps, admin, { handle: 'b' }); // too late for this ticket: it is past b
    at(30 * MIN);
    await sweep();
    expect((await auditOf(db, K)).at(-1)).toMatchObject({ action: 'escalated', data: { level: 2, to: 'd' } });
    at(45 * MIN);
    await sweep();
    expect((await auditOf(db, K)).at(-1)).toMatchObject({ action: 'escalation_exhausted', data: { level: 3, to: null } });
    for (let h = 1; h <= 48; h++) {
      at(45 * MIN + h * HOUR);
      expect(await sweep()).toEqual([]);
    }
    expect(await countEvents(db, 'escalation_exhausted', K)).toBe(1);
    const out = await outboxOf(db, K);
    // One message for the managers, then each later level as a reply in its thread (and an edit of it).
    const managers = out.filter((m) => m.channel === 'CESCAL1' && !m.updatesKey);
    expect(managers).toHaveLength(3);
    expect(managers.map((m) => [m.recordsManagersOf, m.threadOf])).toEqual([[K, null], [null, 'managers'], [null, 'managers']]);
    expect(managers.at(-1)!.text).toContain('escalation chain exhausted');
    expect(out.filter((m) => m.idempotencyKey.endsWith(':ping')).map((m) => m.channel)).toEqual(['CC', 'CD']);
    expect(out.some((m) => m.channel === 'CB')).toBe(false);

    // A new assignee starts a new chain.
    await assignTicket(deps, admin, K, { handle: 'b' });
    expect(await getTicket(db.db, K)).toMatchObject({ chainExhausted: false, escalatedTo: null, escalateDueAt: new Date(clock.now().getTime() + 15 * MIN) });
  });

  it('item 1: when an escalation chain loops back, then each agent is pinged at most once and the managers are told once that it ran out', async () => {
    await agent('felix');
    await agent('iris', 'felix');
    await agent('maya', 'iris');
    await updateAgent(deps, admin, { handle: 'felix', escalatesTo: { handle: 'maya' } }); // felix → maya → iris → felix
    const K = await file('Cycle test', { escalateAfterSec: 1, assign: 'iris' });
    const swept: string[][] = [];
    for (let s = 1; s <= 20; s++) {
      at(s * SEC);
      swept.push(await sweep());
    }
    expect(swept.flat()).toEqual([K, K, K]); // level 1 felix, level 2 maya, level 3 the round has nobody left
    const out = await outboxOf(db, K);
    expect(out.filter((m) => m.idempotencyKey.endsWith(':ping')).map((m) => m.channel)).toEqual(['CFELIX', 'CMAYA']);
    expect(out.filter((m) => m.channel === 'CIRIS' && m.idempotencyKey.endsWith(':ping'))).toEqual([]);
    expect(await countEvents(db, 'escalation_exhausted', K)).toBe(1);
    expect(await getTicket(db.db, K)).toMatchObject({ chainExhausted: true, escalationLevel: 3, escalateDueAt: null, assignee: 'iris' });
  });

  it('an assignee with no one to escalate to: managers are told once, then the sweep leaves it alone', async () => {
    await agent('solo');
    const K = await file('alone', { priority: 'urgent', assign: 'solo' });
    at(15 * MIN);
    expect(await sweep()).toEqual([K]);
    at(10 * 24 * HOUR);
    expect(await sweep()).toEqual([]);
    const out = await outboxOf(db, K);
    expect(out.filter((m) => m.channel === 'CESCAL1')).toHaveLength(1);
    expect(out.some((m) => m.idempotencyKey.endsWith(':ping'))).toBe(false);
    expect(await getTicket(db.db, K)).toMatchObject({ chainExhausted: true, escalationLevel: 1, escalateDueAt: null });
  });

  it('without an escalations channel, no managers notice is written', async () => {
    deps = makeDeps(db, { clock, escalationsChannel: null });
    await agent('solo');
    const K = await file('alone', { priority: 'urgent', assign: 'solo' });
    at(15 * MIN);
    await sweep();
    expect((await outboxOf(db, K)).filter((m) => m.idempotencyKey.endsWith(':managers'))).toEqual([]);
  });

  it('held, resolved and waiting tickets are never escalated; the clock starts again when the child is resolved', async () => {
    await agent('lead');
    await agent('a', 'lead');
    await agent('eng');
    const held = (await fileTicket(deps, user(REQ), input('held', { type: 'nobody', priority: 'urgent' }))).ticket.key;
    const done = await file('done', { priority: 'urgent', assign: 'a' });
    await resolveTicket(deps, admin, done, undefined);
    const parent = await file('parent', { priority: 'urgent', assign: 'a' });
    at(5 * MIN);
    const { child } = await handoffTicket(deps, admin, parent, { handle: 'eng' }, undefined);
    at(5 * HOUR);
    expect(await sweep()).toEqual([child.key]); // only the child, assigned at 5m
    await resolveTicket(deps, admin, child.key, 'fixed');
    at(5 * HOUR + 15 * MIN - SEC);
    expect(await sweep()).toEqual([]);
    at(5 * HOUR + 15 * MIN);
    expect(await sweep()).toEqual([parent]);
    expect(await actionsOf(db, held)).toEqual(['filed', 'held']);
  });

  it('escalateTicket by hand: the same step at once, with the note; refused when not allowed or not active', async () => {
    await agent('lead');
    await agent('a', 'lead');
    const K = await file('now', { assign: 'a' });
    at(MIN);
    const r = await escalateTicket(deps, user('UA'), K, '  customer is furious ');
    expect(r.target?.handle).toBe('lead');
    const ev = (await auditOf(db, K)).at(-1)!;
    expect(ev).toMatchObject({ action: 'escalated', actor: 'UA', note: 'customer is furious', data: { level: 1, to: 'lead', reason: 'manual' } });
    const out = await outboxOf(db, K);
    expect(JSON.stringify(out.find((m) => m.idempotencyKey === `${ev.id}:ping`)!.blocks)).toContain('customer is furious');
    expect(out.find((m) => m.idempotencyKey === `${ev.id}:managers`)!.text).toContain('escalated by hand');
    expect(await getTicket(db.db, K)).toMatchObject({ escalateDueAt: new Date(t0 + MIN + 4 * HOUR) });

    const before = await snapshot(db);
    await expectDomainError(escalateTicket(deps, user('USTRANGER'), K, undefined), 'not_allowed', `You can't escalate ${K}: only its assignee (a), its requester or an admin can.`);
    const held = (await fileTicket(deps, user(REQ), input('held', { type: 'nobody' }))).ticket.key;
    const mid = await snapshot(db);
    await expectDomainError(escalateTicket(deps, admin, held, undefined), 'invalid_state', `${held} is not assigned yet (it waits in intake: no agent takes \`nobody\` tickets).`);
    expect(await snapshot(db)).toEqual(mid);
    expect(before.audit_events).not.toEqual(mid.audit_events);
  });

  it('takeOver: the pinged agent takes the ticket; the chain continues from it; the old assignee gets held work', async () => {
    await agent('c');
    await agent('b', 'c');
    await addAgent(deps, admin, { handle: 'a', skills: ['ops'], channel: 'CA', user: 'UA', capacity: 1, escalatesTo: { handle: 'b' } });
    const K = await file('take me', { priority: 'urgent', assign: 'a' });
    await deliverHome(db, K, '1700000020.000100');
    const waiting = (await fileTicket(deps, user(REQ), input('waits for a', { type: 'ops', assign: { handle: 'a' } }))).ticket.key;
    at(15 * MIN);
    await sweep();

    await expectDomainError(takeOver(deps, user('UA'), K, null), 'not_allowed', `Only b's own user or an admin can take over ${K}.`);
    at(16 * MIN);
    const r = await takeOver(deps, user('UB'), K, null);
    expect(r.agent.handle).toBe('b');
    expect(await getTicket(db.db, K)).toMatchObject({ assignee: 'b', escalationLevel: 1, escalatedTo: null, escalateDueAt: new Date(t0 + 31 * MIN) });
    const ev = (await auditOf(db, K)).at(-1)!;
    expect(ev).toMatchObject({ action: 'taken_over', actor: 'UB', data: { agent: 'b', previous: 'a' }, note: 'taken over after escalation' });
    const out = await outboxOf(db, K);
    expect(out.find((m) => m.idempotencyKey === `${ev.id}:old-thread`)).toMatchObject({ channel: 'CA', threadTs: '1700000020.000100' });
    const card = out.find((m) => m.idempotencyKey === `${ev.id}:card`)!;
    expect(card).toMatchObject({ channel: 'CB', recordsHomeOf: K });
    expect(card.text).toContain('took over');
    // a had room again: the ticket waiting for it was assigned in the same step.
    expect(await getTicket(db.db, waiting)).toMatchObject({ status: 'active', assignee: 'a' });

    at(31 * MIN);
    await sweep();
    expect((await auditOf(db, K)).at(-1)).toMatchObject({ action: 'escalated', data: { level: 2, to: 'c' } });
    await expectDomainError(takeOver(deps, user('UB'), K, { handle: 'b' }), 'invalid_state', `${K} is already with b.`);
  });

  it('takeOver of a ticket that was never escalated is refused', async () => {
    await agent('a');
    const K = await file('fresh', { assign: 'a' });
    const before = await snapshot(db);
    await expectDomainError(takeOver(deps, admin, K, null), 'invalid_state', `${K} has no escalation to take over.`);
    expect(await snapshot(db)).toEqual(before);
  });
});
