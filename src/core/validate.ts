// Checks on user-supplied text before it reaches the database.
import { invalid } from './errors.js';

/** Refuse NUL characters (PostgreSQL cannot store them), empty required values and values over the limit. */
export function validateText(value: string | undefined | null, field: string, max: number, o: { required?: boolean } = {}): void {
  if (value === undefined || value === null || value.trim() === '') {
    if (o.required) throw invalid(`The ${field} is empty; it is required.`, field);
    return;
  }
  if (value.includes('\u0000')) throw invalid(`The ${field} contains a NUL character, which can't be stored.`, field);
  const n = charLength(value);
  if (n > max) throw invalid(`The ${field} is ${n} characters long; the limit is ${max}.`, field);
}

/** Length in characters (code points), as the parser and PostgreSQL count them; an emoji is one. */
export function charLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Cuts `s` to at most `max` characters (code points, never half an emoji), ending with `…` when cut. */
export function cutText(s: string, max: number): string {
  if (s.length <= max) return s;
  const chars = Array.from(s);
  return chars.length <= max ? s : chars.slice(0, max - 1).join('') + '…';
}
