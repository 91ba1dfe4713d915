// 1. Intake: signed `/ticket new` slash commands over HTTP into the running app (a child process on
// PostgreSQL), beside the ceiling of the same PostgreSQL for the same writes straight through postgres.js.
import { readFileSync } from 'node:fs';
import { connectPostgres } from '../src/storage/pgConnect.js';
import { startFakeSlack } from '../fake-slack/index.js';
import { freePort, SlackClientSim } from '../test/support/slackRequests.js';
import { blockKitRenderer } from '../src/slack/renderer.js';
import { systemClock } from '../src/core/clock.js';
import type { Agent, Ticket } from '../src/core/types.js';
import { PRIORITY_RANK } from '../src/core/types.js';
import { spawnBaton } from '../test/support/spawnBaton.js';
import { percentile } from '../test/support/stats.js';
import { round, sleep, type BenchOptions, type Databases, type Result } from './lib.js';

const SECRET = 'bench-signing-secret';
const ADMIN = 'UADMIN001';
/** Four agents that never fill up: saturation measures intake, not capacity. */
export const AGENTS = 4;
export const AGENT_CAPACITY = 100_000;

export async function addAgents(slack: SlackClientSim, n: number, o: { capacity?: number; skills?: string } = {}) {
  for (let i = 1; i <= n; i++) {
    const h = `agent${i}`;
    const res = await slack.command('/agent', `add ${h} skills:${o.skills ?? 'general'} channel:<#CAG${String(i).padStart(6, '0')}|agent-${h}> user:<@UAG${String(i).padStart(6, '0')}> capacity:${o.capacity ?? AGENT_CAPACITY}`, { user: ADMIN });
    if (res.status !== 200 || !/Added|added/.test(JSON.stringify(res.body))) throw new Error(`/agent add failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
}

export function batonEnv(port: number, slackUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slackUrl,
    PORT: String(port),
    ADMIN_USER_IDS: ADMIN,
    ESCALATIONS_CHANNEL: 'CESCALATE1',
    // Keep the daily briefing out of the measurement window; the escalation sweep keeps its default.
    DIGEST_CRON: '0 0 1 1 *',
    ...extra,
  };
}

export function simFor(port: number) {
  return new SlackClientSim({ baseUrl: `http://127.0.0.1:${port}`, signingSecret: SECRET, timeoutMs: 30_000 });
}

/** One `/ticket new`; returns the ack latency in ms, or null when it was not filed. */
export async function fileOne(slack: SlackClientSim, i: number): Promise<boolean> {
  const res = await slack.command('/ticket', `new Printer ${i} on fire in building ${i % 7}`, { user: `UREQ${String(i % 500).padStart(5, '0')}`, channel: 'CGENERAL01' });
  return res.status === 200 && typeof res.body === 'object' && /Filed/.test(String(res.body?.text ?? ''));
}

/** CPU time (user + system) a process has used so far, in ms, from /proc/<pid>/stat. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start after the last ')'.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(f[11]) + Number(f[12]); // utime, stime (fields 14 and 15)
  return (ticks * 1000) / CLOCK_TICKS;
}
/** Linux's USER_HZ: 100 everywhere Node runs on Linux. */
const CLOCK_TICKS = 100;

/** Open loop at `rate`/s for `total` requests: the ack latency of each from its due time (ms), and how many failed. */
async function fixedRate(slack: SlackClientSim, rate: number, total: number, next: () => number): Promise<{ lat: number[]; failed: number }> {
  const lat: number[] = [];
  let failed = 0;
  const t0 = performance.now() + 50;
  const inflight: Promise<void>[] = [];
  for (let n = 0; n < total; n++) {
    const due = t0 + (n * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const id = next();
    inflight.push(
      fileOne(slack, id).then(
        (ok) => {
          if (ok) lat.push(performance.now() - due);
          else failed++;
        },
        () => void failed++,
      ),
    );
  }
  await Promise.all(inflight);
  lat.sort((a, b) => a - b);
  return { lat, failed };
}

export async function runIntake(dbs: Databases, o: BenchOptions): Promise<Result[]> {
  const results: Result[] = [];
  const fixedSeconds = o.quick ? 10 : 30;
  const satSeconds = o.quick ? 10 : 20;
  const rate = 50;
  const clients = 16;

  const db = await dbs.fresh('intake');
  const fake = await startFakeSlack();
  const port = await freePort();
  const baton = spawnBaton(batonEnv(port, fake.url, { DATABASE_URL: db.url }));
  try {
    await baton.ready();
    const slack = simFor(port);
    await addAgents(slack, AGENTS);

    // Warm-up: JIT, connection pool, caches.
    let i = 0;
    await Promise.all(Array.from({ length: 4 }, async () => {
      for (let k = 0; k < 50; k++) await fileOne(slack, i++);
    }));

    // Fixed rate, open loop: request n is due at t0 + n/rate whatever happened before; latency counts
    // from the due time, so a stall shows in the figures instead of slowing the sender down. Baton's CPU
    // time over the phase, divided by the requests, is its cost per filing (delivery of the cards included).
    const total = fixedSeconds * rate;
    const cpu0 = cpuMs(baton.pid);
    const { lat, failed } = await fixedRate(slack, rate, total, () => i++);
    await drained(db.url);
    const cpuPerFiling = (cpuMs(baton.pid) - cpu0) / total;
    const p50 = percentile(lat, 50);
    const p99 = percentile(lat, 99);
    results.push({ section: 'intake', metric: `ack latency p50 at ${rate}/s (${total} requests)`, value: round(p50, 1), unit: 'ms', target: '', pass: null, database: 'postgres' });
    results.push({ section: 'intake', metric: `ack latency p99 at ${rate}/s`, value: round(p99, 1), unit: 'ms', target: '≤ 50 ms', pass: p99 <= 50 && failed === 0, database: 'postgres', notes: failed ? `${failed} requests not filed` : undefined });
    results.push({ section: 'intake', metric: `ack latency max at ${rate}/s`, value: round(lat[lat.length - 1] ?? NaN, 1), unit: 'ms', target: '', pass: null, database: 'postgres' });
    results.push({ section: 'intake', metric: 'Node CPU per filing (signed /ticket new, its card delivered)', value: round(cpuPerFiling, 2), unit: 'ms', target: '≤ 1.5 ms', pass: cpuPerFiling <= 1.5, database: 'postgres' });

    // `/ticket show` of recent tickets, 4 clients, closed loop: Baton's CPU per answer.
    const shows = o.quick ? 400 : 1500;
    const cpu1 = cpuMs(baton.pid);
    let shown = 0;
    await Promise.all(
      Array.from({ length: 4 }, async (_, c) => {
        for (let k = c; k < shows; k += 4) {
          const res = await slack.command('/ticket', `show T-${new Date().getUTCFullYear()}-${String(1 + (k % 200)).padStart(3, '0')}`, { user: ADMIN, channel: 'CGENERAL01' });
          if (res.status === 200 && /Trail|trail/.test(JSON.stringify(res.body))) shown++;
        }
      }),
    );
    const cpuPerShow = (cpuMs(baton.pid) - cpu1) / shows;
    results.push({ section: 'intake', metric: 'Node CPU per /ticket show', value: round(cpuPerShow, 2), unit: 'ms', target: '≤ 1 ms', pass: cpuPerShow <= 1 && shown === shows, database: 'postgres', notes: shown === shows ? undefined : `${shows - shown} answers without the ticket` });

    // Let Baton finish what the fixed-rate phase left queued (bounded), so saturation starts clean.
    const count = connectPostgres(db.url, { max: 1, onnotice: () => {} });
    const tickets = async () => Number((await count<{ n: number }[]>`select count(*)::int as n from tickets`)[0]!.n);
    try {
      let last = -1;
      for (const until = performance.now() + 300_000; performance.now() < until; await sleep(1000)) {
        const n = await tickets();
        if (n === last) break;
        last = n;
      }
    } catch {
      // counting is best effort
    }

    // Saturation, closed loop: 16 clients, each sends its next request when the last is answered.
    // Tickets a second are the rows committed in the window (an ack later than 2.5 s is "working on it").
    let filed = 0;
    let satFailed = 0;
    const before = await tickets();
    const satStart = performance.now();
    const satEnd = satStart + satSeconds * 1000;
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (performance.now() < satEnd) {
          const ok = await fileOne(slack, i++).catch(() => false);
          if (ok) filed++;
          else satFailed++;
        }
      }),
    );
    const satRate = ((await tickets()) - before) / ((performance.now() - satStart) / 1000);

    // Every agent full: capacity 1 each (they hold many tickets), so every filing takes the held path.
    await drained(db.url);
    for (let k = 1; k <= AGENTS; k++) {
      const res = await slack.command('/agent', `update agent${k} capacity:1`, { user: ADMIN });
      if (res.status !== 200) throw new Error(`/agent update failed: ${res.status}`);
    }
    const full = await fixedRate(slack, rate, total, () => i++);
    const fullP99 = percentile(full.lat, 99);
    const held = Number((await count<{ n: number }[]>`select count(*)::int as n from tickets where status = 'intake' and hold_reason is not null`)[0]!.n);
    results.push({ section: 'intake', metric: `ack latency p50 at ${rate}/s, every agent full (held path)`, value: round(percentile(full.lat, 50), 1), unit: 'ms', target: '', pass: null, database: 'postgres', notes: `${held} tickets held` });
    results.push({ section: 'intake', metric: `ack latency p99 at ${rate}/s, every agent full (held path)`, value: round(fullP99, 1), unit: 'ms', target: '≤ 50 ms', pass: fullP99 <= 50 && full.failed === 0, database: 'postgres', notes: full.failed ? `${full.failed} not filed` : undefined });
    await count.end();

    await baton.stop();

    // The ceiling: the same three rows per ticket, one transaction each, straight through postgres.js,
    // same clients, same duration, same database.
    const ceiling = await ceilingRate(db.url, clients, satSeconds);
    results.push({ section: 'intake', metric: `tickets/s at saturation (${clients} clients)`, value: round(satRate, 0), unit: '/s', target: '', pass: null, database: 'postgres', notes: `${filed} acked as filed${satFailed ? `, ${satFailed} acked late or refused` : ''}` });
    results.push({ section: 'intake', metric: `PostgreSQL ceiling, same writes (${clients} clients)`, value: round(ceiling, 0), unit: '/s', target: '', pass: null, database: 'postgres' });
    const frac = satRate / ceiling;
    results.push({ section: 'intake', metric: 'saturation as a fraction of the ceiling', value: round(frac * 100, 1), unit: '%', target: '≥ 50 %', pass: frac >= 0.5, database: 'postgres' });
  } finally {
    await baton.stop();
    await fake.close();
    await db.drop();
  }
  return results;
}

/** Waits (at most a minute) until the outbox has nothing pending. */
async function drained(url: string): Promise<void> {
  const sql = connectPostgres(url, { max: 1, onnotice: () => {} });
  try {
    for (const until = performance.now() + 60_000; performance.now() < until; await sleep(200)) {
      const [r] = await sql<{ n: number }[]>`select count(*)::int as n from outbox where status = 'pending' and next_attempt_at <= now()`;
      if (Number(r?.n ?? 0) === 0) return;
    }
  } finally {
    await sql.end();
  }
}

/** Tickets a second that PostgreSQL takes for ticket + audit event + outbox row in one transaction. */
export async function ceilingRate(url: string, clients: number, seconds: number): Promise<number> {
  const sql = connectPostgres(url, { max: clients, onnotice: () => {} });
  const render = blockKitRenderer(systemClock, 'UTC');
  const agent: Agent = { handle: 'agent1', skills: ['general'], channel: 'CAG000001', user: 'UAG000001', capacity: 100, escalatesTo: null, busy: false, busyUntil: null, busyReason: null, lastAssignedAt: null, createdAt: new Date(), ackAfterSec: null, ackSince: null, heartbeatSec: null, heartbeatSince: null, lastHeardAt: null, unresponsive: null, unresponsiveReason: null, unresponsiveSince: null, hours: null, timeZone: 'UTC' };
  let n = 0;
  const write = async (k: number) => {
    const now = new Date();
    const key = `C-${process.pid}-${k}`;
    const t: Ticket = {
      key, type: 'general', title: `Printer ${k} on fire in building ${k % 7}`, description: '', priority: 'normal', status: 'active', assignee: 'agent1', requester: 'UREQ00001', context: {},
      escalateAfterSec: null, escalationLevel: 0, escalatedTo: null, chainExhausted: false, requiresHandoff: [], parentKey: null, waitingOn: null, follows: null, pinnedAgent: null, holdReason: null,
      origin: null, home: null, createdAt: now, assignedAt: now, clockStartedAt: now, escalateDueAt: new Date(now.getTime() + 4 * 3600_000), resolvedAt: null, resolution: null,
      acceptedAt: null, acceptedBy: null, managers: null, managersKey: null, packet: null, declinedBy: [], dedupKey: null, awaitingRequesterSince: null, clockLeftSec: null, escalationRound: 0,
    };
    const card = render.assignment(t, agent, {});
    await sql.begin(async (tx) => {
      await tx`insert into tickets (key, type, title, description, priority, priority_rank, status, assignee, requester, context, escalation_level, requires_handoff, created_at, assigned_at, clock_started_at, escalate_due_at)
               values (${key}, 'general', ${t.title}, '', 'normal', ${PRIORITY_RANK.normal}, 'active', 'agent1', 'UREQ00001', ${tx.json({})}, 0, '{}', ${now}, ${now}, ${now}, ${t.escalateDueAt})`;
      await tx`insert into audit_events (ticket_key, at, actor, action, from_status, to_status, note, data)
               values (${key}, ${now}, 'UREQ00001', 'filed', null, 'active', ${t.title}, ${tx.json({ type: 'general', priority: 'normal' })})`;
      await tx`insert into outbox (ticket_key, idempotency_key, channel, records_home_of, text, blocks, next_attempt_at, created_at)
               values (${key}, ${`${key}:card`}, 'CAG000001', ${key}, ${card.text}, ${tx.json(card.blocks as never)}, ${now}, ${now})
               on conflict (idempotency_key) do nothing`;
    });
  };
  try {
    // Warm-up.
    for (let k = 0; k < 50; k++) await write(-1 - k);
    const start = performance.now();
    const end = start + seconds * 1000;
    let k = 0;
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (performance.now() < end) {
          await write(k++);
          n++;
        }
      }),
    );
    return n / ((performance.now() - start) / 1000);
  } finally {
    await sql.end();
  }
}
