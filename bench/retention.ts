// 6. Size over the years (PostgreSQL): the database's size per 10,000 tickets filed through the use cases
// (their trail and delivered cards included), then after 100,000 requests that filed nothing (Slack retries,
// thread replies: each leaves a processed request key and a delivered answer) before and after a retention
// pass, and after each of the next three months of 100,000 (a pass after each): the size it settles at. The requests' rows are written in bulk,
// as those requests write them, so the figure does not wait on 100,000 round trips.
import { sql } from 'drizzle-orm';
import { addAgent } from '../src/app/agents.js';
import type { Deps } from '../src/app/context.js';
import { fileTicket } from '../src/app/fileTicket.js';
import { pruneExpired } from '../src/app/retention.js';
import { user } from '../src/core/permissions.js';
import { openDatabase, type Database } from '../src/storage/db.js';
import { blockKitRenderer } from '../src/slack/renderer.js';
import { round, type BenchOptions, type Databases, type Result } from './lib.js';

const DAY = 86_400_000;
const MB = 1024 * 1024;

async function sizeMB(database: Database): Promise<number> {
  const [r] = await database.rows<{ n: string }>(database.db, sql`select pg_database_size(current_database())::text as n`);
  return Number(r!.n) / MB;
}

/** What `n` requests that filed nothing leave behind: a request key and a delivered answer each. */
async function traffic(database: Database, from: number, n: number, at: Date): Promise<void> {
  const ts = at.toISOString();
  for (let start = from; start < from + n; start += 10_000) {
    const end = Math.min(from + n, start + 10_000) - 1;
    await database.db.execute(sql`insert into processed_requests (key, at) select 'slack:Ev' || g, ${ts}::timestamptz from generate_series(${start}::int, ${end}::int) g`);
    await database.db.execute(sql`insert into outbox (ticket_key, idempotency_key, channel, text, status, attempts, next_attempt_at, sent_ts, sent_channel, sent_at, created_at)
      select null, 'answer:' || g, 'UREQ' || (g % 500), 'That thread is not a ticket''s: nothing was filed.', 'sent', 1, ${ts}::timestamptz,
        '1700000000.' || lpad((g % 1000000)::text, 6, '0'), 'D' || (g % 500), ${ts}::timestamptz, ${ts}::timestamptz
      from generate_series(${start}::int, ${end}::int) g`);
  }
}

export async function runRetention(dbs: Databases, o: BenchOptions): Promise<Result[]> {
  const tickets = o.quick ? 2_000 : 10_000;
  const requests = o.quick ? 20_000 : 100_000;
  const pg = await dbs.fresh('retention');
  const database = await openDatabase({ databaseUrl: pg.url, migrate: false, poolSize: 8 });
  let now = new Date('2026-03-02T09:00:00Z').getTime();
  const clock = { now: () => new Date(now) };
  const deps: Deps = { database, clock, policy: { admins: ['UADMIN01'] }, render: blockKitRenderer(clock, 'UTC'), timeZone: 'UTC', defaultTicketType: 'general', escalationsChannel: null };
  const results: Result[] = [];
  const r = (metric: string, value: number, notes: string): Result => ({ section: 'retention', metric, value: round(value, 1), unit: 'MB', target: '', pass: null, database: 'postgres', notes });
  try {
    for (let i = 0; i < 10; i++) {
      await addAgent(deps, user('UADMIN01'), { handle: `a${i}`, skills: ['general'], channel: `CBENCH${i}`, capacity: 100_000 });
    }
    await database.db.execute(sql`vacuum analyze`);
    const empty = await sizeMB(database);
    let i = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (i < tickets) {
          const n = i++;
          await fileTicket(deps, user(`UREQ${n % 500}`), { title: `Bench ticket ${n}`, description: 'A printer on the third floor jams on every second page.', handoff: [], context: { customer: `c${n % 300}` } }, { requestKey: `slack:file:${n}` });
        }
      }),
    );
    // Their cards were delivered.
    await database.db.execute(sql`update outbox set status = 'sent', sent_ts = '1700000000.' || lpad(id::text, 6, '0'), sent_at = ${new Date(now).toISOString()}::timestamptz where status = 'pending'`);
    await database.db.execute(sql`vacuum analyze`);
    const withTickets = await sizeMB(database);
    results.push(r('database size per 10,000 tickets', ((withTickets - empty) * 10_000) / tickets, `${tickets} filed through fileTicket: ticket, trail, delivered card, request key`));

    await traffic(database, 0, requests, new Date(now));
    await database.db.execute(sql`vacuum analyze`);
    const before = await sizeMB(database);
    results.push(r(`size after ${requests.toLocaleString('en')} requests that filed nothing`, before, `database with ${tickets} tickets was ${round(withTickets, 1)} MB`));

    now += 31 * DAY;
    const pruned = await pruneExpired(deps);
    await database.db.execute(sql`vacuum analyze`); // what autovacuum does on its own: the space is reused
    const after = await sizeMB(database);
    results.push(r('size after a retention pass', after, `pruned ${pruned?.requestKeys ?? 0} keys and ${pruned?.messages ?? 0} messages; PostgreSQL keeps the freed pages for reuse`));

    // Steady state: each month another batch of requests, then the month's retention pass. Once the pages freed
    // by one pass (heap at once, index pages at the vacuum after) are reused, the size stops growing.
    const cycles: number[] = [];
    for (let c = 1; c <= 3; c++) {
      await traffic(database, c * requests, requests, new Date(now));
      await database.db.execute(sql`vacuum analyze`);
      cycles.push(await sizeMB(database));
      now += 31 * DAY;
      await pruneExpired(deps);
      await database.db.execute(sql`vacuum analyze`);
    }
    results.push(r(`size after the next ${requests.toLocaleString('en')} requests`, cycles[0]!, 'written into the pages the pass freed'));
    results.push(
      r(
        `size after the third and fourth ${requests.toLocaleString('en')} (a pass after each)`,
        cycles[2]!,
        `${cycles.map((c) => `${round(c, 1)} MB`).join(' → ')} after each month's requests: it stops growing once the freed pages are reused`,
      ),
    );
    return results;
  } finally {
    await database.close();
    await pg.drop();
  }
}
