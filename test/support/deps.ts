// Use-case dependencies for tests: a real database, the real renderer, and a clock the test moves.
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import type { Deps } from '../../src/app/context.js';
import type { Clock } from '../../src/core/clock.js';
import type { Database } from '../../src/storage/db.js';
import { blockKitRenderer } from '../../src/slack/renderer.js';
import { openTestDatabase, resetTestDatabase, type DbKind, type TestDatabase } from './db.js';

/** A clock the test moves by hand; it starts on Monday 2026-03-02 09:00 UTC unless told otherwise. */
export class ManualClock implements Clock {
  private t: number;
  constructor(start: Date | string = '2026-03-02T09:00:00Z') {
    this.t = new Date(start).getTime();
  }
  now() {
    return new Date(this.t);
  }
  advance(ms: number) {
    this.t += ms;
  }
  set(d: Date | string) {
    this.t = new Date(d).getTime();
  }
}

export const ADMIN = 'UADMIN1';

export function makeDeps(database: Database, o: { clock?: Clock; admins?: string[]; escalationsChannel?: string | null } = {}): Deps & { clock: Clock } {
  const clock = o.clock ?? new ManualClock();
  return {
    database,
    clock,
    policy: { admins: o.admins ?? [ADMIN] },
    render: blockKitRenderer(clock, 'UTC'),
    timeZone: 'UTC',
    defaultTicketType: 'general',
    escalationsChannel: o.escalationsChannel === undefined ? 'CESCAL1' : o.escalationsChannel,
  };
}

export interface UseCaseBed {
  db: TestDatabase;
  clock: ManualClock;
  deps: ReturnType<typeof makeDeps>;
}

/**
 * A database on `kind`, a ManualClock at its default start and use-case deps, for the tests of the
 * enclosing describe block: opened once before them all and handed to `use` once (`per: 'block'`) or
 * emptied and handed anew, with a new clock, before each test (`per: 'test'`); closed after.
 */
export function useCaseBed(kind: DbKind, o: { per: 'block' | 'test'; poolSize?: number }, use: (bed: UseCaseBed) => void): void {
  let db: TestDatabase | undefined;
  const hand = () => {
    const clock = new ManualClock();
    // Per test, a new object over the same connection: what a process keeps per database (Object identity) starts afresh.
    const fresh: TestDatabase = o.per === 'test' ? Object.create(db!) : db!;
    use({ db: fresh, clock, deps: makeDeps(fresh, { clock }) });
  };
  beforeAll(async () => {
    db = await openTestDatabase(kind, { poolSize: o.poolSize });
    if (o.per === 'block') hand();
  });
  // `per: 'test'`: the same database emptied before each test (as fresh as a new one, without loading one).
  if (o.per === 'test')
    beforeEach(async () => {
      await resetTestDatabase(db!);
      hand();
    });
  afterAll(async () => db?.close());
  // After every test: the loads routing reads (kept by triggers on tickets) equal the active tickets counted,
  // whatever the test did to its tickets.
  afterEach(async () => {
    if (!db) return;
    const rows = await db.rows<{ handle: string; stored: number; counted: number }>(
      db.db,
      sql`select coalesce(l.handle, c.assignee) as handle, coalesce(l.active, 0)::int as stored, coalesce(c.n, 0)::int as counted
          from agent_loads l
          full join (select assignee, count(*)::int as n from tickets where status = 'active' and assignee is not null group by assignee) c
            on c.assignee = l.handle
          where coalesce(l.active, 0) <> coalesce(c.n, 0)`,
    );
    expect(rows, 'agent_loads differs from the active tickets counted').toEqual([]);
  });
}
