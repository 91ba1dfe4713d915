// API tokens of agents: only a SHA-256 hash of each token is kept, one token per agent.
import { eq } from 'drizzle-orm';
import type { Queryable } from './db.js';
import { agentTokens } from './schema.js';

/** Store the hash of an agent's new token, replacing the one it had. */
export async function replaceToken(q: Queryable, t: { handle: string; tokenHash: string; createdAt: Date; createdBy: string }): Promise<void> {
  await q
    .insert(agentTokens)
    .values(t)
    .onConflictDoUpdate({ target: agentTokens.handle, set: { tokenHash: t.tokenHash, createdAt: t.createdAt, createdBy: t.createdBy } });
}

/** Forget an agent's token; false when it had none. */
export async function deleteToken(q: Queryable, handle: string): Promise<boolean> {
  const gone = await q.delete(agentTokens).where(eq(agentTokens.handle, handle)).returning({ handle: agentTokens.handle });
  return gone.length > 0;
}

/** The agent whose token has this hash, and when it was issued; or null. */
export async function tokenByHash(q: Queryable, tokenHash: string): Promise<{ handle: string; createdAt: Date } | null> {
  const rows = await q.select({ handle: agentTokens.handle, createdAt: agentTokens.createdAt }).from(agentTokens).where(eq(agentTokens.tokenHash, tokenHash));
  return rows[0] ?? null;
}
