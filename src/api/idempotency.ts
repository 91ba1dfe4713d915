// Idempotency-Key: a POST acts once per agent and key; a repeat answers what the first did, across restarts and
// copies. The use case records the key in its own transaction (its request key), so it can never act twice; the
// answer is stored next, and a repeat that finds the key recorded but no answer yet waits for it.
import { DuplicateRequest, type Deps } from '../app/context.js';
import { answerTo, keepAnswer } from '../app/idempotency.js';
import type { Logger } from '../logger.js';
import { ApiError } from './errors.js';

type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

const replay = (a: { status: number; body: unknown }): Answer => ({ status: a.status, body: a.body ?? undefined, headers: { 'idempotent-replayed': 'true' } });

export async function runOnce(
  deps: Deps,
  k: { handle: string; key: string; fingerprint: string },
  run: (o: { requestKey: string }) => Promise<Answer>,
  logger: Logger,
): Promise<Answer> {
  const check = async () => {
    const stored = await answerTo(deps, k.handle, k.key);
    if (stored && stored.fingerprint !== k.fingerprint) {
      throw new ApiError(422, 'idempotency_key_reused', 'This `Idempotency-Key` was used with another request; use a new key for a new request.', 'Idempotency-Key');
    }
    return stored ? replay(stored) : null;
  };
  const first = await check();
  if (first) return first;
  let answer: Answer;
  try {
    answer = await run({ requestKey: `api:${k.handle}:${k.key}` });
  } catch (e) {
    if (!(e instanceof DuplicateRequest)) throw e;
    // A concurrent request with this key acted; its answer is stored right after.
    for (let i = 0; i < 40; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const again = await check();
      if (again) return again;
    }
    throw new ApiError(409, 'in_progress', 'A request with this `Idempotency-Key` was already acted on; its answer is not available yet. Try again shortly.', 'Idempotency-Key');
  }
  await keepAnswer(deps, { ...k, status: answer.status, body: answer.body ?? null }).catch((e) =>
    logger.warn({ err: String(e) }, 'could not store the answer to an Idempotency-Key'),
  );
  return answer;
}
