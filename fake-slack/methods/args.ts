// Small readers of decoded Web API arguments, shared by the method groups.
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
