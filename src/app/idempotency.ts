// Stored answers to API requests sent with an Idempotency-Key.
import { storeAnswer, storedAnswer, type StoredAnswer } from '../storage/idempotency.js';
import type { Deps } from './context.js';

export function answerTo(deps: Deps, handle: string, key: string): Promise<StoredAnswer | null> {
  return storedAnswer(deps.database.db, handle, key);
}

export function keepAnswer(deps: Deps, a: StoredAnswer & { handle: string; key: string }): Promise<void> {
  return storeAnswer(deps.database.db, { ...a, at: deps.clock.now() });
}
