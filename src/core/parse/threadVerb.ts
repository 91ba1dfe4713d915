// Replies in a ticket's thread that mention Baton: `@Baton resolve done`.
import type { ThreadVerb } from '../commands.js';
import { invalid } from '../errors.js';
import { sanitizeText, takeWord } from './text.js';
import { parseAgentRef, parseNote } from './values.js';

/**
 * If `text` starts with a mention of the bot (`<@BOTID>` or `<@BOTID|name>`, after optional
 * spaces), returns the rest of the text trimmed (a `:` or `,` right after the mention is
 * dropped too); otherwise null.
 */
export function stripBotMention(text: string, botUserId: string): string | null {
  if (botUserId === '') return null;
  const t = text.trimStart();
  const prefix = `<@${botUserId}`;
  if (!t.startsWith(prefix)) return null;
  let i = prefix.length;
  if (t[i] === '>') i++;
  else if (t[i] === '|') {
    const end = t.indexOf('>', i);
    if (end < 0) return null;
    i = end + 1;
  } else return null;
  return t.slice(i).replace(/^\s*[:,]?/, '').trim();
}

/**
 * Parses a thread reply whose bot mention has been stripped: `accept`, `resolve [note]`,
 * `handoff HANDLE [note]`, `escalate [note]`, `status` (first word case-insensitive, trailing
 * `.,!?:;` ignored). Anything else gives null. A known verb with bad arguments (no agent after
 * `handoff`, a NUL character, a note over the limit) throws `invalid()`.
 */
export function parseThreadVerb(text: string): ThreadVerb | null {
  const { word, rest } = takeWord(text);
  if (word === undefined) return null;
  const verb = word.toLowerCase().replace(/[.,!?:;]+$/, '');
  switch (verb) {
    case 'accept':
      return { kind: 'accept' };
    case 'status':
      return { kind: 'status' };
    case 'resolve':
    case 'escalate': {
      const note = parseNote(sanitizeText(rest));
      return note === undefined ? { kind: verb } : { kind: verb, note };
    }
    case 'handoff': {
      const a = takeWord(sanitizeText(rest));
      if (a.word === undefined) {
        throw invalid('`handoff` needs an agent, e.g. `handoff iris the customer needs a refund`.', 'agent');
      }
      const agent = parseAgentRef(a.word, '`handoff`');
      const note = parseNote(a.rest);
      return note === undefined ? { kind: 'handoff', agent } : { kind: 'handoff', agent, note };
    }
    default:
      return null;
  }
}
