// The 'webhook' destination: POSTs an agent's event (the row's payload) to its webhook, signed with its secret.
// Network errors, 5xx, 408 and 429 are retried (Retry-After honoured) for up to 24 hours, the first retry
// within 2 s and the wait doubling up to 5 minutes; any other answer that is not 2xx — a redirect, which is
// never followed, or another 4xx — fails for good. Either way the webhook's record says so (`/agent list`,
// `/healthz`). A 2xx whose JSON body is `{"accept":true}` accepts the ticket of a `ticket.assigned` event.
import type { Deps } from '../app/context.js';
import { acceptTicket } from '../app/ticketActions.js';
import { openSecret, webhookSignature } from '../app/webhookSecret.js';
import type { AgentEventBody } from '../core/agentEvents.js';
import { DomainError } from '../core/errors.js';
import { agentPrincipal } from '../core/permissions.js';
import type { Logger } from '../logger.js';
import { DuplicateRequest } from '../app/context.js';
import { getWebhook, recordWebhookResult } from '../storage/webhooks.js';
import type { ClaimedMessage, Destination, SendOutcome } from './destination.js';

export const WEBHOOK_TIMEOUT_MS = 10_000;
/** How much of an answer is read (enough for `{"accept":true}` and an error message). */
export const WEBHOOK_ANSWER_MAX_BYTES = 64 * 1024;
/** How long an event is retried before it fails for good. */
export const WEBHOOK_RETRY_FOR_MS = 24 * 60 * 60 * 1000;
const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 5 * 60 * 1000;

interface Target {
  handle: string;
  url: string;
  secret: string;
}

/** The wait before retry number `attempts` (1 after the first failure): 1 s, 2 s, 4 s… up to 5 min, ±25 %. */
export function webhookBackoffMs(attempts: number, jitter = Math.random()): number {
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.min(Math.max(attempts - 1, 0), 20)) * (0.75 + jitter * 0.5);
}

/** `Retry-After` in seconds or as an HTTP date, in ms from `now`; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  const t = value.trim();
  if (/^\d{1,7}$/.test(t)) return Number(t) * 1000;
  const at = Date.parse(t);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Reads at most `max` bytes of the answer, then lets the rest go. */
async function readCapped(res: Response, max: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < max) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, max).toString('utf8');
}

function saysAccept(text: string): boolean {
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null && (v as { accept?: unknown }).accept === true;
  } catch {
    return false;
  }
}

export function webhookDestination(o: { deps: Deps; logger: Logger; kick?: () => void }): Destination<Target> {
  const { deps, logger } = o;
  const db = deps.database.db;
  const now = () => deps.clock.now().getTime();
  const record = (t: Target, error: string | null, gaveUp = false) =>
    recordWebhookResult(db, t.handle, t.url, { error, gaveUp, at: new Date(now()) }).catch((e) => logger.warn({ agent: t.handle, err: String(e) }, 'could not record how a webhook delivery went'));

  async function acceptFromAnswer(row: ClaimedMessage, body: AgentEventBody): Promise<void> {
    if (body.type !== 'ticket.assigned' || !row.ticketKey) return;
    try {
      await acceptTicket(deps, agentPrincipal(body.agent, 'webhook'), row.ticketKey, { requestKey: `webhook-accept:${body.id}`, via: 'webhook' });
      o.kick?.();
    } catch (e) {
      if (e instanceof DuplicateRequest) return;
      // The ticket moved on meanwhile (reassigned, resolved): the answer no longer applies.
      const why = e instanceof DomainError ? e.message : String(e);
      logger.info({ agent: body.agent, ticket: row.ticketKey, why }, 'a webhook answer accepted a ticket that can no longer be accepted');
    }
  }

  return {
    async route(row) {
      const handle = row.target ?? '';
      const hook = await getWebhook(db, handle);
      if (!hook) return { failed: `no_webhook: ${handle} has no webhook any more` };
      try {
        return { lane: `webhook:${handle}`, target: { handle, url: hook.url, secret: openSecret(hook.secret, deps.secretKey) } };
      } catch (e) {
        const error = `secret_unreadable: ${(e as Error).message}`;
        await record({ handle, url: hook.url, secret: '' }, error, true);
        return { failed: error };
      }
    },

    async send(row, target): Promise<SendOutcome> {
      const event = row.payload as AgentEventBody;
      const age = now() - row.createdAt.getTime();
      // Keys in the order the contract shows them (the outbox stores JSON without its key order).
      const body = JSON.stringify({ id: event.id, type: event.type, at: event.at, agent: event.agent, ticket: event.ticket });
      const timestamp = Math.floor(now() / 1000);
      const outcome = async (): Promise<SendOutcome & { gaveUp?: boolean }> => {
        let res: Response;
        try {
          res = await fetch(target.url, {
            method: 'POST',
            body,
            redirect: 'manual',
            signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
            headers: {
              'content-type': 'application/json',
              'user-agent': 'Baton-Webhook/1',
              'x-baton-event': event.type,
              'x-baton-delivery': event.id,
              'x-baton-timestamp': String(timestamp),
              'x-baton-signature': webhookSignature(target.secret, timestamp, body),
            },
          });
        } catch (e) {
          const cause = (e as { cause?: { code?: string } }).cause?.code;
          const name = (e as Error).name;
          const why = name === 'TimeoutError' ? `no answer within ${WEBHOOK_TIMEOUT_MS / 1000} s` : cause ? `network error ${cause}` : `network error: ${(e as Error).message}`;
          return { kind: 'retry', error: why, reached: false };
        }
        const text = await readCapped(res, WEBHOOK_ANSWER_MAX_BYTES).catch(() => '');
        if (res.status >= 200 && res.status < 300) {
          if (saysAccept(text)) await acceptFromAnswer(row, event);
          return { kind: 'sent', receipt: { channel: `webhook:${target.handle}`, ts: null } };
        }
        const error = `HTTP ${res.status}${text.trim() ? `: ${text.trim().slice(0, 200)}` : ''}`;
        if (res.status >= 500 || res.status === 408 || res.status === 429) {
          const after = res.status === 429 || res.status === 503 ? retryAfterMs(res.headers.get('retry-after'), now()) : undefined;
          return { kind: 'retry', error, reached: true, ...(after !== undefined ? { afterMs: after } : {}) };
        }
        const why = res.status >= 300 && res.status < 400 ? `${error} (redirects are not followed${res.headers.get('location') ? `; Location: ${res.headers.get('location')!.slice(0, 200)}` : ''})` : error;
        return { kind: 'failed', error: why, gaveUp: true };
      };
      let out = await outcome();
      if (out.kind === 'retry' && age + (out.afterMs ?? 0) > WEBHOOK_RETRY_FOR_MS) out = { kind: 'failed', error: `gave up after 24 hours: ${out.error}`, gaveUp: true };
      if (out.kind === 'sent') await record(target, null);
      else if (out.kind === 'retry' || out.kind === 'failed') await record(target, out.error, out.kind === 'failed');
      if (out.kind === 'failed') logger.warn({ agent: target.handle, event: event.type, delivery: event.id, error: out.error }, 'webhook event refused for good');
      return out;
    },

    backoffMs: webhookBackoffMs,
  };
}
