// Small readers of decoded Web API arguments, shared by the method groups.
import { BLOCK_KIT_LIMITS, messageBlockErrors, viewErrors } from '../blockLimits.js';
import type { Json, MethodHandler } from '../types.js';

/** A method group: Web API method name → its built-in answer. */
export type Methods = Record<string, MethodHandler>;

/** `{ ok: false, error }`. */
export const err = (error: string) => ({ ok: false, error });

/** A non-empty string argument, else undefined. */
export const str = (v: Json): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export const asArray = (v: Json): Json[] | undefined => (Array.isArray(v) ? v : undefined);

/** A user id given as a channel means the DM with that user (`U123` → `D123`). */
export const resolveChannel = (channel: string) => (/^[UW]/.test(channel) ? `D${channel.slice(1)}` : channel);

/** Slack's answer to blocks that break a Block Kit limit: `invalid_blocks` with one line per problem. */
function refusal(errors: string[]) {
  return { ok: false, error: 'invalid_blocks', errors, response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) } };
}

/** A message payload's refusal (`invalid_blocks`, `msg_too_long`), or undefined when Slack would take it. */
export function invalidBlocks(a: Record<string, Json>): Json {
  if (typeof a.text === 'string' && a.text.length > BLOCK_KIT_LIMITS.messageText) return err('msg_too_long');
  if (a.blocks === undefined) return undefined;
  const errors = messageBlockErrors(a.blocks);
  return errors.length ? refusal(errors) : undefined;
}

/** A view payload's refusal (`invalid_blocks`), or undefined when Slack would take it. */
export function invalidView(view: Json): Json {
  const errors = viewErrors(view);
  return errors.length ? refusal(errors) : undefined;
}
