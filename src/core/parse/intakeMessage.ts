// A message in an intake channel, as a ticket.
import { LIMITS } from '../types.js';
import { cutText } from '../validate.js';
import { sanitizeText } from './text.js';

/**
 * The title (the first line with text, cut to the limit) and description (all of it, cut to the
 * limit) of the ticket an intake message files; null when it has no text (a file alone). NUL
 * characters are dropped rather than refused: nobody is there to retype the message. `decode`
 * undoes the transport's escaping after clean-up.
 */
export function intakeTicketText(text: string, decode: (s: string) => string = (s) => s): { title: string; description: string } | null {
  const clean = decode(sanitizeText(text.replace(/\u0000/g, '')));
  const firstLine = clean.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
  if (!firstLine) return null;
  return { title: cutText(firstLine, LIMITS.title), description: cutText(clean, LIMITS.description) };
}
