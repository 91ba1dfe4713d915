// What every Slack listener receives.
import type { Deps } from '../app/context.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { RespondArguments } from '@slack/bolt';
import { errorAnswer } from './answers.js';
import { NO_CALLER, WORKING, type Answer } from './blocks/outcomes.js';

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
  await now(WORKING);
  const a = await result;
  sd.kick();
  try {
    await later(a);
  } catch (e) {
    sd.logger.warn({ err: String(e), what }, 'could not send the delayed answer');
  }
}

/** The text and caller of a slash command, however the body was shaped (a repeated field arrives as an array). */
function commandInput(command: { text?: unknown; user_id?: unknown }): { text: string; user: string | null } {
  const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);
  const text = first(command.text);
  const user = first(command.user_id);
  return {
    text: typeof text === 'string' ? text : '',
    user: typeof user === 'string' && /^\w+$/.test(user) ? user : null,
  };
}

/** The text and caller of a slash command; a command that does not say who sent it is refused at once (null). */
export async function commandFromCaller(
  command: { text?: unknown; user_id?: unknown },
  ack: (a: RespondArguments) => Promise<void>,
): Promise<{ text: string; caller: string } | null> {
  const { text, user } = commandInput(command);
  if (user) return { text, caller: user };
  await ack({ response_type: 'ephemeral', ...NO_CALLER });
  return null;
}

/** A slash command's answer, only to whoever sent it: at once with the acknowledgement, or later through its response URL. */
export function answerCommand(
  sd: SlackDeps,
  what: string,
  work: () => Promise<Answer>,
  ack: (a: RespondArguments) => Promise<void>,
  respond: (a: RespondArguments) => Promise<unknown>,
): Promise<void> {
  return answerInTime(
    sd,
    what,
    work,
    async (a) => ack({ response_type: 'ephemeral', ...(a as object), text: a.text }),
    async (a) => {
      await respond({ response_type: 'ephemeral', replace_original: false, ...(a as object), text: a.text });
    },
  );
}
