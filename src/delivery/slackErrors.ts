// What a failed Slack Web API call means for the message: told apart by @slack/web-api's own error
// codes, and for a platform error ({ ok: false, error }) by the error Slack named.
import type { SendOutcome } from './destination.js';
import { ErrorCode, type WebAPICallError } from '@slack/web-api';

export type SlackFailure =
  /** 429: nothing more to this channel before `retryAfterMs`; the message itself was not wrong. */
  | { kind: 'rate_limited'; retryAfterMs: number }
  /** Slack refused the message; sending it again would be refused again. */
  | { kind: 'refused'; error: string }
  /** The app is not a member of the channel: joining may help (public channels), once. */
  | { kind: 'not_in_channel' }
  /**
   * Anything else is worth retrying with backoff. `reachedSlack: false` when the call never reached
   * Slack's rate limiter (no connection, or a 5xx), so it used none of the channel's allowance.
   */
  | { kind: 'transient'; error: string; reachedSlack: boolean };

/** Platform errors that retrying will not fix. */
const REFUSALS = new Set([
  'channel_not_found', 'is_archived', 'msg_too_long', 'no_text', 'invalid_blocks', 'invalid_blocks_format',
  'user_not_found', 'cannot_dm_bot', 'invalid_auth', 'account_inactive', 'token_revoked', 'not_authed',
  'restricted_action', 'too_many_attachments', 'invalid_arguments', 'missing_scope',
]);

/** Narrows to the errors @slack/web-api raises for a call (each carries one of its `ErrorCode`s). */
function asCallError(e: unknown): WebAPICallError | null {
  const code = (e as { code?: unknown } | null)?.code;
  switch (code) {
    case ErrorCode.RateLimitedError:
    case ErrorCode.PlatformError:
    case ErrorCode.RequestError:
    case ErrorCode.HTTPError:
      return e as WebAPICallError;
    default:
      return null;
  }
}

function messageOf(e: unknown): string {
  return (e as { message?: string } | null)?.message ?? String(e);
}

export function classifySlackError(e: unknown): SlackFailure {
  const err = asCallError(e);
  switch (err?.code) {
    case ErrorCode.RateLimitedError:
      return { kind: 'rate_limited', retryAfterMs: Math.max(1, Number(err.retryAfter ?? 1)) * 1000 };
    case ErrorCode.PlatformError: {
      const slackError = err.data?.error;
      if (slackError === 'not_in_channel') return { kind: 'not_in_channel' };
      if (slackError && REFUSALS.has(slackError)) return { kind: 'refused', error: slackError };
      return { kind: 'transient', error: messageOf(e), reachedSlack: true };
    }
    case ErrorCode.RequestError:
      return { kind: 'transient', error: messageOf(e), reachedSlack: false };
    case ErrorCode.HTTPError:
      return { kind: 'transient', error: messageOf(e), reachedSlack: (err.statusCode ?? 500) < 500 };
    default:
      return { kind: 'transient', error: messageOf(e), reachedSlack: true };
  }
}

/**
 * What a Slack failure means for the delivery loop, for every failure but `not_in_channel` (which only a
 * message can fix, by joining): a 429 waits its Retry-After, a transient error is retried, a refusal is final.
 */
export function slackFailureOutcome(failure: Exclude<SlackFailure, { kind: 'not_in_channel' }>): SendOutcome {
  switch (failure.kind) {
    case 'rate_limited':
      return { kind: 'retry', error: `rate_limited: retry after ${failure.retryAfterMs / 1000}s`, afterMs: failure.retryAfterMs, reached: true };
    case 'refused':
      return { kind: 'failed', error: failure.error };
    case 'transient':
      return { kind: 'retry', error: failure.error, reached: failure.reachedSlack };
  }
}
