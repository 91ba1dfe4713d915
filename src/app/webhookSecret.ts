// Webhook signing secrets: made here, shown once, kept sealed. An HMAC key must be read back to sign, so it
// cannot be hashed like an API token: with BATON_SECRET_KEY set it is encrypted (AES-256-GCM, the key derived
// from that value); without it, it is kept as it is, and the database must be guarded like the secret itself.
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';

/** `whsec_` and 43 URL-safe characters (32 random bytes). */
export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64url')}`;

const keyOf = (secretKey: string) => createHash('sha256').update(`baton webhook secrets:${secretKey}`).digest();

/** The secret as stored: `gcm:IV.TAG.DATA` when a key is configured, `plain:SECRET` otherwise. */
export function sealSecret(secret: string, secretKey: string | null | undefined): string {
  if (!secretKey) return `plain:${secret}`;
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(secretKey), iv);
  const data = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return `gcm:${[iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url')).join('.')}`;
}

/** The secret back from its stored form; throws when it was sealed with another key (or none is configured now). */
export function openSecret(sealed: string, secretKey: string | null | undefined): string {
  if (sealed.startsWith('plain:')) return sealed.slice('plain:'.length);
  if (!sealed.startsWith('gcm:')) throw new Error('unknown sealed secret format');
  if (!secretKey) throw new Error('the webhook secret is encrypted but BATON_SECRET_KEY is not set');
  const [iv, tag, data] = sealed.slice('gcm:'.length).split('.').map((p) => Buffer.from(p, 'base64url'));
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyOf(secretKey), iv!);
    decipher.setAuthTag(tag!);
    return Buffer.concat([decipher.update(data!), decipher.final()]).toString('utf8');
  } catch {
    throw new Error('the webhook secret was encrypted with another BATON_SECRET_KEY');
  }
}

/** `v1=` and the hex HMAC-SHA256 of `v1:TIMESTAMP:BODY` with the secret: the X-Baton-Signature header. */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`v1:${timestamp}:${body}`).digest('hex')}`;
}
