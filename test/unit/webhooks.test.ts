// Webhook signing, secrets at rest, and the retry schedule of the webhook destination.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newWebhookSecret, openSecret, sealSecret, webhookSignature } from '../../src/app/webhookSecret.js';
import { retryAfterMs, webhookBackoffMs } from '../../src/delivery/webhookDestination.js';

describe('webhook secrets and signatures', () => {
  it('when a secret is made, then it is `whsec_` and 43 URL-safe characters, different each time', () => {
    const a = newWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(newWebhookSecret()).not.toBe(a);
  });

  it('when a body is signed, then the signature is `v1=` and the hex HMAC-SHA256 of `v1:TIMESTAMP:BODY`', () => {
    const body = '{"id":"evt_1","type":"ticket.assigned"}';
    const expected = createHmac('sha256', 'whsec_test').update(`v1:1767225600:${body}`).digest('hex');
    expect(webhookSignature('whsec_test', 1767225600, body)).toBe(`v1=${expected}`);
    expect(webhookSignature('whsec_test', 1767225601, body)).not.toBe(`v1=${expected}`);
  });

  it('when a key is configured, then the secret is stored encrypted and read back only with that key', () => {
    const secret = newWebhookSecret();
    const key = 'k'.repeat(32);
    const sealed = sealSecret(secret, key);
    expect(sealed).toMatch(/^gcm:/);
    expect(sealed).not.toContain(secret.slice(6));
    expect(sealSecret(secret, key)).not.toBe(sealed);
    expect(openSecret(sealed, key)).toBe(secret);
    expect(() => openSecret(sealed, 'j'.repeat(32))).toThrow('encrypted with another BATON_SECRET_KEY');
    expect(() => openSecret(sealed, null)).toThrow('BATON_SECRET_KEY is not set');
  });

  it('when no key is configured, then the secret is kept as it is, and still read back once a key is set', () => {
    const sealed = sealSecret('whsec_abc', null);
    expect(sealed).toBe('plain:whsec_abc');
    expect(openSecret(sealed, null)).toBe('whsec_abc');
    expect(openSecret(sealed, 'k'.repeat(32))).toBe('whsec_abc');
  });
});

describe('webhook retries', () => {
  it.each([
    [1, 0, 750],
    [1, 0.999, 1250],
    [2, 0.5, 2000],
    [3, 0.5, 4000],
    [9, 0.5, 256_000],
    [10, 0.5, 300_000],
    [500, 0.5, 300_000],
  ])('when try %i failed (jitter %f), then the next waits %i ms: the first retry within 2 s, doubling up to 5 minutes', (attempts, jitter, ms) => {
    expect(webhookBackoffMs(attempts, jitter)).toBeCloseTo(ms, -1);
  });

  it('when Retry-After is seconds or an HTTP date, then it is read; otherwise ignored', () => {
    const now = Date.parse('2026-03-02T10:00:00Z');
    expect(retryAfterMs('2', now)).toBe(2000);
    expect(retryAfterMs(' 120 ', now)).toBe(120_000);
    expect(retryAfterMs('Mon, 02 Mar 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Mon, 02 Mar 2026 09:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs(null, now)).toBeUndefined();
    expect(retryAfterMs('soon', now)).toBeUndefined();
  });
});
