// 7. What a request costs: the statements Baton sends to PostgreSQL for one filing (its request, then the
// delivery of its card) and for one `/ticket show`, counted by the driver itself; and the time of a
// `GET /metrics` scrape with 100,000 tickets in the database.
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { startFakeSlack } from '../fake-slack/index.js';
import { startBaton } from '../src/main.js';
import { openDatabase } from '../src/storage/db.js';
import { addAgents, batonEnv, fileOne, simFor } from './intake.js';
import { median, round, type BenchOptions, type Databases, type Result } from './lib.js';
import { seedSweep } from './sweep.js';

const ADMIN = 'UADMIN001';

export async function runCost(dbs: Databases, o: BenchOptions): Promise<Result[]> {
  const results: Result[] = [];
  const filings = o.quick ? 100 : 300;
  const bench = await dbs.fresh('cost');
  const fake = await startFakeSlack();
  let statements = 0;
  const seen = new Map<string, number>();
  const database = await openDatabase({
    databaseUrl: bench.url,
    onQuery: (s) => {
      statements++;
      const head = s.replace(/\s+/g, ' ').trim().slice(0, 60);
      seen.set(head, (seen.get(head) ?? 0) + 1);
    },
  });
  const env = batonEnv(0, fake.url, { ESCALATION_CRON: '0 0 1 1 *', BRIEFING_CRON: '0 0 1 1 *' });
  const baton = await startBaton({ env, database, logger: pino({ level: 'silent' }) });
  try {
    // Nothing but the requests measured: no sweeps, no deliveries until asked.
    await baton.scheduler.stop();
    const slack = simFor(baton.port!);
    await addAgents(slack, 4);
    for (let k = 0; k < 20; k++) await fileOne(slack, k); // warm-up
    await drain();
    await baton.worker.stop();

    statements = 0;
    seen.clear();
    for (let k = 0; k < filings; k++) if (!(await fileOne(slack, 100 + k))) throw new Error('a filing failed');
    const perFiling = statements / filings;
    const filingStatements = [...seen.entries()].sort((a, b) => b[1] - a[1]).map(([s, n]) => `${round(n / filings, 2)}× ${s}`);

    statements = 0;
    baton.worker.start();
    await drain();
    const perDelivery = statements / filings;

    await baton.worker.stop();
    statements = 0;
    const year = new Date().getUTCFullYear();
    for (let k = 0; k < filings; k++) {
      const res = await slack.command('/ticket', `show T-${year}-${String(21 + k).padStart(3, '0')}`, { user: ADMIN, channel: 'CGENERAL01' });
      if (res.status !== 200) throw new Error('a show failed');
    }
    const perShow = statements / filings;
    baton.worker.start();

    results.push({ section: 'cost', metric: 'statements per filing (signed /ticket new, routed, in one transaction)', value: round(perFiling, 1), unit: '', target: '', pass: null, database: 'postgres', notes: filingStatements.slice(0, 25).join(' | ') });
    results.push({ section: 'cost', metric: 'statements per filing to deliver its card (claim, send, record)', value: round(perDelivery, 1), unit: '', target: '', pass: null, database: 'postgres' });
    results.push({ section: 'cost', metric: 'statements per /ticket show', value: round(perShow, 1), unit: '', target: '', pass: null, database: 'postgres' });
  } finally {
    await baton.stop();
    await fake.close();
  }

  // /metrics with 100,000 tickets (quick: 20,000) of history, trail and delivered messages.
  const big = await dbs.fresh('metrics');
  const total = o.quick ? 20_000 : 100_000;
  const bigDb = await openDatabase({ databaseUrl: big.url });
  const fake2 = await startFakeSlack();
  try {
    await seedSweep(bigDb, total);
    const scraper = await startBaton({ env: batonEnv(0, fake2.url, { ESCALATION_CRON: '0 0 1 1 *' }), database: bigDb, logger: pino({ level: 'silent' }) });
    try {
      const url = `http://127.0.0.1:${scraper.port}/metrics`;
      const times: number[] = [];
      for (let k = 0; k < 12; k++) {
        const t = performance.now();
        const res = await fetch(url);
        await res.text();
        if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
        if (k >= 2) times.push(performance.now() - t);
      }
      results.push({ section: 'cost', metric: `GET /metrics scrape with ${total.toLocaleString('en')} tickets (median of 10)`, value: round(median(times), 1), unit: 'ms', target: '', pass: null, database: 'postgres', notes: `max ${round(Math.max(...times), 1)} ms` });
    } finally {
      await scraper.stop();
    }
  } finally {
    await fake2.close();
    await big.drop();
    await bench.drop();
  }
  return results;

  async function drain(): Promise<void> {
    for (const until = performance.now() + 60_000; performance.now() < until; await new Promise((r) => setTimeout(r, 100))) {
      const [r] = await database.rows<{ n: number }>(database.db, sql`select count(*)::int as n from outbox where status = 'pending' and next_attempt_at <= now()`);
      if (Number(r?.n ?? 0) === 0) return;
    }
  }
}
