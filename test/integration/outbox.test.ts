// The outbox worker against a fake Slack: order per ticket, home/origin threading, retries of 5xx, 429 and
// dropped connections, outages, permanent errors, not_in_channel, several workers on one PostgreSQL
// database, and leases left behind by a crashed worker.
import { describe, expect, it, vi } from 'vitest';
import { asc, eq, sql } from 'drizzle-orm';
import { WebClient } from '@slack/web-api';
import { pino } from 'pino';
import { systemClock, type Clock } from '../../src/core/clock.js';
import { OutboxWorker, type OutboxWorkerOptions } from '../../src/delivery/outboxWorker.js';
import { openDatabase, type Database } from '../../src/storage/db.js';
import { enqueue, pendingCount, type OutboundMessage } from '../../src/storage/outbox.js';
import { outbox, tickets } from '../../src/storage/schema.js';
import { DB_KINDS, HAS_POSTGRES, type TestDatabase } from '../support/db.js';
import type { FakeSlack, FakeSlackCall } from '../../fake-slack/index.js';
import { noRetryClient, useOutboxBed } from '../support/outboxBed.js';
import { WAIT } from '../support/wait.js';

const logger = pino({ level: 'silent' });

let seq = 0;
/** An outbound message with a unique idempotency key. */
function msg(ticketKey: string | null, channel: string, text: string, o: Partial<OutboundMessage> = {}): OutboundMessage {
  seq += 1;
  return { ticketKey, idempotencyKey: `test:${seq}:${text}`, channel, text, ...o };
}

async function insertTicket(db: Database, key: string, o: { origin?: { channel: string; ts: string } } = {}) {
  await db.db.insert(tickets).values({
    key,
    type: 'general',
    title: `ticket ${key}`,
    description: `ticket ${key}`,
    priority: 'normal',
    priorityRank: 2,
    status: 'active',
    context: {},
    requiresHandoff: [],
    originChannel: o.origin?.channel ?? null,
    originTs: o.origin?.ts ?? null,
    createdAt: new Date(),
  });
}

const texts = (calls: FakeSlackCall[]) => calls.map((c) => String(c.args.text));

/** Every text posted exactly once. */
function expectPostedOnce(fake: FakeSlack, expected: string[]) {
  const posted = texts(fake.posts());
  const counts = new Map<string, number>();
  for (const t of posted) counts.set(t, (counts.get(t) ?? 0) + 1);
  expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
  expect([...counts.keys()].sort()).toEqual([...expected].sort());
}

describe.each(DB_KINDS)('outbox worker on %s', (kind) => {
  let db: TestDatabase;
  let fake: FakeSlack;
  const bed = useOutboxBed(kind, (b) => ({ db, fake } = b));

  const worker = (o: Partial<OutboxWorkerOptions> = {}, database: Database = db) =>
    bed.stopAfterTest(new OutboxWorker({ database, client: noRetryClient(fake), clock: systemClock, logger, pollMs: 10, retryBaseMs: 50, ...o }));
  const rows = () => db.db.select().from(outbox).orderBy(asc(outbox.id));
  const rowByText = async (text: string) => (await db.db.select().from(outbox).where(eq(outbox.text, text)))[0]!;
  /** Rounds until nothing is left that falls due within a second (a row handed back by pacing is waited for). */
  const drain = async (w: OutboxWorker, maxRounds = 50) => {
    for (let i = 0; i < maxRounds; i++) {
      if ((await w.deliverOnce()) > 0) continue;
      const [next] = await db.rows<{ at: string | Date | null }>(db.db, sql`select min(next_attempt_at) as at from outbox where status = 'pending'`);
      const due = next?.at ? new Date(next.at).getTime() - Date.now() : Infinity;
      if (due > 1000) return;
      await new Promise((r) => setTimeout(r, Math.max(0, due) + 5));
    }
    throw new Error('outbox did not drain');
  };

  describe('order and threading', () => {
    it('when a ticket has several messages, then they are delivered one per round in the order written', async () => {
      await enqueue(db.db, [
        msg('T-1', 'CAGENT1', 't1-a'),
        msg('T-2', 'CAGENT2', 't2-a'),
        msg('T-1', 'CAGENT2', 't1-b'),
        msg('T-1', 'CAGENT1', 't1-c'),
        msg('T-2', 'CAGENT2', 't2-b'),
        msg(null, 'CAGENT1', 'loose'),
      ], new Date());
      const w = worker();
      // Round one claims the oldest message of each ticket, and the message that belongs to no ticket.
      expect(await w.deliverOnce()).toBe(3);
      const first = texts(fake.posts());
      expect(first).toEqual(expect.arrayContaining(['t1-a', 't2-a']));
      expect(first.filter((t) => !['loose', 't1-a', 't2-a'].includes(t))).toEqual([]);
      await drain(w);
      const posted = texts(fake.posts());
      expect(posted.filter((t) => t.startsWith('t1-'))).toEqual(['t1-a', 't1-b', 't1-c']);
      expect(posted.filter((t) => t.startsWith('t2-'))).toEqual(['t2-a', 't2-b']);
      expectPostedOnce(fake, ['t1-a', 't1-b', 't1-c', 't2-a', 't2-b', 'loose']);
      expect(await pendingCount(db.db)).toEqual({ pending: 0, failed: 0 });
    });

    it('when the assignment card is delivered, then its ts becomes the home and replies queued before it go under it; origin replies go under the origin', async () => {
      const origin = { channel: 'CINTAKE', ts: '1699999999.000100' };
      await insertTicket(db, 'T-2026-001', { origin });
      // Everything is written before anything is delivered: the replies cannot know the home yet.
      await enqueue(db.db, [
        msg('T-2026-001', 'CAGENT1', 'card', { recordsHomeOf: 'T-2026-001' }),
        msg('T-2026-001', '', 'update 1', { threadOf: { ticket: 'T-2026-001', which: 'home' } }),
        msg('T-2026-001', 'CINTAKE', 'ack in origin', { threadOf: { ticket: 'T-2026-001', which: 'origin' } }),
        msg('T-2026-001', '', 'update 2', { threadOf: { ticket: 'T-2026-001', which: 'home' } }),
        msg('T-2026-001', 'CAGENT1', 'under a known ts', { threadTs: '1699999999.000200' }),
      ], new Date());
      const w = worker();

      expect(await w.deliverOnce()).toBe(1);
      const card = fake.posts()[0]!;
      expect(card.args).toMatchObject({ channel: 'CAGENT1', text: 'card' });
      expect(card.args.thread_ts).toBeUndefined();
      const [t] = await db.db.select().from(tickets).where(eq(tickets.key, 'T-2026-001'));
      expect(t).toMatchObject({ homeChannel: 'CAGENT1', homeTs: card.response.ts });
      expect((await rowByText('card')).sentTs).toBe(card.response.ts);

      await drain(w);
      const posts = fake.posts();
      expect(texts(posts)).toEqual(['card', 'update 1', 'ack in origin', 'update 2', 'under a known ts']);
      expect(posts[1]!.args).toMatchObject({ channel: 'CAGENT1', thread_ts: card.response.ts });
      expect(posts[2]!.args).toMatchObject({ channel: 'CINTAKE', thread_ts: origin.ts });
      expect(posts[3]!.args).toMatchObject({ channel: 'CAGENT1', thread_ts: card.response.ts });
      expect(posts[4]!.args).toMatchObject({ channel: 'CAGENT1', thread_ts: '1699999999.000200' });
      expect((await rows()).map((r) => r.status)).toEqual(['sent', 'sent', 'sent', 'sent', 'sent']);
    });

    it('when a home reply has no home to go under and no channel, then it is kept as failed and the ticket moves on', async () => {
      await insertTicket(db, 'T-2026-002');
      await enqueue(db.db, [
        msg('T-2026-002', '', 'orphan reply', { threadOf: { ticket: 'T-2026-002', which: 'home' } }),
        msg('T-2026-002', 'CAGENT1', 'next'),
      ], new Date());
      await drain(worker());
      expect(texts(fake.posts())).toEqual(['next']);
      expect(await rowByText('orphan reply')).toMatchObject({ status: 'failed', lastError: expect.stringMatching(/^no_thread/) });
      expect(await pendingCount(db.db)).toEqual({ pending: 0, failed: 1 });
    });

    it("when a managers' summary (a row of no ticket) is not posted yet, then a reply in its thread and an edit of it wait for it instead of failing", async () => {
      await insertTicket(db, 'T-2026-003');
      await insertTicket(db, 'T-2026-004');
      const summaryKey = 'test:summary:managers-summary';
      await db.db.update(tickets).set({ managersKey: summaryKey }).where(sql`${tickets.key} in ('T-2026-003', 'T-2026-004')`);
      await enqueue(db.db, [
        { ticketKey: null, idempotencyKey: summaryKey, channel: 'CESCALATE', text: 'summary', recordsManagersOf: ['T-2026-003', 'T-2026-004'] },
        msg('T-2026-003', 'CESCALATE', 'level 2 reply', { threadOf: { ticket: 'T-2026-003', which: 'managers' } }),
        msg('T-2026-004', 'CESCALATE', 'summary edited', { updates: summaryKey }),
      ], new Date());
      // The summary's first post failed and waits for its backoff; the rows written after it are due now.
      await db.db.execute(sql`update outbox set next_attempt_at = now() + interval '2 seconds', attempts = 1 where idempotency_key = ${summaryKey}`);
      const w = worker();
      await w.deliverOnce();
      expect(fake.posts()).toHaveLength(0);
      expect((await rows()).map((r) => r.status)).toEqual(['pending', 'pending', 'pending']);

      await drain(w);
      const [summary, reply] = fake.posts();
      expect(texts(fake.posts())).toEqual(['summary', 'level 2 reply']);
      expect(reply!.args).toMatchObject({ channel: 'CESCALATE', thread_ts: summary!.response.ts });
      expect(fake.callsTo('chat.update').map((c) => c.args)).toEqual([expect.objectContaining({ ts: summary!.response.ts, text: 'summary edited' })]);
      expect((await rows()).map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
    });
  });

  describe('transient failures', () => {
    it('when Slack answers 500 and drops the connection, then the row is retried with growing backoff and posted exactly once', async () => {
      fake.fail('chat.postMessage', { status: 500 }, 2).fail('chat.postMessage', { destroy: true }, 1);
      await enqueue(db.db, [msg('T-1', 'CAGENT1', 'survivor'), msg('T-1', 'CAGENT1', 'after it')], new Date());
      const w = worker();

      expect(await w.deliverOnce()).toBe(1);
      const failed = await rowByText('survivor');
      expect(failed).toMatchObject({ status: 'pending', attempts: 1, lastError: expect.stringMatching(/500/) });
      expect(failed.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());
      // Backing off: nothing is due, and the ticket's next message waits behind it.
      expect(await w.deliverOnce()).toBe(0);
      expect(fake.posts()).toHaveLength(0);

      w.start();
      await fake.waitFor(() => fake.posts().length === 2, 5000, 'both messages posted');
      await w.stop();
      expect(texts(fake.posts())).toEqual(['survivor', 'after it']);
      const attempts = fake.callsTo('chat.postMessage').filter((c) => c.args.text === 'survivor');
      expect(attempts.map((c) => c.error ?? 'ok')).toEqual(['http_500', 'http_500', 'connection_destroyed', 'ok']);
      // Each retry waits at least the smallest jittered backoff: 0.75 × 50 ms × 2^attempt.
      for (let i = 1; i < attempts.length; i++) {
        expect(attempts[i]!.at - attempts[i - 1]!.at).toBeGreaterThanOrEqual(0.75 * 50 * 2 ** i);
      }
      expect(await rowByText('survivor')).toMatchObject({ status: 'sent', attempts: 4, lastError: null });
      expect(await pendingCount(db.db)).toEqual({ pending: 0, failed: 0 });
    });

    it('when Slack is down for a while, then the last error is recorded meanwhile and after it comes back every message is posted once, in order', async () => {
      fake.down();
      const first = [
        msg('T-1', 'CAGENT1', 'a1'), msg('T-2', 'CAGENT2', 'b1'), msg('T-1', 'CAGENT1', 'a2'),
        msg('T-3', 'CAGENT1', 'c1'), msg('T-2', 'CAGENT2', 'b2'), msg(null, 'CAGENT2', 'n1'),
      ];
      await enqueue(db.db, first, new Date());
      const w = worker();
      w.start();
      await fake.waitFor(() => fake.callsTo('chat.postMessage').filter((c) => c.status === 503).length >= 8, 5000, 'retries during the outage');
      // Written during the outage too.
      const during = [msg('T-1', 'CAGENT1', 'a3'), msg('T-4', 'CAGENT2', 'd1')];
      await enqueue(db.db, during, new Date());
      w.kick();
      const stuck = await vi.waitFor(async () => {
        const r = await rows();
        expect(r.filter((x) => x.lastError).length, 'rows with an error recorded').toBeGreaterThanOrEqual(4);
        return r;
      }, WAIT);
      expect(stuck.every((r) => r.status === 'pending')).toBe(true);
      expect(stuck.filter((r) => r.lastError).every((r) => /503/.test(r.lastError!))).toBe(true);
      expect(fake.posts()).toHaveLength(0);

      fake.up();
      await fake.waitFor(() => fake.posts().length >= 8, 8000, 'all messages after the outage');
      await w.stop();
      expectPostedOnce(fake, [...first, ...during].map((m) => m.text));
      const posted = texts(fake.posts());
      expect(posted.filter((t) => t.startsWith('a'))).toEqual(['a1', 'a2', 'a3']);
      expect(posted.filter((t) => t.startsWith('b'))).toEqual(['b1', 'b2']);
      expect(await pendingCount(db.db)).toEqual({ pending: 0, failed: 0 });
      expect((await rows()).every((r) => r.status === 'sent' && r.lastError === null && r.sentTs)).toBe(true);
    });
  });

  describe('database failures', () => {
    // The statement that records a delivery (marking its row sent) fails `n` times, as when the connection drops.
    const sqlText = (q: unknown): string =>
      ((q as { queryChunks?: unknown[] }).queryChunks ?? []).map((c) => (Array.isArray((c as { value?: unknown }).value) ? (c as { value: string[] }).value.join('') : sqlText(c))).join('');
    const failingRecords = (n: number): Database => {
      let left = n;
      const fail = () => {
        left--;
        return Promise.reject(new Error('connection terminated unexpectedly'));
      };
      const flaky = new Proxy(db.db, {
        get(target, prop, receiver) {
          if (prop === 'transaction' && left > 0) return fail;
          if (prop === 'execute') {
            const execute = Reflect.get(target, prop, receiver) as (q: unknown) => Promise<unknown>;
            return (q: unknown) => (left > 0 && sqlText(q).includes("set status = 'sent'") ? fail() : execute.call(target, q));
          }
          return Reflect.get(target, prop, receiver);
        },
      });
      return { ...db, db: flaky };
    };

    it('when the database fails just after Slack accepted a message, then the next round records it and it is not posted again', async () => {
      await insertTicket(db, 'T-2026-010');
      await enqueue(db.db, [
        msg('T-2026-010', 'CAGENT1', 'card', { recordsHomeOf: 'T-2026-010' }),
        msg('T-2026-010', '', 'reply', { threadOf: { ticket: 'T-2026-010', which: 'home' } }),
      ], new Date());
      const w = worker({ database: failingRecords(1) });
      await expect(w.deliverOnce()).rejects.toThrow(/connection terminated/);
      expect(texts(fake.posts())).toEqual(['card']);
      expect(await rowByText('card')).toMatchObject({ status: 'pending', attempts: 1 });

      await drain(w);
      const [card, reply] = fake.posts();
      expect(texts(fake.posts())).toEqual(['card', 'reply']);
      expect(await rowByText('card')).toMatchObject({ status: 'sent', sentTs: card!.response.ts, attempts: 1 });
      expect(reply!.args.thread_ts).toBe(card!.response.ts);
    });

    it('when the database stays away past the lease, then the same worker claims the row again and records it without posting it twice', async () => {
      await enqueue(db.db, [msg('T-2026-011', 'CAGENT1', 'accepted once'), msg('T-2026-011', 'CAGENT1', 'then this')], new Date());
      let offset = 0;
      const clock: Clock = { now: () => new Date(Date.now() + offset) };
      const w = worker({ database: failingRecords(2), clock });
      await expect(w.deliverOnce()).rejects.toThrow(/connection terminated/);
      offset = 61_000; // the lease has run out; recording fails once more at the start of the round
      expect(await w.deliverOnce()).toBe(1);
      expect(texts(fake.posts())).toEqual(['accepted once']);
      expect(await rowByText('accepted once')).toMatchObject({ status: 'sent', attempts: 2, sentTs: fake.posts()[0]!.response.ts });
      await drain(w);
      expect(texts(fake.posts())).toEqual(['accepted once', 'then this']);
    });
  });

  describe('rate limits', () => {
    it('when Slack answers 429 with Retry-After: 1, then nothing goes to that channel for a second, other channels go on, and the row is posted once', async () => {
      fake.fail('chat.postMessage', { status: 429, retryAfter: 1 }, 1);
      await enqueue(db.db, [msg('T-1', 'CLIMIT1', 'limited'), msg('T-2', 'CLIMIT1', 'same channel'), msg('T-3', 'CFREE01', 'elsewhere')], new Date());
      const w = worker({ pollMs: 20 });
      w.start();
      await fake.waitFor(() => fake.posts().length === 3, 5000, 'three posts');
      await w.stop();

      const calls = fake.callsTo('chat.postMessage');
      const limited = calls.find((c) => c.status === 429)!;
      expect(limited.args.channel).toBe('CLIMIT1');
      expect(fake.rateLimited).toBe(1);
      const later = calls.filter((c) => c.args.channel === 'CLIMIT1' && c !== limited);
      expect(later.length).toBeGreaterThanOrEqual(2);
      for (const c of later) expect(c.at - limited.at).toBeGreaterThanOrEqual(1000);
      // The other channel is not held up by the 429.
      expect(fake.posts('CFREE01')[0]!.at - limited.at).toBeLessThan(1000);
      expect(texts(fake.posts()).sort()).toEqual(['elsewhere', 'limited', 'same channel']);
      expect((await rows())[0]).toMatchObject({ status: 'sent', attempts: 1, lastError: null });
      expect(await pendingCount(db.db)).toEqual({ pending: 0, failed: 0 });
    });

    it('item 1: when Slack answers 429 with Retry-After: 3, then the row keeps the error, falls due 3 s later, and nothing is posted before then', async () => {
      fake.fail('chat.postMessage', { status: 429, retryAfter: 3 }, 1);
      await enqueue(db.db, [msg('T-1', 'CLIMIT3', 'limited for three')], new Date());
      const w = worker({ pollMs: 20 });
      const before = Date.now();
      await w.deliverOnce();

      const limited = fake.callsTo('chat.postMessage').find((c) => c.status === 429)!;
      expect(limited.args.channel).toBe('CLIMIT3');
      const row = await rowByText('limited for three');
      expect(row).toMatchObject({ status: 'pending', attempts: 0, lastError: 'rate_limited: retry after 3s' });
      expect(row.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(before + 3000);
      expect(row.nextAttemptAt.getTime()).toBeLessThan(Date.now() + 3500);

      // Rounds keep running; the row goes out only once Retry-After has passed, and only once.
      w.start();
      const post = await fake.waitFor(() => fake.posts('CLIMIT3')[0], 6000, 'the post after Retry-After');
      await w.stop();
      expect(post.at - limited.at).toBeGreaterThanOrEqual(3000);
      expect(fake.callsTo('chat.postMessage')).toHaveLength(2);
      expect(await rowByText('limited for three')).toMatchObject({ status: 'sent', attempts: 1 });
    });

    it('item 2: when a channel was answered 429, then a message of another ticket for that channel waits until Retry-After ends', async () => {
      fake.fail('chat.postMessage', { status: 429, retryAfter: 3 }, 1);
      await enqueue(db.db, [msg('T-1', 'CBLOCK1', 'first of T-1')], new Date());
      const w = worker({ pollMs: 20 });
      await w.deliverOnce();
      const limited = fake.callsTo('chat.postMessage').find((c) => c.status === 429)!;

      // Another ticket, same channel, due now: a round must not post it while the channel is blocked.
      await enqueue(db.db, [msg('T-2', 'CBLOCK1', 'T-2 meanwhile'), msg('T-3', 'CELSE01', 'other channel')], new Date());
      await w.deliverOnce();
      expect(fake.posts('CBLOCK1')).toEqual([]);
      expect(texts(fake.posts())).toEqual(['other channel']);
      expect((await rowByText('T-2 meanwhile')).status).toBe('pending');

      w.start();
      await fake.waitFor(() => fake.posts('CBLOCK1').length === 2, 7000, 'both posts after Retry-After');
      await w.stop();
      for (const c of fake.posts('CBLOCK1')) expect(c.at - limited.at).toBeGreaterThanOrEqual(3000);
      expect(texts(fake.posts('CBLOCK1')).sort()).toEqual(['T-2 meanwhile', 'first of T-1']);
    });
  });

  describe('permanent errors', () => {
    it('when Slack says channel_not_found, then the row is failed with the error, counted, not retried, and the ticket moves on', async () => {
      fake.fail('chat.postMessage', { error: 'channel_not_found' }, 1);
      await enqueue(db.db, [msg('T-1', 'CGONE01', 'lost channel'), msg('T-1', 'CAGENT1', 'second'), msg('T-1', 'CAGENT1', 'third')], new Date());
      const w = worker();
      await w.deliverOnce();
      expect(await rowByText('lost channel')).toMatchObject({ status: 'failed', lastError: 'channel_not_found', attempts: 1 });
      expect(await pendingCount(db.db)).toEqual({ pending: 2, failed: 1 });
      await drain(w);
      expect(texts(fake.posts())).toEqual(['second', 'third']);
      expect(fake.callsTo('chat.postMessage')).toHaveLength(3);
      expect(await pendingCount(db.db)).toEqual({ pending: 0, failed: 1 });
    });

    it('when Slack says not_in_channel, then the worker joins the channel and posts once', async () => {
      fake.fail('chat.postMessage', { error: 'not_in_channel' }, 1);
      await enqueue(db.db, [msg('T-1', 'CPUBLIC', 'hello')], new Date());
      await drain(worker());
      expect(fake.calls.map((c) => `${c.method}:${c.error ?? 'ok'}`)).toEqual([
        'chat.postMessage:not_in_channel', 'conversations.join:ok', 'chat.postMessage:ok',
      ]);
      expect(fake.callsTo('conversations.join')[0]!.args.channel).toBe('CPUBLIC');
      expect(texts(fake.posts('CPUBLIC'))).toEqual(['hello']);
      expect(await rowByText('hello')).toMatchObject({ status: 'sent' });
    });

    it('when joining does not help (still not_in_channel, or the join is refused), then the row is failed once instead of looping', async () => {
      fake.fail('chat.postMessage', { error: 'not_in_channel' }, 3);
      fake.fail('conversations.join', { error: 'method_not_supported_for_channel_type' }, 1);
      // One ticket, so the two go one after the other: first the refused join, then the useless one.
      await enqueue(db.db, [msg('T-1', 'GPRIVAT', 'private'), msg('T-1', 'CSTUBBN', 'joined but refused')], new Date());
      await drain(worker());
      expect(await rowByText('joined but refused')).toMatchObject({ status: 'failed', lastError: 'not_in_channel' });
      expect(await rowByText('private')).toMatchObject({ status: 'failed', lastError: 'not_in_channel' });
      expect(fake.callsTo('conversations.join')).toHaveLength(2);
      expect(fake.callsTo('chat.postMessage')).toHaveLength(3);
      expect(await pendingCount(db.db)).toEqual({ pending: 0, failed: 2 });
    });
  });

  describe('leases', () => {
    it('when a worker claimed a row and crashed, then another worker delivers it once the lease has expired, and the ticket order holds', async () => {
      await enqueue(db.db, [msg('T-1', 'CAGENT1', 'claimed by the dead'), msg('T-1', 'CAGENT1', 'behind it')], new Date());
      // A worker whose Slack call never returns: it claims the row with a 60 s lease and then "dies".
      let reached = 0;
      const hung = { chat: { postMessage: () => { reached++; return new Promise(() => {}); } }, conversations: { join: () => new Promise(() => {}) } };
      const dead = new OutboxWorker({ database: db, client: hung as unknown as WebClient, clock: systemClock, logger, leaseMs: 60_000 });
      void dead.deliverOnce();
      await expect.poll(() => reached, { ...WAIT, message: 'Slack calls reached by the crashed worker' }).toBe(1);
      expect(await rowByText('claimed by the dead')).toMatchObject({ status: 'pending', attempts: 1 });

      // Within the lease, nobody else touches the ticket.
      const other = worker();
      expect(await other.deliverOnce()).toBe(0);
      expect(fake.posts()).toHaveLength(0);

      // Past the lease (a clock 61 s ahead), the row is due again.
      const later: Clock = { now: () => new Date(Date.now() + 61_000) };
      const successor = worker({ clock: later });
      await drain(successor);
      expect(texts(fake.posts())).toEqual(['claimed by the dead', 'behind it']);
      expect(await rowByText('claimed by the dead')).toMatchObject({ status: 'sent', attempts: 2 });
      expect(reached).toBe(1);
    });

    it('when the worker holding a row stops beating (its process died), then another delivers it at its next heartbeat, long before the lease, and the ticket order holds', async () => {
      await enqueue(db.db, [msg('T-1', 'CAGENT1', 'held by the silent'), msg('T-1', 'CAGENT1', 'after it')], new Date());
      let reached = 0;
      const hung = { chat: { postMessage: () => { reached++; return new Promise(() => {}); } }, conversations: { join: () => new Promise(() => {}) } };
      const dead = new OutboxWorker({ database: db, client: hung as unknown as WebClient, clock: systemClock, logger, leaseMs: 60_000 });
      void dead.deliverOnce();
      await expect.poll(() => reached, { ...WAIT, message: 'Slack calls reached by the worker about to die' }).toBe(1);
      expect(await rowByText('held by the silent')).toMatchObject({ status: 'pending', attempts: 1, claimedBy: dead.instance.id });

      // While its heartbeat is fresh, its row is its own.
      const other = worker();
      expect(await other.deliverOnce()).toBe(0);
      expect(fake.posts()).toHaveLength(0);

      // Its heartbeat stops (back-dated past the stale time): the next beat of the other hands the row back.
      await db.db.execute(sql`update delivery_instances set heartbeat_at = now() - interval '9 seconds' where id = ${dead.instance.id}`);
      const survivor = worker();
      await drain(survivor);
      expect(texts(fake.posts())).toEqual(['held by the silent', 'after it']);
      expect(await rowByText('held by the silent')).toMatchObject({ status: 'sent', attempts: 2, claimedBy: null });
    });

    it('when a process starts again under the name of one that died (same host and port), then it takes back the rows its predecessor held as it starts', async () => {
      await enqueue(db.db, [msg('T-1', 'CAGENT1', 'held before the restart')], new Date());
      let reached = 0;
      const hung = { chat: { postMessage: () => { reached++; return new Promise(() => {}); } }, conversations: { join: () => new Promise(() => {}) } };
      const before = new OutboxWorker({ database: db, client: hung as unknown as WebClient, clock: systemClock, logger, instance: { name: 'baton-host:3000' } });
      void before.deliverOnce();
      await expect.poll(() => reached, WAIT).toBe(1);
      // Its heartbeat is fresh: only the name says it is gone.
      const restarted = worker({ instance: { name: 'baton-host:3000' } });
      expect(await restarted.deliverOnce()).toBe(1);
      expect(texts(fake.posts())).toEqual(['held before the restart']);
      expect(await rowByText('held before the restart')).toMatchObject({ status: 'sent', attempts: 2 });
      const [left] = await db.rows<{ n: number }>(db.db, sql`select count(*)::int as n from delivery_instances where id = ${before.instance.id}`);
      expect(Number(left!.n)).toBe(0);
    });

    it('when a worker stops, then it leaves: rows it still held are due at once for the others', async () => {
      await enqueue(db.db, [msg('T-1', 'CAGENT1', 'left behind')], new Date());
      const w = worker();
      await w.instance.ready();
      // A claim it never finished (as if its send were cut short by the stop).
      const [claimed] = await db.rows<{ id: number }>(db.db, sql`update outbox set claimed_by = ${w.instance.id}, next_attempt_at = now() + interval '1 minute', attempts = 1 returning id`);
      expect(claimed).toBeDefined();
      await w.stop();
      expect(await rowByText('left behind')).toMatchObject({ status: 'pending', claimedBy: null });
      expect((await rowByText('left behind')).nextAttemptAt.getTime()).toBeLessThanOrEqual(Date.now());
      await drain(worker());
      expectPostedOnce(fake, ['left behind']);
    });

    it('when a round is in flight, then a second claim on the same database finds nothing of it', async () => {
      fake.fail('chat.postMessage', { delayMs: 300 }, 1);
      await enqueue(db.db, [msg('T-1', 'CAGENT1', 'slow'), msg('T-1', 'CAGENT1', 'slow 2'), msg(null, 'CAGENT2', 'other')], new Date());
      const a = worker();
      const b = worker();
      const round = a.deliverOnce();
      await fake.waitFor(() => fake.callsTo('chat.postMessage').length >= 1);
      // b may only take what a did not claim; a claimed everything due (one per ticket).
      expect(await b.deliverOnce()).toBe(0);
      expect(await round).toBe(2);
      await drain(b);
      expectPostedOnce(fake, ['slow', 'slow 2', 'other']);
      expect(texts(fake.posts()).filter((t) => t.startsWith('slow'))).toEqual(['slow', 'slow 2']);
    });

    it('when Slack answers slowly, then a round hands back what it has not reached once past its time budget, without counting an attempt', async () => {
      fake.fail('chat.postMessage', { delayMs: 550 }, 2);
      await enqueue(db.db, [msg('T-1', 'CSLOW01', 'slow 1'), msg('T-2', 'CSLOW01', 'slow 2'), msg('T-3', 'CSLOW01', 'reached next round')], new Date());
      const w = worker();
      expect(await w.deliverOnce()).toBe(3);
      expect(texts(fake.posts())).toEqual(['slow 1', 'slow 2']);
      const third = await rowByText('reached next round');
      expect(third).toMatchObject({ status: 'pending', attempts: 0 });
      expect(third.nextAttemptAt.getTime()).toBeLessThanOrEqual(Date.now());
      await drain(w);
      expectPostedOnce(fake, ['slow 1', 'slow 2', 'reached next round']);
      expect(await rowByText('reached next round')).toMatchObject({ status: 'sent', attempts: 1 });
    });
  });

  describe.skipIf(!HAS_POSTGRES || kind !== 'postgres')('two workers on one PostgreSQL database', () => {
    it('when two workers drain 200 rows of 20 tickets at once, then each row is posted exactly once and every ticket keeps its order', async () => {
      const second = bed.closeAfterTest(await openDatabase({ databaseUrl: db.url!, migrate: false }));
      const msgs: OutboundMessage[] = [];
      for (let i = 0; i < 10; i++) {
        for (let t = 0; t < 20; t++) msgs.push(msg(`T-${t}`, `CW${t % 5}`, `T-${t}#${i}`));
      }
      await enqueue(db.db, msgs, new Date());
      // Pacing is not under test here; claims are.
      const fast = { perChannel: { perSecond: 10_000, burst: 10_000 }, batch: 5, pollMs: 5 };
      const w1 = worker(fast);
      const w2 = worker(fast, second);
      w1.start();
      w2.start();
      await fake.waitFor(() => fake.posts().length >= 200, 20_000, '200 posts');
      await Promise.all([w1.stop(), w2.stop()]);

      expectPostedOnce(fake, msgs.map((m) => m.text));
      const posted = texts(fake.posts());
      for (let t = 0; t < 20; t++) {
        expect(posted.filter((x) => x.startsWith(`T-${t}#`))).toEqual(Array.from({ length: 10 }, (_, i) => `T-${t}#${i}`));
      }
      expect(w1.delivered + w2.delivered).toBe(200);
      expect(w1.delivered).toBeGreaterThan(0);
      expect(w2.delivered).toBeGreaterThan(0);
      // Claimed once each: no row was ever taken by both.
      const attempts = await db.rows<{ n: number }>(db.db, sql`select count(*)::int as n from outbox where attempts <> 1 or status <> 'sent'`);
      expect(Number(attempts[0]!.n)).toBe(0);
    });
  });
});
