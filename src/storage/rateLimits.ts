// Per-token call budgets kept in PostgreSQL (or PGlite), so every copy of Baton spends from the same bucket.
// One statement per call: refill by the time since the last call, take one if there is one.
import { sql } from 'drizzle-orm';
import { rowsOf, type Queryable } from './db.js';

export interface Bucket {
  perSecond: number;
  burst: number;
}

/** Takes one call from `handle`'s bucket at `now`. Returns 0 when taken, else the seconds until one is free. */
export async function takeCall(q: Queryable, handle: string, now: Date, b: Bucket): Promise<number> {
  const at = now.toISOString();
  // The refilled level, as of `now` (never below what was there: a clock that steps back refills nothing).
  const level = sql`least(${b.burst}::float8, api_rate_buckets.tokens + greatest(0, extract(epoch from (${at}::timestamptz - api_rate_buckets.at))) * ${b.perSecond}::float8)`;
  const taken = await rowsOf<{ tokens: number }>(
    q,
    sql`insert into api_rate_buckets (handle, tokens, at) values (${handle}, ${b.burst - 1}::float8, ${at}::timestamptz)
        on conflict (handle) do update set tokens = ${level} - 1, at = greatest(api_rate_buckets.at, ${at}::timestamptz)
        where ${level} >= 1
        returning tokens`,
  );
  if (taken.length) return 0;
  const [row] = await rowsOf<{ level: number }>(q, sql`select ${level} as level from api_rate_buckets where handle = ${handle}`);
  const missing = 1 - Number(row?.level ?? 0);
  return Math.max(1, Math.ceil(missing / b.perSecond));
}
