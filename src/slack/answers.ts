// Turning outcomes and errors into the answer shown to the person who asked.
import { DuplicateRequest } from '../app/context.js';
import { isDomainError } from '../core/errors.js';
import type { Logger } from '../logger.js';
import type { Answer } from './blocks/outcomes.js';

/** Slack escapes `&`, `<` and `>` typed by users; stored text keeps what they typed. */
export function decodeSlackText(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

export function decodeOptional(s: string | undefined): string | undefined {
  return s === undefined ? undefined : decodeSlackText(s);
}

function isDatabaseDown(e: unknown): boolean {
  const codes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', '57P01', '57P02', '57P03', '08006', '08001', '08003', '08004']);
  let cur: unknown = e;
  for (let i = 0; i < 5 && cur; i++) {
    const c = (cur as { code?: unknown; errno?: unknown }).code;
    if (typeof c === 'string' && codes.has(c)) return true;
    const msg = (cur as { message?: unknown }).message;
    if (typeof msg === 'string' && /PGlite is closed|connection (terminated|refused)|write CONNECTION_CLOSED/i.test(msg)) return true;
    cur = (cur as { cause?: unknown }).cause;
  }
  return false;
}

/** The answer for a failure: domain errors say what was wrong; anything else says nothing was saved. */
export function errorAnswer(e: unknown, logger: Logger, what: string): Answer {
  if (isDomainError(e)) return { text: `:warning: ${e.message}` };
  if (e instanceof DuplicateRequest) return { text: 'Already done.' };
  if (isDatabaseDown(e)) {
    logger.error({ err: String(e), what }, 'database unavailable');
    return { text: ':x: Baton could not reach its database, so nothing was saved. Please try again in a minute.' };
  }
  logger.error({ err: e instanceof Error ? (e.stack ?? e.message) : String(e), what }, 'request failed');
  return { text: ':x: Something went wrong and nothing was saved. Please try again; if it keeps failing, tell your Baton admin.' };
}
