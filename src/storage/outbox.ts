// The outbox: every Slack message Baton must send, written in the same transaction as the change
// that causes it, delivered later by the delivery loop (src/delivery), which claims, leases, retries
// and records rows only through the functions below.
import { sql, type SQL } from 'drizzle-orm';
import { Compiled, placeholdersOf } from './compiled.js';
import type { Queryable } from './db.js';
import { outbox } from './schema.js';

export type ThreadKind = 'home' | 'origin' | 'managers';

/** `thread_of` of a row that edits its ticket's home card instead of replying under it. */
export const HOME_CARD = 'home-card';

export interface OutboundMessage {
  /** Messages of one ticket are delivered in the order they were written. */
  ticketKey: string | null;
  /** Unique per message: the same key written twice sends once. */
  idempotencyKey: string;
  channel: string;
  /** Reply under a known message… */
  threadTs?: string | null;
  /** …or under a ticket's home, origin or managers' message, resolved when delivered. */
  threadOf?: { ticket: string; which: ThreadKind } | null;
  /** On delivery, this message becomes the ticket's home message. */
  recordsHomeOf?: string | null;
  /**
   * On delivery, this message becomes the managers' message of these tickets (in ESCALATIONS_CHANNEL):
   * one ticket, or the several a summary lists.
   */
  recordsManagersOf?: string[] | null;
  /** Edit the message sent earlier under this idempotency key instead of posting. */
  updates?: string | null;
  /** Edit this ticket's home message (its card), wherever it is when delivered, instead of posting. */
  editsHomeOf?: string | null;
  text: string;
  blocks?: unknown[] | null;
  /** Which destination delivers it (default 'slack'); rows of one ticket are in order per destination and target. */
  destination?: string;
  /** For a destination other than Slack: whom it goes to (an agent's handle). */
  target?: string | null;
  /** For a destination other than Slack: what it sends. */
  payload?: unknown;
}

type OutboxRow = Pick<
  typeof outbox.$inferInsert,
  'ticketKey' | 'idempotencyKey' | 'channel' | 'threadTs' | 'threadOfTicket' | 'threadOf' | 'recordsHomeOf' | 'recordsManagersOf' | 'updatesKey' | 'text' | 'blocks' | 'destination' | 'target' | 'payload' | 'nextAttemptAt' | 'createdAt'
>;
const outboxRow = (m: OutboundMessage, now: Date): Required<OutboxRow> => ({
  ticketKey: m.ticketKey,
  idempotencyKey: m.idempotencyKey,
  channel: m.channel,
  threadTs: m.threadTs ?? null,
  // An edit of the home card is stored as the home "thread" with the kind `home-card`: resolved at delivery.
  threadOfTicket: m.editsHomeOf ?? m.threadOf?.ticket ?? null,
  threadOf: m.editsHomeOf ? HOME_CARD : (m.threadOf?.which ?? null),
  recordsHomeOf: m.recordsHomeOf ?? null,
  recordsManagersOf: m.recordsManagersOf?.length ? m.recordsManagersOf.join(' ') : null,
  updatesKey: m.updates ?? null,
  text: m.text,
  blocks: m.blocks ?? null,
  destination: m.destination ?? 'slack',
  target: m.target ?? null,
  payload: m.payload ?? null,
  nextAttemptAt: now,
  createdAt: now,
});
// Built once: one message, what most use cases send (see compiled.ts).
const enqueueOneQ = new Compiled<Required<OutboxRow>>((q) =>
  q
    .insert(outbox)
    .values(placeholdersOf(outbox, ['id', 'status', 'claimedBy', 'attempts', 'lastError', 'sentTs', 'sentChannel', 'sentAt']) as never)
    .onConflictDoNothing({ target: outbox.idempotencyKey }),
);

export async function enqueue(q: Queryable, msgs: OutboundMessage[], now: Date): Promise<void> {
  if (msgs.length === 0) return;
  if (msgs.length === 1) {
    await enqueueOneQ.run(q, outboxRow(msgs[0]!, now));
    return;
  }
  await q
    .insert(outbox)
    .values(msgs.map((m) => outboxRow(m, now)))
    .onConflictDoNothing({ target: outbox.idempotencyKey });
}

export async function pendingCount(q: Queryable): Promise<{ pending: number; failed: number }> {
  const [r = {}] = await rowsOf<{ pending?: number; failed?: number }>(
    q,
    sql`select count(*) filter (where status = 'pending')::int as pending, count(*) filter (where status = 'failed')::int as failed from outbox`,
  );
  return { pending: Number(r.pending ?? 0), failed: Number(r.failed ?? 0) };
}

/** A message claimed for delivery: what a destination needs to send it. */
export interface ClaimedMessage {
  id: number;
  ticketKey: string | null;
  channel: string;
  threadTs: string | null;
  threadOfTicket: string | null;
  threadOf: string | null;
  recordsHomeOf: string | null;
  /** Space-separated ticket keys. */
  recordsManagersOf: string | null;
  updatesKey: string | null;
  text: string;
  blocks: unknown[] | null;
  /** Which destination delivers it: 'slack', 'webhook', … */
  destination: string;
  target: string | null;
  payload: unknown;
  /** Attempts so far, this claim included. */
  attempts: number;
  /** When the row was written (a destination may give up on rows too old). */
  createdAt: Date;
}

/** Where a delivered message landed (a DM's channel differs from the user ID it was sent to). */
export interface Receipt {
  channel: string;
  ts: string | null;
}

async function rowsOf<T>(q: Queryable, query: SQL): Promise<T[]> {
  const result = (await q.execute(query)) as unknown;
  return (Array.isArray(result) ? result : ((result as { rows?: T[] }).rows ?? [])) as T[];
}

const at = (d: Date) => sql`${d.toISOString()}::timestamptz`;
const ERROR_MAX = 500;

/**
 * Claims due rows — the oldest pending row of each ticket for each destination and target (a webhook
 * that keeps failing holds back that agent's later events of the ticket, never its Slack messages), and
 * rows of no ticket — with FOR UPDATE
 * SKIP LOCKED, so several copies never claim one row. A claim counts as an attempt and is a lease: the
 * row is due again at `leaseUntil`, when another copy may take it if this one never answered. The row
 * records the claiming `instance`: when that instance's heartbeat stops, the row is handed back at once
 * (deliveryInstances.ts) instead of waiting for the lease.
 */
export async function claimDue(q: Queryable, o: { now: Date; leaseUntil: Date; limit: number; instance?: string | null }): Promise<ClaimedMessage[]> {
  const rows = await rowsOf<Record<string, unknown>>(
    q,
    sql`with next as (
          select o.id from outbox o
          where o.status = 'pending' and o.next_attempt_at <= ${at(o.now)}
            and (o.ticket_key is null or not exists (
              select 1 from outbox p where p.ticket_key = o.ticket_key and p.status = 'pending' and p.id < o.id
                and p.destination = o.destination and p.target is not distinct from o.target))
          order by o.id
          limit ${o.limit}
          for update skip locked)
        update outbox set next_attempt_at = ${at(o.leaseUntil)}, attempts = attempts + 1, claimed_by = ${o.instance ?? null}
        where id in (select id from next)
        returning id, ticket_key, channel, thread_ts, thread_of_ticket, thread_of, records_home_of, records_managers_of, updates_key, text, blocks, destination, target, payload, attempts, created_at`,
  );
  return rows
    .map((r) => ({
      id: Number(r.id),
      ticketKey: r.ticket_key as string | null,
      channel: r.channel as string,
      threadTs: r.thread_ts as string | null,
      threadOfTicket: r.thread_of_ticket as string | null,
      threadOf: r.thread_of as string | null,
      recordsHomeOf: r.records_home_of as string | null,
      recordsManagersOf: (r.records_managers_of as string | null) ?? null,
      updatesKey: r.updates_key as string | null,
      text: r.text as string,
      blocks: r.blocks as unknown[] | null,
      destination: (r.destination as string | null) ?? 'slack',
      target: (r.target as string | null) ?? null,
      payload: r.payload ?? null,
      attempts: Number(r.attempts),
      createdAt: new Date(r.created_at as string | Date),
    }))
    .sort((a, b) => a.id - b.id);
}

/** Hands claimed rows back, due at `dueAt`, without counting their claim as an attempt. */
export async function releaseClaims(q: Queryable, ids: number[], dueAt: Date): Promise<void> {
  if (ids.length === 0) return;
  await q.execute(
    sql`update outbox set next_attempt_at = ${at(dueAt)}, attempts = greatest(attempts - 1, 0), claimed_by = null where id in (${sql.join(ids.map((id) => sql`${id}`), sql`, `)})`,
  );
}

/**
 * Delivered: the row is sent and, if it was to become a ticket's home message (or the managers' message of
 * tickets), the tickets record it — both or neither, in one statement (no transaction of its own).
 */
export async function markSent(q: Queryable, msg: Pick<ClaimedMessage, 'id' | 'recordsHomeOf' | 'recordsManagersOf'>, receipt: Receipt, now: Date): Promise<void> {
  const sent = sql`update outbox set status = 'sent', sent_ts = ${receipt.ts}, sent_channel = ${receipt.channel}, sent_at = ${at(now)}, last_error = null, claimed_by = null where id = ${msg.id}`;
  const home = msg.recordsHomeOf && receipt.ts ? msg.recordsHomeOf : null;
  const managers = msg.recordsManagersOf && receipt.ts ? [...new Set(msg.recordsManagersOf.split(' ').filter(Boolean))] : [];
  if (!home && managers.length === 0) {
    await q.execute(sent);
    return;
  }
  // One update of each ticket row, whichever of the two it records (a row updated twice in one statement
  // would keep only one of the changes).
  const isHome = home ? sql`key = ${home}` : sql`false`;
  const isManagers = managers.length ? sql`key in (${sql.join(managers.map((k) => sql`${k}`), sql`, `)})` : sql`false`;
  await q.execute(sql`with sent as (${sent} returning id)
    update tickets set
      home_channel = case when ${isHome} then ${receipt.channel} else home_channel end,
      home_ts = case when ${isHome} then ${receipt.ts} else home_ts end,
      managers_channel = case when ${isManagers} then ${receipt.channel} else managers_channel end,
      managers_ts = case when ${isManagers} then ${receipt.ts} else managers_ts end
    where ${isHome} or ${isManagers}`);
}

/**
 * Not delivered this time: due again at `dueAt`, with the error kept for whoever looks. `countAttempt:
 * false` gives the claim's attempt back (the destination asked for the wait, as with Retry-After).
 */
export async function scheduleRetry(q: Queryable, id: number, o: { dueAt: Date; error: string; countAttempt: boolean }): Promise<void> {
  await q.execute(
    sql`update outbox set next_attempt_at = ${at(o.dueAt)}, claimed_by = null, last_error = ${o.error.slice(0, ERROR_MAX)}${o.countAttempt ? sql`` : sql`, attempts = greatest(attempts - 1, 0)`} where id = ${id}`,
  );
}

/** Refused for good: the row stays, failed, with the reason. */
export async function markFailed(q: Queryable, id: number, error: string): Promise<void> {
  await q.execute(sql`update outbox set status = 'failed', claimed_by = null, last_error = ${error.slice(0, ERROR_MAX)} where id = ${id}`);
}

/** The ticket whose question to its requester (`/ticket wait`) is the message `ts` in `channel` (a DM), if Baton sent one there. */
export async function ticketOfQuestion(q: Queryable, channel: string, ts: string): Promise<string | null> {
  const [row] = await rowsOf<{ ticket_key: string | null }>(
    q,
    sql`select ticket_key from outbox where sent_ts = ${ts} and sent_channel = ${channel} and idempotency_key like '%:question' and status = 'sent' limit 1`,
  );
  return row?.ticket_key ?? null;
}

/**
 * Whether a message another one depends on is still to be delivered: the one written under `idempotencyKey`
 * (a later edit of it waits), or the managers' message of ticket `managersOf` (a reply in its thread waits;
 * a summary listing several tickets belongs to no one ticket, so the order per ticket does not cover it).
 */
export async function stillPending(q: Queryable, o: { idempotencyKey: string } | { managersOf: string }): Promise<boolean> {
  const [row] = await rowsOf<{ n: number }>(
    q,
    'idempotencyKey' in o
      ? sql`select 1 as n from outbox where idempotency_key = ${o.idempotencyKey} and status = 'pending'`
      : sql`select 1 as n from outbox o join tickets t on o.idempotency_key = t.managers_key where t.key = ${o.managersOf} and o.status = 'pending'`,
  );
  return row !== undefined;
}

/** Where the message sent under `idempotencyKey` landed, if it was sent. */
export async function sentMessage(q: Queryable, idempotencyKey: string): Promise<Receipt | null> {
  const [orig] = await rowsOf<{ channel: string; sent_channel: string | null; sent_ts: string | null }>(
    q,
    sql`select channel, sent_channel, sent_ts from outbox where idempotency_key = ${idempotencyKey} and status = 'sent'`,
  );
  if (orig?.sent_ts) return { channel: orig.sent_channel ?? orig.channel, ts: orig.sent_ts };
  // A ticket's message in the managers' channel is edited long after it was sent: once retention has
  // deleted its row, the ticket still says where it is.
  const [managers] = await rowsOf<{ managers_channel: string; managers_ts: string }>(
    q,
    sql`select managers_channel, managers_ts from tickets where managers_key = ${idempotencyKey} and managers_ts is not null and managers_channel is not null limit 1`,
  );
  return managers ? { channel: managers.managers_channel, ts: managers.managers_ts } : null;
}

/** A ticket's home, origin and managers' messages, where known. */
export async function ticketThreads(q: Queryable, ticketKey: string): Promise<Record<ThreadKind, { channel: string; ts: string } | null>> {
  const [t] = await rowsOf<Record<string, string | null>>(
    q,
    sql`select home_channel, home_ts, origin_channel, origin_ts, managers_channel, managers_ts from tickets where key = ${ticketKey}`,
  );
  const ref = (kind: ThreadKind) => (t?.[`${kind}_channel`] && t[`${kind}_ts`] ? { channel: t[`${kind}_channel`]!, ts: t[`${kind}_ts`]! } : null);
  return { home: ref('home'), origin: ref('origin'), managers: ref('managers') };
}
