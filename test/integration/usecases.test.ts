// Every use case on every database: what it returns, the state it leaves, its audit events and its outbox rows.
// Escalation and the release of held tickets have their own files (usecases.escalation, usecases.held).
import { beforeAll, describe, expect, it } from 'vitest';
import { addAgent, endBusyWindows, removeAgent, rosterWithLoad, setAvailable, setBusy, updateAgent } from '../../src/app/agents.js';
import { fileTicket, type FileTicketInput } from '../../src/app/fileTicket.js';
import { handoffTicket } from '../../src/app/handoff.js';
import { listFor } from '../../src/app/queries.js';
import { acceptTicket, assignTicket, claimNext, recordThreadReply, reopenTicket, resolveTicket, showTicket } from '../../src/app/ticketActions.js';
import { BATON, user } from '../../src/core/permissions.js';
import { LIMITS } from '../../src/core/types.js';
import { getAgent } from '../../src/storage/agents.js';
import { getTicket } from '../../src/storage/tickets.js';
import { DB_KINDS, type TestDatabase } from '../support/db.js';
import { ADMIN, makeDeps, ManualClock, useCaseBed } from '../support/deps.js';
import { actionsOf, allOutbox, auditOf, deliverHome, expectDomainError, HOUR, input, MIN, outboxOf, snapshot } from '../support/inspect.js';

const admin = user(ADMIN);
const REQ = 'UREQ0001';

// One database for the whole file: the roster grows test by test, and later tests reuse agents, tickets and
// the clock of earlier ones (`fa`, `pa`, the reopened ticket …), so the tests run in the order written.
for (const kind of DB_KINDS) describe(`use cases on ${kind}`, { shuffle: false }, () => {
  let db: TestDatabase;
  let clock: ManualClock;
  let deps: ReturnType<typeof makeDeps>;

  useCaseBed(kind, { per: 'block' }, (bed) => ({ db, clock, deps } = bed));

  /** An agent for one test: skills default to that test's own ticket type. */
  const agent = (handle: string, skills: string[], o: { capacity?: number; escalatesTo?: string; user?: string } = {}) =>
    addAgent(deps, admin, {
      handle,
      skills,
      channel: `C${handle.toUpperCase().replace(/[^A-Z0-9]/g, '')}`,
      user: o.user ?? `U${handle.toUpperCase().replace(/[^A-Z0-9]/g, '')}`,
      capacity: o.capacity,
      escalatesTo: o.escalatesTo ? { handle: o.escalatesTo } : undefined,
    });
  const uid = (handle: string) => `U${handle.toUpperCase().replace(/[^A-Z0-9]/g, '')}`;
  const ch = (handle: string) => `C${handle.toUpperCase().replace(/[^A-Z0-9]/g, '')}`;

  // --- the roster -----------------------------------------------------------------------------

  describe('the roster', () => {
    it('addAgent stores the agent with its defaults and audits it; no message is sent', async () => {
      const before = (await allOutbox(db)).length;
      const r = await addAgent(deps, admin, { handle: 'iris', skills: ['billing', 'support', 'billing'], channel: 'CIRIS01', user: 'UIRIS01' });
      expect(r.agent).toMatchObject({ handle: 'iris', skills: ['billing', 'support'], channel: 'CIRIS01', user: 'UIRIS01', capacity: 5, escalatesTo: null, busy: false });
      expect(r.assigned).toEqual([]);
      expect(await getAgent(db.db, 'iris')).toEqual(r.agent);
      const trail = await auditOf(db, 'agent:iris');
      expect(trail).toHaveLength(1);
      expect(trail[0]).toMatchObject({
        actor: ADMIN,
        action: 'agent_added',
        data: { skills: ['billing', 'support'], channel: 'CIRIS01', user: 'UIRIS01', capacity: 5, escalatesTo: null },
      });
      expect((await allOutbox(db)).length).toBe(before);
    });

    it('updateAgent changes only the options given and audits what changed', async () => {
      await agent('max', ['legal']);
      const r = await updateAgent(deps, admin, { handle: 'iris', capacity: 2, escalatesTo: { user: 'UMAX' } });
      expect(r.agent).toMatchObject({ handle: 'iris', skills: ['billing', 'support'], channel: 'CIRIS01', user: 'UIRIS01', capacity: 2, escalatesTo: 'max' });
      expect(await getAgent(db.db, 'iris')).toMatchObject({ capacity: 2, escalatesTo: 'max' });
      const last = (await auditOf(db, 'agent:iris')).at(-1)!;
      expect(last).toMatchObject({ action: 'agent_updated', actor: ADMIN, data: { capacity: { from: 5, to: 2 }, escalatesTo: { from: null, to: 'max' } } });
      expect(Object.keys(last.data)).toEqual(['capacity', 'escalatesTo']);

      await updateAgent(deps, admin, { handle: 'iris', skills: ['billing'], channel: 'CIRIS02', user: null, escalatesTo: null });
      expect(await getAgent(db.db, 'iris')).toMatchObject({ skills: ['billing'], channel: 'CIRIS02', user: null, escalatesTo: null, capacity: 2 });
      await updateAgent(deps, admin, { handle: 'iris', channel: 'CIRIS01', user: 'UIRIS01' });
    });

    it('setBusy and setAvailable by the agent’s own user are audited; available when not busy changes nothing', async () => {
      const until = new Date(clock.now().getTime() + 2 * HOUR);
      const busy = await setBusy(deps, user('UIRIS01'), { handle: 'iris' }, { until, reason: '  dentist ' });
      expect(busy.agent).toMatchObject({ busy: true, busyUntil: until, busyReason: 'dentist' });
      expect(await getAgent(db.db, 'iris')).toMatchObject({ busy: true, busyUntil: until, busyReason: 'dentist' });
      expect((await auditOf(db, 'agent:iris')).at(-1)).toMatchObject({ action: 'busy', actor: 'UIRIS01', note: 'dentist', data: { until: until.toISOString() } });

      const avail = await setAvailable(deps, user('UIRIS01'), { user: 'UIRIS01' });
      expect(avail).toMatchObject({ wasBusy: true, assigned: [] });
      expect(await getAgent(db.db, 'iris')).toMatchObject({ busy: false, busyUntil: null, busyReason: null });
      expect((await auditOf(db, 'agent:iris')).at(-1)).toMatchObject({ action: 'available', actor: 'UIRIS01' });

      const n = (await auditOf(db, 'agent:iris')).length;
      expect(await setAvailable(deps, admin, { handle: 'iris' })).toMatchObject({ wasBusy: false });
      expect((await auditOf(db, 'agent:iris')).length).toBe(n);
    });

    it('setBusy and setAvailable are refused to another agent’s user', async () => {
      const before = await snapshot(db);
      await expectDomainError(setBusy(deps, user('UMAX'), { handle: 'iris' }, {}), 'not_allowed', "Only iris's own user or an admin can set its availability.");
      await expectDomainError(setAvailable(deps, user('UMAX'), { handle: 'iris' }), 'not_allowed', "Only iris's own user or an admin can set its availability.");
      expect(await snapshot(db)).toEqual(before);
    });

    it('endBusyWindows ends only the windows that are over, as Baton', async () => {
      const now = clock.now().getTime();
      await agent('wa', ['w1']);
      await agent('wb', ['w1']);
      await agent('wc', ['w1']);
      await setBusy(deps, admin, { handle: 'wa' }, { until: new Date(now + HOUR) });
      await setBusy(deps, admin, { handle: 'wb' }, { until: new Date(now + 3 * HOUR) });
      await setBusy(deps, admin, { handle: 'wc' }, { reason: 'until further notice' });
      expect(await endBusyWindows(deps)).toEqual([]);
      clock.advance(HOUR);
      expect(await endBusyWindows(deps)).toEqual([{ handle: 'wa', assigned: [] }]);
      expect(await getAgent(db.db, 'wa')).toMatchObject({ busy: false, busyUntil: null });
      expect(await getAgent(db.db, 'wb')).toMatchObject({ busy: true });
      expect(await getAgent(db.db, 'wc')).toMatchObject({ busy: true });
      expect((await auditOf(db, 'agent:wa')).at(-1)).toMatchObject({ action: 'available', actor: 'baton' });
      expect(await endBusyWindows(deps)).toEqual([]);
    });

    it('rosterWithLoad gives every agent with its active tickets', async () => {
      const roster = await rosterWithLoad(deps);
      expect(roster.map((a) => a.handle)).toEqual(['iris', 'max', 'wa', 'wb', 'wc']);
      expect(roster.every((a) => a.active === 0)).toBe(true);
    });

    it('removeAgent: its open tickets go back to intake and are routed again, pinned ones too', async () => {
      await agent('rm', ['repair'], { capacity: 3 });
      await agent('ok', ['repair'], { capacity: 1 });
      await agent('boss', ['exec'], { escalatesTo: 'rm' });
      await setBusy(deps, admin, { handle: 'ok' }, {});
      const r1 = await fileTicket(deps, user(REQ), input('R1', { type: 'repair' }));
      clock.advance(MIN);
      const r2 = await fileTicket(deps, user(REQ), input('R2', { type: 'repair', priority: 'urgent' }));
      clock.advance(MIN);
      const r3 = await fileTicket(deps, user(REQ), input('R3', { type: 'repair', priority: 'low' }));
      clock.advance(MIN);
      const p = await fileTicket(deps, user(REQ), input('P', { type: 'repair', assign: { handle: 'rm' } }));
      expect([r1, r2, r3].map((f) => f.agent?.handle)).toEqual(['rm', 'rm', 'rm']);
      expect(p.agent).toBeNull();
      expect(p.reason).toBe('waiting for rm, who is at capacity (3/3)');
      await setAvailable(deps, admin, { handle: 'ok' });

      clock.advance(MIN);
      const removed = await removeAgent(deps, admin, { handle: 'rm' });
      expect(removed.rerouted).toEqual([
        { key: r2.ticket.key, to: 'ok' },
        { key: r1.ticket.key, to: null },
        { key: r3.ticket.key, to: null },
        { key: p.ticket.key, to: null },
      ]);
      expect(await getAgent(db.db, 'rm')).toBeNull();
      expect(await getAgent(db.db, 'boss')).toMatchObject({ escalatesTo: 'rm' }); // kept as a dangling link until rm is added again
      expect((await auditOf(db, 'agent:rm')).at(-1)).toMatchObject({ action: 'agent_removed', actor: ADMIN, data: { openTickets: [r2.ticket.key, r1.ticket.key, r3.ticket.key] } });

      expect(await actionsOf(db, r2.ticket.key)).toEqual(['filed', 'assigned', 'unassigned', 'assigned']);
      const r2trail = await auditOf(db, r2.ticket.key);
      expect(r2trail[2]).toMatchObject({ actor: ADMIN, fromStatus: 'active', toStatus: 'intake', note: 'rm left the roster' });
      expect(r2trail[3]).toMatchObject({ actor: 'baton', fromStatus: 'intake', toStatus: 'active', data: { agent: 'ok', previous: null } });
      expect(await getTicket(db.db, r2.ticket.key)).toMatchObject({ status: 'active', assignee: 'ok' });
      const cards = (await outboxOf(db, r2.ticket.key)).filter((m) => m.recordsHomeOf === r2.ticket.key).map((m) => m.channel);
      expect(cards).toEqual(['CRM', 'COK']);

      for (const t of [r1, r3]) {
        expect(await actionsOf(db, t.ticket.key)).toEqual(['filed', 'assigned', 'unassigned', 'held']);
        expect(await getTicket(db.db, t.ticket.key)).toMatchObject({ status: 'intake', assignee: null, escalateDueAt: null, holdReason: 'no `repair` agent is free: ok is at capacity (1/1)' });
      }
      expect(await getTicket(db.db, p.ticket.key)).toMatchObject({ status: 'intake', pinnedAgent: null, holdReason: 'no `repair` agent is free: ok is at capacity (1/1)' });
      expect(await actionsOf(db, p.ticket.key)).toEqual(['filed', 'held', 'held']);

      // The held ones flow to ok as it frees up, most urgent then oldest: R1 (normal) before R3 (low).
      await resolveTicket(deps, user('UOK'), r2.ticket.key, 'done');
      expect(await getTicket(db.db, r1.ticket.key)).toMatchObject({ status: 'active', assignee: 'ok' });
      expect(await getTicket(db.db, r3.ticket.key)).toMatchObject({ status: 'intake' });
    });

    it('removeAgent needs an admin and a known agent', async () => {
      const before = await snapshot(db);
      await expectDomainError(removeAgent(deps, user('UOK'), { handle: 'ok' }), 'not_allowed', 'Only Baton admins (`ADMIN_USER_IDS`) can change the roster.');
      await expectDomainError(removeAgent(deps, admin, { handle: 'ghost' }), 'unknown_agent', 'There is no agent `ghost`. `/agent list` shows the roster.');
      expect(await snapshot(db)).toEqual(before);
    });
  });

  // --- filing and routing ---------------------------------------------------------------------

  describe('fileTicket', () => {
    it('files in intake, routes to an agent, posts the card in its channel and starts the escalation clock', async () => {
      await agent('fa', ['filing']);
      const now = clock.now();
      const f = await fileTicket(deps, user(REQ), input('Printer is jammed', { type: 'filing', description: 'Printer is jammed\nfloor 3', context: { floor: '3' } }));
      expect(f.ticket.key).toMatch(/^T-2026-\d{3}$/);
      expect(f.agent?.handle).toBe('fa');
      expect(f.reason).toBe('fa is the only free `filing` agent');
      const t = await getTicket(db.db, f.ticket.key);
      expect(t).toMatchObject({
        type: 'filing',
        title: 'Printer is jammed',
        description: 'Printer is jammed\nfloor 3',
        priority: 'normal',
        status: 'active',
        assignee: 'fa',
        requester: REQ,
        context: { floor: '3' },
        escalationLevel: 0,
        assignedAt: now,
        clockStartedAt: now,
        escalateDueAt: new Date(now.getTime() + 4 * HOUR),
        holdReason: null,
      });
      const trail = await auditOf(db, f.ticket.key);
      expect(trail.map((e) => [e.action, e.actor, e.fromStatus, e.toStatus])).toEqual([
        ['filed', REQ, null, 'intake'],
        ['assigned', 'baton', 'intake', 'active'],
      ]);
      expect(trail[0]).toMatchObject({ note: 'Printer is jammed', data: { type: 'filing', priority: 'normal' } });
      expect(trail[1]).toMatchObject({ note: 'fa is the only free `filing` agent', data: { agent: 'fa', previous: null } });
      const out = await outboxOf(db, f.ticket.key);
      expect(out).toHaveLength(1);
      expect(out[0]).toMatchObject({ channel: 'CFA', recordsHomeOf: f.ticket.key, status: 'pending', threadTs: null });
      const blocks = JSON.stringify(out[0]!.blocks);
      for (const id of ['ticket_accept', 'ticket_resolve', 'ticket_handoff', 'ticket_escalate']) expect(blocks).toContain(id);
      expect(blocks).toContain(`"value":"${f.ticket.key}"`);
      expect(blocks).toContain('<@UFA>');
    });

    it('gives consecutive keys T-<year>-NNN and uses the default type', async () => {
      const a = await fileTicket(deps, user(REQ), input('first'));
      const b = await fileTicket(deps, user(REQ), input('second'));
      const n = Number(a.ticket.key.slice(7));
      expect(b.ticket.key).toBe(`T-2026-${String(n + 1).padStart(3, '0')}`);
      expect(a.ticket.type).toBe('general');
      expect(a.agent).toBeNull();
      expect(a.reason).toBe('no agent takes `general` tickets');
      expect(await actionsOf(db, a.ticket.key)).toEqual(['filed', 'held']);
      expect((await auditOf(db, a.ticket.key))[1]).toMatchObject({ actor: 'baton', fromStatus: 'intake', toStatus: 'intake', note: 'no agent takes `general` tickets' });
      expect(await outboxOf(db, a.ticket.key)).toEqual([]);
    });

    it('from an intake message: replies in its thread with the key and the assignee, or why it waits', async () => {
      const f = await fileTicket(deps, user(REQ), input('From intake', { type: 'filing', origin: { channel: 'CINTAKE', ts: '1700000000.000100' } }));
      const reply = (await outboxOf(db, f.ticket.key)).find((m) => m.channel === 'CINTAKE')!;
      expect(reply).toMatchObject({ threadTs: '1700000000.000100', idempotencyKey: `${f.ticket.key}:intake-reply` });
      expect(reply.text).toContain(f.ticket.key);
      expect(reply.text).toContain('fa');
      expect(await getTicket(db.db, f.ticket.key)).toMatchObject({ origin: { channel: 'CINTAKE', ts: '1700000000.000100' } });

      const held = await fileTicket(deps, user(REQ), input('Nobody', { type: 'nobody', origin: { channel: 'CINTAKE', ts: '1700000000.000200' } }));
      const r2 = (await outboxOf(db, held.ticket.key)).find((m) => m.channel === 'CINTAKE')!;
      expect(r2.text).toContain('waiting in intake');
      expect(r2.text).toContain('no agent takes `nobody` tickets');
    });

    it('routes to the fewest active, ties to the longest since last assignment', async () => {
      await agent('la', ['load']);
      clock.advance(MIN);
      await agent('lb', ['load']);
      const t1 = await fileTicket(deps, user(REQ), input('l1', { type: 'load' }));
      expect(t1.agent?.handle).toBe('la'); // both never assigned: by handle
      clock.advance(MIN);
      const t2 = await fileTicket(deps, user(REQ), input('l2', { type: 'load' }));
      expect(t2.agent?.handle).toBe('lb');
      expect(t2.reason).toBe('lb has the fewest active tickets: 0');
      clock.advance(MIN);
      const t3 = await fileTicket(deps, user(REQ), input('l3', { type: 'load' }));
      expect(t3.agent?.handle).toBe('la'); // 1 each; la was assigned longer ago
      clock.advance(MIN);
      const t4 = await fileTicket(deps, user(REQ), input('l4', { type: 'load' }));
      expect(t4.agent?.handle).toBe('lb');
      expect((await getAgent(db.db, 'lb'))!.lastAssignedAt).toEqual(clock.now());
    });

    it('`assign:` pins the ticket: it goes to that agent, or waits for it even when others are free', async () => {
      await agent('pa', ['pin']);
      await agent('pb', ['pin']);
      await fileTicket(deps, user(REQ), input('load pb', { type: 'pin', assign: { handle: 'pb' } }));
      const pinned = await fileTicket(deps, user(REQ), input('for pb', { type: 'pin', assign: { user: 'UPB' } }));
      expect(pinned.agent?.handle).toBe('pb');
      expect(pinned.reason).toBe('assigned to pb as asked');

      await setBusy(deps, admin, { handle: 'pb' }, { reason: 'offsite' });
      const held = await fileTicket(deps, user(REQ), input('wait for pb', { type: 'pin', assign: { handle: 'pb' } }));
      expect(held.agent).toBeNull();
      expect(held.reason).toBe('waiting for pb, who is busy (offsite)');
      expect(await getTicket(db.db, held.ticket.key)).toMatchObject({ status: 'intake', pinnedAgent: 'pb' });
      // pa frees up: it does not take a ticket pinned to pb.
      await setAvailable(deps, admin, { handle: 'pa' });
      expect(await claimNext(deps, user('UPA'), { handle: 'pa' })).toMatchObject({ ticket: null });
      const back = await setAvailable(deps, admin, { handle: 'pb' });
      expect(back.assigned).toEqual([held.ticket.key]);
      expect(await getTicket(db.db, held.ticket.key)).toMatchObject({ status: 'active', assignee: 'pb', pinnedAgent: null });
      expect(await actionsOf(db, held.ticket.key)).toEqual(['filed', 'held', 'assigned']);
    });

    it('`assign:` an agent without the ticket’s skill still gives it to that agent', async () => {
      await agent('pc', ['pin']);
      const f = await fileTicket(deps, user(REQ), input('odd one', { type: 'pin-other', assign: { handle: 'pc' } }));
      expect(f.agent?.handle).toBe('pc');
    });

    it('`follows:` goes to the last assignee of the followed ticket, even when resolved', async () => {
      await agent('fo1', ['follow']);
      await agent('fo2', ['follow']);
      const first = await fileTicket(deps, user(REQ), input('first', { type: 'follow' }));
      expect(first.agent?.handle).toBe('fo1');
      const f2 = await fileTicket(deps, user(REQ), input('follow-up', { type: 'follow', follows: first.ticket.key }));
      expect(f2.agent?.handle).toBe('fo1');
      expect(f2.reason).toBe('fo1 handled the ticket it follows');
      expect(f2.ticket.follows).toBe(first.ticket.key);
      await resolveTicket(deps, admin, first.ticket.key, undefined);
      await resolveTicket(deps, admin, f2.ticket.key, undefined);
      const f3 = await fileTicket(deps, user(REQ), input('again', { type: 'follow', follows: first.ticket.key }));
      expect(f3.agent?.handle).toBe('fo1');
      // fo1 busy: the follow-up goes by load instead.
      await setBusy(deps, admin, { handle: 'fo1' }, {});
      const f4 = await fileTicket(deps, user(REQ), input('while busy', { type: 'follow', follows: first.ticket.key }));
      expect(f4.agent?.handle).toBe('fo2');
      await setAvailable(deps, admin, { handle: 'fo1' });
    });

    it('customer affinity: the agent already working the customer gets the next one of that customer', async () => {
      await agent('ca1', ['cust']);
      await agent('ca2', ['cust']);
      const c1 = await fileTicket(deps, user(REQ), input('acme 1', { type: 'cust', context: { customer: 'acme' } }));
      expect(c1.agent?.handle).toBe('ca1');
      const c2 = await fileTicket(deps, user(REQ), input('acme 2', { type: 'cust', context: { customer: 'acme' } }));
      expect(c2.agent?.handle).toBe('ca1');
      expect(c2.reason).toBe('ca1 already works this customer');
      const other = await fileTicket(deps, user(REQ), input('globex', { type: 'cust', context: { customer: 'globex' } }));
      expect(other.agent?.handle).toBe('ca2');
      // Once ca1 has no open ticket of acme left, acme goes by load again.
      await resolveTicket(deps, admin, c1.ticket.key, undefined);
      await resolveTicket(deps, admin, c2.ticket.key, undefined);
      clock.advance(MIN);
      const c3 = await fileTicket(deps, user(REQ), input('acme 3', { type: 'cust', context: { customer: 'acme' } }));
      expect(c3.agent?.handle).toBe('ca1');
      expect(c3.reason).toBe('ca1 has the fewest active tickets: 0');
    });

    it('`handoff:` names the agents to brief on resolution; priority and `escalate:` are kept', async () => {
      const f = await fileTicket(
        deps,
        user(REQ),
        input('with briefing', { type: 'filing', priority: 'high', escalateAfterSec: 600, handoff: [{ handle: 'iris' }, { user: 'UMAX' }, { handle: 'iris' }] }),
      );
      expect(f.ticket).toMatchObject({ requiresHandoff: ['iris', 'max'], priority: 'high', escalateAfterSec: 600 });
      expect((await getTicket(db.db, f.ticket.key))!.escalateDueAt).toEqual(new Date(clock.now().getTime() + 600_000));
    });

    it('a ticket filed by Baton has no requester', async () => {
      const f = await fileTicket(deps, BATON, input('by baton', { type: 'filing' }));
      expect(f.ticket.requester).toBeNull();
      expect((await auditOf(db, f.ticket.key))[0]).toMatchObject({ actor: 'baton' });
    });
  });

  // --- acting on tickets ----------------------------------------------------------------------

  describe('ticket actions', () => {
    it('acceptTicket: audited and replied in the home thread', async () => {
      await agent('ac', ['acc']);
      const f = await fileTicket(deps, user(REQ), input('to accept', { type: 'acc' }));
      const r = await acceptTicket(deps, user('UAC'), f.ticket.key);
      expect(r.ticket.status).toBe('active');
      const ev = (await auditOf(db, f.ticket.key)).at(-1)!;
      expect(ev).toMatchObject({ action: 'accepted', actor: 'UAC', fromStatus: 'active', toStatus: 'active' });
      // The thread reply (the card's edit is a row of its own).
      const reply = (await outboxOf(db, f.ticket.key)).find((m) => m.idempotencyKey === `${ev.id}:accepted`)!;
      expect(reply).toMatchObject({ idempotencyKey: `${ev.id}:accepted`, threadOfTicket: f.ticket.key, threadOf: 'home' });
      expect(reply.text).toContain('Accepted by <@UAC>');
    });

    it('assignTicket: reassigns, says so in the old thread, posts a new card, and refuses no-ops', async () => {
      await agent('as1', ['asg']);
      await agent('as2', ['asg'], { capacity: 1 });
      const f = await fileTicket(deps, user(REQ), input('to move', { type: 'asg' }));
      expect(f.agent?.handle).toBe('as1');
      await deliverHome(db, f.ticket.key, '1700000001.000100');
      clock.advance(MIN);
      const r = await assignTicket(deps, user(REQ), f.ticket.key, { handle: 'as2' });
      expect(r.agent.handle).toBe('as2');
      const t = await getTicket(db.db, f.ticket.key);
      expect(t).toMatchObject({ assignee: 'as2', assignedAt: clock.now(), escalateDueAt: new Date(clock.now().getTime() + 4 * HOUR) });
      const ev = (await auditOf(db, f.ticket.key)).at(-1)!;
      expect(ev).toMatchObject({ action: 'reassigned', actor: REQ, fromStatus: 'active', toStatus: 'active', note: `assigned by <@${REQ}>`, data: { agent: 'as2', previous: 'as1' } });
      const out = await outboxOf(db, f.ticket.key);
      expect(out.at(-2)).toMatchObject({ idempotencyKey: `${ev.id}:old-thread`, channel: 'CAS1', threadTs: '1700000001.000100' });
      expect(out.at(-2)!.text).toContain('Now with @as2');
      expect(out.at(-1)).toMatchObject({ idempotencyKey: `${ev.id}:card`, channel: 'CAS2', recordsHomeOf: f.ticket.key });

      await expectDomainError(assignTicket(deps, admin, f.ticket.key, { handle: 'as2' }), 'invalid_state', `${f.ticket.key} is already assigned to as2.`);
      const g = await fileTicket(deps, user(REQ), input('another', { type: 'asg' }));
      await expectDomainError(assignTicket(deps, admin, g.ticket.key, { handle: 'as2' }), 'agent_unavailable', "Can't give it to as2: as2 is at capacity (1/1).", 'handle');
    });

    it('assignTicket of a held ticket assigns it', async () => {
      const held = await fileTicket(deps, user(REQ), input('no one', { type: 'asg-none' }));
      expect(held.agent).toBeNull();
      await assignTicket(deps, admin, held.ticket.key, { handle: 'as1' });
      expect(await getTicket(db.db, held.ticket.key)).toMatchObject({ status: 'active', assignee: 'as1', holdReason: null });
      expect((await auditOf(db, held.ticket.key)).at(-1)).toMatchObject({ action: 'assigned', fromStatus: 'intake', toStatus: 'active' });
    });

    it('claimNext: the agent pulls the most urgent, oldest intake ticket it can take', async () => {
      await agent('cl', ['claim']);
      await setBusy(deps, admin, { handle: 'cl' }, { until: new Date(clock.now().getTime() + HOUR) });
      const low = await fileTicket(deps, user(REQ), input('low', { type: 'claim', priority: 'low' }));
      clock.advance(MIN);
      const n1 = await fileTicket(deps, user(REQ), input('normal 1', { type: 'claim' }));
      clock.advance(MIN);
      const urgent = await fileTicket(deps, user(REQ), input('urgent', { type: 'claim', priority: 'urgent' }));
      clock.advance(MIN);
      const n2 = await fileTicket(deps, user(REQ), input('normal 2', { type: 'claim' }));
      const other = await fileTicket(deps, user(REQ), input('other type', { type: 'claim-other' }));
      expect([low, n1, urgent, n2].every((f) => f.agent === null)).toBe(true);

      await expectDomainError(claimNext(deps, user('UCL'), { handle: 'cl' }), 'agent_unavailable', /^Can't give it to cl: cl is busy until \d\d:\d\d UTC\.$/);
      await expectDomainError(claimNext(deps, user(REQ), { handle: 'cl' }), 'not_allowed', "Only cl's own user or an admin can pull work for it.");

      clock.advance(HOUR); // the busy window is over (the sweep has not run yet)
      const got: string[] = [];
      for (;;) {
        const r = await claimNext(deps, user('UCL'), { user: 'UCL' });
        if (!r.ticket) break;
        got.push(r.ticket.key);
      }
      expect(got).toEqual([urgent.ticket.key, n1.ticket.key, n2.ticket.key, low.ticket.key]);
      const ev = (await auditOf(db, urgent.ticket.key)).at(-1)!;
      expect(ev).toMatchObject({ action: 'claimed', actor: 'UCL', fromStatus: 'intake', toStatus: 'active', note: 'pulled by cl', data: { agent: 'cl' } });
      expect((await outboxOf(db, urgent.ticket.key)).at(-1)).toMatchObject({ channel: 'CCL', recordsHomeOf: urgent.ticket.key });
      expect(await getTicket(db.db, other.ticket.key)).toMatchObject({ status: 'intake' });
    });

    it('claimNext never goes past capacity', async () => {
      await agent('cc', ['cap'], { capacity: 1 });
      await fileTicket(deps, user(REQ), input('fills it', { type: 'cap' }));
      const held = await fileTicket(deps, user(REQ), input('waits', { type: 'cap' }));
      expect(held.reason).toBe('no `cap` agent is free: cc is at capacity (1/1)');
      await expectDomainError(claimNext(deps, user('UCC'), { handle: 'cc' }), 'agent_unavailable', "Can't give it to cc: cc is at capacity (1/1).");
    });

    it('handoffTicket: a child for the target with the parent’s context and history; the parent waits, then hears back', async () => {
      await agent('hp', ['hand']);
      await agent('hc', ['eng']);
      const parent = await fileTicket(deps, user(REQ), input('Charged twice', { type: 'hand', priority: 'high', context: { customer: 'hx' }, description: 'Charged twice\ninvoices 1 and 2' }));
      await deliverHome(db, parent.ticket.key, '1700000002.000100');
      clock.advance(MIN);
      const r = await handoffTicket(deps, user('UHP'), parent.ticket.key, { handle: 'hc' }, 'double charge bug');
      expect(r.held).toBeNull();
      expect(r.child).toMatchObject({
        type: 'eng',
        priority: 'high',
        assignee: 'hc',
        status: 'active',
        parentKey: parent.ticket.key,
        requester: 'UHP',
        title: `double charge bug (from ${parent.ticket.key})`,
        context: { customer: 'hx', handoff_from: parent.ticket.key },
      });
      expect(r.child.description).toContain('invoices 1 and 2');
      expect(r.child.description).toContain(`History of ${parent.ticket.key}`);
      const p = await getTicket(db.db, parent.ticket.key);
      expect(p).toMatchObject({ status: 'active', assignee: 'hp', waitingOn: r.child.key, escalateDueAt: null });
      const ev = (await auditOf(db, parent.ticket.key)).at(-1)!;
      expect(ev).toMatchObject({ action: 'handed_off', actor: 'UHP', note: 'double charge bug', data: { child: r.child.key, to: 'hc' } });
      expect(await actionsOf(db, r.child.key)).toEqual(['filed_handoff', 'assigned']);
      const notice = (await outboxOf(db, parent.ticket.key)).find((m) => m.idempotencyKey === `${ev.id}:handoff-notice`)!;
      expect(notice).toMatchObject({ idempotencyKey: `${ev.id}:handoff-notice`, threadOfTicket: parent.ticket.key, threadOf: 'home', channel: 'CHP' });
      expect(notice.text).toContain(r.child.key);
      const card = (await outboxOf(db, r.child.key)).find((m) => m.recordsHomeOf === r.child.key)!;
      expect(card.channel).toBe('CHC');
      expect(JSON.stringify(card.blocks)).toContain('https://slack.com/archives/CHP/p1700000002000100');

      await expectDomainError(handoffTicket(deps, user('UHP'), parent.ticket.key, { handle: 'iris' }, undefined), 'invalid_state', `${parent.ticket.key} already waits on ${r.child.key}; resolve that first.`);

      clock.advance(10 * MIN);
      await resolveTicket(deps, user('UHC'), r.child.key, 'fixed the bug');
      const after = await getTicket(db.db, parent.ticket.key);
      expect(after).toMatchObject({ waitingOn: null, clockStartedAt: clock.now(), escalateDueAt: new Date(clock.now().getTime() + 30 * MIN) });
      expect((await auditOf(db, parent.ticket.key)).at(-1)).toMatchObject({ action: 'child_resolved', actor: 'baton', note: 'fixed the bug', data: { child: r.child.key } });
      const told = (await outboxOf(db, parent.ticket.key)).filter((m) => m.threadOf === 'home').at(-1)!;
      expect(told).toMatchObject({ threadOfTicket: parent.ticket.key, threadOf: 'home' });
      expect(JSON.stringify(told.blocks)).toContain('fixed the bug');
      expect(JSON.stringify(told.blocks)).toContain('<@UHP>');
      // The child came from a handoff: no DM to its requester.
      expect((await outboxOf(db, r.child.key)).some((m) => m.channel === 'UHP')).toBe(false);
    });

    it('handoffTicket to a busy agent: the child waits for that agent', async () => {
      await agent('hb', ['hand2']);
      await agent('hz', ['eng2']);
      await setBusy(deps, admin, { handle: 'hz' }, { reason: 'on call' });
      const parent = await fileTicket(deps, user(REQ), input('p', { type: 'hand2' }));
      const r = await handoffTicket(deps, user(REQ), parent.ticket.key, { handle: 'hz' }, undefined);
      expect(r.held).toBe('waiting for hz, who is busy (on call)');
      expect(r.child).toMatchObject({ status: 'intake', pinnedAgent: 'hz' });
      const back = await setAvailable(deps, admin, { handle: 'hz' });
      expect(back.assigned).toEqual([r.child.key]);
    });

    it('resolveTicket: completed, home reply, DM to the requester, briefings for `handoff:` agents, capacity freed', async () => {
      await agent('rs', ['res']);
      await agent('rb', ['brief']);
      const f = await fileTicket(deps, user(REQ), input('to resolve', { type: 'res', context: { customer: 'rz' }, handoff: [{ handle: 'rb' }] }));
      clock.advance(MIN);
      const r = await resolveTicket(deps, user('URS'), f.ticket.key, '  refunded  ');
      expect(r.briefings).toHaveLength(1);
      const t = await getTicket(db.db, f.ticket.key);
      expect(t).toMatchObject({ status: 'completed', resolvedAt: clock.now(), resolution: 'refunded', escalateDueAt: null, assignee: 'rs' });
      const ev = (await auditOf(db, f.ticket.key)).at(-1)!;
      expect(ev).toMatchObject({ action: 'resolved', actor: 'URS', fromStatus: 'active', toStatus: 'completed', note: 'refunded' });
      const out = await outboxOf(db, f.ticket.key);
      expect(out.find((m) => m.idempotencyKey === `${ev.id}:resolved`)).toMatchObject({ threadOfTicket: f.ticket.key });
      const dm = out.find((m) => m.idempotencyKey === `${ev.id}:requester`)!;
      expect(dm.channel).toBe(REQ);
      expect(dm.text).toContain(f.ticket.key);
      expect(dm.text).toContain('refunded');
      const b = await getTicket(db.db, r.briefings[0]!);
      // A briefing is information: low priority, and no requester to notify when it is closed.
      expect(b).toMatchObject({ assignee: 'rb', type: 'brief', priority: 'low', requester: null, context: { customer: 'rz', briefing_for: f.ticket.key } });
      expect(b!.description).toContain('refunded');
      expect(await actionsOf(db, b!.key)).toEqual(['filed_briefing', 'assigned']);
    });

    it('resolveTicket: the requester resolving gets no DM; an intake message gets its answer in the thread', async () => {
      await agent('rq', ['res2']);
      const own = await fileTicket(deps, user(REQ), input('mine', { type: 'res2' }));
      await resolveTicket(deps, user(REQ), own.ticket.key, undefined);
      expect((await outboxOf(db, own.ticket.key)).some((m) => m.channel === REQ)).toBe(false);

      const fromMsg = await fileTicket(deps, user(REQ), input('from a message', { type: 'res2', origin: { channel: 'CINTAKE', ts: '1700000003.000100' } }));
      await resolveTicket(deps, user('URQ'), fromMsg.ticket.key, 'done');
      const replies = (await outboxOf(db, fromMsg.ticket.key)).filter((m) => m.channel === 'CINTAKE');
      expect(replies).toHaveLength(2); // the intake reply, then the resolution
      expect(replies[1]!.threadTs).toBe('1700000003.000100');
      expect(replies[1]!.text).toContain('was resolved');
    });

    it('resolveTicket of a held ticket (withdrawn by its requester)', async () => {
      const held = await fileTicket(deps, user(REQ), input('never mind', { type: 'res-none' }));
      await resolveTicket(deps, user(REQ), held.ticket.key, 'not needed');
      expect(await getTicket(db.db, held.ticket.key)).toMatchObject({ status: 'completed', holdReason: null });
      expect((await auditOf(db, held.ticket.key)).at(-1)).toMatchObject({ action: 'resolved', fromStatus: 'intake', toStatus: 'completed' });
    });

    it('reopenTicket: back to intake and routed again, preferring the previous assignee', async () => {
      await agent('ro1', ['reo']);
      await agent('ro2', ['reo']);
      const f = await fileTicket(deps, user(REQ), input('reopen me', { type: 'reo' }));
      expect(f.agent?.handle).toBe('ro1');
      await deliverHome(db, f.ticket.key, '1700000001.000100');
      await fileTicket(deps, user(REQ), input('load ro1', { type: 'reo', assign: { handle: 'ro1' } }));
      await resolveTicket(deps, user('URO1'), f.ticket.key, 'done');
      clock.advance(MIN);
      const r = await reopenTicket(deps, user(REQ), f.ticket.key, 'still broken');
      expect(r.agent?.handle).toBe('ro1'); // though ro2 has fewer active tickets
      const t = await getTicket(db.db, f.ticket.key);
      expect(t).toMatchObject({ status: 'active', assignee: 'ro1', resolvedAt: null, resolution: null, escalationLevel: 0 });
      const trail = await auditOf(db, f.ticket.key);
      expect(trail.slice(-2).map((e) => [e.action, e.fromStatus, e.toStatus])).toEqual([
        ['reopened', 'completed', 'intake'],
        ['assigned', 'intake', 'active'],
      ]);
      expect(trail.at(-2)).toMatchObject({ actor: REQ, note: 'still broken' });
      const out = await outboxOf(db, f.ticket.key);
      // Back with its previous assignee: the same home thread continues, no new card.
      const reply = out.find((m) => m.idempotencyKey === `${trail.at(-2)!.id}:reopened`);
      expect(reply).toMatchObject({ channel: 'CRO1', threadTs: '1700000001.000100', recordsHomeOf: null });
      expect(reply!.text).toContain('reopened');
      // and its card shows it active again (an edit of the home card, not a new card)
      expect(out.at(-1)).toMatchObject({ idempotencyKey: `${trail.at(-2)!.id}:card-reopened`, recordsHomeOf: null });
      expect(out.filter((m) => m.recordsHomeOf)).toHaveLength(1);
      await expectDomainError(reopenTicket(deps, admin, f.ticket.key, undefined), 'invalid_state', `${f.ticket.key} is not completed, so there is nothing to reopen.`);
    });

    it('recordThreadReply: a reply in the thread goes into the audit trail, cleaned and cut', async () => {
      const f = await fileTicket(deps, user(REQ), input('chatty', { type: 'reo' }));
      await recordThreadReply(deps, { ticketKey: f.ticket.key, user: 'UFRIEND', text: 'any news?\u0000', ts: '1700000004.000100' });
      expect((await auditOf(db, f.ticket.key)).at(-1)).toMatchObject({ action: 'commented', actor: 'UFRIEND', note: 'any news?', fromStatus: 'active', toStatus: 'active', data: { ts: '1700000004.000100' } });
      await recordThreadReply(deps, { ticketKey: f.ticket.key, user: 'UFRIEND', text: 'x'.repeat(LIMITS.note + 50), ts: '1700000004.000200' });
      const note = (await auditOf(db, f.ticket.key)).at(-1)!.note!;
      expect(note).toHaveLength(LIMITS.note);
      expect(note.endsWith('…')).toBe(true);
      await recordThreadReply(deps, { ticketKey: f.ticket.key, user: 'UFRIEND', text: '😀'.repeat(LIMITS.note + 1), ts: '1700000004.000300' });
      const emoji = (await auditOf(db, f.ticket.key)).at(-1)!.note!;
      expect([...emoji]).toHaveLength(LIMITS.note); // cut between characters, never inside one
      expect(emoji).toBe('😀'.repeat(LIMITS.note - 1) + '…');
      await expectDomainError(recordThreadReply(deps, { ticketKey: 'T-2026-999', user: 'UFRIEND', text: 'hi', ts: '1' }), 'unknown_ticket', 'There is no ticket `T-2026-999`.');
    });

    it('showTicket: the ticket and its whole trail in order', async () => {
      const f = await fileTicket(deps, user(REQ), input('show me', { type: 'reo' }));
      await acceptTicket(deps, admin, f.ticket.key);
      const s = await showTicket(deps, f.ticket.key);
      expect(s.ticket.key).toBe(f.ticket.key);
      expect(s.trail.map((e) => e.action)).toEqual(['filed', 'assigned', 'accepted']);
      expect(s.trail.map((e) => e.id)).toEqual([...s.trail.map((e) => e.id)].sort((a, b) => a - b));
      await expectDomainError(showTicket(deps, 'T-2026-998'), 'unknown_ticket', 'There is no ticket `T-2026-998`.');
    });
  });

  describe('listFor', () => {
    let keys: Record<string, string>;
    beforeAll(async () => {
      await agent('li', ['list'], { capacity: 10 });
      await agent('lj', ['list-j']);
      keys = {};
      const file = async (name: string, o: Partial<FileTicketInput>, by = REQ) => {
        clock.advance(MIN);
        keys[name] = (await fileTicket(deps, user(by), input(name, { type: 'list', ...o }))).ticket.key;
      };
      await file('low', { priority: 'low' });
      await file('normal', {});
      await file('urgent', { priority: 'urgent' });
      await file('other-requester', {}, 'UOTHER1');
      await file('held', { type: 'list-none', priority: 'high' });
      await file('done', {});
      await file('jj', { type: 'list-j' }, 'UOTHER1');
      clock.advance(MIN);
      await resolveTicket(deps, admin, keys.done!, undefined);
    });

    it('an agent’s open tickets by priority, then age', async () => {
      const r = await listFor(deps, user(REQ), { kind: 'agent', agent: { handle: 'li' } });
      expect(r.title).toBe('Open tickets of li');
      expect(r.tickets.map((t) => t.key)).toEqual([keys.urgent, keys.normal, keys['other-requester'], keys.low]);
    });

    it('mine: filed by me or assigned to my agent, open only', async () => {
      const mine = await listFor(deps, user(REQ), { kind: 'mine' });
      const ks = mine.tickets.map((t) => t.key);
      expect(ks).toEqual(expect.arrayContaining([keys.urgent, keys.held, keys.normal, keys.low]));
      expect(ks).not.toContain(keys.done);
      expect(ks).not.toContain(keys.jj);
      const agentUser = await listFor(deps, user('ULJ'), { kind: 'mine' });
      expect(agentUser.tickets.map((t) => t.key)).toEqual([keys.jj]);
      expect((await listFor(deps, BATON, { kind: 'mine' })).tickets).toEqual([]);
    });

    it('the queues: intake, active and completed', async () => {
      const intake = await listFor(deps, user(REQ), { kind: 'queue', status: 'intake' });
      expect(intake.title).toBe('Intake tickets');
      expect(intake.tickets.every((t) => t.status === 'intake')).toBe(true);
      expect(intake.tickets.map((t) => t.key)).toContain(keys.held);
      const active = await listFor(deps, user(REQ), { kind: 'queue', status: 'active' });
      const ranks = active.tickets.map((t) => ['urgent', 'high', 'normal', 'low'].indexOf(t.priority));
      expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
      const completed = await listFor(deps, user(REQ), { kind: 'queue', status: 'completed' });
      expect(completed.tickets[0]!.key).toBe(keys.done); // most recently resolved first
    });

    it('an unknown agent is refused', async () => {
      await expectDomainError(listFor(deps, user(REQ), { kind: 'agent', agent: { handle: 'nobody' } }), 'unknown_agent', 'There is no agent `nobody`. `/agent list` shows the roster.');
    });
  });
});
