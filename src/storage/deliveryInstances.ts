// Which delivery loops are alive. Each Baton process registers one instance and renews its heartbeat
// every few seconds; an outbox row it claims names it (outbox.claimed_by). Rows claimed by an instance
// that stopped beating — its process died — are handed back, due now, without waiting for the row's
// lease. Heartbeats are written and judged with the database's clock, so copies on hosts whose clocks
// disagree still agree on who is alive.
import { sql } from 'drizzle-orm';
import type { Queryable } from './db.js';

const at = (d: Date) => sql`${d.toISOString()}::timestamptz`;
const ms = (n: number) => sql`${`${Math.max(0, Math.round(n))} milliseconds`}::interval`;

/** How long a heartbeat row is kept after it stopped: long past any claim it could explain. */
const FORGET_AFTER_MS = 24 * 60 * 60 * 1000;

/**
 * Registers instance `id`. Instances that cannot be alive any more are forgotten at once, so their
 * claims go back to the queue now: every other instance when `alone` (the embedded database allows
 * one process, and this one holds its lock) but the ones in `alongside` (this process's own), else the
 * ones registered under the same `name` (a process restarted on the same host and port replaces its
 * predecessor).
 */
export async function registerInstance(q: Queryable, o: { id: string; name: string; alone: boolean; alongside: string[] }): Promise<void> {
  await q.execute(
    sql`insert into delivery_instances (id, name, started_at, heartbeat_at) values (${o.id}, ${o.name}, now(), now())
        on conflict (id) do update set heartbeat_at = now()`,
  );
  await q.execute(
    sql`delete from delivery_instances where id <> ${o.id}
          and (${o.alone ? sql`id not in (${sql.join([o.id, ...o.alongside].map((x) => sql`${x}`), sql`, `)})` : sql`false`}
               or name = ${o.name} or heartbeat_at < now() - ${ms(FORGET_AFTER_MS)})`,
  );
}

/** Proof of life; re-registers the instance if its row was forgotten meanwhile. */
export async function heartbeat(q: Queryable, o: { id: string; name: string }): Promise<void> {
  await q.execute(
    sql`insert into delivery_instances (id, name, started_at, heartbeat_at) values (${o.id}, ${o.name}, now(), now())
        on conflict (id) do update set heartbeat_at = now()`,
  );
}

/**
 * Hands back, due at `dueAt`, the pending rows claimed by an instance not heard from for `staleMs` (or
 * forgotten). Returns how many. The claim's attempt stays counted: the dead process may have sent it.
 */
export async function reclaimOrphans(q: Queryable, o: { staleMs: number; dueAt: Date }): Promise<number> {
  const result = (await q.execute(
    sql`update outbox set claimed_by = null, next_attempt_at = least(next_attempt_at, ${at(o.dueAt)})
        where status = 'pending' and claimed_by is not null
          and claimed_by not in (select id from delivery_instances where heartbeat_at > now() - ${ms(o.staleMs)})
        returning id`,
  )) as unknown;
  const rows = Array.isArray(result) ? result : ((result as { rows?: unknown[] }).rows ?? []);
  return rows.length;
}

/** A stopping instance leaves: whatever it still held is due at once for the others. */
export async function unregisterInstance(q: Queryable, o: { id: string; dueAt: Date }): Promise<void> {
  await q.execute(sql`update outbox set claimed_by = null, next_attempt_at = least(next_attempt_at, ${at(o.dueAt)}) where status = 'pending' and claimed_by = ${o.id}`);
  await q.execute(sql`delete from delivery_instances where id = ${o.id}`);
}
