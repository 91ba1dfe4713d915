// Idempotency-Key: a POST acts once per agent and key; a repeat answers what the first did, across restarts and
// copies. The use case records the key in its own transaction (its request key), so it can never act twice, and
// writes the answer there as pending: the request's fingerprint and what the answer shows (its subject). The
// answer itself is stored right after the commit. A repeat that finds it pending waits for it briefly; if it is
// still pending (the first died between its commit and storing its answer, or is very slow), the repeat rebuilds
// the answer from the subject, as it is now, and stores it: every later repeat gets that one.
import type { AnswerSubject, StoredAnswer } from '../app/idempotency.js';
import { DuplicateRequest, type Deps, type TxOptions } from '../app/context.js';
import { answerTo, keepAnswer } from '../app/idempotency.js';
import type { Logger } from '../logger.js';
import { ApiError } from './errors.js';

type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

/** How long a repeat waits for the first request's answer before it rebuilds it. */
const WAIT_MS = 2000;
const POLL_MS = 50;

const replay = (a: { status: number; body?: unknown }): Answer => ({ status: a.status, body: a.body ?? undefined, headers: { 'idempotent-replayed': 'true' } });

const inProgress = () =>
  new ApiError(409, 'in_progress', 'A request with this `Idempotency-Key` was already acted on; its answer is not available yet. Try again shortly.', 'Idempotency-Key');

export async function runOnce(
  deps: Deps,
  k: { handle: string; key: string; fingerprint: string },
  run: (o: TxOptions) => Promise<Answer>,
  /** The answer rebuilt from what the first request acted on, as it is now; null when it cannot be. */
  rebuild: (subject: AnswerSubject | null) => Promise<Answer | null>,
  logger: Logger,
): Promise<Answer> {
  const check = async (): Promise<StoredAnswer | null> => {
    const stored = await answerTo(deps, k.handle, k.key);
    if (stored && stored.fingerprint !== k.fingerprint) {
      throw new ApiError(422, 'idempotency_key_reused', 'This `Idempotency-Key` was used with another request; use a new key for a new request.', 'Idempotency-Key');
    }
    return stored;
  };

  /** A repeat: the stored answer, once there is one; else the answer rebuilt and stored (the first stored wins). */
  const repeat = async (found: StoredAnswer | null): Promise<Answer> => {
    let stored = found;
    for (let waited = 0; stored?.status == null && waited < WAIT_MS; waited += POLL_MS) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      stored = await check();
    }
    if (stored?.status != null) return replay({ status: stored.status, body: stored.body });
    // No row at all: a key recorded before answers were kept pending; nothing to rebuild from.
    if (!stored) throw inProgress();
    const rebuilt = await rebuild(stored.subject);
    if (!rebuilt) throw inProgress();
    logger.warn({ handle: k.handle }, 'the answer to an Idempotency-Key was never stored; answered the resource as it is now');
    if (!(await keepAnswer(deps, { ...k, status: rebuilt.status, body: rebuilt.body ?? null }))) {
      const first = await check();
      if (first?.status != null) return replay({ status: first.status, body: first.body });
    }
    return replay(rebuilt);
  };

  const first = await check();
  if (first) return repeat(first);
  let answer: Answer;
  try {
    answer = await run({ requestKey: `api:${k.handle}:${k.key}`, idempotency: { ...k } });
  } catch (e) {
    if (!(e instanceof DuplicateRequest)) throw e;
    // A concurrent request with this key acted; its answer is stored right after it committed.
    return repeat(await check());
  }
  await keepAnswer(deps, { ...k, status: answer.status, body: answer.body ?? null }).catch((e) =>
    logger.warn({ err: String(e) }, 'could not store the answer to an Idempotency-Key'),
  );
  return answer;
}
