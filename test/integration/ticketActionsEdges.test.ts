// Acting on tickets (src/app/ticketActions.ts), the edges the other suites leave open: who the requester hears
// from after a resolution (and who not), the resolver on the card, the metrics each action counts, the freed
// agent taking held work, a child resolved again after its parent moved on, a ticket reopened back to its own
// agent, a pull that only takes the agent's types, and a thread reply's text and timestamp in the trail.
import { describe, expect, it } from 'vitest';
import { addAgent, removeAgent, setBusy, updateAgent } from '../../src/app/agents.js';
import type { Happening } from '../../src/app/context.js';
import { fileTicket } from '../../src/app/fileTicket.js';
import { handoffTicket } from '../../src/app/handoff.js';
import { acceptTicket, assignTicket, claimNext, recordThreadReply, reopenTicket, resolveTicket, showTicket } from '../../src/app/ticketActions.js';
import { agentPrincipal, BATON, user } from '../../src/core/permissions.js';
import { getTicket } from '../../src/storage/tickets.js';
import type { TestDatabase } from '../support/db.js';
import { ADMIN, makeDeps, ManualClock, useCaseBed } from '../support/deps.js';
import { allOutbox, auditOf, deliverHome, HOUR, input, MIN, outboxOf } from '../support/inspect.js';

const admin = user(ADMIN);
const REQ = 'UREQ0001';

describe.each(['pglite'] as const)('ticket actions, edges, on %s', (kind) => {
  let db: TestDatabase;
  let clock: ManualClock;
  let deps: ReturnType<typeof makeDeps>;
  let seen: Array<[string, string]>;
  useCaseBed(kind, { per: 'test' }, (bed) => {
    ({ db, clock, deps } = bed);
    seen = [];
    deps.observe = (hs: Happening[]) => {
      for (const h of hs) if ('ticket' in h) seen.push([h.kind, h.ticket.key]);
    };
  });

  const add = (handle: string, skills: string[], o: { capacity?: number } = {}) =>
    addAgent(deps, admin, { handle, skills, channel: `C${handle.toUpperCase()}`, user: `U${handle.toUpperCase()}`, ...o });
  const msg = async (key: string, idempotencyKey: string) => (await outboxOf(db, key)).find((m) => m.idempotencyKey === idempotencyKey);
  const hooksOf = async (handle: string) => (await allOutbox(db)).filter((m) => m.destination === 'webhook' && m.target === handle).map((m) => [m.ticketKey, m.text]);

  it('accepted before its card was delivered: the thread reply waits for the home channel; accept and resolve are counted', async () => {
    await add('iris', ['support']);
    const f = await fileTicket(deps, user(REQ), input('Printer', { type: 'support' }));
    await acceptTicket(deps, user('UIRIS'), f.ticket.key);
    const ev = (await auditOf(db, f.ticket.key)).at(-1)!;
    expect(await msg(f.ticket.key, `${ev.id}:accepted`)).toMatchObject({ channel: '', threadOfTicket: f.ticket.key, threadOf: 'home' });
    await resolveTicket(deps, user('UIRIS'), f.ticket.key, 'fixed');
    expect(seen).toEqual([
      ['filed', f.ticket.key],
      ['accepted', f.ticket.key],
      ['resolved', f.ticket.key],
    ]);
  });

  it('resolved by an admin: the home reply says only that, the card names the resolver, the requester’s DM carries the resolution, the agent takes its held work', async () => {
    await add('iris', ['support'], { capacity: 1 });
    const f = await fileTicket(deps, user(REQ), input('VPN', { type: 'support' }));
    await deliverHome(db, f.ticket.key, '1700000000.000100');
    const held = await fileTicket(deps, user(REQ), input('Waits for iris', { type: 'support' }));
    expect(held.agent).toBeNull();
    await resolveTicket(deps, admin, f.ticket.key, 'fixed');
    const ev = (await auditOf(db, f.ticket.key)).find((e) => e.action === 'resolved')!;
    expect((await msg(f.ticket.key, `${ev.id}:resolved`))!.text).toBe(`${f.ticket.key}: :white_check_mark: Resolved by <@${ADMIN}>: fixed`);
    expect(JSON.stringify((await msg(f.ticket.key, `${ev.id}:card-resolved`))!.blocks)).toContain(ADMIN);
    const dm = (await msg(f.ticket.key, `${ev.id}:requester`))!;
    expect(dm.channel).toBe(REQ);
    expect(dm.text).toContain(`was resolved by <@${ADMIN}>: fixed`);
    expect(await getTicket(db.db, held.ticket.key)).toMatchObject({ status: 'active', assignee: 'iris' });
  });

  it('the requester is not told of a resolution by DM when they resolved it, when an agent or Baton filed it; in the intake thread it came from, always', async () => {
    await add('iris', ['support']);
    const own = await fileTicket(deps, user(REQ), input('Own', { type: 'support' }));
    await resolveTicket(deps, user(REQ), own.ticket.key, 'not needed');
    const byAgent = await fileTicket(deps, agentPrincipal('iris', 'api'), input('By an agent', { type: 'support' }));
    expect(byAgent.ticket.requester).toBe('agent:iris');
    await resolveTicket(deps, user('UIRIS'), byAgent.ticket.key, 'done');
    const byBaton = await fileTicket(deps, BATON, input('By Baton', { type: 'support' }));
    await resolveTicket(deps, user('UIRIS'), byBaton.ticket.key, 'done');
    for (const t of [own, byAgent, byBaton]) expect((await outboxOf(db, t.ticket.key)).some((m) => m.idempotencyKey.endsWith(':requester'))).toBe(false);

    const posted = await fileTicket(deps, user(REQ), input('From intake', { type: 'support', origin: { channel: 'CINTAKE', ts: '1700000000.000900' } }));
    await resolveTicket(deps, user(REQ), posted.ticket.key, 'sorted');
    const ev = (await auditOf(db, posted.ticket.key)).find((e) => e.action === 'resolved')!;
    expect(await msg(posted.ticket.key, `${ev.id}:requester`)).toMatchObject({ channel: 'CINTAKE', threadTs: '1700000000.000900' });
  });

  it('a parent resolved with force: the child’s card names the resolver and the child’s resolution is counted', async () => {
    await add('sam', ['support']);
    await add('iris', ['billing']);
    const p = await fileTicket(deps, user(REQ), input('Parent', { type: 'support' }));
    const h = await handoffTicket(deps, user('USAM'), p.ticket.key, { handle: 'iris' }, undefined);
    await deliverHome(db, h.child.key, '1700000000.000200');
    seen = [];
    await resolveTicket(deps, admin, p.ticket.key, 'done', { force: true });
    const cev = (await auditOf(db, h.child.key)).find((e) => e.action === 'resolved')!;
    expect(JSON.stringify((await msg(h.child.key, `${cev.id}:card-resolved`))!.blocks)).toContain(ADMIN);
    expect(seen).toEqual([
      ['resolved', p.ticket.key],
      ['resolved', h.child.key],
    ]);
  });

  it('a child resolved again after its parent moved on: the parent’s clock is left alone, a resolved parent’s card is not edited; its assignee hears by webhook', async () => {
    await add('sam', ['support']);
    await add('iris', ['billing']);
    await updateAgent(deps, admin, { handle: 'sam', webhook: 'https://hooks.example.com/sam' });
    const p = await fileTicket(deps, user(REQ), input('Parent', { type: 'support' }));
    const h = await handoffTicket(deps, user('USAM'), p.ticket.key, { handle: 'iris' }, undefined);
    clock.advance(HOUR);
    await resolveTicket(deps, user('UIRIS'), h.child.key, 'first fix');
    const cev = (await auditOf(db, h.child.key)).find((e) => e.action === 'resolved')!;
    // The parent was never delivered: the notice goes to its assignee's channel.
    expect(await msg(p.ticket.key, `${cev.id}:parent`)).toMatchObject({ channel: 'CSAM', threadOfTicket: p.ticket.key });
    expect(await hooksOf('sam')).toContainEqual([p.ticket.key, 'ticket.child_resolved']);
    const started = (await getTicket(db.db, p.ticket.key))!.clockStartedAt;
    expect(started).toEqual(clock.now());

    clock.advance(HOUR);
    await reopenTicket(deps, admin, h.child.key, 'not quite');
    await resolveTicket(deps, user('UIRIS'), h.child.key, 'second fix');
    const parent = (await getTicket(db.db, p.ticket.key))!;
    expect(parent.clockStartedAt).toEqual(started);

    await resolveTicket(deps, user('USAM'), p.ticket.key, 'all done');
    await reopenTicket(deps, admin, h.child.key, 'one more');
    await resolveTicket(deps, user('UIRIS'), h.child.key, 'third fix');
    const told = (await auditOf(db, p.ticket.key)).filter((e) => e.action === 'child_resolved').at(-1)!;
    expect(told.fromStatus).toBe('completed');
    expect(await msg(p.ticket.key, `${told.id}:card-child-resolved`)).toBeUndefined();
  });

  it('reopened back to its own agent: routed by Baton to it again, the same thread hears who reopened it with its buttons, the card is edited, the agent hears by webhook', async () => {
    await add('iris', ['support']);
    await add('maya', ['support']);
    await updateAgent(deps, admin, { handle: 'iris', webhook: 'https://hooks.example.com/iris' });
    const f = await fileTicket(deps, user(REQ), input('Flaky VPN', { type: 'support' }));
    expect(f.agent?.handle).toBe('iris');
    await deliverHome(db, f.ticket.key, '1700000000.000100');
    await resolveTicket(deps, user('UIRIS'), f.ticket.key, 'fixed');
    clock.advance(MIN);
    const r = await reopenTicket(deps, user(REQ), f.ticket.key, 'still flaky');
    expect(r.agent?.handle).toBe('iris');
    const trail = await auditOf(db, f.ticket.key);
    const ev = trail.find((e) => e.action === 'reopened')!;
    expect(trail.filter((e) => e.id > ev.id)).toMatchObject([{ action: 'assigned', actor: 'baton' }]);
    const back = (await msg(f.ticket.key, `${ev.id}:reopened`))!;
    expect(back).toMatchObject({ channel: 'CIRIS', threadTs: '1700000000.000100' });
    expect(back.text).toBe(`<@UIRIS> ${f.ticket.key} was reopened and is yours again`);
    expect(JSON.stringify(back.blocks)).toContain(`Reopened by <@${REQ}>: still flaky`);
    expect(JSON.stringify(back.blocks)).toContain('ticket_actions');
    expect(await msg(f.ticket.key, `${ev.id}:card-reopened`)).toMatchObject({ channel: 'CIRIS' });
    expect(await msg(f.ticket.key, `${ev.id}:reopened-here`)).toBeUndefined();
    expect(await hooksOf('iris')).toContainEqual([f.ticket.key, 'ticket.reopened']);
  });

  it('reopened with nobody free: the old thread says it waits in intake and why', async () => {
    await add('iris', ['support']);
    const f = await fileTicket(deps, user(REQ), input('Flaky VPN', { type: 'support' }));
    await deliverHome(db, f.ticket.key, '1700000000.000100');
    await resolveTicket(deps, user('UIRIS'), f.ticket.key, 'fixed');
    await setBusy(deps, admin, { handle: 'iris' }, {});
    await reopenTicket(deps, admin, f.ticket.key, undefined);
    const ev = (await auditOf(db, f.ticket.key)).find((e) => e.action === 'reopened')!;
    const old = (await msg(f.ticket.key, `${ev.id}:reopened`))!;
    expect(JSON.stringify(old.blocks)).toContain('It waits in intake: ');
  });

  it('a pull takes only a ticket of the agent’s types, and the trail says who pulled it; a thread reply is kept without NUL characters, with its timestamp', async () => {
    await add('iris', ['support']);
    await setBusy(deps, admin, { handle: 'iris' }, {});
    const other = await fileTicket(deps, user(REQ), input('Legal question', { type: 'legal' }));
    const mine = await fileTicket(deps, user(REQ), input('Pull me', { type: 'support' }));
    const { sql } = await import('drizzle-orm');
    await db.db.execute(sql`update agents set busy = false where handle = 'iris'`);
    const r = await claimNext(deps, user('UIRIS'), { handle: 'iris' });
    expect(r.ticket?.key).toBe(mine.ticket.key);
    expect((await auditOf(db, mine.ticket.key)).at(-1)).toMatchObject({ action: 'claimed', note: 'pulled by iris' });
    expect(await claimNext(deps, user('UIRIS'), { handle: 'iris' })).toMatchObject({ ticket: null });
    expect((await getTicket(db.db, other.ticket.key))!.status).toBe('intake');

    await recordThreadReply(deps, { ticketKey: mine.ticket.key, user: REQ, text: 'a\u0000b', ts: '1700000000.000500' });
    expect((await auditOf(db, mine.ticket.key)).at(-1)).toMatchObject({ action: 'commented', actor: REQ, note: 'ab', data: { ts: '1700000000.000500' } });
  });

  it('assigned by an admin: the trail says by whom', async () => {
    await add('iris', ['support']);
    await add('maya', ['support']);
    const f = await fileTicket(deps, user(REQ), input('Move me', { type: 'support', assign: { handle: 'iris' } }));
    await assignTicket(deps, admin, f.ticket.key, { handle: 'maya' });
    expect((await auditOf(db, f.ticket.key)).at(-1)).toMatchObject({ action: 'reassigned', actor: ADMIN, note: `assigned by <@${ADMIN}>` });
  });
  it('a ticket that requires handoffs, resolved: a low-priority briefing from nobody for each agent still on the roster, given to it', async () => {
    await add('iris', ['support']);
    await add('maya', ['billing']);
    await add('omar', ['legal']);
    const f = await fileTicket(deps, user(REQ), input('Refund policy', { type: 'support', handoff: [{ handle: 'maya' }, { handle: 'omar' }] }));
    await removeAgent(deps, admin, { handle: 'omar' });
    const r = await resolveTicket(deps, user('UIRIS'), f.ticket.key, 'policy written');
    expect(r.briefings).toHaveLength(1);
    const b = (await getTicket(db.db, r.briefings[0]!))!;
    expect(b).toMatchObject({ assignee: 'maya', priority: 'low', requester: null, type: 'billing' });
    expect((await auditOf(db, b.key))[0]).toMatchObject({ action: 'filed_briefing', actor: 'baton' });
    // Nobody asked for it: its resolution tells no requester.
    await resolveTicket(deps, user('UMAYA'), b.key, 'read');
    expect((await outboxOf(db, b.key)).some((m) => m.idempotencyKey.endsWith(':requester'))).toBe(false);
  });
  it('a child resolved while its parent waits in intake (its agent left the roster): the notice waits for a home, the parent’s clock stays stopped', async () => {
    await add('sam', ['support']);
    await add('iris', ['billing']);
    const p = await fileTicket(deps, user(REQ), input('Parent', { type: 'support' }));
    const h = await handoffTicket(deps, user('USAM'), p.ticket.key, { handle: 'iris' }, undefined);
    await removeAgent(deps, admin, { handle: 'sam' });
    const waiting = (await getTicket(db.db, p.ticket.key))!;
    expect(waiting).toMatchObject({ status: 'intake', assignee: null, waitingOn: h.child.key });
    clock.advance(HOUR);
    await resolveTicket(deps, user('UIRIS'), h.child.key, 'done');
    const parent = (await getTicket(db.db, p.ticket.key))!;
    expect(parent).toMatchObject({ status: 'intake', waitingOn: null, clockStartedAt: waiting.clockStartedAt, escalateDueAt: waiting.escalateDueAt });
    const cev = (await auditOf(db, h.child.key)).find((e) => e.action === 'resolved')!;
    const notice = (await msg(p.ticket.key, `${cev.id}:parent`))!;
    expect(notice).toMatchObject({ channel: '', threadOfTicket: p.ticket.key, threadOf: 'home' });
    expect(notice.text).toBe(`${h.child.key} was resolved; ${p.ticket.key} waits in intake`);
  });

  it('reopened to its own agent whose channel changed since: the old thread says it moved, the new card’s thread links back', async () => {
    await add('iris', ['support']);
    const f = await fileTicket(deps, user(REQ), input('Flaky VPN', { type: 'support' }));
    await deliverHome(db, f.ticket.key, '1700000000.000100');
    await resolveTicket(deps, user('UIRIS'), f.ticket.key, 'fixed');
    await updateAgent(deps, admin, { handle: 'iris', channel: 'CIRISNEW' });
    const r = await reopenTicket(deps, user(REQ), f.ticket.key, undefined);
    expect(r.agent?.handle).toBe('iris');
    const ev = (await auditOf(db, f.ticket.key)).find((e) => e.action === 'reopened')!;
    expect((await msg(f.ticket.key, `${ev.id}:reopened`))!).toMatchObject({ channel: 'CIRIS', threadTs: '1700000000.000100', text: `${f.ticket.key} was reopened` });
    expect(await msg(f.ticket.key, `${ev.id}:reopened-here`)).toMatchObject({ channel: 'CIRISNEW', threadOf: 'home' });
    expect(await msg(f.ticket.key, `${ev.id}:card-reopened`)).toBeUndefined();
  });

  it('reopened to another agent that shares the old channel: the thread says it moved, not that it is back', async () => {
    await add('iris', ['support']);
    await addAgent(deps, admin, { handle: 'maya', skills: ['support'], channel: 'CIRIS', user: 'UMAYA' });
    const f = await fileTicket(deps, user(REQ), input('Flaky VPN', { type: 'support', assign: { handle: 'iris' } }));
    await deliverHome(db, f.ticket.key, '1700000000.000100');
    await resolveTicket(deps, user('UIRIS'), f.ticket.key, 'fixed');
    await setBusy(deps, admin, { handle: 'iris' }, {});
    const r = await reopenTicket(deps, user(REQ), f.ticket.key, undefined);
    expect(r.agent?.handle).toBe('maya');
    const ev = (await auditOf(db, f.ticket.key)).find((e) => e.action === 'reopened')!;
    expect((await msg(f.ticket.key, `${ev.id}:reopened`))!.text).toBe(`${f.ticket.key} was reopened`);
    expect(await msg(f.ticket.key, `${ev.id}:reopened-here`)).toMatchObject({ channel: 'CIRIS', threadOf: 'home' });
  });

  it('a briefing’s history names agents by handle, not by their Slack user', async () => {
    await add('iris', ['support']);
    await add('maya', ['billing']);
    const f = await fileTicket(deps, user(REQ), input('Refund policy', { type: 'support', handoff: [{ handle: 'maya' }] }));
    await acceptTicket(deps, user('UIRIS'), f.ticket.key);
    const r = await resolveTicket(deps, user('UIRIS'), f.ticket.key, 'policy written');
    const b = (await getTicket(db.db, r.briefings[0]!))!;
    expect(b.description).toContain('iris');
    expect(b.description).not.toContain('UIRIS');
  });

  it('show with why: a held ticket’s verdicts computed now, an assigned one’s from its trail; without why, none', async () => {
    await add('iris', ['support']);
    const held = await fileTicket(deps, user(REQ), input('Contract', { type: 'legal' }));
    const routed = await fileTicket(deps, user(REQ), input('Printer', { type: 'support' }));
    expect((await showTicket(deps, held.ticket.key, { why: true })).why).toMatchObject({ kind: 'held' });
    expect((await showTicket(deps, routed.ticket.key, { why: true })).why).toMatchObject({ kind: 'routed' });
    expect((await showTicket(deps, routed.ticket.key)).why).toBeNull();
  });
});
