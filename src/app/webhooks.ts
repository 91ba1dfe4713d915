// Agents' webhooks as the roster sees them: set or cleared by `/agent update … webhook:`, and how they fare.
import { getWebhook, deleteWebhook, failingWebhooks, setWebhook, webhooksOf, type Webhook } from '../storage/webhooks.js';
import type { Deps, UnitOfWork } from './context.js';
import { newWebhookSecret, sealSecret } from './webhookSecret.js';

/** What `/agent list`, the API and `/healthz` say of a webhook (never its secret). */
export interface WebhookStatus {
  url: string;
  /** The last delivery's error, when it failed; `gaveUp`: refused for good, that event is not retried. */
  failing: { error: string; at: Date; gaveUp: boolean } | null;
}

const statusOf = (w: Webhook): WebhookStatus => ({
  url: w.url,
  failing: w.lastError !== null ? { error: w.lastError, at: w.lastErrorAt ?? w.createdAt, gaveUp: w.gaveUp } : null,
});

/**
 * Sets (`url`) or removes (`null`) an agent's webhook in the caller's transaction. A new URL gets a new
 * secret, returned here once (the caller shows it to the admin and nowhere else).
 */
export async function changeWebhook(uow: UnitOfWork, handle: string, url: string | null, actor: string): Promise<{ change: { from: string | null; to: string | null } | null; secret?: string }> {
  const before = await getWebhook(uow.tx, handle);
  if (url === null) {
    await deleteWebhook(uow.tx, handle);
    return { change: before ? { from: before.url, to: null } : null };
  }
  const secret = newWebhookSecret();
  await setWebhook(uow.tx, { handle, url, secret: sealSecret(secret, uow.deps.secretKey), createdAt: uow.now, createdBy: actor });
  return { change: { from: before?.url ?? null, to: url }, secret };
}

/** Each agent's webhook, by handle. */
export async function webhookStatuses(deps: Deps, handles: readonly string[]): Promise<Map<string, WebhookStatus>> {
  return new Map((await webhooksOf(deps.database.db, handles)).map((w) => [w.handle, statusOf(w)]));
}

/** Webhooks whose last delivery failed (for `/healthz`). */
export async function failingWebhookStatuses(deps: Deps): Promise<Array<WebhookStatus & { agent: string }>> {
  return (await failingWebhooks(deps.database.db)).map((w) => ({ agent: w.handle, ...statusOf(w) }));
}
