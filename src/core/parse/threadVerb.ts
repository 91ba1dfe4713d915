// Replies in a ticket's thread that mention Baton: `@Baton resolve done`.
import type { ThreadVerb } from '../commands.js';
import { invalid } from '../errors.js';
import { quoteValue } from '../validate.js';
import { sanitizeText, takeWord } from './text.js';
import { parseHandoffTarget, parseNote } from './values.js';

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

/** The verbs a mention of Baton understands in a ticket's thread, with how each is written: the one list. */
export const THREAD_VERBS = [
  { verb: 'accept', usage: 'accept', does: 'you are on it' },
  { verb: 'status', usage: 'status', does: 'the ticket and its audit trail, shown only to you' },
  { verb: 'escalate', usage: 'escalate [note]', does: 'pass it up the escalation chain' },
  { verb: 'handoff', usage: 'handoff HANDLE|skill:TYPE [note]', does: 'hand part of the work to another agent, or to whoever has a skill' },
  { verb: 'resolve', usage: 'resolve [note]', does: 'complete it and tell the requester' },
  { verb: 'decline', usage: 'decline REASON', does: 'give back a ticket handed off to you, saying why' },
  { verb: 'wait', usage: 'wait [question]', does: 'ask the requester; the escalation clock stops until they reply' },
  { verb: 'resume', usage: 'resume', does: 'start the escalation clock again' },
  { verb: 'help', usage: 'help', does: 'this list' },
] as const;

export type ThreadVerbName = (typeof THREAD_VERBS)[number]['verb'];

/** Edit distance between two short words (insertions, deletions, substitutions, adjacent swaps). */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** The known verb closest to `word` (a typo, a prefix, `hand-off`), or null when none is close. */
export function closestThreadVerb(word: string): ThreadVerbName | null {
  const w = word.toLowerCase().replace(/[^a-z]/g, '');
  if (!w) return null;
  let best: { verb: ThreadVerbName; d: number } | null = null;
  for (const { verb } of THREAD_VERBS) {
    const d = verb.startsWith(w) && w.length >= 3 ? 0 : distance(w, verb);
    if (!best || d < best.d) best = { verb, d };
  }
  return best && best.d <= Math.max(1, Math.floor(best.verb.length / 3)) ? best.verb : null;
}

/**
 * The answer to a mention of Baton that is not a verb it knows (mrkdwn): what was not understood,
 * the closest verb, and the list. `rest` is the text after the mention; empty or `help` gives the list alone.
 */
export function threadVerbHelp(rest: string): string {
  const { word } = takeWord(rest);
  const verb = word?.toLowerCase().replace(/[.,!?:;]+$/, '');
  const list = THREAD_VERBS.map((v) => `• \`@Baton ${v.usage}\` — ${v.does}`).join('\n');
  const footer = 'Replies that do not start with a mention of Baton go into the audit trail as comments.';
  if (!verb || verb === 'help') return `Mention Baton in a ticket's thread with one of these verbs:\n${list}\n${footer}`;
  const near = closestThreadVerb(verb);
  const head = `Baton doesn't know the verb ${quoteValue(word!)}${near ? ` — did you mean \`${near}\`?` : '.'} Nothing was done or recorded.`;
  return `${head}\nThe verbs it knows:\n${list}\n${footer}`;
}

/**
 * Parses a thread reply whose bot mention has been stripped: `accept`, `resolve [note]`,
 * `handoff HANDLE [note]`, `escalate [note]`, `decline REASON`, `status` (first word case-insensitive, trailing
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
    case 'resume':
      return { kind: 'resume' };
    case 'wait': {
      const question = parseNote(sanitizeText(rest));
      return question === undefined ? { kind: 'wait' } : { kind: 'wait', question };
    }
    case 'resolve':
    case 'escalate': {
      const note = parseNote(sanitizeText(rest));
      return note === undefined ? { kind: verb } : { kind: verb, note };
    }
    case 'decline': {
      const reason = parseNote(sanitizeText(rest));
      if (reason === undefined) throw invalid('`decline` needs a reason, e.g. `decline I have no access to the billing system`.', 'reason');
      return { kind: 'decline', reason };
    }
    case 'handoff': {
      const a = takeWord(sanitizeText(rest));
      if (a.word === undefined) {
        throw invalid('`handoff` needs an agent, e.g. `handoff iris the customer needs a refund`.', 'agent');
      }
      const agent = parseHandoffTarget(a.word, '`handoff`');
      const note = parseNote(a.rest);
      return note === undefined ? { kind: 'handoff', agent } : { kind: 'handoff', agent, note };
    }
    default:
      return null;
  }
}
