// Delivers the outbox to Slack: in order per ticket, each row once in normal operation (claimed with
// FOR UPDATE SKIP LOCKED and leased, so several copies can run), retrying network errors and 5xx with
// backoff, honouring 429 Retry-After, pacing each channel, and keeping failed rows visible.
import { sql } from 'drizzle-orm';
import type { WebClient } from '@slack/web-api';
import type { Clock } from '../app/context.js';
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
  /** Give up after this many attempts (the row stays, status failed). */
  maxAttempts?: number;
}

/** Slack errors that retrying will not fix. */
const PERMANENT = new Set([
  'channel_not_found', 'is_archived', 'msg_too_long', 'no_text', 'invalid_blocks', 'invalid_blocks_format',
  'user_not_found', 'cannot_dm_bot', 'invalid_auth', 'account_inactive', 'token_revoked', 'not_authed',
  'restricted_action', 'too_many_attachments', 'invalid_arguments', 'missing_scope',
]);

class ChannelPacer {
  private buckets = new Map<string, { tokens: number; at: number; blockedUntil: number }>();
  constructor(private perSecond: number, private burst: number) {}

  /** ms to wait before the next message in this channel (0 = go now, and the token is taken). */
  take(channel: string, now: number): number {
    let b = this.buckets.get(channel);
    if (!b) {
      b = { tokens: this.burst, at: now, blockedUntil: 0 };
      this.buckets.set(channel, b);
    }
    if (now < b.blockedUntil) return b.blockedUntil - now;
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.perSecond);
    b.at = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - b.tokens) / this.perSecond) * 1000);
  }

  block(channel: string, until: number) {
    const b = this.buckets.get(channel) ?? { tokens: 0, at: until, blockedUntil: 0 };
    b.blockedUntil = Math.max(b.blockedUntil, until);
    b.tokens = 0;
    this.buckets.set(channel, b);
  }
}

export class OutboxWorker {
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private readonly pacer: ChannelPacer;
  private readonly o: Required<Omit<OutboxWorkerOptions, 'perChannel'>>;
  delivered = 0;
  failures = 0;

  constructor(opts: OutboxWorkerOptions) {
    this.o = { batch: 20, leaseMs: 60_000, pollMs: 250, maxAttempts: 50, ...opts };
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
      try {
        n = await this.deliverOnce();
      } catch (e) {
        this.o.logger.warn({ err: String(e) }, 'outbox round failed');
      }
      if (n === 0 && this.running) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, this.o.pollMs);
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
          returning id, ticket_key, channel, thread_ts, thread_of_ticket, thread_of, records_home_of, text, blocks, attempts`,
    );
    if (rows.length === 0) return 0;
    // Channels are paced independently: deliver each channel's rows in order, channels in parallel.
    const byChannel = new Map<string, Row[]>();
    for (const r of rows.sort((a, b) => Number(a.id) - Number(b.id))) {
      const list = byChannel.get(r.channel) ?? [];
      list.push(r);
      byChannel.set(r.channel, list);
    }
    await Promise.all([...byChannel.values()].map((list) => this.deliverChannel(list)));
    return rows.length;
  }

  private async deliverChannel(list: Row[]): Promise<void> {
    for (let i = 0; i < list.length; i++) {
      const row = list[i]!;
      const ok = await this.deliver(row);
      if (!ok) {
        // Later rows of the same channel wait for the next round (their order matters within a ticket).
        const rest = list.slice(i + 1).map((r) => Number(r.id));
        if (rest.length) await this.release(rest);
        return;
      }
    }
  }

  private async release(ids: number[]) {
    const now = this.o.clock.now();
    await this.o.database.db.execute(sql`update outbox set next_attempt_at = ${now.toISOString()}::timestamptz, attempts = greatest(attempts - 1, 0) where id in ${sql`(${sql.join(ids.map((id) => sql`${id}`), sql`, `)})`}`);
  }

  private async resolveThread(row: Row): Promise<{ channel: string; threadTs: string | null } | null> {
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

  /** Deliver one row; false when the channel should pause (rate limited, or a retry is scheduled). */
  private async deliver(row: Row): Promise<boolean> {
    const log = this.o.logger.child({ outbox: row.id, ticket: row.ticket_key ?? undefined });
    const target = await this.resolveThread(row);
    if (!target) {
      await this.fail(row, 'no_thread: the ticket has no home message to reply under');
      return true;
    }
    const wait = this.pacer.take(target.channel, Date.now());
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    try {
      const res = await this.o.client.chat.postMessage({
        channel: target.channel,
        text: row.text,
        ...(row.blocks ? { blocks: row.blocks as never } : {}),
        ...(target.threadTs ? { thread_ts: target.threadTs } : {}),
        unfurl_links: false,
        unfurl_media: false,
      });
      const ts = typeof res.ts === 'string' ? res.ts : null;
      const channel = typeof res.channel === 'string' ? res.channel : target.channel;
      await this.o.database.db.transaction(async (tx) => {
        await tx.execute(sql`update outbox set status = 'sent', sent_ts = ${ts}, sent_at = ${this.o.clock.now().toISOString()}::timestamptz, last_error = null where id = ${row.id}`);
        if (row.records_home_of && ts) {
          await tx.execute(sql`update tickets set home_channel = ${channel}, home_ts = ${ts} where key = ${row.records_home_of}`);
        }
      });
      this.delivered++;
      return true;
    } catch (e) {
      return this.handleError(row, target.channel, e, log);
    }
  }

  private async handleError(row: Row, channel: string, e: unknown, log: Logger): Promise<boolean> {
    const err = e as { code?: string; data?: { error?: string }; retryAfter?: number; statusCode?: number; message?: string };
    const now = this.o.clock.now().getTime();
    if (err.code === 'slack_webapi_rate_limited_error') {
      const after = Math.max(1, Number(err.retryAfter ?? 1)) * 1000;
      this.pacer.block(channel, Date.now() + after);
      log.warn({ retryAfter: after / 1000 }, 'rate limited by Slack; retrying after Retry-After');
      await this.retryAt(row, now + after, `rate_limited: retry after ${after / 1000}s`, true);
      return false;
    }
    const slackError = err.data?.error;
    if (err.code === 'slack_webapi_platform_error' && slackError) {
      if (slackError === 'not_in_channel') {
        try {
          await this.o.client.conversations.join({ channel });
          return this.deliver(row);
        } catch {
          // fall through: private channel; someone must invite Baton
        }
      }
      if (PERMANENT.has(slackError) || slackError === 'not_in_channel') {
        log.error({ error: slackError, channel }, 'Slack refused a message; kept as failed');
        await this.fail(row, slackError);
        return true;
      }
    }
    if (row.attempts >= this.o.maxAttempts) {
      await this.fail(row, `gave up after ${row.attempts} attempts: ${err.message ?? String(e)}`);
      return true;
    }
    const backoff = Math.min(60_000, 500 * 2 ** Math.min(row.attempts, 7)) * (0.75 + Math.random() * 0.5);
    log.warn({ err: err.message ?? String(e), attempt: row.attempts }, 'delivery failed; will retry');
    await this.retryAt(row, now + backoff, err.message ?? String(e), false);
    return false;
  }

  private async retryAt(row: Row, at: number, error: string, rateLimited: boolean) {
    this.failures++;
    await this.o.database.db.execute(
      sql`update outbox set next_attempt_at = ${new Date(at).toISOString()}::timestamptz, last_error = ${error.slice(0, 500)}${rateLimited ? sql`, attempts = greatest(attempts - 1, 0)` : sql``} where id = ${row.id}`,
    );
  }

  private async fail(row: Row, error: string) {
    this.failures++;
    await this.o.database.db.execute(sql`update outbox set status = 'failed', last_error = ${error.slice(0, 500)} where id = ${row.id}`);
  }
}
