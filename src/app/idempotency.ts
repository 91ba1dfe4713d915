// Stored answers to API requests sent with an Idempotency-Key.
import { storeAnswer, storedAnswer, type StoredAnswer } from '../storage/idempotency.js';
import type { Deps } from './context.js';

export type { AnswerSubject, StoredAnswer } from '../storage/idempotency.js';

export function answerTo(deps: Deps, handle: string, key: string): Promise<StoredAnswer | null> {
  return storedAnswer(deps.database.db, handle, key);
}

/** Store the answer unless one is stored already (the first wins); false when one was. */
export function keepAnswer(deps: Deps, a: { handle: string; key: string; fingerprint: string; status: number; body: unknown }): Promise<boolean> {
  return storeAnswer(deps.database.db, { ...a, at: deps.clock.now() });
}
