// 4. Delivery: the outbox worker against a fake Slack that allows one message a second per channel with
// a burst of 3 and answers 429 beyond it, 50 channels, each with tickets of three messages (the
// assignment card that becomes the home message, then two replies in its thread).
import { sql } from 'drizzle-orm';
import { WebClient } from '@slack/web-api';
import { systemClock } from '../src/core/clock.js';
import { OutboxWorker } from '../src/delivery/outboxWorker.js';
import { openDatabase, type Database } from '../src/storage/db.js';
import { startFakeSlack } from '../fake-slack/index.js';
import { round, sleep, type BenchOptions, type Databases, type Result } from './lib.js';
import { quietLogger } from './sweep.js';

const CHANNELS = 50;
const PER_SECOND = 1;
const BURST = 3;

async function seed(db: Database, perChannel: number) {
  const tickets = Math.ceil(perChannel / 3);
  // Tickets filed round-robin over the channels, as if they came in over time.
  await db.db.execute(sql.raw(`
    insert into tickets (key, type, title, description, priority, priority_rank, status, assignee, requester, context, escalation_level, requires_handoff, created_at)
    select 'D-' || c || '-' || t, 'general', 'Ticket ' || t || ' of channel ' || c, '', 'normal', 2, 'active', 'agent' || c, 'UREQ00001', '{}'::jsonb, 0, '{}', now()
    from generate_series(1, ${CHANNELS}) c, generate_series(1, ${tickets}) t`));
  await db.db.execute(sql.raw(`
    insert into outbox (ticket_key, idempotency_key, channel, thread_of_ticket, thread_of, records_home_of, text, status, attempts, next_attempt_at, created_at)
    select 'D-' || c || '-' || t, 'D-' || c || '-' || t || ':' || m, 'CDL' || lpad(c::text, 6, '0'),
      case when m > 1 then 'D-' || c || '-' || t end, case when m > 1 then 'home' end,
      case when m = 1 then 'D-' || c || '-' || t end,
      case when m = 1 then 'New ticket D-' || c || '-' || t else 'Update ' || m || ' of D-' || c || '-' || t end,
      'pending', 0, now(), now()
    from generate_series(1, ${tickets}) t, generate_series(1, 3) m, generate_series(1, ${CHANNELS}) c
    where (t - 1) * 3 + m <= ${perChannel}
    order by t, m, c`));
  await db.db.execute(sql.raw('vacuum analyze'));
}

export async function runDelivery(dbs: Databases, o: BenchOptions): Promise<Result[]> {
  // Messages per channel: the burst, then one a second for 10 s (quick) or 30 s.
  const perChannel = BURST + (o.quick ? 10 : 30);
  const total = perChannel * CHANNELS;
  const idealSeconds = (perChannel - BURST) / PER_SECOND;
  const bench = await dbs.fresh('delivery');
  const db = await openDatabase({ databaseUrl: bench.url, migrate: false });
  const fake = await startFakeSlack();
  fake.rateLimit({ perSecond: PER_SECOND, burst: BURST });
  try {
    await seed(db, perChannel);
    // The client exactly as main.ts builds it.
    const client = new WebClient('xoxb-bench', { slackApiUrl: fake.url, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, timeout: 10_000 });
    const worker = new OutboxWorker({ database: db, client, clock: systemClock, logger: quietLogger });
    const start = Date.now();
    worker.start();
    const deadline = start + (idealSeconds * 3 + 30) * 1000;
    while (fake.posts().length < total && Date.now() < deadline) await sleep(20);
    const posts = fake.posts();
    const last = Math.max(...posts.map((p) => p.at));
    await worker.stop();
    const seconds = (last - start) / 1000;
    const allowed = CHANNELS * (BURST + PER_SECOND * seconds);
    const fraction = posts.length / allowed;
    const [pending] = await db.rows<{ n: number }>(db.db, sql`select count(*)::int as n from outbox where status <> 'sent'`);
    // Order: within every ticket the card came first and the replies went into its thread.
    let outOfOrder = 0;
    const homes = new Map<string, string>();
    for (const p of posts) {
      const text = String(p.args.text);
      const key = /D-\d+-\d+/.exec(text)?.[0] ?? '';
      if (text.startsWith('New ticket')) homes.set(key, p.response?.ts);
      else if (!homes.has(key) || p.args.thread_ts !== homes.get(key)) outOfOrder++;
    }
    return [
      { section: 'delivery', metric: `messages delivered (${CHANNELS} channels × ${perChannel})`, value: posts.length, unit: `of ${total}`, target: `${total}`, pass: posts.length === total && pending!.n === 0 && outOfOrder === 0, database: 'postgres', notes: `${outOfOrder} out of order or outside their thread; ${pending!.n} not sent` },
      { section: 'delivery', metric: 'delivery rate', value: round(posts.length / seconds, 1), unit: '/s', target: '', pass: null, database: 'postgres', notes: `${round(seconds, 1)} s, ideal ${idealSeconds} s` },
      { section: 'delivery', metric: `delivered / allowed (${CHANNELS} × (${BURST} + ${PER_SECOND}/s × t))`, value: round(fraction, 3), unit: '', target: '≥ 0.9', pass: fraction >= 0.9, database: 'postgres' },
      { section: 'delivery', metric: '429 answers received', value: fake.rateLimited, unit: '', target: '0', pass: fake.rateLimited === 0, database: 'postgres' },
    ];
  } finally {
    await fake.close();
    await db.close();
    await bench.drop();
  }
}
