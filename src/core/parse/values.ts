// Single values as users type them: ticket keys, agents, channels, users, types, priorities, notes.
// `what` is the mrkdwn subject of a refusal (e.g. "`assign:`"); without it the refusal starts "Expected".
import type { AgentRef, HandoffTarget } from '../commands.js';
import { invalid } from '../errors.js';
import { LIMITS, PRIORITIES, type Priority } from '../types.js';
import { charLength, HANDLE_PATTERN, NAME_RULE, quoteValue as q, TYPE_PATTERN, validateText } from '../validate.js';

export function expected(what: string | undefined, desc: string, got: string, field: string) {
  const msg = what ? `${what} takes ${desc}; got ${q(got)}.` : `Expected ${desc}; got ${q(got)}.`;
  return invalid(msg, field);
}

const TICKET_KEY = /^T-(\d{4})-(\d{3,12})$/i;

/**
 * Parses a ticket key `T-<year>-<seq>` (seq at least three digits); lowercase is accepted and
 * normalised to uppercase.
 */
export function parseTicketKey(text: string, what?: string): string {
  const t = text.trim();
  if (!TICKET_KEY.test(t)) throw expected(what, 'a ticket key like `T-2026-001`', t, 'key');
  return t.toUpperCase();
}

export const AGENT_DESC = 'an agent handle like `iris` or `@iris`, or a mention of the agent’s Slack user';
const USER_MENTION = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/;
const RAW_USER_ID = /^[UW](?=[A-Z0-9]*\d)[A-Z0-9]{2,}$/;
const CHANNEL_LINK = /^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$/;
const RAW_CHANNEL_ID = /^[CG](?=[A-Z0-9]*\d)[A-Z0-9]{2,}$/;

const handleShape = (t: string) => HANDLE_PATTERN.test(t.replace(/^@/, '').toLowerCase());

/** Whether `word` is written like an agent (a handle or a user mention), valid or not in length. */
export const looksLikeAgent = (word: string) => USER_MENTION.test(word) || handleShape(word);

function checkHandle(raw: string, what: string | undefined, field: string): string {
  const handle = raw.replace(/^@/, '').toLowerCase();
  if (!HANDLE_PATTERN.test(handle)) {
    throw expected(what, `an agent handle like \`iris\` or \`@iris\` (${NAME_RULE})`, raw, field);
  }
  const n = charLength(handle);
  if (n > LIMITS.handle) {
    throw invalid(`Handle ${q(handle)} is ${n} characters long; handles are at most ${LIMITS.handle}.`, field);
  }
  return handle;
}

/** Parses an agent: `iris`, `@iris` (lowercased) or a Slack mention of its user `<@U…>` / `<@U…|name>`. */
export function parseAgentRef(text: string, what?: string, field = 'agent'): AgentRef {
  const t = text.trim();
  const mention = USER_MENTION.exec(t);
  if (mention) return { user: mention[1]! };
  if (!handleShape(t)) throw expected(what, AGENT_DESC, t, field);
  return { handle: checkHandle(t, what, field) };
}

/** A handoff's target: an agent (as `parseAgentRef`), or `skill:TYPE` for whoever has that skill. */
export function parseHandoffTarget(text: string, what?: string, field = 'agent'): HandoffTarget {
  const t = text.trim();
  if (/^skill:/i.test(t)) return { skill: parseTicketType(t.slice('skill:'.length), what ? `\`skill:\` in ${what}` : '`skill:`', field) };
  return parseAgentRef(t, what, field);
}

/** Parses a literal handle (`iris` or `@iris`, lowercased) — for `/agent add` and `update`. */
export function parseHandle(text: string, what?: string): string {
  const t = text.trim();
  if (USER_MENTION.test(t)) {
    const subject = what ?? 'A handle';
    throw invalid(
      `${subject} must be a handle like \`iris\`, not a Slack mention (${q(t)}); link the Slack user with \`user:\` instead.`,
      'handle',
    );
  }
  return checkHandle(t, what, 'handle');
}

/** Parses a channel: `<#C…|name>`, `<#C…>` or a raw ID `C…`/`G…`. `#name` is refused with advice. */
export function parseChannelRef(text: string, what?: string): string {
  const t = text.trim();
  const link = CHANNEL_LINK.exec(t);
  if (link) return link[1]!;
  if (RAW_CHANNEL_ID.test(t)) return t;
  if (t.startsWith('#')) {
    throw invalid(
      `${what ?? 'The channel'} got ${q(t)} as plain text, so Baton cannot tell which channel it is. Pick the channel from Slack’s suggestions as you type \`#\` so Slack sends it as a link, or give its ID like \`C0123ABCD\`.`,
      'channel',
    );
  }
  throw expected(what, 'a channel like `#support` (picked from Slack’s suggestions) or a channel ID like `C0123ABCD`', t, 'channel');
}

/** Parses a Slack user: `<@U…>`, `<@U…|name>` or a raw ID `U…`/`W…`; `none` gives null. */
export function parseUserRef(text: string, what?: string): string | null {
  const t = text.trim();
  if (t.toLowerCase() === 'none') return null;
  const mention = USER_MENTION.exec(t);
  if (mention) return mention[1]!;
  if (RAW_USER_ID.test(t)) return t;
  if (t.startsWith('@')) {
    throw invalid(
      `${what ?? 'The user'} got ${q(t)} as plain text, so Baton cannot tell which user it is. Pick the person from Slack’s suggestions as you type \`@\` so Slack sends a mention, or give their user ID like \`U0123ABCD\`.`,
      'user',
    );
  }
  throw expected(what, 'a Slack user like `@someone` (picked from Slack’s suggestions), a user ID like `U0123ABCD`, or `none`', t, 'user');
}

/** Parses a ticket type or skill (lowercased): `[a-z0-9][a-z0-9_-]*`, at most LIMITS.type long. */
export function parseTicketType(text: string, what?: string, field = 'type'): string {
  const t = text.trim().toLowerCase();
  if (!TYPE_PATTERN.test(t)) {
    throw expected(what, `a ticket type like \`billing\` or \`bug-report\` (${NAME_RULE})`, text.trim(), field);
  }
  const n = charLength(t);
  if (n > LIMITS.type) {
    throw invalid(`${what ?? 'A ticket type'} can be at most ${LIMITS.type} characters long; ${q(t)} is ${n}.`, field);
  }
  return t;
}

export function parsePriority(text: string): Priority {
  const t = text.trim().toLowerCase();
  if ((PRIORITIES as readonly string[]).includes(t)) return t as Priority;
  throw expected('`priority:`', 'one of `urgent`, `high`, `normal` or `low`', text, 'priority');
}

/** A note (rest of the text, trimmed): undefined when empty, refused over LIMITS.note. */
export function parseNote(text: string): string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  validateText(t, 'note', LIMITS.note);
  return t;
}
