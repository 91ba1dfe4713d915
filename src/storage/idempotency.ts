// Answers to API requests sent with an Idempotency-Key, so that a repeat gets what the first got. A request's
// row is written pending (fingerprint and subject, no status) in the transaction that acts, and completed with
// its answer once that transaction has committed.
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Queryable } from './db.js';
import { apiIdempotency, type AnswerSubject } from './schema.js';

export type { AnswerSubject };

export interface StoredAnswer {
  fingerprint: string;
  /** Null while pending: the request acted, its answer is not stored yet. */
  status: number | null;
  body: unknown;
  subject: AnswerSubject | null;
}

export async function storedAnswer(q: Queryable, handle: string, key: string): Promise<StoredAnswer | null> {
  const rows = await q
    .select({ fingerprint: apiIdempotency.fingerprint, status: apiIdempotency.status, body: apiIdempotency.body, subject: apiIdempotency.subject })
    .from(apiIdempotency)
    .where(and(eq(apiIdempotency.handle, handle), eq(apiIdempotency.key, key)));
  return rows[0] ?? null;
}

/** The request acted (called inside its transaction): its answer is pending until `storeAnswer`. */
export async function storePending(q: Queryable, p: { handle: string; key: string; fingerprint: string; subject: AnswerSubject | null; at: Date }): Promise<void> {
  await q.insert(apiIdempotency).values({ ...p, status: null, body: null }).onConflictDoNothing();
}

/**
 * Keep the first answer to a key: a pending row is completed, a stored answer is never replaced (a concurrent
 * repeat that rebuilt it, or the first, whichever came first, wins). Without a pending row (a request with no
 * transaction), the answer is inserted. False when an answer was stored already.
 */
export async function storeAnswer(q: Queryable, a: { handle: string; key: string; fingerprint: string; status: number; body: unknown; at: Date }): Promise<boolean> {
  const stored = await q
    .insert(apiIdempotency)
    .values({ ...a, subject: null })
    .onConflictDoUpdate({
      target: [apiIdempotency.handle, apiIdempotency.key],
      set: { status: sql`excluded.status`, body: sql`excluded.body` },
      setWhere: and(isNull(apiIdempotency.status), eq(apiIdempotency.fingerprint, sql`excluded.fingerprint`)),
    })
    .returning({ key: apiIdempotency.key });
  return stored.length > 0;
}
