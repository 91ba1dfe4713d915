// Retention under traffic: 10,000 processed request keys and 10,000 delivered messages back-dated past their
// time are deleted by successive sweeps while filings keep arriving. Every filing succeeds, and the rows
// something still needs stay: an open ticket's delivered card, undelivered and failed messages, recent keys,
// the tickets and their trail. Filing latencies before and during the pruning are printed to be quoted
// (never asserted).
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { addAgent } from '../../src/app/agents.js';
import { fileTicket } from '../../src/app/fileTicket.js';
import { user } from '../../src/core/permissions.js';
import { startScheduler } from '../../src/scheduler/scheduler.js';
import { createLogger } from '../../src/logger.js';
import { DB_KINDS } from '../support/db.js';
import { ADMIN, useCaseBed, type UseCaseBed } from '../support/deps.js';
import { HOUR, input } from '../support/inspect.js';
import { percentile } from '../support/stats.js';

const DAY = 24 * HOUR;
const N = Number(process.env.RETENTION_ROWS ?? 10_000);

for (const kind of DB_KINDS) describe(`retention under filings on ${kind}`, () => {
  let bed: UseCaseBed;
  useCaseBed(kind, { per: 'block', poolSize: 4 }, (b) => (bed = b));

  it(`when ${N} request keys and ${N} delivered messages are past retention, then sweeps delete them while filings go on, and the rows still needed stay`, async () => {
    const { db, deps, clock } = bed;
    const count = async (q: string) => Number((await db.rows<{ n: number }>(db.db, sql.raw(`select count(*)::int as n from ${q}`)))[0]!.n);
    await addAgent(deps, user(ADMIN), { handle: 'iris', skills: ['general'], channel: 'CIRIS01', user: 'UIRIS01', capacity: 1000 });
    const open = await fileTicket(deps, user('UREQ0001'), input('Open for months'), { requestKey: 'slack:open' });
    const old = new Date(clock.now().getTime() - 60 * DAY).toISOString();
    // The open ticket's card was delivered long ago: it stays (it may still be edited).
    await db.db.execute(sql`update outbox set status = 'sent', sent_ts = '1600000000.000100', sent_at = ${old}::timestamptz where ticket_key = ${open.ticket.key}`);
    await db.db.execute(sql`insert into tickets (key, type, title, description, priority, priority_rank, status, assignee, requester, context,
        escalation_level, requires_handoff, created_at, resolved_at)
      values ('T-2025-000001', 'general', 'closed long ago', 'x', 'normal', 2, 'completed', 'iris', 'UREQ0001', '{}'::jsonb, 0, '{}', ${old}::timestamptz, ${old}::timestamptz)`);
    await db.db.execute(sql`insert into processed_requests (key, at) select 'slack:old:' || g, ${old}::timestamptz from generate_series(1, ${N}) g`);
    await db.db.execute(sql`insert into outbox (ticket_key, idempotency_key, channel, text, status, attempts, next_attempt_at, sent_ts, sent_at, created_at)
      select case when g % 2 = 0 then 'T-2025-000001' end, 'old:' || g, 'CIRIS01', 'delivered long ago', 'sent', 1, ${old}::timestamptz,
        '1600000000.' || lpad(g::text, 6, '0'), ${old}::timestamptz, ${old}::timestamptz
      from generate_series(1, ${N}) g`);
    // Old rows that were never delivered: they are not retention's to delete.
    await db.db.execute(sql`insert into outbox (ticket_key, idempotency_key, channel, text, status, attempts, next_attempt_at, last_error, created_at) values
      (null, 'old:failed', 'CGONE01', 'refused', 'failed', 1, ${old}::timestamptz, 'channel_not_found', ${old}::timestamptz),
      (null, 'old:pending', 'CIRIS01', 'still trying', 'pending', 3, ${new Date(clock.now().getTime() + DAY).toISOString()}::timestamptz, null, ${old}::timestamptz)`);
    const sentOfOpen = await count(`outbox where ticket_key = '${open.ticket.key}' and status = 'sent'`);
    expect(sentOfOpen).toBeGreaterThan(0);

    const file = async (i: number, into: number[]) => {
      const t0 = performance.now();
      const r = await fileTicket(deps, user(`UREQ${String(i % 50).padStart(4, '0')}`), input(`Filed during pruning ${i}`), { requestKey: `slack:new:${i}` });
      into.push(performance.now() - t0);
      return r.ticket.key;
    };
    const before: number[] = [];
    for (let i = 0; i < 30; i++) await file(i, before);

    // Sweeps of 10 batches of 500 each: the backlog takes several of them, one an hour.
    const scheduler = startScheduler({ deps, logger: createLogger({ level: 'silent' }), escalationCron: '0 0 1 1 *', briefingCron: '0 0 1 1 *', timeZone: 'UTC', retention: { maxBatches: 10 } });
    const during: number[] = [];
    const filed: string[] = [];
    let sweeps = 0;
    let done = false;
    try {
      const sweeping = (async () => {
        try {
          for (;;) {
            const { pruned } = await scheduler.tick();
            sweeps++;
            if (pruned && pruned.requestKeys === 0 && pruned.messages === 0) return;
            clock.advance(HOUR);
          }
        } finally {
          done = true;
        }
      })();
      const filing = (async () => {
        for (let i = 100; !done; i++) {
          filed.push(await file(i, during));
          // Filings arrive one after another, as requests do: not a loop that never lets the sweep in.
          await new Promise((r) => setTimeout(r, 2));
        }
      })();
      await Promise.all([sweeping, filing]);
    } finally {
      await scheduler.stop();
    }

    console.log(
      `[retention ${kind}] ${sweeps} sweeps pruned ${N} keys and ${N} messages while ${filed.length} filings ran; ` +
        `filing ms before p50 ${percentile(before, 50).toFixed(1)} p99 ${percentile(before, 99).toFixed(1)}, ` +
        `during p50 ${percentile(during, 50).toFixed(1)} p99 ${percentile(during, 99).toFixed(1)}`,
    );
    expect(sweeps).toBeGreaterThan(Math.ceil(N / 5000)); // the backlog took several passes, then one found nothing
    expect(filed.length).toBeGreaterThan(0);
    expect(new Set(filed).size).toBe(filed.length);
    expect(await count(`processed_requests where key like 'slack:old:%'`)).toBe(0);
    expect(await count(`outbox where idempotency_key like 'old:%' and status = 'sent'`)).toBe(0);
    // What is still needed stays.
    expect(await count(`outbox where idempotency_key in ('old:failed', 'old:pending')`)).toBe(2);
    expect(await count(`outbox where ticket_key = '${open.ticket.key}' and status = 'sent'`)).toBe(sentOfOpen);
    expect(await count(`processed_requests where key like 'slack:new:%'`)).toBe(30 + filed.length);
    expect(await count(`tickets where key in (${filed.map((k) => `'${k}'`).join(', ')})`)).toBe(filed.length);
    expect(await count(`tickets where key = 'T-2025-000001'`)).toBe(1);
    expect(await count(`audit_events where action = 'filed'`)).toBe(1 + 30 + filed.length);
  }, 600_000);
});
