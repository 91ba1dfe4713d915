// Text hygiene and word splitting shared by every command parser.
import { invalid } from '../errors.js';

export const isSpace = (c: string | undefined) => c !== undefined && /\s/.test(c);

/**
 * Refuses text containing a NUL character (PostgreSQL cannot store it), turns `\r\n` and lone
 * `\r` into `\n`, and removes every other C0 control character except `\n` and `\t` (and DEL).
 */
export function sanitizeText(text: string): string {
  if (text.includes('\u0000')) {
    throw invalid('The text contains a NUL character (`\\0`), which cannot be stored. Remove it and try again.', 'text');
  }
  return text.replace(/\r\n?/g, '\n').replace(/[\u0001-\u0008\u000B-\u001F\u007F]/g, '');
}

/** Takes the first whitespace-separated word; `rest` is what follows, verbatim, minus leading space. */
export function takeWord(text: string): { word: string | undefined; rest: string } {
  const t = text.trimStart();
  const m = /^\S+/.exec(t);
  if (!m) return { word: undefined, rest: '' };
  return { word: m[0], rest: t.slice(m[0].length).trimStart() };
}

/** The subcommand word (lowercased) and the text after it; null when the text is empty. */
export function takeSubcommand(text: string): { word: string; sub: string; rest: string } | null {
  const { word, rest } = takeWord(sanitizeText(text));
  return word === undefined ? null : { word, sub: word.toLowerCase(), rest };
}
