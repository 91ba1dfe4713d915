// The outbox: every Slack message Baton must send, written in the same transaction as the change
// that causes it, delivered later by the worker.
import { sql } from 'drizzle-orm';
import type { Queryable } from './db.js';
import { outbox } from './schema.js';

export interface OutboundMessage {
  /** Messages of one ticket are delivered in the order they were written. */
  ticketKey: string | null;
  /** Unique per message: the same key written twice sends once. */
  idempotencyKey: string;
  channel: string;
  /** Reply under a known message… */
  threadTs?: string | null;
  /** …or under a ticket's home or origin message, resolved when delivered. */
  threadOf?: { ticket: string; which: 'home' | 'origin' } | null;
  /** On delivery, this message becomes the ticket's home message. */
  recordsHomeOf?: string | null;
  /** Edit the message sent earlier under this idempotency key instead of posting. */
  updates?: string | null;
  text: string;
  blocks?: unknown[] | null;
}

export async function enqueue(q: Queryable, msgs: OutboundMessage[], now: Date): Promise<void> {
  if (msgs.length === 0) return;
  await q
    .insert(outbox)
    .values(
      msgs.map((m) => ({
        ticketKey: m.ticketKey,
        idempotencyKey: m.idempotencyKey,
        channel: m.channel,
        threadTs: m.threadTs ?? null,
        threadOfTicket: m.threadOf?.ticket ?? null,
        threadOf: m.threadOf?.which ?? null,
        recordsHomeOf: m.recordsHomeOf ?? null,
        updatesKey: m.updates ?? null,
        text: m.text,
        blocks: m.blocks ?? null,
        nextAttemptAt: now,
        createdAt: now,
      })),
    )
    .onConflictDoNothing({ target: outbox.idempotencyKey });
}

export async function pendingCount(q: Queryable): Promise<{ pending: number; failed: number }> {
  const result = (await q.execute(
    sql`select count(*) filter (where status = 'pending')::int as pending, count(*) filter (where status = 'failed')::int as failed from outbox`,
  )) as unknown;
  const rows = Array.isArray(result) ? result : ((result as { rows: unknown[] }).rows ?? []);
  const r = (rows[0] ?? {}) as { pending?: number; failed?: number };
  return { pending: Number(r.pending ?? 0), failed: Number(r.failed ?? 0) };
}
