// The outbox worker's pace against a fake Slack that rate-limits like Slack does (1/s per channel,
// burst 3): zero 429s, channels delivered in parallel, a busy channel holding up nobody.
// (A separate file from outbox.test.ts so the two run in parallel: these tests wait on real time.)
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { systemClock } from '../../src/core/clock.js';
import { OutboxWorker, type OutboxWorkerOptions } from '../../src/delivery/outboxWorker.js';
import { enqueue, pendingCount, type OutboundMessage } from '../../src/storage/outbox.js';
import { outbox } from '../../src/storage/schema.js';
import { DB_KINDS, type TestDatabase } from '../support/db.js';
import type { FakeSlack, FakeSlackCall } from '../../fake-slack/index.js';
import { noRetryClient, useOutboxBed } from '../support/outboxBed.js';

const logger = pino({ level: 'silent' });

let seq = 0;
function msg(ticketKey: string | null, channel: string, text: string): OutboundMessage {
  seq += 1;
  return { ticketKey, idempotencyKey: `pace:${seq}:${text}`, channel, text };
}

const texts = (calls: FakeSlackCall[]) => calls.map((c) => String(c.args.text));
const span = (calls: FakeSlackCall[]) => calls[calls.length - 1]!.at - calls[0]!.at;

/** The largest number of calls inside any window of `ms`. */
function maxInWindow(calls: FakeSlackCall[], ms: number): number {
  let best = 0;
  for (let i = 0; i < calls.length; i++) {
    let n = 0;
    for (let j = i; j < calls.length && calls[j]!.at - calls[i]!.at < ms; j++) n++;
    best = Math.max(best, n);
  }
  return best;
}

describe.each(DB_KINDS)('outbox pacing on %s', (kind) => {
  let db: TestDatabase;
  let fake: FakeSlack;
  const bed = useOutboxBed(kind, (b) => ({ db, fake } = b));

  // Default pacing (1 per second, burst 3): not set here on purpose.
  const worker = (o: Partial<OutboxWorkerOptions> = {}) =>
    bed.stopAfterTest(new OutboxWorker({ database: db, client: noRetryClient(fake), clock: systemClock, logger, pollMs: 20, ...o }));

  it('when 8 messages go to one channel limited to 1/s with a burst of 3, then all are posted with zero 429s, at the pace allowed', async () => {
    fake.rateLimit({ perSecond: 1, burst: 3 });
    // Four tickets of two messages each: some wait inside a round, some across rounds.
    const msgs: OutboundMessage[] = [];
    for (let i = 1; i <= 2; i++) for (let t = 1; t <= 4; t++) msgs.push(msg(`T-${t}`, 'CBUSY01', `T-${t}#${i}`));
    await enqueue(db.db, msgs, new Date());
    const w = worker();
    w.start();
    await fake.waitFor(() => fake.posts('CBUSY01').length === 8, 9000, 'eight posts');
    await w.stop();

    expect(fake.rateLimited).toBe(0);
    const posts = fake.posts('CBUSY01');
    expect(texts(posts).sort()).toEqual(msgs.map((m) => m.text).sort());
    for (let t = 1; t <= 4; t++) expect(texts(posts).filter((x) => x.startsWith(`T-${t}#`))).toEqual([`T-${t}#1`, `T-${t}#2`]);
    // 3 at once, then one per second: at least 5 s from the first to the last, not much more.
    expect(span(posts)).toBeGreaterThanOrEqual(5000);
    expect(span(posts)).toBeLessThan(7000);
    expect(maxInWindow(posts, 1000)).toBeLessThanOrEqual(3);
  });

  it('when messages go to 5 channels, then the channels are paced independently and delivered in parallel', async () => {
    fake.rateLimit({ perSecond: 1, burst: 3 });
    const channels = ['CPAR001', 'CPAR002', 'CPAR003', 'CPAR004', 'CPAR005'];
    const msgs: OutboundMessage[] = [];
    for (let i = 1; i <= 5; i++) for (const c of channels) msgs.push(msg(null, c, `${c}#${i}`));
    await enqueue(db.db, msgs, new Date());
    const w = worker();
    w.start();
    await fake.waitFor(() => fake.posts().length === 25, 8000, '25 posts');
    await w.stop();

    expect(fake.rateLimited).toBe(0);
    for (const c of channels) expect(fake.posts(c)).toHaveLength(5);
    // Each channel needs 2 s (3 at once, then 1/s); one after the other they would take over 20 s.
    expect(span(fake.posts())).toBeLessThan(4000);
    expect(await pendingCount(db.db)).toEqual({ pending: 0, failed: 0 });
  });

  it('when one channel has a long queue, then a message for another channel is not held up behind it', async () => {
    // No limit in the fake: the worker's own pacing is what would hold the queue up.
    // More than a batch (20) for the busy channel, written first.
    await enqueue(db.db, Array.from({ length: 25 }, (_, i) => msg(null, 'CHEAVY1', `heavy ${i}`)), new Date());
    await enqueue(db.db, [msg(null, 'CQUIET1', 'quiet')], new Date());
    const w = worker();
    w.start();
    const quiet = await fake.waitFor(() => fake.posts('CQUIET1')[0], 5000, 'the quiet channel');
    await fake.waitFor(() => fake.posts('CHEAVY1').length >= 4, 5000, 'the heavy channel going on');
    await w.stop();

    // A round waits on pacing for at most a second; behind a batch of 20 at 1/s it would be 17 s.
    expect(quiet.at - fake.posts('CHEAVY1')[0]!.at).toBeLessThan(2500);
    expect(maxInWindow(fake.posts('CHEAVY1'), 1000)).toBeLessThanOrEqual(3);
    // Stopped part-way: what is left is still pending, not lost, and was never counted as an attempt.
    const left = await db.db.select().from(outbox).where(sql`status = 'pending'`);
    expect(left.length + fake.posts('CHEAVY1').length).toBe(25);
    expect(left.every((r) => r.attempts === 0)).toBe(true);
  });
});
