// Delivers the outbox to Slack: in order per ticket, each row once in normal operation (claimed with
// FOR UPDATE SKIP LOCKED and leased, so several copies can run), retrying network errors and 5xx with
// backoff, honouring 429 Retry-After, pacing each channel, and keeping failed rows visible.
import { sql } from 'drizzle-orm';
import type { ChatPostMessageResponse, WebClient } from '@slack/web-api';
import type { Clock } from '../core/clock.js';
import type { Database } from '../storage/db.js';
import type { Logger } from '../logger.js';

interface Row {
  id: number;
  ticket_key: string | null;
  channel: string;
  thread_ts: string | null;
  thread_of_ticket: string | null;
  thread_of: string | null;
  records_home_of: string | null;
  updates_key: string | null;
  text: string;
  blocks: unknown[] | null;
  attempts: number;
}

export interface OutboxWorkerOptions {
  database: Database;
  client: WebClient;
  clock: Clock;
  logger: Logger;
  /** Rows claimed per round. */
  batch?: number;
  /** How long a claimed row is reserved for this copy before another may retry it. */
  leaseMs?: number;
  /** Idle poll interval. */
  pollMs?: number;
  /** Per-channel pacing: steady rate and burst. */
  perChannel?: { perSecond: number; burst: number };
  /** Give up after this many attempts (the row stays, status failed). Default: never — a message is retried until Slack accepts or refuses it for good. */
  maxAttempts?: number;
  /** Backoff of network errors and 5xx: retryBaseMs × 2^attempt (±25 %), at most retryMaxMs. */
  retryBaseMs?: number;
  retryMaxMs?: number;
}

/**
 * How long one round may spend waiting on channel pacing. Rows of a channel that would wait longer
 * are handed back with their due time, so one busy (or rate-limited) channel never holds up the
 * rounds that deliver every other channel, and a round never outlives its lease.
 */
const ROUND_BUDGET_MS = 1000;

type Outcome =
  /** Delivered, or kept as failed: the channel goes on. */
  | { kind: 'done' }
  /** This row got its own retry time; the channel's later rows of this round are handed back due at `restAt`. */
  | { kind: 'pause'; restAt: number }
  /** Not sent: this row and the channel's later rows are handed back, due at `at`. */
  | { kind: 'defer'; at: number };

/** Slack errors that retrying will not fix. */
const PERMANENT = new Set([
  'channel_not_found', 'is_archived', 'msg_too_long', 'no_text', 'invalid_blocks', 'invalid_blocks_format',
  'user_not_found', 'cannot_dm_bot', 'invalid_auth', 'account_inactive', 'token_revoked', 'not_authed',
  'restricted_action', 'too_many_attachments', 'invalid_arguments', 'missing_scope',
]);

/**
 * Per-channel pacing as a GCRA (the token bucket Slack applies: `burst` at once, then `perSecond`).
 * A slot is reserved when a post starts (so concurrent posts to one channel are counted), and the
 * post is counted as late as its answer came back: Slack saw it somewhere between the two, so the
 * pace never runs ahead of Slack's bucket whatever the latency.
 */
class ChannelPacer {
  private channels = new Map<string, { tat: number; blockedUntil: number }>();
  private readonly interval: number;
  private readonly tolerance: number;
  constructor(perSecond: number, burst: number) {
    this.interval = 1000 / perSecond;
    this.tolerance = (Math.max(1, burst) - 1) * this.interval;
  }

  private state(channel: string) {
    let c = this.channels.get(channel);
    if (!c) {
      c = { tat: -Infinity, blockedUntil: 0 };
      this.channels.set(channel, c);
    }
    return c;
  }

  /** ms to wait before the next post in this channel (0 = go now, and the slot is reserved). */
  take(channel: string, now: number): number {
    const c = this.state(channel);
    const at = Math.max(c.blockedUntil, c.tat - this.tolerance);
    if (now < at) return Math.ceil(at - now);
    c.tat = Math.max(c.tat, now) + this.interval;
    return 0;
  }

  /** The post reserved at `start` was answered at `end`. */
  answered(channel: string, start: number, end: number) {
    this.state(channel).tat += Math.max(0, end - start);
  }

  /** The post never reached Slack's limiter (network error, 5xx): give its slot back. */
  refund(channel: string) {
    this.state(channel).tat -= this.interval;
  }

  /** Slack said 429: nothing before `until`, then one post, then the steady rate. */
  block(channel: string, until: number) {
    const c = this.state(channel);
    c.blockedUntil = Math.max(c.blockedUntil, until);
    c.tat = Math.max(c.tat, until + this.tolerance);
  }
}

export class OutboxWorker {
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private readonly pacer: ChannelPacer;
  private readonly o: Required<Omit<OutboxWorkerOptions, 'perChannel'>>;
  /** Earliest due time (clock ms) of a row this copy handed back or scheduled: the idle wait ends there. */
  private wakeAt = Infinity;
  /**
   * Rows Slack accepted but whose `sent` could not be written (the database failed just then). Each
   * round writes them first, while their lease still keeps other copies off them, and a row found
   * here is never posted again by this copy.
   */
  private readonly unrecorded = new Map<number, { row: Row; ts: string | null; channel: string }>();
  delivered = 0;
  failures = 0;

  constructor(opts: OutboxWorkerOptions) {
    this.o = { batch: 20, leaseMs: 60_000, pollMs: 250, maxAttempts: Number.POSITIVE_INFINITY, retryBaseMs: 500, retryMaxMs: 60_000, ...opts };
    const pace = opts.perChannel ?? { perSecond: 1, burst: 3 };
    this.pacer = new ChannelPacer(pace.perSecond, pace.burst);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stop claiming; finish what is in flight. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /** Look for work now (called after a use case commits). */
  kick(): void {
    this.wake?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      let n = 0;
      const roundAt = this.o.clock.now().getTime();
      try {
        n = await this.deliverOnce();
      } catch (e) {
        this.o.logger.warn({ err: String(e) }, 'outbox round failed');
      }
      if (n === 0 && this.running) {
        if (this.wakeAt <= roundAt) this.wakeAt = Infinity;
        const idle = Math.min(this.o.pollMs, Math.max(0, this.wakeAt - this.o.clock.now().getTime()));
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, idle);
          this.wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        this.wake = null;
      }
    }
  }

  /** One round: claim due rows (the oldest pending row of each ticket) and deliver them. Returns rows handled. */
  async deliverOnce(): Promise<number> {
    await this.recordUnrecorded();
    const now = this.o.clock.now();
    const lease = new Date(now.getTime() + this.o.leaseMs);
    const rows = await this.o.database.rows<Row & Record<string, unknown>>(
      this.o.database.db,
      sql`with next as (
            select o.id from outbox o
            where o.status = 'pending' and o.next_attempt_at <= ${now.toISOString()}::timestamptz
              and (o.ticket_key is null or not exists (
                select 1 from outbox p where p.ticket_key = o.ticket_key and p.status = 'pending' and p.id < o.id))
            order by o.id
            limit ${this.o.batch}
            for update skip locked)
          update outbox set next_attempt_at = ${lease.toISOString()}::timestamptz, attempts = attempts + 1
          where id in (select id from next)
          returning id, ticket_key, channel, thread_ts, thread_of_ticket, thread_of, records_home_of, updates_key, text, blocks, attempts`,
    );
    if (rows.length === 0) return 0;
    // Channels are paced independently: deliver each channel's rows in order, channels in parallel.
    const byChannel = new Map<string, Row[]>();
    for (const r of rows.sort((a, b) => Number(a.id) - Number(b.id))) {
      const list = byChannel.get(r.channel) ?? [];
      list.push(r);
      byChannel.set(r.channel, list);
    }
    const roundStart = Date.now();
    // Every channel finishes (or fails) before the round ends, so that nothing of it is still in flight.
    const results = await Promise.allSettled([...byChannel.values()].map((list) => this.deliverChannel(list, roundStart)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    return rows.length;
  }

  private async deliverChannel(list: Row[], roundStart: number): Promise<void> {
    for (let i = 0; i < list.length; i++) {
      const row = list[i]!;
      // Slow answers: past the round's budget, the rest goes back (due now) rather than risk the lease.
      if (i > 0 && Date.now() - roundStart > ROUND_BUDGET_MS) {
        await this.release(list.slice(i).map((r) => Number(r.id)), this.o.clock.now().getTime());
        return;
      }
      const out = await this.deliver(row, roundStart);
      if (out.kind === 'done') continue;
      // Later rows of the same channel wait for a later round (their order matters within a ticket).
      const rest = list.slice(out.kind === 'defer' ? i : i + 1).map((r) => Number(r.id));
      if (rest.length) await this.release(rest, out.kind === 'defer' ? out.at : out.restAt);
      return;
    }
  }

  /** Hand claimed rows back, due at `at`, without counting the claim as an attempt. */
  private async release(ids: number[], at: number) {
    this.wakeAt = Math.min(this.wakeAt, at);
    await this.o.database.db.execute(sql`update outbox set next_attempt_at = ${new Date(at).toISOString()}::timestamptz, attempts = greatest(attempts - 1, 0) where id in ${sql`(${sql.join(ids.map((id) => sql`${id}`), sql`, `)})`}`);
  }

  private async resolveThread(row: Row): Promise<{ channel: string; threadTs: string | null; updateTs?: string } | null> {
    if (row.updates_key) {
      const [orig] = await this.o.database.rows<{ channel: string; sent_channel: string | null; sent_ts: string | null }>(
        this.o.database.db,
        sql`select channel, sent_channel, sent_ts from outbox where idempotency_key = ${row.updates_key} and status = 'sent'`,
      );
      if (!orig?.sent_ts) return null;
      return { channel: orig.sent_channel ?? orig.channel, threadTs: null, updateTs: orig.sent_ts };
    }
    if (!row.thread_of_ticket) return { channel: row.channel, threadTs: row.thread_ts };
    const refs = await this.o.database.rows<{ home_channel: string | null; home_ts: string | null; origin_channel: string | null; origin_ts: string | null }>(
      this.o.database.db,
      sql`select home_channel, home_ts, origin_channel, origin_ts from tickets where key = ${row.thread_of_ticket}`,
    );
    const t = refs[0];
    const ref =
      row.thread_of === 'origin'
        ? t?.origin_channel && t.origin_ts ? { channel: t.origin_channel, ts: t.origin_ts } : null
        : t?.home_channel && t.home_ts ? { channel: t.home_channel, ts: t.home_ts } : null;
    if (ref) return { channel: ref.channel, threadTs: ref.ts };
    if (/^[CGDUW][A-Z0-9]+$/.test(row.channel)) return { channel: row.channel, threadTs: null };
    return null;
  }

  /** Deliver one row; anything but `done` pauses the channel for this round. */
  private async deliver(row: Row, roundStart: number, joined = false): Promise<Outcome> {
    const log = this.o.logger.child({ outbox: row.id, ticket: row.ticket_key ?? undefined });
    const posted = this.unrecorded.get(Number(row.id));
    if (posted) {
      // Slack has it already (the lease ran out while the database was away): record, never post again.
      await this.markSent(row, posted.ts, posted.channel);
      this.unrecorded.delete(Number(row.id));
      return { kind: 'done' };
    }
    const target = await this.resolveThread(row);
    if (!target) {
      await this.fail(row, row.updates_key ? 'nothing_to_update: the message to edit was never posted' : 'no_thread: the ticket has no home message to reply under');
      return { kind: 'done' };
    }
    for (;;) {
      const now = Date.now();
      const wait = this.pacer.take(target.channel, now);
      if (wait === 0) break;
      if (now - roundStart + wait > ROUND_BUDGET_MS) return { kind: 'defer', at: this.o.clock.now().getTime() + wait };
      await new Promise((r) => setTimeout(r, wait));
    }
    const start = Date.now();
    let res: { ts?: string; channel?: string };
    try {
      res = target.updateTs
        ? await this.o.client.chat.update({
            channel: target.channel,
            ts: target.updateTs,
            text: row.text,
            ...(row.blocks ? { blocks: row.blocks as never } : {}),
          })
        : await this.o.client.chat.postMessage({
        channel: target.channel,
        text: row.text,
        ...(row.blocks ? { blocks: row.blocks as never } : {}),
        ...(target.threadTs ? { thread_ts: target.threadTs } : {}),
        unfurl_links: false,
        unfurl_media: false,
      });
    } catch (e) {
      const err = e as { code?: string; statusCode?: number };
      const uncounted = err.code === 'slack_webapi_request_error' || (err.code === 'slack_webapi_http_error' && (err.statusCode ?? 500) >= 500);
      if (uncounted) this.pacer.refund(target.channel);
      else this.pacer.answered(target.channel, start, Date.now());
      return this.handleError(row, target.channel, e, log, roundStart, joined);
    }
    this.pacer.answered(target.channel, start, Date.now());
    const ts = typeof res.ts === 'string' ? res.ts : null;
    const channel = typeof res.channel === 'string' ? res.channel : target.channel;
    try {
      await this.markSent(row, ts, channel);
    } catch (e) {
      this.unrecorded.set(Number(row.id), { row, ts, channel });
      log.error({ err: String(e) }, 'Slack accepted a message but it could not be recorded as sent; recording it next round');
      throw e;
    }
    return { kind: 'done' };
  }

  private async markSent(row: Row, ts: string | null, channel: string) {
    await this.o.database.db.transaction(async (tx) => {
      await tx.execute(sql`update outbox set status = 'sent', sent_ts = ${ts}, sent_channel = ${channel}, sent_at = ${this.o.clock.now().toISOString()}::timestamptz, last_error = null where id = ${row.id}`);
      if (row.records_home_of && ts) {
        await tx.execute(sql`update tickets set home_channel = ${channel}, home_ts = ${ts} where key = ${row.records_home_of}`);
      }
    });
    this.delivered++;
  }

  private async recordUnrecorded() {
    for (const [id, p] of this.unrecorded) {
      try {
        await this.markSent(p.row, p.ts, p.channel);
      } catch {
        return; // the database is still away; the claim below will say so
      }
      this.unrecorded.delete(id);
    }
  }

  private async handleError(row: Row, channel: string, e: unknown, log: Logger, roundStart: number, joined: boolean): Promise<Outcome> {
    const err = e as { code?: string; data?: { error?: string }; retryAfter?: number; statusCode?: number; message?: string };
    const now = this.o.clock.now().getTime();
    if (err.code === 'slack_webapi_rate_limited_error') {
      const after = Math.max(1, Number(err.retryAfter ?? 1)) * 1000;
      this.pacer.block(channel, Date.now() + after);
      log.warn({ retryAfter: after / 1000 }, 'rate limited by Slack; retrying after Retry-After');
      await this.retryAt(row, now + after, `rate_limited: retry after ${after / 1000}s`, true);
      return { kind: 'pause', restAt: now + after };
    }
    const slackError = err.data?.error;
    if (err.code === 'slack_webapi_platform_error' && slackError) {
      // Join once per delivery: if Slack still says not_in_channel after a successful join, retrying
      // the join would loop for ever.
      if (slackError === 'not_in_channel' && !joined) {
        try {
          await this.o.client.conversations.join({ channel });
          return this.deliver(row, roundStart, true);
        } catch {
          // fall through: private channel; someone must invite Baton
        }
      }
      if (PERMANENT.has(slackError) || slackError === 'not_in_channel') {
        log.error({ error: slackError, channel }, 'Slack refused a message; kept as failed');
        await this.fail(row, slackError);
        return { kind: 'done' };
      }
    }
    if (row.attempts >= this.o.maxAttempts) {
      await this.fail(row, `gave up after ${row.attempts} attempts: ${err.message ?? String(e)}`);
      return { kind: 'done' };
    }
    const backoff = Math.min(this.o.retryMaxMs, this.o.retryBaseMs * 2 ** Math.min(row.attempts, 7)) * (0.75 + Math.random() * 0.5);
    log.warn({ err: err.message ?? String(e), attempt: row.attempts }, 'delivery failed; will retry');
    await this.retryAt(row, now + backoff, err.message ?? String(e), false);
    return { kind: 'pause', restAt: this.o.clock.now().getTime() };
  }

  private async retryAt(row: Row, at: number, error: string, rateLimited: boolean) {
    this.failures++;
    this.wakeAt = Math.min(this.wakeAt, at);
    await this.o.database.db.execute(
      sql`update outbox set next_attempt_at = ${new Date(at).toISOString()}::timestamptz, last_error = ${error.slice(0, 500)}${rateLimited ? sql`, attempts = greatest(attempts - 1, 0)` : sql``} where id = ${row.id}`,
    );
  }

  private async fail(row: Row, error: string) {
    this.failures++;
    await this.o.database.db.execute(sql`update outbox set status = 'failed', last_error = ${error.slice(0, 500)} where id = ${row.id}`);
  }
}
