// What /metrics reads from the database at scrape time, so that every copy reports the same queues: a
// handful of counts over partial indexes and small tables, in one statement. Active tickets are the sum of the
// loads the triggers keep per agent (one row per agent, not a count over every active ticket).
import { sql } from 'drizzle-orm';
import { rowsOf, type Queryable } from './db.js';

export interface QueueSnapshot {
  intake: number;
  /** Intake tickets waiting with a reason (no eligible agent). */
  held: number;
  active: number;
  outboxPending: number;
  outboxFailed: number;
  /** Seconds since the oldest pending outbox row was written; 0 when none is pending. */
  outboxOldestAgeSec: number;
}

export async function queueSnapshot(q: Queryable, now: Date): Promise<QueueSnapshot> {
  const [r] = await rowsOf<Record<string, unknown>>(
    q,
    sql`select
          (select count(*) from tickets where status = 'intake')::int as intake,
          (select count(*) from tickets where status = 'intake' and hold_reason is not null)::int as held,
          (select coalesce(sum(active), 0) from agent_loads)::int as active,
          (select count(*) from outbox where status = 'pending')::int as pending,
          (select count(*) from outbox where status = 'failed')::int as failed,
          (select extract(epoch from (${now.toISOString()}::timestamptz - min(created_at))) from outbox where status = 'pending')::float8 as oldest`,
  );
  const n = (k: string) => Number(r?.[k] ?? 0);
  return { intake: n('intake'), held: n('held'), active: n('active'), outboxPending: n('pending'), outboxFailed: n('failed'), outboxOldestAgeSec: Math.max(0, n('oldest')) };
}
