// Retention: rows that only exist to make things happen once, deleted when they can no longer matter.
// Each call deletes one small batch in its own statement, picking rows by key with SKIP LOCKED, so it
// never holds many locks nor waits on a row someone else is using.
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Queryable } from './db.js';

export type PrunedKind = 'requestKeys' | 'apiAnswers' | 'messages' | 'scheduleRuns';

const at = (d: Date) => sql`${d.toISOString()}::timestamptz`;

function batchQuery(kind: PrunedKind, before: Date, limit: number): SQL {
  switch (kind) {
    case 'requestKeys':
      return sql`delete from processed_requests where key in (
        select key from processed_requests where at < ${at(before)} order by at limit ${limit} for update skip locked)
        returning 1`;
    case 'apiAnswers':
      return sql`delete from api_idempotency where (handle, key) in (
        select handle, key from api_idempotency where at < ${at(before)} order by at limit ${limit} for update skip locked)
        returning 1`;
    case 'scheduleRuns':
      return sql`delete from schedule_runs where (job, slot) in (
        select job, slot from schedule_runs where at < ${at(before)} order by at limit ${limit} for update skip locked)
        returning 1`;
    case 'messages':
      // Delivered rows only (pending and failed ones stay). A row of a ticket still open stays: its card
      // or ping may still be edited (chat.update finds the message through the row), as does a row a
      // pending edit is waiting on. What a later step needs of a closed ticket lives on the ticket
      // (home and managers' message).
      return sql`delete from outbox where id in (
        select o.id from outbox o
        where o.status = 'sent' and o.sent_at < ${at(before)}
          and not exists (select 1 from tickets t where t.key = o.ticket_key and t.status <> 'completed')
          and not exists (select 1 from outbox p where p.status = 'pending' and p.updates_key = o.idempotency_key)
        order by o.sent_at limit ${limit} for update of o skip locked)
        returning 1`;
  }
}

/** Deletes at most `limit` rows of `kind` older than `before`; how many it deleted. */
export async function pruneBatch(q: Queryable, kind: PrunedKind, before: Date, limit: number): Promise<number> {
  const rows = await rowsOf<Record<string, unknown>>(q, sql`with d as (${batchQuery(kind, before, limit)}) select count(*)::int as n from d`);
  return Number(rows[0]?.n ?? 0);
}
