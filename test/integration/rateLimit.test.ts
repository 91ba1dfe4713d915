// Per-token call budgets in the database: refilled by the injected clock, shared by two copies on PostgreSQL.
import { afterEach, describe, expect, it } from 'vitest';
import { RateLimited, spendCall } from '../../src/app/rateLimit.js';
import { openDatabase, type Database } from '../../src/storage/db.js';
import { DB_KINDS, HAS_POSTGRES, type TestDatabase } from '../support/db.js';
import { makeDeps, type ManualClock, useCaseBed } from '../support/deps.js';

async function outcome(p: Promise<void>): Promise<number> {
  try {
    await p;
    return 0;
  } catch (e) {
    if (e instanceof RateLimited) return e.retryAfterSec;
    throw e;
  }
}

describe.each(DB_KINDS)('per-token rate limits on %s', (kind) => {
  let clock: ManualClock;
  let deps: ReturnType<typeof makeDeps>;
  useCaseBed(kind, { per: 'block' }, (bed) => ({ clock, deps } = bed));

  it('a burst is spent, then calls wait for the refill at the rate; each token has its own bucket', async () => {
    const limited = { ...deps, apiRateLimit: { perSecond: 2, burst: 3 } };
    const calls = async (handle: string, n: number) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) out.push(await outcome(spendCall(limited, handle)));
      return out;
    };
    expect(await calls('rl1', 5)).toEqual([0, 0, 0, 1, 1]);
    // Another token is not affected.
    expect(await calls('rl2', 3)).toEqual([0, 0, 0]);
    // Half a second refills one call at 2/s.
    clock.advance(500);
    expect(await calls('rl1', 2)).toEqual([0, 1]);
    // A long pause refills up to the burst, never beyond.
    clock.advance(60_000);
    expect(await calls('rl1', 4)).toEqual([0, 0, 0, 1]);
    // Slow rates say how long to wait in whole seconds.
    const slow = { ...deps, apiRateLimit: { perSecond: 0.1, burst: 1 } };
    expect(await outcome(spendCall(slow, 'rl3'))).toBe(0);
    expect(await outcome(spendCall(slow, 'rl3'))).toBe(10);
    // Off: never limited.
    const off = { ...deps, apiRateLimit: null };
    for (let i = 0; i < 5; i++) expect(await outcome(spendCall(off, 'rl1'))).toBe(0);
  });
});

describe.skipIf(!HAS_POSTGRES)('per-token rate limits shared by two copies on PostgreSQL', { timeout: 120_000 }, () => {
  let db: TestDatabase;
  let clock: ManualClock;
  let deps: ReturnType<typeof makeDeps>;
  const extra: Database[] = [];
  useCaseBed('postgres', { per: 'test', poolSize: 20 }, (bed) => ({ db, clock, deps } = bed));
  afterEach(async () => {
    for (const d of extra.splice(0)) await d.close();
  });

  it('sixty calls at once through two copies spend one bucket of ten: exactly ten pass', async () => {
    const other = await openDatabase({ databaseUrl: db.url!, migrate: false, poolSize: 10 });
    extra.push(other);
    const limit = { perSecond: 1, burst: 10 };
    const a = { ...deps, apiRateLimit: limit };
    const b = { ...makeDeps(other, { clock }), apiRateLimit: limit };
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => outcome(spendCall(i % 2 ? b : a, 'shared'))));
    expect(results.filter((r) => r === 0)).toHaveLength(10);
    expect(results.filter((r) => r > 0).every((r) => r === 1)).toBe(true);
  });
});
