// 2. Escalation sweep: one sweep finding 1,000 due tickets among 10,000 and among 1,000,000 tickets of
// history (100,000 in quick mode), history bulk-inserted with generate_series. PGlite too, smaller.
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import type { Deps } from '../src/app/context.js';
import { systemClock } from '../src/core/clock.js';
import { escalateDue } from '../src/app/escalation.js';
import { blockKitRenderer } from '../src/slack/renderer.js';
import { openDatabase, type Database } from '../src/storage/db.js';
import { median, round, type BenchOptions, type Databases, type Result } from './lib.js';

const DUE = 1000;
const RUNS = 3;

export function benchDeps(database: Database): Deps {
  return {
    database,
    clock: systemClock,
    policy: { admins: ['UADMIN001'] },
    render: blockKitRenderer(systemClock, 'UTC'),
    timeZone: 'UTC',
    defaultTicketType: 'general',
    escalationsChannel: 'CESCALATE1',
  };
}

export const quietLogger = pino({ level: 'silent' });

/** 8 agents in a chain agent1 → agent2 → … → agent8, each with its channel and user. */
export async function seedAgents(db: Database, o: { skills?: string; capacity?: number; chain?: boolean } = {}) {
  await db.db.execute(sql.raw(`
    insert into agents (handle, skills, channel, slack_user, capacity, escalates_to, created_at)
    select 'agent' || g, array['${o.skills ?? 'general'}'], 'CAG' || lpad(g::text, 6, '0'), 'UAG' || lpad(g::text, 6, '0'), ${o.capacity ?? 5},
      ${o.chain === false ? 'null' : `case when g < 8 then 'agent' || (g + 1) end`}, now() - interval '30 days'
    from generate_series(1, 8) g`));
}

/** `total` tickets: total − 2,000 completed history (with audit events and sent messages), 1,000 active not yet due, 1,000 due. */
export async function seedSweep(db: Database, total: number) {
  await seedAgents(db);
  const history = total - 2 * DUE;
  await db.db.execute(sql.raw(`
    insert into tickets (key, type, title, description, priority, priority_rank, status, assignee, requester, context,
      escalation_level, requires_handoff, created_at, assigned_at, clock_started_at, resolved_at, resolution, home_channel, home_ts)
    select 'T-2025-' || lpad(g::text, 7, '0'), 'general', 'Old ticket ' || g, 'Something that was fixed long ago', 'normal', 2, 'completed',
      'agent' || (1 + g % 8), 'UREQ' || lpad((g % 500)::text, 5, '0'), jsonb_build_object('customer', 'cust' || (g % 1000)),
      0, '{}', now() - interval '300 days' + (g || ' seconds')::interval, now() - interval '300 days' + (g || ' seconds')::interval,
      now() - interval '300 days' + (g || ' seconds')::interval, now() - interval '200 days', 'done',
      'CAG' || lpad((1 + g % 8)::text, 6, '0'), '1690000000.' || lpad(g::text, 6, '0')
    from generate_series(1, ${history}) g`));
  await db.db.execute(sql.raw(`
    insert into audit_events (ticket_key, at, actor, action, from_status, to_status, note, data)
    select 'T-2025-' || lpad(g::text, 7, '0'), now() - interval '300 days', case when a = 1 then 'UREQ00001' else 'UAG000001' end,
      case when a = 1 then 'assigned' else 'resolved' end, case when a = 1 then 'intake' else 'active' end,
      case when a = 1 then 'active' else 'completed' end, 'history', '{}'::jsonb
    from generate_series(1, ${history}) g, generate_series(1, 2) a`));
  await db.db.execute(sql.raw(`
    insert into outbox (ticket_key, idempotency_key, channel, text, status, attempts, next_attempt_at, created_at, sent_ts, sent_at)
    select 'T-2025-' || lpad(g::text, 7, '0'), 'hist-' || g || ':card', 'CAG' || lpad((1 + g % 8)::text, 6, '0'), 'Old assignment card', 'sent', 1,
      now() - interval '300 days', now() - interval '300 days', '1690000000.' || lpad(g::text, 6, '0'), now() - interval '300 days'
    from generate_series(1, ${history}) g`));
  // Open tickets: the first 1,000 due (an hour to a minute ago), the next 1,000 due in the future.
  await db.db.execute(sql.raw(`
    insert into tickets (key, type, title, description, priority, priority_rank, status, assignee, requester, context,
      escalation_level, requires_handoff, created_at, assigned_at, clock_started_at, escalate_due_at, home_channel, home_ts)
    select 'T-2026-' || lpad(g::text, 7, '0'), 'general', 'Open ticket ' || g, 'Still open', 'normal', 2, 'active',
      'agent' || (1 + g % 7), 'UREQ' || lpad((g % 500)::text, 5, '0'), jsonb_build_object('customer', 'cust' || (g % 1000)),
      0, '{}', now() - interval '5 hours', now() - interval '5 hours', now() - interval '5 hours',
      case when g <= ${DUE} then now() - interval '1 hour' + (g * 3 || ' seconds')::interval else now() + interval '1 hour' + (g || ' seconds')::interval end,
      'CAG' || lpad((1 + g % 7)::text, 6, '0'), '1700000000.' || lpad(g::text, 6, '0')
    from generate_series(1, ${2 * DUE}) g`));
  await db.db.execute(sql.raw(`vacuum analyze`));
}

async function resetDue(db: Database) {
  await db.db.execute(sql.raw(`
    update tickets set escalation_level = 0, escalated_to = null, chain_exhausted = false,
      clock_started_at = now() - interval '5 hours', escalate_due_at = now() - interval '1 hour' + ((substr(key, 8))::int * 3 || ' seconds')::interval
    where key >= 'T-2026-' and (substr(key, 8))::int <= ${DUE}`));
  await db.db.execute(sql.raw(`delete from outbox where status = 'pending'`));
  await db.db.execute(sql.raw(`vacuum analyze tickets`));
}

/** Median wall time of one sweep over the 1,000 due tickets, `RUNS` times. */
async function measure(db: Database): Promise<{ ms: number; all: number[] }> {
  const deps = benchDeps(db);
  const all: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    if (r > 0) await resetDue(db);
    const start = performance.now();
    const escalated = await escalateDue(deps);
    all.push(performance.now() - start);
    if (escalated.length !== DUE) throw new Error(`the sweep escalated ${escalated.length} tickets, expected ${DUE}`);
  }
  return { ms: median(all), all };
}

async function onPostgres(dbs: Databases, total: number) {
  const bench = await dbs.fresh(`sweep${total}`);
  const db = await openDatabase({ databaseUrl: bench.url, migrate: false });
  try {
    const t = performance.now();
    await seedSweep(db, total);
    const seeded = (performance.now() - t) / 1000;
    const m = await measure(db);
    return { ...m, seeded };
  } finally {
    await db.close();
    await bench.drop();
  }
}

async function onPglite(total: number) {
  const db = await openDatabase({ pglite: {} });
  try {
    await seedSweep(db, total);
    return await measure(db);
  } finally {
    await db.close();
  }
}

export async function runSweep(dbs: Databases, o: BenchOptions): Promise<Result[]> {
  const big = o.quick ? 100_000 : 1_000_000;
  const label = (n: number) => (n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`);
  const small = await onPostgres(dbs, 10_000);
  const large = await onPostgres(dbs, big);
  const results: Result[] = [
    { section: 'sweep', metric: `one sweep, ${DUE} due among ${label(10_000)} tickets (median of ${RUNS})`, value: round(small.ms, 0), unit: 'ms', target: '< 1000 ms', pass: small.ms < 1000, database: 'postgres', notes: `runs ${small.all.map((x) => Math.round(x)).join(', ')} ms` },
    { section: 'sweep', metric: `one sweep, ${DUE} due among ${label(big)} tickets (median of ${RUNS})`, value: round(large.ms, 0), unit: 'ms', target: '< 1000 ms', pass: large.ms < 1000, database: 'postgres', notes: `runs ${large.all.map((x) => Math.round(x)).join(', ')} ms; seeded in ${Math.round(large.seeded)} s` },
    { section: 'sweep', metric: `${label(big)} sweep / ${label(10_000)} sweep`, value: round(large.ms / small.ms, 2), unit: '×', target: '≤ 1.5×', pass: large.ms / small.ms <= 1.5, database: 'postgres' },
  ];
  const liteSizes = o.quick ? [10_000] : [10_000, 100_000];
  for (const n of liteSizes) {
    const r = await onPglite(n);
    results.push({ section: 'sweep', metric: `one sweep, ${DUE} due among ${label(n)} tickets (median of ${RUNS})`, value: round(r.ms, 0), unit: 'ms', target: '', pass: null, database: 'pglite', notes: `runs ${r.all.map((x) => Math.round(x)).join(', ')} ms` });
  }
  return results;
}
