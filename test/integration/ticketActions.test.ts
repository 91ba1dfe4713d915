// Acting on tickets (src/app/ticketActions.ts) on every database, the cases usecases.test.ts leaves out: a second
// accept, resolving a parent that waits on an open handoff (refused, or with force closing the chain), the parent
// hearing of its child, reopening to another agent or into intake, claimNext's refusals, showTicket's due zone —
// with their messages word for word and keyed by their events.
import { describe, expect, it } from 'vitest';
import { addAgent, setBusy } from '../../src/app/agents.js';
import { fileTicket } from '../../src/app/fileTicket.js';
import { handoffTicket } from '../../src/app/handoff.js';
import { acceptTicket, assignTicket, claimNext, reopenTicket, resolveTicket, showTicket } from '../../src/app/ticketActions.js';
import { agentPrincipal, BATON, user } from '../../src/core/permissions.js';
import { getTicket } from '../../src/storage/tickets.js';
import type { TestDatabase } from '../support/db.js';
import { ADMIN, makeDeps, ManualClock, useCaseBed } from '../support/deps.js';
import { actionsOf, auditOf, deliverHome, expectDomainError, HOUR, input, MIN, outboxOf, snapshot } from '../support/inspect.js';

const admin = user(ADMIN);
const REQ = 'UREQ0001';

// Use cases at their boundary, on the embedded database only (the storage and concurrency suites run on both).
describe.each(['pglite'] as const)('ticket actions on %s', (kind) => {
  let db: TestDatabase;
  let clock: ManualClock;
  let deps: ReturnType<typeof makeDeps>;
  useCaseBed(kind, { per: 'test' }, (bed) => ({ db, clock, deps } = bed));

  const add = (handle: string, skills: string[], o: { timeZone?: string; capacity?: number } = {}) =>
    addAgent(deps, admin, { handle, skills, channel: `C${handle.toUpperCase()}`, user: `U${handle.toUpperCase()}`, ...o });
  const texts = async (key: string) => (await outboxOf(db, key)).map((m) => m.text).join('\n');

  it('accept: replied in the home thread and the card edited, keyed by its event; a second accept changes nothing and says who has', async () => {
    await add('iris', ['support']);
    const f = await fileTicket(deps, user(REQ), input('Printer', { type: 'support' }));
    await deliverHome(db, f.ticket.key, '1700000000.000100');
    const a = await acceptTicket(deps, agentPrincipal('iris', 'api'), f.ticket.key);
    expect(a.alreadyBy).toBeUndefined();
    expect(a.ticket).toMatchObject({ acceptedBy: 'agent:iris', acceptedAt: clock.now() });
    const ev = (await auditOf(db, f.ticket.key)).at(-1)!;
    expect(ev).toMatchObject({ action: 'accepted', actor: 'agent:iris', fromStatus: 'active', toStatus: 'active' });
    const out = await outboxOf(db, f.ticket.key);
    expect(out.find((m) => m.idempotencyKey === `${ev.id}:accepted`)).toMatchObject({ channel: 'CIRIS', threadOfTicket: f.ticket.key, threadOf: 'home' });
    expect(out.find((m) => m.idempotencyKey === `${ev.id}:accepted`)!.text).toContain(':white_check_mark: Accepted by @iris');
    expect(out.some((m) => m.idempotencyKey === `${ev.id}:card-accepted`)).toBe(true);
    const before = await snapshot(db);
    const again = await acceptTicket(deps, user('UIRIS'), f.ticket.key);
    expect(again.alreadyBy).toBe('agent:iris');
    expect(await snapshot(db)).toEqual(before);
  });

  it('a held ticket resolved by its requester: no home reply (no assignee, no home), the trail says from intake', async () => {
    await add('iris', ['support']);
    const held = await fileTicket(deps, user(REQ), input('Never mind', { type: 'legal' }));
    const r = await resolveTicket(deps, user(REQ), held.ticket.key, undefined);
    expect(r).toMatchObject({ briefings: [], closedChildren: [] });
    const ev = (await auditOf(db, held.ticket.key)).at(-1)!;
    expect(ev).toMatchObject({ action: 'resolved', fromStatus: 'intake', toStatus: 'completed', note: null });
    expect(ev.data ?? {}).not.toHaveProperty('closedChildren');
    expect((await outboxOf(db, held.ticket.key)).some((m) => m.idempotencyKey === `${ev.id}:resolved`)).toBe(false);
  });

  it('a parent waiting on an open handoff: resolving is refused naming the child and how to close both; with force, the chain closes with notes pointing at it', async () => {
    await add('sam', ['support']);
    await add('iris', ['billing']);
    await add('omar', ['legal']);
    const p = await fileTicket(deps, user(REQ), input('Refund dispute', { type: 'support' }));
    await deliverHome(db, p.ticket.key, '1700000000.000100');
    const h = await handoffTicket(deps, user('USAM'), p.ticket.key, { handle: 'iris' }, 'check the invoice');
    await deliverHome(db, h.child.key, '1700000000.000200');
    const g = await handoffTicket(deps, user('UIRIS'), h.child.key, { skill: 'contracts' }, undefined);
    expect(g.child.assignee).toBeNull();

    const before = await snapshot(db);
    const e = await expectDomainError(
      resolveTicket(deps, user('USAM'), p.ticket.key, 'done'),
      'invalid_state',
      `${p.ticket.key} waits on its handoff ${h.child.key} (with iris), which is still open. Resolve ${h.child.key} first, ` +
        `or close both: \`/ticket resolve ${p.ticket.key} force [note]\` (\`"force": true\` through the API or MCP; ${h.child.key} is then closed with a note pointing at ${p.ticket.key}).`,
    );
    expect(e.field).toBe('force');
    await expectDomainError(resolveTicket(deps, user('UIRIS'), h.child.key, 'done'), 'invalid_state', new RegExp(`^${h.child.key} waits on its handoff ${g.child.key} \\(waiting in intake\\), which is still open`));
    expect(await snapshot(db)).toEqual(before);

    clock.advance(MIN);
    const r = await resolveTicket(deps, user('USAM'), p.ticket.key, '  refunded in full  ', { force: true });
    expect(r.closedChildren).toEqual([h.child.key, g.child.key]);
    expect(await getTicket(db.db, p.ticket.key)).toMatchObject({ status: 'completed', waitingOn: null, resolution: 'refunded in full' });
    const ev = (await auditOf(db, p.ticket.key)).find((x) => x.action === 'resolved')!;
    expect(ev).toMatchObject({ actor: 'USAM', note: 'refunded in full', data: { closedChildren: [h.child.key, g.child.key] } });
    const home = (await outboxOf(db, p.ticket.key)).find((m) => m.idempotencyKey === `${ev.id}:resolved`)!;
    expect(home.text).toContain(`:white_check_mark: Resolved by <@USAM>: refunded in full\nIts open handoff ${h.child.key}, ${g.child.key} was closed with it.`);

    for (const c of [h.child.key, g.child.key]) {
      const t = (await getTicket(db.db, c))!;
      expect(t).toMatchObject({ status: 'completed', waitingOn: null, resolution: `closed with ${p.ticket.key}: refunded in full` });
      const cev = (await auditOf(db, c)).find((x) => x.action === 'resolved')!;
      expect(cev).toMatchObject({ actor: 'USAM', toStatus: 'completed', data: { closedWith: p.ticket.key } });
    }
    const childEv = (await auditOf(db, h.child.key)).find((x) => x.action === 'resolved')!;
    expect(childEv.fromStatus).toBe('active');
    const childHome = (await outboxOf(db, h.child.key)).find((m) => m.idempotencyKey === `${childEv.id}:resolved`)!;
    expect(childHome).toMatchObject({ channel: 'CIRIS' });
    expect(childHome.text).toContain(`:white_check_mark: Closed by <@USAM> together with ${p.ticket.key}, which was resolved: refunded in full Nothing more is needed here.`);
    expect((await auditOf(db, g.child.key)).find((x) => x.action === 'resolved')!.fromStatus).toBe('intake');
    // The requester hears of the parent (by DM); the children's senders are not told again.
    expect((await outboxOf(db, p.ticket.key)).find((m) => m.idempotencyKey === `${ev.id}:requester`)).toMatchObject({ channel: REQ });
  });

  it('force without a resolution: the children say "which was resolved." and keep a short resolution', async () => {
    await add('sam', ['support']);
    await add('iris', ['billing'], { capacity: 1 });
    const p = await fileTicket(deps, user(REQ), input('Parent', { type: 'support' }));
    const h = await handoffTicket(deps, user('USAM'), p.ticket.key, { handle: 'iris' }, undefined);
    await deliverHome(db, h.child.key, '1700000000.000200');
    const held = await fileTicket(deps, user(REQ), input('Waits for iris', { type: 'billing' }));
    expect(held.agent).toBeNull();
    await resolveTicket(deps, admin, p.ticket.key, '   ', { force: true });
    expect((await getTicket(db.db, h.child.key))!.resolution).toBe(`closed with ${p.ticket.key}`);
    const cev = (await auditOf(db, h.child.key)).find((x) => x.action === 'resolved')!;
    expect((await outboxOf(db, h.child.key)).find((m) => m.idempotencyKey === `${cev.id}:resolved`)!.text).toContain(
      `:white_check_mark: Closed by <@${ADMIN}> together with ${p.ticket.key}, which was resolved. Nothing more is needed here.`,
    );
    expect((await getTicket(db.db, held.ticket.key))!.assignee).toBe('iris');
    const pev = (await auditOf(db, p.ticket.key)).find((x) => x.action === 'resolved')!;
    expect(pev.note).toBeNull();
    const ptext = (await outboxOf(db, p.ticket.key)).find((m) => m.idempotencyKey === `${pev.id}:resolved`)!.text;
    expect(ptext).toContain(`:white_check_mark: Resolved by <@${ADMIN}>\nIts open handoff ${h.child.key} was closed with it.`);
  });

  it('a child resolved: the parent’s clock starts again, its trail and thread hear of it, its card edited', async () => {
    clock.set('2026-03-02T10:00:00Z');
    await add('sam', ['support']);
    await add('iris', ['billing']);
    const p = await fileTicket(deps, user(REQ), input('Parent', { type: 'support', escalateAfterSec: 2 * 3600 }));
    await deliverHome(db, p.ticket.key, '1700000000.000100');
    const h = await handoffTicket(deps, user('USAM'), p.ticket.key, { handle: 'iris' }, undefined);
    expect((await getTicket(db.db, p.ticket.key))!.escalateDueAt).toBeNull();
    clock.advance(HOUR);
    const r = await resolveTicket(deps, user('UIRIS'), h.child.key, 'invoice fixed');
    const parent = (await getTicket(db.db, p.ticket.key))!;
    expect(parent).toMatchObject({ waitingOn: null, clockStartedAt: clock.now(), status: 'active' });
    expect(parent.escalateDueAt).toEqual(new Date(clock.now().getTime() + 2 * HOUR));
    const told = (await auditOf(db, p.ticket.key)).at(-1)!;
    expect(told).toMatchObject({ action: 'child_resolved', actor: 'baton', fromStatus: 'active', toStatus: 'active', note: 'invoice fixed', data: { child: h.child.key } });
    const cev = (await auditOf(db, h.child.key)).find((x) => x.action === 'resolved')!;
    const msg = (await outboxOf(db, p.ticket.key)).find((m) => m.idempotencyKey === `${cev.id}:parent`)!;
    expect(msg).toMatchObject({ channel: 'CSAM', threadOfTicket: p.ticket.key, threadOf: 'home' });
    expect(msg.text).toBe(`<@USAM> ${h.child.key} was resolved; ${p.ticket.key} is yours again`);
    expect(JSON.stringify(msg.blocks)).toContain('invoice fixed');
    expect((await outboxOf(db, p.ticket.key)).some((m) => m.idempotencyKey === `${told.id}:card-child-resolved`)).toBe(true);
    // The child's requester is the sender: no DM for it.
    expect((await outboxOf(db, h.child.key)).some((m) => m.idempotencyKey === `${cev.id}:requester`)).toBe(false);
    expect(r.ticket.status).toBe('completed');
  });

  it('reopened to another agent: the old thread says where it went, the new card’s thread links back; with nobody, it says it waits', async () => {
    await add('iris', ['support']);
    await add('maya', ['support']);
    const f = await fileTicket(deps, user(REQ), input('Flaky VPN', { type: 'support' }));
    expect(f.agent?.handle).toBe('iris');
    await deliverHome(db, f.ticket.key, '1700000000.000100');
    await resolveTicket(deps, user('UIRIS'), f.ticket.key, 'fixed');
    await setBusy(deps, admin, { handle: 'iris' }, {});
    clock.advance(MIN);
    const r = await reopenTicket(deps, user(REQ), f.ticket.key, '  still flaky  ');
    expect(r.agent?.handle).toBe('maya');
    const ev = (await auditOf(db, f.ticket.key)).find((x) => x.action === 'reopened')!;
    expect(ev).toMatchObject({ actor: REQ, note: 'still flaky', fromStatus: 'completed', toStatus: 'intake' });
    const out = await outboxOf(db, f.ticket.key);
    const old = out.find((m) => m.idempotencyKey === `${ev.id}:reopened`)!;
    expect(old).toMatchObject({ channel: 'CIRIS', threadTs: '1700000000.000100' });
    expect(old.text).toBe(`${f.ticket.key} was reopened`);
    expect(JSON.stringify(old.blocks)).toContain('maya');
    const here = out.find((m) => m.idempotencyKey === `${ev.id}:reopened-here`)!;
    expect(here).toMatchObject({ channel: 'CMAYA', threadOfTicket: f.ticket.key, threadOf: 'home' });
    expect(here.text + JSON.stringify(here.blocks)).toContain('https://slack.com/archives/CIRIS/p1700000000000100');
    expect(out.some((m) => m.idempotencyKey === `${ev.id}:card-reopened`)).toBe(false);

    // Resolved again and reopened with nobody free: the old thread hears it waits; no new thread.
    await deliverHome(db, f.ticket.key, '1700000000.000300');
    await resolveTicket(deps, user('UMAYA'), f.ticket.key, 'fixed again');
    await setBusy(deps, admin, { handle: 'maya' }, {});
    const again = await reopenTicket(deps, admin, f.ticket.key, undefined);
    expect(again.agent).toBeNull();
    const ev2 = (await auditOf(db, f.ticket.key)).filter((x) => x.action === 'reopened').at(-1)!;
    expect(ev2.note).toBeNull();
    const out2 = await outboxOf(db, f.ticket.key);
    expect(out2.find((m) => m.idempotencyKey === `${ev2.id}:reopened`)).toMatchObject({ channel: 'CMAYA', threadTs: '1700000000.000300' });
    expect(out2.some((m) => m.idempotencyKey === `${ev2.id}:reopened-here`)).toBe(false);
    expect(await getTicket(db.db, f.ticket.key)).toMatchObject({ status: 'intake', assignee: null });
  });

  it('reopened when it never had a home message: only the new card’s thread hears it', async () => {
    await add('iris', ['support']);
    const f = await fileTicket(deps, user(REQ), input('No home', { type: 'support' }));
    await resolveTicket(deps, user('UIRIS'), f.ticket.key, 'done');
    await reopenTicket(deps, user(REQ), f.ticket.key, 'again');
    const ev = (await auditOf(db, f.ticket.key)).find((x) => x.action === 'reopened')!;
    const out = await outboxOf(db, f.ticket.key);
    expect(out.some((m) => m.idempotencyKey === `${ev.id}:reopened`)).toBe(false);
    expect(out.find((m) => m.idempotencyKey === `${ev.id}:reopened-here`)).toMatchObject({ channel: 'CIRIS', threadOf: 'home' });
  });

  it('assign: to its own assignee is refused; the previous assignee takes held work at once; the trail says who', async () => {
    await add('iris', ['support'], { capacity: 1 });
    await add('maya', ['support']);
    const f = await fileTicket(deps, user(REQ), input('First', { type: 'support', assign: { handle: 'iris' } }));
    const held = await fileTicket(deps, user(REQ), input('Held for iris', { type: 'support', assign: { handle: 'iris' } }));
    expect(held.agent).toBeNull();
    await expectDomainError(assignTicket(deps, admin, f.ticket.key, { handle: 'iris' }), 'invalid_state', `${f.ticket.key} is already assigned to iris.`);
    const r = await assignTicket(deps, admin, f.ticket.key, { handle: 'maya' });
    expect(r.agent.handle).toBe('maya');
    expect((await getTicket(db.db, held.ticket.key))!.assignee).toBe('iris');
    expect(await actionsOf(db, f.ticket.key)).toEqual(['filed', 'assigned', 'reassigned']);
  });

  it('claimNext: nothing to pull returns none; refused to another agent’s user; the pull is accepted at once', async () => {
    await add('iris', ['support']);
    const none = await claimNext(deps, user('UIRIS'), { handle: 'iris' });
    expect(none).toMatchObject({ ticket: null, agent: { handle: 'iris' } });
    await setBusy(deps, admin, { handle: 'iris' }, {});
    await expectDomainError(claimNext(deps, user('UIRIS'), { handle: 'iris' }), 'agent_unavailable', "Can't give it to iris: iris is busy.");
    await expectDomainError(claimNext(deps, user('UOTHER'), { handle: 'iris' }), 'not_allowed', "Only iris's own user or an admin can pull work for it.");
    const f = await fileTicket(deps, BATON, input('Pull me', { type: 'support' }));
    expect(f.agent).toBeNull();
    // Free again without the release that setAvailable does: the ticket still waits, to be pulled.
    await db.db.execute((await import('drizzle-orm')).sql`update agents set busy = false where handle = 'iris'`);
    const r = await claimNext(deps, user('UIRIS'), { handle: 'iris' });
    expect(r.ticket?.key).toBe(f.ticket.key);
    expect(await getTicket(db.db, f.ticket.key)).toMatchObject({ assignee: 'iris', acceptedBy: 'UIRIS' });
    expect((await auditOf(db, f.ticket.key)).at(-1)).toMatchObject({ action: 'claimed', actor: 'UIRIS' });
  });

  it('showTicket: its due time reads in its assignee’s zone; none without an assignee', async () => {
    await add('iris', ['support'], { timeZone: 'Asia/Tokyo' });
    const f = await fileTicket(deps, user(REQ), input('Zoned', { type: 'support' }));
    expect((await showTicket(deps, f.ticket.key)).dueZone).toBe('Asia/Tokyo');
    const held = await fileTicket(deps, user(REQ), input('Held', { type: 'legal' }));
    expect((await showTicket(deps, held.ticket.key)).dueZone).toBeNull();
    expect(await texts(f.ticket.key)).toContain(f.ticket.key);
  });
});
