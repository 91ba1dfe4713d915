// Processed requests: the keys of Slack requests already acted on, so that a retry changes nothing.
import { eq } from 'drizzle-orm';
import type { Queryable } from './db.js';
import { processedRequests } from './schema.js';

/** Record a request key; false when it was recorded before. */
export async function recordRequest(q: Queryable, key: string, at: Date): Promise<boolean> {
  const inserted = await q.insert(processedRequests).values({ key, at }).onConflictDoNothing().returning({ key: processedRequests.key });
  return inserted.length > 0;
}

export async function requestSeen(q: Queryable, key: string): Promise<boolean> {
  const rows = await q.select({ key: processedRequests.key }).from(processedRequests).where(eq(processedRequests.key, key));
  return rows.length > 0;
}
