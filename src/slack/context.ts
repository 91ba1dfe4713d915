// What every Slack listener receives.
import type { Deps } from '../app/context.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Answer } from './answers.js';
import { errorAnswer } from './answers.js';

export interface SlackDeps {
  deps: Deps;
  config: Config;
  logger: Logger;
  /** Baton's own Slack user, known after auth.test. */
  botUserId: () => string;
  /** Wake the outbox worker after a use case committed messages. */
  kick: () => void;
}

/**
 * Slack wants an answer within 3 seconds. Run the work; if it takes longer than `budgetMs`, answer
 * "working on it" at once and send the real answer later through `later` (the response URL).
 */
export async function answerInTime(
  sd: SlackDeps,
  what: string,
  work: () => Promise<Answer>,
  now: (a: Answer) => Promise<void>,
  later: (a: Answer) => Promise<void>,
  budgetMs = 2500,
): Promise<void> {
  const result = work().then(
    (a) => a,
    (e) => errorAnswer(e, sd.logger, what),
  );
  let timer: NodeJS.Timeout | undefined;
  const slow = new Promise<'slow'>((r) => {
    timer = setTimeout(() => r('slow'), budgetMs);
  });
  const first = await Promise.race([result, slow]);
  clearTimeout(timer);
  if (first !== 'slow') {
    await now(first);
    sd.kick();
    return;
  }
  await now({ text: ':hourglass_flowing_sand: Working on it…' });
  const a = await result;
  sd.kick();
  try {
    await later(a);
  } catch (e) {
    sd.logger.warn({ err: String(e), what }, 'could not send the delayed answer');
  }
}

/** The text and caller of a slash command, however the body was shaped (a repeated field arrives as an array). */
export function commandInput(command: { text?: unknown; user_id?: unknown }): { text: string; user: string | null } {
  const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);
  const text = first(command.text);
  const user = first(command.user_id);
  return {
    text: typeof text === 'string' ? text : '',
    user: typeof user === 'string' && /^\w+$/.test(user) ? user : null,
  };
}

export const NO_CALLER = { text: ':warning: This request did not say who sent it, so Baton did nothing.' };
