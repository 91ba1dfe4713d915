// Agents' webhooks: the URL, the sealed signing secret and how the last delivery went.
import { asc, eq, inArray, isNotNull } from 'drizzle-orm';
import { sql } from 'drizzle-orm';
import { Compiled } from './compiled.js';
import type { Queryable } from './db.js';
import { agentWebhooks } from './schema.js';

export interface Webhook {
  handle: string;
  url: string;
  /** Sealed (see app/webhookSecret.ts); never shown or logged. */
  secret: string;
  createdAt: Date;
  createdBy: string;
  lastError: string | null;
  lastErrorAt: Date | null;
  gaveUp: boolean;
}

const ERROR_MAX = 300;

export async function webhooksOf(q: Queryable, handles: readonly string[]): Promise<Webhook[]> {
  if (handles.length === 0) return [];
  return q.select().from(agentWebhooks).where(inArray(agentWebhooks.handle, [...new Set(handles)])).orderBy(asc(agentWebhooks.handle));
}

const hasWebhookQ = new Compiled<{ handle: string }>((q) =>
  q.select({ handle: agentWebhooks.handle }).from(agentWebhooks).where(eq(agentWebhooks.handle, sql.placeholder('handle'))),
);

/** Whether the agent has a webhook: one prepared statement (every assignment asks). */
export async function hasWebhook(q: Queryable, handle: string): Promise<boolean> {
  return (await hasWebhookQ.run(q, { handle })).length > 0;
}

export async function getWebhook(q: Queryable, handle: string): Promise<Webhook | null> {
  const [w] = await webhooksOf(q, [handle]);
  return w ?? null;
}

/** Sets (or replaces) an agent's webhook; a new one starts with a clean record. */
export async function setWebhook(q: Queryable, w: Pick<Webhook, 'handle' | 'url' | 'secret' | 'createdAt' | 'createdBy'>): Promise<void> {
  const fresh = { url: w.url, secret: w.secret, createdAt: w.createdAt, createdBy: w.createdBy, lastError: null, lastErrorAt: null, gaveUp: false };
  await q.insert(agentWebhooks).values({ handle: w.handle, ...fresh }).onConflictDoUpdate({ target: agentWebhooks.handle, set: fresh });
}

/** Removes an agent's webhook; false when it had none. */
export async function deleteWebhook(q: Queryable, handle: string): Promise<boolean> {
  const rows = await q.delete(agentWebhooks).where(eq(agentWebhooks.handle, handle)).returning({ handle: agentWebhooks.handle });
  return rows.length > 0;
}

/** How the last delivery to `url` went: `null` error clears the record (a success). Ignored if the URL changed since. */
export async function recordWebhookResult(q: Queryable, handle: string, url: string, r: { error: string | null; gaveUp?: boolean; at: Date }): Promise<void> {
  const set = r.error === null
    ? { lastError: null, lastErrorAt: null, gaveUp: false }
    : { lastError: r.error.slice(0, ERROR_MAX), lastErrorAt: r.at, gaveUp: r.gaveUp ?? false };
  const rows = await q.select({ url: agentWebhooks.url, lastError: agentWebhooks.lastError }).from(agentWebhooks).where(eq(agentWebhooks.handle, handle));
  if (!rows[0] || rows[0].url !== url || (r.error === null && rows[0].lastError === null)) return;
  await q.update(agentWebhooks).set(set).where(eq(agentWebhooks.handle, handle));
}

/** Webhooks whose last delivery failed, by handle. */
export async function failingWebhooks(q: Queryable): Promise<Webhook[]> {
  return q.select().from(agentWebhooks).where(isNotNull(agentWebhooks.lastError)).orderBy(asc(agentWebhooks.handle));
}
