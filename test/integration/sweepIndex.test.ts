// The sweep's query is served by a partial index whose size follows the active tickets, not the history.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, asc, isNotNull, lte, sql } from 'drizzle-orm';
import { tickets } from '../../src/storage/schema.js';
import { DB_KINDS, openTestDatabase, type TestDatabase } from '../support/db.js';

describe.each(DB_KINDS)('the escalation sweep query on %s', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
    const history = kind === 'postgres' ? 50_000 : 10_000;
    await db.db.execute(sql.raw(`
      insert into tickets (key, type, title, description, priority, priority_rank, status, assignee, requester, context,
        escalation_level, requires_handoff, created_at, resolved_at)
      select 'T-2025-' || lpad(g::text, 6, '0'), 'support', 'old ' || g, 'old', 'normal', 2, 'completed', 'iris', 'U1', '{}'::jsonb,
        0, '{}', now() - interval '300 days', now() - interval '200 days'
      from generate_series(1, ${history}) g`));
    await db.db.execute(sql.raw(`
      insert into tickets (key, type, title, description, priority, priority_rank, status, assignee, requester, context,
        escalation_level, requires_handoff, created_at, assigned_at, clock_started_at, escalate_due_at)
      select 'T-2026-' || lpad(g::text, 6, '0'), 'support', 'open ' || g, 'open', 'normal', 2, 'active', 'iris', 'U1', '{}'::jsonb,
        0, '{}', now() - interval '1 day', now() - interval '1 day', now() - interval '1 day',
        now() - interval '1 hour' + (g || ' minutes')::interval
      from generate_series(1, 100) g`));
    await db.db.execute(sql`analyze tickets`);
  }, 120_000);
  afterAll(async () => db?.close());

  it('when there is a long history, then the sweep reads the partial escalate-due index, which holds only the active tickets', async () => {
    const now = new Date();
    const query = db.db
      .select()
      .from(tickets)
      .where(and(isNotNull(tickets.escalateDueAt), lte(tickets.escalateDueAt, now)))
      .orderBy(asc(tickets.escalateDueAt))
      .limit(100)
      .for('update', { skipLocked: true })
      .toSQL();
    const inlined = query.sql.replace(/\$(\d+)/g, (_, i) => {
      const v = query.params[Number(i) - 1];
      return v instanceof Date ? `'${v.toISOString()}'::timestamptz` : typeof v === 'number' ? String(v) : `'${String(v)}'`;
    });
    const plan = await db.rows<Record<string, string>>(db.db, sql.raw(`explain ${inlined}`));
    const text = plan.map((r) => Object.values(r)[0]).join('\n');
    expect(text).toContain('tickets_escalate_due_idx');
    const [sizes] = await db.rows<{ idx: number; pk: number; entries: number }>(
      db.db,
      sql`select pg_relation_size('tickets_escalate_due_idx')::int as idx, pg_relation_size('tickets_pkey')::int as pk,
                 (select count(*) from tickets where escalate_due_at is not null)::int as entries`,
    );
    expect(Number(sizes!.entries)).toBe(100);
    // The partial index is a small fraction of an index over the whole history.
    expect(Number(sizes!.idx) * 20).toBeLessThan(Number(sizes!.pk));
  });
});
