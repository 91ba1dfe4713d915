// Retention: the sweep deletes processed request keys and stored API answers (pending ones too) after 7 days, delivered
// messages after OUTBOX_RETENTION and schedule runs after 90 days — once an hour across copies, in small
// batches — and keeps what a later step still needs.
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { addAgent } from '../../src/app/agents.js';
import { fileTicket } from '../../src/app/fileTicket.js';
import { pruneExpired } from '../../src/app/retention.js';
import { resolveTicket, showTicket } from '../../src/app/ticketActions.js';
import { user } from '../../src/core/permissions.js';
import { storeAnswer } from '../../src/storage/idempotency.js';
import { claimDue, enqueue, markSent, sentMessage } from '../../src/storage/outbox.js';
import { claimSlot } from '../../src/storage/scheduleRuns.js';
import { saveManagersKey } from '../../src/storage/tickets.js';
import { DB_KINDS, type TestDatabase } from '../support/db.js';
import { ADMIN, type makeDeps, type ManualClock, useCaseBed } from '../support/deps.js';
import { HOUR, input } from '../support/inspect.js';

const DAY = 24 * HOUR;
const admin = user(ADMIN);
const REQ = user('UREQ0001');

for (const kind of DB_KINDS) describe(`retention on ${kind}`, () => {
  let db: TestDatabase;
  let clock: ManualClock;
  let deps: ReturnType<typeof makeDeps>;
  useCaseBed(kind, { per: 'test' }, (bed) => ({ db, clock, deps } = bed));

  const count = async (table: string, where = 'true') =>
    Number((await db.rows<{ n: number }>(db.db, sql.raw(`select count(*)::int as n from ${table} where ${where}`)))[0]!.n);
  /** What the delivery loop does: claim every due row and record it as sent now. */
  const deliverAll = async () => {
    let n = 0;
    for (;;) {
      const rows = await claimDue(db.db, { now: clock.now(), leaseUntil: new Date(clock.now().getTime() + 60_000), limit: 100 });
      if (!rows.length) return n;
      for (const r of rows) await markSent(db.db, r, { channel: r.channel.replace(/^U/, 'D'), ts: `${1700000000 + ++n}.000100` }, clock.now());
    }
  };

  async function twoTickets() {
    await addAgent(deps, admin, { handle: 'iris', skills: ['general'], channel: 'CIRIS01', user: 'UIRIS01' }, { requestKey: 'slack:add-iris' });
    const open = await fileTicket(deps, REQ, input('Still open'), { requestKey: 'slack:file-open' });
    const done = await fileTicket(deps, REQ, input('Done soon'), { requestKey: 'slack:file-done' });
    // Through the API with an Idempotency-Key: its transaction writes the answer pending; a stop right after the commit leaves it so.
    await resolveTicket(deps, user('UIRIS01'), done.ticket.key, 'fixed', {
      requestKey: 'api:iris:resolve-done',
      idempotency: { handle: 'iris', key: 'resolve-done', fingerprint: 'POST /api/v1/tickets/x/resolve y', subjectOf: () => ({ ticket: done.ticket.key }) },
    });
    await storeAnswer(db.db, { handle: 'iris', key: 'api-key-1', fingerprint: 'POST /api/v1/tickets x', status: 201, body: { ok: true }, at: clock.now() });
    await deliverAll();
    return { open: open.ticket.key, done: done.ticket.key };
  }

  it('when request keys and delivered messages are past their time, then the sweep deletes them and keeps the open ticket\'s messages, tickets and trail', async () => {
    const t = await twoTickets();
    expect(await count('processed_requests')).toBe(4);
    expect(await count('api_idempotency', `status is null and subject = '{"ticket":"${t.done}"}'`)).toBe(1);
    expect(await count('outbox', `ticket_key = '${t.done}'`)).toBeGreaterThan(0);

    clock.advance(6 * DAY);
    expect(await pruneExpired(deps)).toEqual({ requestKeys: 0, apiAnswers: 0, messages: 0, scheduleRuns: 0 });

    clock.advance(25 * DAY); // 31 days on: past 7 days and past the default 30 days
    await fileTicket(deps, REQ, input('Filed today'), { requestKey: 'slack:file-today' });
    const trailBefore = await count('audit_events');
    const pruned = await pruneExpired(deps);
    expect(pruned).toMatchObject({ requestKeys: 4, apiAnswers: 2, scheduleRuns: 0 });
    expect(pruned!.messages).toBeGreaterThan(0);
    expect(await db.rows(db.db, sql`select key from processed_requests`)).toEqual([{ key: 'slack:file-today' }]);
    expect(await count('api_idempotency')).toBe(0);
    // The closed ticket's messages went; the open ticket's stay (its card may still be edited), as do undelivered ones.
    expect(await count('outbox', `ticket_key = '${t.done}'`)).toBe(0);
    expect(await count('outbox', `ticket_key = '${t.open}' and status = 'sent'`)).toBeGreaterThan(0);
    expect(await count('outbox', `status = 'pending'`)).toBeGreaterThan(0);
    // Tickets and the trail are kept.
    expect(await count('audit_events')).toBe(trailBefore);
    const shown = await showTicket(deps, t.done);
    expect(shown.ticket).toMatchObject({ key: t.done, status: 'completed', resolution: 'fixed' });
    expect(shown.trail.map((e) => e.action)).toEqual(expect.arrayContaining(['filed', 'resolved']));
    expect(shown.ticket.home).not.toBeNull();
  });

  it('when a retried request arrives after its key was pruned, then only keys past 7 days are gone and a recent retry still acts once', async () => {
    await twoTickets();
    clock.advance(3 * DAY);
    await fileTicket(deps, REQ, input('Recent'), { requestKey: 'slack:recent' });
    clock.advance(5 * DAY);
    await pruneExpired(deps);
    expect(await db.rows(db.db, sql`select key from processed_requests order by key`)).toEqual([{ key: 'slack:recent' }]);
    await expect(fileTicket(deps, REQ, input('Recent'), { requestKey: 'slack:recent' })).rejects.toThrow(/already processed/);
  });

  it('when it runs again in the same hour or on another copy, then only one pass prunes', async () => {
    await twoTickets();
    clock.advance(40 * DAY);
    const [a, b] = await Promise.all([pruneExpired(deps), pruneExpired(deps)]);
    expect([a, b].filter((r) => r !== null)).toHaveLength(1);
    expect(await pruneExpired(deps)).toBeNull();
    clock.advance(HOUR);
    expect(await pruneExpired(deps)).toEqual({ requestKeys: 0, apiAnswers: 0, messages: 0, scheduleRuns: 0 });
  });

  it('when OUTBOX_RETENTION is shorter, then delivered messages go after it while request keys keep their 7 days', async () => {
    const t = await twoTickets();
    deps.outboxRetentionSec = 3600;
    clock.advance(2 * HOUR);
    const pruned = await pruneExpired(deps);
    expect(pruned!.requestKeys).toBe(0);
    expect(pruned!.messages).toBeGreaterThan(0);
    expect(await count('outbox', `ticket_key = '${t.done}'`)).toBe(0);
    expect(await count('processed_requests')).toBe(4);
  });

  it('when the managers\' message of a closed ticket is pruned, then a later edit still finds it on the ticket; a row a pending edit waits on stays', async () => {
    const t = await twoTickets();
    // A summary in the managers' channel (no ticket of its own) that the closed ticket is a line of.
    await enqueue(db.db, [{ ticketKey: null, idempotencyKey: '77:managers-summary', channel: 'CESCAL1', recordsManagersOf: [t.done], text: 'summary' }], clock.now());
    await saveManagersKey(db.db, [t.done], '77:managers-summary');
    // A message whose edit is still waiting to go out.
    await enqueue(db.db, [{ ticketKey: null, idempotencyKey: 'note:1', channel: 'CIRIS01', text: 'note' }], clock.now());
    await deliverAll();
    const managers = await sentMessage(db.db, '77:managers-summary');
    expect(managers).not.toBeNull();
    clock.advance(31 * DAY);
    await enqueue(db.db, [{ ticketKey: null, idempotencyKey: 'note:1:edit', channel: 'CIRIS01', updates: 'note:1', text: 'edited' }], clock.now());
    await pruneExpired(deps);
    expect(await count('outbox', `idempotency_key = '77:managers-summary'`)).toBe(0);
    expect(await sentMessage(db.db, '77:managers-summary')).toEqual(managers);
    expect(await count('outbox', `idempotency_key = 'note:1'`)).toBe(1);
    expect(await sentMessage(db.db, 'note:1')).not.toBeNull();
  });

  it('when schedule runs are older than 90 days, then they go and recent ones stay', async () => {
    await claimSlot(db.db, 'briefing', 'old', clock.now());
    clock.advance(20 * DAY);
    await claimSlot(db.db, 'briefing', 'recent', clock.now());
    clock.advance(75 * DAY);
    const pruned = await pruneExpired(deps);
    expect(pruned!.scheduleRuns).toBe(1);
    expect(await db.rows(db.db, sql`select slot from schedule_runs where job = 'briefing'`)).toEqual([{ slot: 'recent' }]);
  });

  it('when there are more rows than one pass may take, then each pass deletes its batches and the next hour\'s pass goes on', async () => {
    await db.db.execute(sql`insert into processed_requests (key, at) select 'k' || g, ${new Date(clock.now().getTime() - 10 * DAY).toISOString()}::timestamptz from generate_series(1, 25) g`);
    const counts: number[] = [];
    for (let i = 0; i < 4; i++) {
      counts.push((await pruneExpired(deps, { batchSize: 5, maxBatches: 2 }))!.requestKeys);
      clock.advance(HOUR);
    }
    expect(counts).toEqual([10, 10, 5, 0]);
    expect(await count('processed_requests')).toBe(0);
  });
});
