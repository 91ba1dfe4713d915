// Answers to API requests sent with an Idempotency-Key, so that a repeat gets what the first got.
import { and, eq } from 'drizzle-orm';
import type { Queryable } from './db.js';
import { apiIdempotency } from './schema.js';

export interface StoredAnswer {
  fingerprint: string;
  status: number;
  body: unknown;
}

export async function storedAnswer(q: Queryable, handle: string, key: string): Promise<StoredAnswer | null> {
  const rows = await q
    .select({ fingerprint: apiIdempotency.fingerprint, status: apiIdempotency.status, body: apiIdempotency.body })
    .from(apiIdempotency)
    .where(and(eq(apiIdempotency.handle, handle), eq(apiIdempotency.key, key)));
  return rows[0] ?? null;
}

/** Keep the first answer to a key; a later one (a concurrent repeat) does not replace it. */
export async function storeAnswer(q: Queryable, a: StoredAnswer & { handle: string; key: string; at: Date }): Promise<void> {
  await q.insert(apiIdempotency).values(a).onConflictDoNothing();
}
