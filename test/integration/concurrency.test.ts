// Concurrency on a real PostgreSQL server (skipped without TEST_DATABASE_URL): ticket keys, claims, capacity
// and the escalation sweep run by two copies of Baton at once. Time moves with ManualClock only.
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { addAgent, setBusy } from '../../src/app/agents.js';
import { escalateDue } from '../../src/app/escalation.js';
import { fileTicket } from '../../src/app/fileTicket.js';
import { claimNext, resolveTicket } from '../../src/app/ticketActions.js';
import { isDomainError } from '../../src/core/errors.js';
import { user } from '../../src/core/permissions.js';
import { openDatabase, type Database } from '../../src/storage/db.js';
import { HAS_POSTGRES, type TestDatabase } from '../support/db.js';
import { ADMIN, makeDeps, ManualClock, useCaseBed } from '../support/deps.js';
import { HOUR, input, MIN } from '../support/inspect.js';

const admin = user(ADMIN);
const REQ = 'UREQ0001';

describe.skipIf(!HAS_POSTGRES)('concurrency on PostgreSQL', { timeout: 120_000 }, () => {
  let db: TestDatabase;
  let clock: ManualClock;
  let deps: ReturnType<typeof makeDeps>;
  const extra: Database[] = [];

  useCaseBed('postgres', { per: 'test', poolSize: 20 }, (bed) => ({ db, clock, deps } = bed));
  afterEach(async () => {
    for (const d of extra.splice(0)) await d.close();
  });

  /** A second copy of Baton on the same database: its own connection pool. */
  async function secondCopy() {
    const d = await openDatabase({ databaseUrl: db.url!, migrate: false, poolSize: 10 });
    extra.push(d);
    return makeDeps(d, { clock });
  }

  const addAgents = async (prefix: string, n: number, type: string, capacity: number) => {
    const handles: string[] = [];
    for (let i = 1; i <= n; i++) {
      const handle = `${prefix}${i}`;
      await addAgent(deps, admin, { handle, skills: [type], channel: `C${handle.toUpperCase()}`, user: `U${handle.toUpperCase()}`, capacity });
      handles.push(handle);
    }
    return handles;
  };

  const activeCounts = async () => {
    const rows = await db.rows<{ assignee: string; n: number }>(db.db, sql`select assignee, count(*)::int as n from tickets where status = 'active' group by assignee`);
    return new Map(rows.map((r) => [r.assignee, Number(r.n)]));
  };

  const deadlocks = async () => {
    const [r] = await db.rows<{ n: number }>(db.db, sql`select deadlocks::int as n from pg_stat_database where datname = current_database()`);
    return Number(r!.n);
  };

  const storedLoads = async () => {
    const rows = await db.rows<{ handle: string; active: number }>(db.db, sql`select handle, active from agent_loads order by handle`);
    return new Map(rows.map((r) => [r.handle, Number(r.active)]));
  };

  /** Files tickets of `type` while its agents are busy for an hour, then moves past that hour: they wait in intake. */
  async function heldTickets(handles: string[], type: string, n: number) {
    const until = new Date(clock.now().getTime() + HOUR);
    for (const h of handles) await setBusy(deps, admin, { handle: h }, { until });
    const filed = await Promise.all(
      Array.from({ length: n }, (_, i) => fileTicket(deps, user(REQ), input(`held ${i}`, { type, priority: i % 3 === 0 ? 'urgent' : 'normal' }))),
    );
    expect(filed.every((f) => f.agent === null)).toBe(true);
    const keys = filed.map((f) => f.ticket.key);
    clock.advance(HOUR); // the busy windows are over; the sweep that would assign held work has not run
    return keys;
  }

  it('200 tickets filed at once get 200 distinct keys T-2026-001…T-2026-200, no gaps', async () => {
    await addAgents('k', 4, 'general', 100);
    const copy = await secondCopy();
    const filed = await Promise.all(
      Array.from({ length: 200 }, (_, i) => fileTicket(i % 2 ? deps : copy, user(REQ), input(`concurrent ${i}`))),
    );
    const keys = filed.map((f) => f.ticket.key).sort();
    expect(new Set(keys).size).toBe(200);
    expect(keys).toEqual(Array.from({ length: 200 }, (_, i) => `T-2026-${String(i + 1).padStart(3, '0')}`));
    const [seq] = await db.rows<{ last: number }>(db.db, sql`select last from ticket_sequences where year = 2026`);
    expect(Number(seq!.last)).toBe(200);
    const [count] = await db.rows<{ n: number }>(db.db, sql`select count(*)::int as n from tickets`);
    expect(Number(count!.n)).toBe(200);
    // Routing stayed fair under load: 50 each.
    expect([...(await activeCounts()).values()]).toEqual([50, 50, 50, 50]);
    expect([...(await storedLoads()).values()]).toEqual([50, 50, 50, 50]);
  });

  it('filings at once from two copies go to the fewest active: agents that start unequal end level', async () => {
    const agents = await addAgents('f', 4, 'fair', 100);
    // f1 starts with 6 tickets (asked for by name); the others with none.
    for (let i = 0; i < 6; i++) await fileTicket(deps, user(REQ), input(`pinned ${i}`, { type: 'fair', assign: { handle: 'f1' } }));
    const copy = await secondCopy();
    const filed = await Promise.all(Array.from({ length: 30 }, (_, i) => fileTicket(i % 2 ? deps : copy, user(REQ), input(`level ${i}`, { type: 'fair' }))));
    expect(filed.every((f) => f.agent !== null)).toBe(true);
    // 36 tickets over 4 agents: 9 each, f1 given 3 of the 30.
    const counts = await activeCounts();
    expect(agents.map((h) => counts.get(h) ?? 0)).toEqual([9, 9, 9, 9]);
    expect(filed.filter((f) => f.agent?.handle === 'f1')).toHaveLength(3);
  });

  it('8 agents claiming at once never get the same ticket; each ticket is claimed once', async () => {
    const agents = await addAgents('c', 8, 'claim', 100);
    const keys = await heldTickets(agents, 'claim', 120);
    const copy = await secondCopy();

    const claimedBy = new Map<string, string[]>();
    const loop = async (handle: string, d: typeof deps) => {
      for (;;) {
        const r = await claimNext(d, user(`U${handle.toUpperCase()}`), { handle });
        if (!r.ticket) return;
        claimedBy.set(r.ticket.key, [...(claimedBy.get(r.ticket.key) ?? []), handle]);
      }
    };
    // Two loops per agent, on two copies: the same agent also claims concurrently with itself.
    await Promise.all(agents.flatMap((h) => [loop(h, deps), loop(h, copy)]));

    expect([...claimedBy.keys()].sort()).toEqual([...keys].sort());
    for (const [key, by] of claimedBy) expect(by, key).toHaveLength(1);
    const rows = await db.rows<{ key: string; assignee: string; status: string; claims: number }>(
      db.db,
      sql`select t.key, t.assignee, t.status, (select count(*)::int from audit_events a where a.ticket_key = t.key and a.action = 'claimed') as claims from tickets t`,
    );
    for (const r of rows) {
      expect(r.status).toBe('active');
      expect(Number(r.claims), r.key).toBe(1);
      expect(r.assignee).toBe(claimedBy.get(r.key)![0]);
    }
    // Every agent got some work.
    expect(new Set(rows.map((r) => r.assignee)).size).toBe(8);
  });

  it('concurrent filings, claims and resolves never give an agent more active tickets than its capacity', async () => {
    const deadlocksBefore = await deadlocks();
    const agents = await addAgents('p', 4, 'cap', 3);
    await heldTickets(agents, 'cap', 20);
    const copy = await secondCopy();
    const tolerate = (p: Promise<unknown>) =>
      p.catch((e) => {
        if (isDomainError(e) && (e.code === 'agent_unavailable' || e.code === 'invalid_state')) return null;
        throw e;
      });

    for (let batch = 0; batch < 8; batch++) {
      const active = await db.rows<{ key: string; assignee: string }>(db.db, sql`select key, assignee from tickets where status = 'active' order by key`);
      const work: Promise<unknown>[] = [];
      for (let i = 0; i < 8; i++) work.push(fileTicket(i % 2 ? deps : copy, user(REQ), input(`batch ${batch}.${i}`, { type: 'cap' })));
      for (const h of agents) for (let j = 0; j < 3; j++) work.push(tolerate(claimNext(j % 2 ? deps : copy, user(`U${h.toUpperCase()}`), { handle: h })));
      for (const t of active.filter((_, i) => i % 3 === batch % 3)) work.push(tolerate(resolveTicket(batch % 2 ? deps : copy, admin, t.key, undefined)));
      await Promise.all(work);

      const counts = await activeCounts();
      for (const h of agents) expect(counts.get(h) ?? 0, `${h} after batch ${batch}`).toBeLessThanOrEqual(3);
      // The loads routing reads (kept by triggers) equal the active tickets counted, after every batch.
      const stored = await storedLoads();
      expect(agents.map((h) => stored.get(h) ?? 0), `loads after batch ${batch}`).toEqual(agents.map((h) => counts.get(h) ?? 0));
      clock.advance(MIN);
    }
    // Every transaction takes agent locks before it changes an agent's load: none waited on another in a circle.
    await new Promise((r) => setTimeout(r, 1200)); // the server's statistics are flushed within a second
    expect(await deadlocks()).toBe(deadlocksBefore);
  });

  it('two copies sweeping at once escalate each due ticket exactly once per level', async () => {
    await addAgent(deps, admin, { handle: 'l2', skills: ['x'], channel: 'CL2' });
    await addAgent(deps, admin, { handle: 'l1', skills: ['x'], channel: 'CL1', escalatesTo: { handle: 'l2' } });
    const workers = [];
    for (let i = 1; i <= 4; i++) {
      await addAgent(deps, admin, { handle: `w${i}`, skills: ['ops'], channel: `CW${i}`, capacity: 20, escalatesTo: { handle: 'l1' } });
      workers.push(`w${i}`);
    }
    const keys: string[] = [];
    for (let i = 0; i < 60; i++) keys.push((await fileTicket(deps, user(REQ), input(`stale ${i}`, { type: 'ops', priority: 'urgent' }))).ticket.key);
    const copy = await secondCopy();
    const sweepBoth = async () => {
      const results = await Promise.all([
        escalateDue(deps, { batch: 7 }),
        escalateDue(copy, { batch: 7 }),
        escalateDue(deps, { batch: 5 }),
        escalateDue(copy, { batch: 11 }),
      ]);
      return results.flat();
    };
    const events = async (action: string) => {
      const rows = await db.rows<{ ticket_key: string; level: number; n: number }>(
        db.db,
        sql`select ticket_key, (data->>'level')::int as level, count(*)::int as n from audit_events where action = ${action} group by 1, 2`,
      );
      return rows;
    };

    for (const [level, action, to, exhausted] of [
      [1, 'escalated', 'l1', false],
      [2, 'escalated', 'l2', false],
      [3, 'escalation_exhausted', 'l2', true],
    ] as const) {
      clock.advance(15 * MIN);
      const swept = await sweepBoth();
      expect([...swept].sort(), `level ${level}`).toEqual([...keys].sort());
      const rows = (await events(action)).filter((r) => Number(r.level) === level);
      expect(rows).toHaveLength(60);
      expect(rows.every((r) => Number(r.n) === 1)).toBe(true);
      const [t] = await db.rows<{ n: number }>(db.db, sql`select count(*)::int as n from tickets where escalation_level = ${level} and escalated_to = ${to} and chain_exhausted = ${exhausted}`);
      expect(Number(t!.n)).toBe(60);
      // One managers' line per ticket and level: a reply of its own, or (first escalations of a sweep) a line of a summary.
      const [m] = await db.rows<{ n: number }>(
        db.db,
        sql`select (select count(*) from outbox where channel = 'CESCAL1' and idempotency_key like '%:managers')::int
                 + (select coalesce(sum(array_length(string_to_array(records_managers_of, ' '), 1)), 0) from outbox
                    where channel = 'CESCAL1' and idempotency_key like '%:managers-summary')::int as n`,
      );
      expect(Number(m!.n)).toBe(60 * level);
    }
    clock.advance(24 * HOUR);
    expect(await sweepBoth()).toEqual([]);
    const [total] = await db.rows<{ n: number }>(db.db, sql`select count(*)::int as n from audit_events where action in ('escalated', 'escalation_exhausted')`);
    expect(Number(total!.n)).toBe(180);
  });
  it('item 1: two copies sweeping tickets whose chain loops back ping no agent twice and exhaust each chain once', async () => {
    for (const [handle, to] of [['felix', 'maya'], ['maya', 'iris'], ['iris', 'felix']] as const) {
      await addAgent(deps, admin, { handle, skills: ['support'], channel: `C${handle.toUpperCase()}`, capacity: 20, escalatesTo: { handle: to } });
    }
    const keys: string[] = [];
    for (let i = 0; i < 30; i++) keys.push((await fileTicket(deps, user(REQ), input(`cycle ${i}`, { type: 'support', escalateAfterSec: 1 }))).ticket.key);
    const copy = await secondCopy();
    for (let s = 0; s < 12; s++) {
      clock.advance(1000);
      await Promise.all([escalateDue(deps, { batch: 7 }), escalateDue(copy, { batch: 7 }), escalateDue(deps, { batch: 5 }), escalateDue(copy, { batch: 11 })]);
    }
    const rows = await db.rows<{ ticket_key: string; action: string; to: string | null; assignee: string }>(
      db.db,
      sql`select e.ticket_key, e.action, e.data->>'to' as to, t.assignee from audit_events e join tickets t on t.key = e.ticket_key
          where e.action in ('escalated', 'escalation_exhausted') order by e.id`,
    );
    for (const key of keys) {
      const mine = rows.filter((r) => r.ticket_key === key);
      expect(mine.map((r) => r.action), key).toEqual(['escalated', 'escalated', 'escalation_exhausted']);
      const pinged = mine.filter((r) => r.to !== null).map((r) => r.to);
      expect(new Set(pinged).size, key).toBe(2);
      expect(pinged, key).not.toContain(mine[0]!.assignee);
    }
    const [t] = await db.rows<{ n: number }>(db.db, sql`select count(*)::int as n from tickets where chain_exhausted and escalation_level = 3`);
    expect(Number(t!.n)).toBe(30);
  });
});
