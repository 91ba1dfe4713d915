// Home refreshes at the use cases (src/app/homeRefresh.ts, home.ts's openHome) on every database: opening the Home
// publishes it now; a committed change republishes the Homes of those who opened it and see what it touched, once
// per user per debounce window; nobody's Home is refreshed while nobody opened one (read again every 5 s).
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { addAgent, setBusy } from '../../src/app/agents.js';
import { fileTicket } from '../../src/app/fileTicket.js';
import { HOME_DESTINATION, openHome } from '../../src/app/home.js';
import { debouncedDue, HOME_DEBOUNCE_MS, HOME_USERS_RECHECK_MS } from '../../src/app/homeRefresh.js';
import { acceptTicket } from '../../src/app/ticketActions.js';
import { user } from '../../src/core/permissions.js';
import type { TestDatabase } from '../support/db.js';
import { ADMIN, makeDeps, ManualClock, useCaseBed } from '../support/deps.js';
import { allOutbox, input } from '../support/inspect.js';

const admin = user(ADMIN);
const REQ = 'UREQ0001';

describe('the debounce window', () => {
  it('a change is published at the end of the window it falls in; on a boundary, the next one; a window under 1 ms is 1 ms', () => {
    expect(HOME_DEBOUNCE_MS).toBe(3000);
    expect(HOME_USERS_RECHECK_MS).toBe(5000);
    expect(debouncedDue(new Date('2026-03-02T09:00:01.500Z'), 3000)).toEqual(new Date('2026-03-02T09:00:03.000Z'));
    expect(debouncedDue(new Date('2026-03-02T09:00:03.000Z'), 3000)).toEqual(new Date('2026-03-02T09:00:06.000Z'));
    expect(debouncedDue(new Date('2026-03-02T09:00:02.999Z'), 3000)).toEqual(new Date('2026-03-02T09:00:03.000Z'));
    expect(debouncedDue(new Date('2026-03-02T09:00:01.500Z'), 0)).toEqual(new Date('2026-03-02T09:00:01.501Z'));
    expect(debouncedDue(new Date('2026-03-02T09:00:01.500Z'), -5)).toEqual(new Date('2026-03-02T09:00:01.501Z'));
  });
});

// Use cases at their boundary, on the embedded database only (the storage and concurrency suites run on both).
describe.each(['pglite'] as const)('Home refreshes on %s', (kind) => {
  let db: TestDatabase;
  let clock: ManualClock;
  let deps: ReturnType<typeof makeDeps>;
  useCaseBed(kind, { per: 'test' }, (bed) => ({ db, clock, deps } = bed));

  const homes = async () =>
    (await allOutbox(db)).filter((m) => m.destination === HOME_DESTINATION).map((m) => ({ key: m.idempotencyKey, channel: m.channel, target: m.target, due: m.nextAttemptAt?.toISOString() }));

  it('nobody opened a Home: changes queue nothing; opening one publishes it now, and from then on the changes it shows are published once per window', async () => {
    await addAgent(deps, admin, { handle: 'iris', skills: ['support'], channel: 'CIRIS', user: 'UIRIS' });
    await fileTicket(deps, user(REQ), input('Before anyone looked', { type: 'support' }));
    expect(await homes()).toEqual([]);

    clock.set('2026-03-02T09:00:00.500Z');
    await openHome(deps, 'UIRIS');
    const opened = new Date('2026-03-02T09:00:00.500Z').getTime();
    expect(await homes()).toEqual([{ key: `home:UIRIS:open:${opened}`, channel: 'UIRIS', target: 'UIRIS', due: expect.any(String) }]);

    clock.set('2026-03-02T09:00:01.000Z');
    const f = await fileTicket(deps, user(REQ), input('Printer', { type: 'support' }));
    expect(f.agent?.handle).toBe('iris');
    const due = new Date('2026-03-02T09:00:03.000Z');
    const refresh = { key: `home:UIRIS:${due.getTime()}`, channel: 'UIRIS', target: 'UIRIS', due: due.toISOString() };
    expect((await homes()).slice(1)).toEqual([refresh]);
    // Another change in the same window: the same publish.
    clock.set('2026-03-02T09:00:02.000Z');
    await acceptTicket(deps, user('UIRIS'), f.ticket.key);
    expect((await homes()).slice(1)).toEqual([refresh]);
    // The next window: one more.
    clock.set('2026-03-02T09:00:04.000Z');
    await setBusy(deps, user('UIRIS'), { handle: 'iris' }, {});
    const next = new Date('2026-03-02T09:00:06.000Z');
    expect((await homes()).slice(1)).toEqual([refresh, { key: `home:UIRIS:${next.getTime()}`, channel: 'UIRIS', target: 'UIRIS', due: next.toISOString() }]);
  });

  it('the requester and the admins see ticket changes once they opened their Homes; a user who never opened it gets none', async () => {
    await addAgent(deps, admin, { handle: 'iris', skills: ['support'], channel: 'CIRIS', user: 'UIRIS' });
    await openHome(deps, REQ);
    await openHome(deps, ADMIN, { requestKey: 'req-1' });
    await expect(openHome(deps, ADMIN, { requestKey: 'req-1' })).rejects.toThrow('request req-1 was already processed'); // the same request again: once
    clock.set('2026-03-02T10:00:00.000Z');
    await fileTicket(deps, user(REQ), input('Refund', { type: 'support' }));
    const due = new Date('2026-03-02T10:00:03.000Z').getTime();
    const keys = (await homes()).map((h) => h.key);
    expect(keys.filter((k) => k.includes(':open:'))).toHaveLength(2);
    expect(keys.filter((k) => !k.includes(':open:')).sort()).toEqual([`home:${ADMIN}:${due}`, `home:${REQ}:${due}`].sort());
    expect(keys.some((k) => k.startsWith('home:UIRIS'))).toBe(false);
  });

  it('a Home opened through another copy is seen within 5 s, not before (this process had read nobody)', async () => {
    await addAgent(deps, admin, { handle: 'iris', skills: ['support'], channel: 'CIRIS', user: 'UIRIS' });
    clock.set('2026-03-02T11:00:00.000Z');
    await fileTicket(deps, user(REQ), input('One', { type: 'support' })); // reads: nobody
    await db.db.execute(sql`insert into home_users (user_id, opened_at) values ('UIRIS', now())`);
    clock.set('2026-03-02T11:00:04.999Z');
    await fileTicket(deps, user(REQ), input('Two', { type: 'support' }));
    expect(await homes()).toEqual([]);
    clock.set('2026-03-02T11:00:05.000Z');
    await fileTicket(deps, user(REQ), input('Three', { type: 'support' }));
    expect((await homes()).map((h) => h.key)).toEqual([`home:UIRIS:${new Date('2026-03-02T11:00:06.000Z').getTime()}`]);
  });

  it('a message to an agent’s channel about a ticket it no longer holds refreshes its user’s Home: the decliner of a handoff sees it leave', async () => {
    const { handoffTicket } = await import('../../src/app/handoff.js');
    const { declineTicket } = await import('../../src/app/decline.js');
    const { deliverHome } = await import('../support/inspect.js');
    await addAgent(deps, admin, { handle: 'sam', skills: ['support'], channel: 'CSAM', user: 'USAM' });
    await addAgent(deps, admin, { handle: 'iris', skills: ['billing'], channel: 'CIRIS', user: 'UIRIS' });
    await addAgent(deps, admin, { handle: 'maya', skills: ['billing'], channel: 'CMAYA', user: 'UMAYA' });
    const p = await fileTicket(deps, user(REQ), input('Refund', { type: 'support' }));
    const h = await handoffTicket(deps, user('USAM'), p.ticket.key, { skill: 'billing' }, undefined);
    const first = h.child.assignee!;
    await deliverHome(db, h.child.key, '1700000000.000200');
    const firstUser = `U${first.toUpperCase()}`;
    await openHome(deps, firstUser);
    clock.set('2026-03-02T12:00:00.000Z');
    await declineTicket(deps, user(firstUser), h.child.key, 'not mine');
    const due = new Date('2026-03-02T12:00:03.000Z').getTime();
    expect((await homes()).map((x) => x.key)).toContain(`home:${firstUser}:${due}`);
  });
});
