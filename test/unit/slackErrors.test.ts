// What each error a Slack Web API call can raise means for the message being delivered.
import { describe, expect, it } from 'vitest';
import { WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIRequestError } from '@slack/web-api';
import { classifySlackError, type SlackFailure } from '../../src/delivery/slackErrors.js';

const platform = (error: string) => new WebAPIPlatformError({ ok: false, error });
const http = (status: number) => new WebAPIHTTPError(status, 'status', {}, '');

const cases: { name: string; error: unknown; expected: SlackFailure }[] = [
  // --- 429 -------------------------------------------------------------------------------------
  { name: '429 with Retry-After: 1', error: new WebAPIRateLimitedError(1), expected: { kind: 'rate_limited', retryAfterMs: 1000 } },
  { name: '429 with Retry-After: 30', error: new WebAPIRateLimitedError(30), expected: { kind: 'rate_limited', retryAfterMs: 30_000 } },
  { name: '429 with Retry-After: 0 waits a second', error: new WebAPIRateLimitedError(0), expected: { kind: 'rate_limited', retryAfterMs: 1000 } },
  // --- platform errors ---------------------------------------------------------------------------
  { name: 'channel_not_found', error: platform('channel_not_found'), expected: { kind: 'refused', error: 'channel_not_found' } },
  { name: 'is_archived', error: platform('is_archived'), expected: { kind: 'refused', error: 'is_archived' } },
  { name: 'msg_too_long', error: platform('msg_too_long'), expected: { kind: 'refused', error: 'msg_too_long' } },
  { name: 'invalid_blocks', error: platform('invalid_blocks'), expected: { kind: 'refused', error: 'invalid_blocks' } },
  { name: 'user_not_found (a DM)', error: platform('user_not_found'), expected: { kind: 'refused', error: 'user_not_found' } },
  { name: 'token_revoked', error: platform('token_revoked'), expected: { kind: 'refused', error: 'token_revoked' } },
  { name: 'missing_scope', error: platform('missing_scope'), expected: { kind: 'refused', error: 'missing_scope' } },
  { name: 'not_in_channel', error: platform('not_in_channel'), expected: { kind: 'not_in_channel' } },
  { name: 'internal_error is retried', error: platform('internal_error'), expected: { kind: 'transient', error: 'An API error occurred: internal_error', reachedSlack: true } },
  { name: 'an error Baton does not know is retried', error: platform('something_new'), expected: { kind: 'transient', error: 'An API error occurred: something_new', reachedSlack: true } },
  // --- transport ---------------------------------------------------------------------------------
  { name: 'no connection', error: new WebAPIRequestError(new Error('fetch failed')), expected: { kind: 'transient', error: 'A request error occurred: fetch failed', reachedSlack: false } },
  { name: 'HTTP 500', error: http(500), expected: { kind: 'transient', error: 'An HTTP protocol error occurred: statusCode = 500', reachedSlack: false } },
  { name: 'HTTP 503', error: http(503), expected: { kind: 'transient', error: 'An HTTP protocol error occurred: statusCode = 503', reachedSlack: false } },
  { name: 'HTTP 400 reached Slack', error: http(400), expected: { kind: 'transient', error: 'An HTTP protocol error occurred: statusCode = 400', reachedSlack: true } },
  // --- not from @slack/web-api -----------------------------------------------------------------------
  { name: 'any other Error', error: new Error('boom'), expected: { kind: 'transient', error: 'boom', reachedSlack: true } },
  { name: 'something thrown that is no Error', error: 'weird', expected: { kind: 'transient', error: 'weird', reachedSlack: true } },
  {
    name: 'an error carrying the library\'s code (another copy of the package) counts by its code',
    error: Object.assign(new Error('limited'), { code: 'slack_webapi_rate_limited_error', retryAfter: 2 }),
    expected: { kind: 'rate_limited', retryAfterMs: 2000 },
  },
];

describe('Slack error classification', () => {
  it.each(cases)('$name', ({ error, expected }) => {
    expect(classifySlackError(error)).toEqual(expected);
  });
});
