// A message in an intake channel, as a ticket.
import { LIMITS } from '../types.js';
import { cutText } from '../validate.js';
import { sanitizeText } from './text.js';

/** A file shared with a message, as Slack describes it (`files: [{ name, title }]`). */
export interface SharedFile {
  name?: string;
  title?: string;
}

/**
 * The title (the first line with text, cut to the limit) and description (all of it, cut to the
 * limit) of the ticket an intake message files. A message with files and no text is filed with the
 * first file's title (or name) as its title and the files' names as its description; null when
 * there is neither text nor a named file. NUL characters are dropped rather than refused: nobody is
 * there to retype the message. `decode` undoes the transport's escaping after clean-up.
 */
export function intakeTicketText(
  text: string,
  decode: (s: string) => string = (s) => s,
  files: readonly SharedFile[] = [],
): { title: string; description: string } | null {
  const clean = decode(sanitizeText(text.replace(/\u0000/g, '')));
  const firstLine = clean.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
  if (firstLine) return { title: cutText(firstLine, LIMITS.title), description: cutText(clean, LIMITS.description) };
  const names = files
    .map((f) => sanitizeText(((f.title ?? '').trim() || (f.name ?? '').trim()).replace(/\u0000/g, '')).replace(/\s+/g, ' ').trim())
    .filter((n) => n !== '');
  if (!names.length) return null;
  const description = `Filed from a message with ${names.length === 1 ? 'a file' : `${names.length} files`} and no text:\n${names.map((n) => `• ${n}`).join('\n')}`;
  return { title: cutText(names[0]!, LIMITS.title), description: cutText(description, LIMITS.description) };
}
