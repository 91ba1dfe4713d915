// 3. Agents pulling work: 8 concurrent agents in a claim-next + resolve loop (audit trail and outbox
// written as always) against pg-boss fetch + complete, its recommended settings, same PostgreSQL, same run.
import { sql } from 'drizzle-orm';
import PgBoss from 'pg-boss';
import { claimNext, resolveTicket } from '../src/app/ticketActions.js';
import { DomainError } from '../src/core/errors.js';
import { user } from '../src/core/permissions.js';
import { openTicketsOf } from '../src/storage/tickets.js';
import { openDatabase } from '../src/storage/db.js';
import { round, type BenchOptions, type Databases, type Result } from './lib.js';
import { benchDeps, seedAgents } from './sweep.js';

const AGENTS = 8;

export async function runClaim(dbs: Databases, o: BenchOptions): Promise<Result[]> {
  const seconds = o.quick ? 10 : 20;
  const backlog = o.quick ? 20_000 : 40_000;
  const baton = await batonLoop(dbs, seconds, backlog);
  const boss = await pgBossLoop(dbs, seconds, backlog);
  const ratio = baton.perSecond / boss.perSecond;
  return [
    { section: 'claim', metric: `Baton claim-next + resolve, ${AGENTS} agents`, value: round(baton.perSecond, 0), unit: 'tickets/s', target: '', pass: null, database: 'postgres', notes: `${baton.done} resolved (${baton.claimed} by claim-next, ${baton.done - baton.claimed} handed over on resolve), ${baton.audit} audit events, ${baton.messages} outbox rows${baton.errors ? `; ${baton.errors} transactions failed (${baton.lastError})` : ''}` },
    { section: 'claim', metric: `pg-boss fetch + complete, ${AGENTS} workers`, value: round(boss.perSecond, 0), unit: 'jobs/s', target: '', pass: null, database: 'postgres', notes: `${boss.done} jobs` },
    { section: 'claim', metric: 'Baton / pg-boss throughput', value: round(ratio, 2), unit: '×', target: '≥ 1.0×', pass: ratio >= 1 && baton.errors === 0, database: 'postgres' },
  ];
}

/**
 * Each agent resolves its oldest open ticket, or, with none, claims the next one from intake. In
 * Baton an agent that resolves a ticket and has room is handed the next intake ticket in the same
 * transaction (held work is released at once), so after the first claim most tickets reach an agent
 * that way; both paths lock, assign, audit and enqueue the assignment card.
 */
async function batonLoop(dbs: Databases, seconds: number, backlog: number) {
  const bench = await dbs.fresh('claim');
  const db = await openDatabase({ databaseUrl: bench.url, migrate: false, poolSize: 10 });
  try {
    await seedAgents(db, { capacity: 5, chain: false });
    await db.db.execute(sql.raw(`
      insert into tickets (key, type, title, description, priority, priority_rank, status, requester, context, escalation_level, requires_handoff, created_at, hold_reason)
      select 'T-2026-' || lpad(g::text, 6, '0'), 'general', 'Queued ticket ' || g, 'Work to do', 'normal', 2, 'intake',
        'UREQ' || lpad((g % 500)::text, 5, '0'), '{}'::jsonb, 0, '{}', now() - interval '1 day' + (g || ' ms')::interval, 'no agent was free'
      from generate_series(1, ${backlog}) g`));
    await db.db.execute(sql.raw(`insert into ticket_sequences (year, last) values (2026, ${backlog})`));
    await db.db.execute(sql.raw('vacuum analyze'));
    const deps = benchDeps(db);
    const [before] = await db.rows<{ a: number; m: number }>(db.db, sql`select (select count(*) from audit_events)::int as a, (select count(*) from outbox)::int as m`);
    let done = 0;
    let claimed = 0;
    let errors = 0;
    let lastError = '';
    const start = performance.now();
    const end = start + seconds * 1000;
    await Promise.all(
      Array.from({ length: AGENTS }, async (_, i) => {
        const handle = `agent${i + 1}`;
        const by = user(`UAG${String(i + 1).padStart(6, '0')}`);
        while (performance.now() < end && errors < 1000) {
          try {
            let [t] = await openTicketsOf(db.db, handle);
            if (!t) {
              const r = await claimNext(deps, by, { handle });
              if (!r.ticket) break; // intake is empty
              t = r.ticket;
              claimed++;
            }
            await resolveTicket(deps, by, t.key, 'done');
            done++;
          } catch (e) {
            if (e instanceof DomainError && e.code === 'agent_unavailable') continue;
            // A transaction that failed after its retries (deadlock, serialisation): counted, not done.
            errors++;
            const cause = (e as { cause?: { code?: string; message?: string } }).cause;
            lastError = cause ? `${cause.code ?? ''} ${cause.message ?? ''}` : String(e).slice(0, 200);
          }
        }
      }),
    );
    const elapsed = (performance.now() - start) / 1000;
    const [after] = await db.rows<{ a: number; m: number }>(db.db, sql`select (select count(*) from audit_events)::int as a, (select count(*) from outbox)::int as m`);
    if (done >= backlog * 0.9) throw new Error(`the Baton backlog (${backlog}) nearly ran out; raise it`);
    return { perSecond: done / elapsed, done, claimed, errors, lastError, audit: after!.a - before!.a, messages: after!.m - before!.m };
  } finally {
    await db.close();
    await bench.drop();
  }
}

async function pgBossLoop(dbs: Databases, seconds: number, backlog: number) {
  const bench = await dbs.fresh('pgboss');
  // Recommended settings: the defaults (pool of 10, maintenance and scheduling on), a standard queue.
  const boss = new PgBoss({ connectionString: bench.url });
  boss.on('error', (e) => console.error('pg-boss:', e));
  try {
    await boss.start();
    const queue = 'tickets';
    await boss.createQueue(queue);
    for (let k = 0; k < backlog; k += 1000) {
      await boss.insert(Array.from({ length: Math.min(1000, backlog - k) }, (_, j) => ({ name: queue, data: { ticket: `T-2026-${k + j + 1}`, title: `Queued ticket ${k + j + 1}` } })));
    }
    let done = 0;
    const start = performance.now();
    const end = start + seconds * 1000;
    await Promise.all(
      Array.from({ length: AGENTS }, async () => {
        while (performance.now() < end) {
          const [job] = await boss.fetch(queue);
          if (!job) break;
          await boss.complete(queue, job.id);
          done++;
        }
      }),
    );
    const elapsed = (performance.now() - start) / 1000;
    if (done >= backlog * 0.9) throw new Error(`the pg-boss backlog (${backlog}) nearly ran out; raise it`);
    return { perSecond: done / elapsed, done };
  } finally {
    await boss.stop({ graceful: false, wait: true }).catch(() => {});
    await bench.drop();
  }
}
