// Pure parsers for the text of `/ticket` and `/agent` and of thread replies that mention Baton.
// Every refusal is `invalid(message, field)` with a Slack mrkdwn message saying which option or
// argument was wrong, what was given and what is allowed.
import { invalid } from './errors.js';
import { LIMITS, PRIORITIES, STATUSES, type Priority, type TicketStatus } from './types.js';
import type {
  AgentCommand,
  AgentOptions,
  AgentRef,
  ListFilter,
  NewTicketInput,
  ThreadVerb,
  TicketCommand,
} from './commands.js';
import { parseClockTime, parseDuration, quoteValue } from './duration.js';

export { quoteValue };

const q = quoteValue;

/** Length in characters (code points), as PostgreSQL counts them. */
function charLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

const isSpace = (c: string | undefined) => c !== undefined && /\s/.test(c);

// --- Text hygiene -----------------------------------------------------------------------------

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

// --- Tokenizer --------------------------------------------------------------------------------

export interface OptionToken {
  /** Lowercased option name. */
  name: string;
  /** The value, unquoted and trimmed; never empty. */
  value: string;
}

export interface Tokenized {
  /** Leading `name:value` options, in order; names are unique. */
  options: OptionToken[];
  /** The free text from the first token that is not an option, verbatim (trimmed at the end). */
  rest: string;
}

const OPTION_NAME = /([A-Za-z][A-Za-z0-9_-]*):/y;
const OPEN_QUOTES = new Set(['"', '“']);
const CLOSE_QUOTES = new Set(['"', '”']);

/**
 * Splits leading `name:value` options from the free text. A value may be double-quoted (straight
 * or curly quotes) to include spaces: `customer:"Acme Inc"`. A token whose name part is not a
 * valid name (`10:30`, `:tada:`) or whose value starts with `//` (`https://…`) is not an option
 * and starts the free text. Unclosed quotes and repeated names are refused.
 *
 * `name:` with nothing after the colon (`type: billing`, `Re: hello`) is refused as an empty value
 * when `name` is one of `known` (the command's own options), and otherwise starts the free text,
 * so a title like `Re: hello` or `Note: call back` stays a title. Without `known`, every name
 * counts as known. An explicitly quoted empty value (`name:""`) is always refused.
 */
export function tokenizeOptions(text: string, known?: Iterable<string>): Tokenized {
  const knownNames = known === undefined ? null : new Set([...known].map((n) => n.toLowerCase()));
  const options: OptionToken[] = [];
  const seen = new Set<string>();
  let i = 0;
  for (;;) {
    while (isSpace(text[i])) i++;
    if (i >= text.length) break;
    OPTION_NAME.lastIndex = i;
    const m = OPTION_NAME.exec(text);
    if (!m) break;
    let j = i + m[0].length;
    if (text.startsWith('//', j)) break; // a URL such as https://example.com
    const name = m[1]!.toLowerCase();
    const label = '`' + name + ':`';
    let value: string;
    const first = text[j];
    if ((first === undefined || isSpace(first)) && knownNames !== null && !knownNames.has(name)) break; // `Re: hello`
    if (first !== undefined && OPEN_QUOTES.has(first)) {
      let k = j + 1;
      while (k < text.length && !CLOSE_QUOTES.has(text[k]!) && text[k] !== '\n') k++;
      if (k >= text.length || text[k] === '\n') {
        throw invalid(`Option ${label} opens a quote (\`"\`) that is not closed on the same line.`, name);
      }
      value = text.slice(j + 1, k);
      j = k + 1;
      if (j < text.length && !isSpace(text[j])) {
        throw invalid(`Option ${label} has text right after its closing quote; put a space after it.`, name);
      }
    } else {
      let k = j;
      while (k < text.length && !isSpace(text[k])) k++;
      value = text.slice(j, k);
      j = k;
    }
    value = value.trim();
    if (value === '') {
      throw invalid(
        `Option ${label} has no value. Write it as \`${name}:value\` with no space after the colon, and quote values with spaces: \`${name}:"two words"\`.`,
        name,
      );
    }
    if (seen.has(name)) throw invalid(`Option ${label} is given more than once; give it once.`, name);
    seen.add(name);
    options.push({ name, value });
    i = j;
  }
  return { options, rest: text.slice(i).trimEnd() };
}

/** Takes the first whitespace-separated word; `rest` is what follows, verbatim, minus leading space. */
function takeWord(text: string): { word: string | undefined; rest: string } {
  const t = text.trimStart();
  const m = /^\S+/.exec(t);
  if (!m) return { word: undefined, rest: '' };
  return { word: m[0], rest: t.slice(m[0].length).trimStart() };
}

// --- Values -----------------------------------------------------------------------------------

function expected(what: string | undefined, desc: string, got: string, field: string) {
  const msg = what ? `${what} takes ${desc}; got ${q(got)}.` : `Expected ${desc}; got ${q(got)}.`;
  return invalid(msg, field);
}

const TICKET_KEY = /^T-(\d{4})-(\d{3,12})$/i;

/**
 * Parses a ticket key `T-<year>-<seq>` (seq at least three digits); lowercase is accepted and
 * normalised to uppercase. `what` is the mrkdwn subject of the error (e.g. "`follows:`").
 */
export function parseTicketKey(text: string, what?: string): string {
  const t = text.trim();
  if (!TICKET_KEY.test(t)) throw expected(what, 'a ticket key like `T-2026-001`', t, 'key');
  return t.toUpperCase();
}

const HANDLE_RE = /^[a-z0-9_-]+$/;
const AGENT_DESC = 'an agent handle like `iris` or `@iris`, or a mention of the agent’s Slack user';
const USER_MENTION = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/;
const RAW_USER_ID = /^[UW](?=[A-Z0-9]*\d)[A-Z0-9]{2,}$/;
const CHANNEL_LINK = /^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$/;
const RAW_CHANNEL_ID = /^[CG](?=[A-Z0-9]*\d)[A-Z0-9]{2,}$/;

function checkHandle(raw: string, what: string | undefined, field: string): string {
  const handle = raw.replace(/^@/, '').toLowerCase();
  if (!HANDLE_RE.test(handle)) {
    throw expected(
      what,
      'an agent handle like `iris` or `@iris` (lowercase letters, digits, `-` and `_`)',
      raw,
      field,
    );
  }
  const n = charLength(handle);
  if (n > LIMITS.handle) {
    throw invalid(`Handle ${q(handle)} is ${n} characters long; handles are at most ${LIMITS.handle}.`, field);
  }
  return handle;
}

/**
 * Parses an agent as written by a user: `iris`, `@iris` (lowercased) or a Slack mention of its
 * user `<@U…>` / `<@U…|name>`. `what` is the mrkdwn subject of the error (e.g. "`assign:`").
 */
export function parseAgentRef(text: string, what?: string, field = 'agent'): AgentRef {
  const t = text.trim();
  const mention = USER_MENTION.exec(t);
  if (mention) return { user: mention[1]! };
  if (!HANDLE_RE.test(t.replace(/^@/, '').toLowerCase())) throw expected(what, AGENT_DESC, t, field);
  return { handle: checkHandle(t, what, field) };
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

const TYPE_RE = /^[a-z0-9][a-z0-9_-]*$/;

/** Parses a ticket type or skill (lowercased): `[a-z0-9][a-z0-9_-]*`, at most LIMITS.type long. */
export function parseTicketType(text: string, what?: string, field = 'type'): string {
  const t = text.trim().toLowerCase();
  if (!TYPE_RE.test(t)) {
    throw expected(what, 'a ticket type like `billing` or `bug-report` (letters, digits, `-` and `_`)', text.trim(), field);
  }
  const n = charLength(t);
  if (n > LIMITS.type) {
    throw invalid(`${what ?? 'A ticket type'} can be at most ${LIMITS.type} characters long; ${q(t)} is ${n}.`, field);
  }
  return t;
}

function parsePriority(text: string): Priority {
  const t = text.trim().toLowerCase();
  if ((PRIORITIES as readonly string[]).includes(t)) return t as Priority;
  throw expected('`priority:`', 'one of `urgent`, `high`, `normal` or `low`', text, 'priority');
}

/** A note (rest of the text, trimmed): undefined when empty, refused over LIMITS.note. */
function parseNote(text: string): string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const n = charLength(t);
  if (n > LIMITS.note) {
    throw invalid(`The note is ${n} characters long; the limit is ${LIMITS.note}.`, 'note');
  }
  return t;
}

// --- /ticket ----------------------------------------------------------------------------------

const TICKET_SUBCOMMANDS = ['new', 'show', 'list', 'assign', 'handoff', 'resolve', 'reopen', 'escalate', 'next', 'help'];

const TICKET_USAGE: Record<string, string> = {
  new: '`/ticket new [type:T] [priority:P] [escalate:DUR] [assign:HANDLE] [handoff:H1,H2] [follows:KEY] [name:value…] TITLE`',
  show: '`/ticket show KEY`, e.g. `/ticket show T-2026-001`',
  list: '`/ticket list [mine|intake|active|completed|HANDLE]`',
  assign: '`/ticket assign KEY HANDLE`, e.g. `/ticket assign T-2026-001 iris`',
  handoff: '`/ticket handoff KEY HANDLE [note]`, e.g. `/ticket handoff T-2026-001 iris needs a refund`',
  resolve: '`/ticket resolve KEY [note]`',
  reopen: '`/ticket reopen KEY [note]`',
  escalate: '`/ticket escalate KEY [note]`',
  next: '`/ticket next HANDLE`, e.g. `/ticket next iris`',
};

function missing(cmd: string, sub: string, what: string, usage: Record<string, string>, field: string) {
  return invalid(`\`/${cmd} ${sub}\` needs ${what}. Usage: ${usage[sub]}.`, field);
}

function unexpected(cmd: string, sub: string, rest: string, usage: Record<string, string>) {
  return invalid(`\`/${cmd} ${sub}\` got unexpected text ${q(rest)}. Usage: ${usage[sub]}.`, 'text');
}

const NEW_OPTIONS = new Set(['type', 'priority', 'escalate', 'assign', 'handoff', 'follows']);

function parseNewTicket(text: string): TicketCommand {
  if (text.trim() === '') return { kind: 'new_modal' };
  const { options, rest } = tokenizeOptions(text, NEW_OPTIONS);
  const input: NewTicketInput = { handoff: [], context: {}, title: '', description: '' };
  const contextCount = options.filter((o) => !NEW_OPTIONS.has(o.name)).length;
  if (contextCount > LIMITS.contextEntries) {
    throw invalid(
      `A ticket can carry at most ${LIMITS.contextEntries} context values (\`name:value\`); this one has ${contextCount}.`,
      'context',
    );
  }
  for (const { name, value } of options) {
    switch (name) {
      case 'type':
        input.type = parseTicketType(value, '`type:`');
        break;
      case 'priority':
        input.priority = parsePriority(value);
        break;
      case 'escalate':
        input.escalateAfterSec = parseDuration(value, 'escalate');
        break;
      case 'assign':
        input.assign = parseAgentRef(value, '`assign:`', 'assign');
        break;
      case 'handoff': {
        const seen = new Set<string>();
        for (const part of value.split(',')) {
          if (part.trim() === '') continue;
          const ref = parseAgentRef(part, '`handoff:`', 'handoff');
          const id = 'handle' in ref ? `h:${ref.handle}` : `u:${ref.user}`;
          if (!seen.has(id)) input.handoff.push(ref);
          seen.add(id);
        }
        if (input.handoff.length === 0) {
          throw expected('`handoff:`', 'one or more agents separated by commas, like `handoff:iris,max`', value, 'handoff');
        }
        break;
      }
      case 'follows':
        input.follows = parseTicketKey(value, '`follows:`');
        break;
      default: {
        const kn = charLength(name);
        if (kn > LIMITS.contextKey) {
          throw invalid(`Context name ${q(name)} is ${kn} characters long; the limit is ${LIMITS.contextKey}.`, 'context');
        }
        const vn = charLength(value);
        if (vn > LIMITS.contextValue) {
          throw invalid(`Context value of \`${name.slice(0, 40)}:\` is ${vn} characters long; the limit is ${LIMITS.contextValue}.`, 'context');
        }
        input.context[name] = value;
      }
    }
  }
  if (rest === '') {
    throw invalid(
      '`/ticket new` needs a title after the options, e.g. `/ticket new type:billing Refund for order 1234`.',
      'title',
    );
  }
  const title = rest.split('\n', 1)[0]!.trim();
  const tn = charLength(title);
  if (tn > LIMITS.title) {
    throw invalid(
      `The title (the first line) is ${tn} characters long; the limit is ${LIMITS.title}. Put the details on the following lines.`,
      'title',
    );
  }
  const description = rest.trim();
  const dn = charLength(description);
  if (dn > LIMITS.description) {
    throw invalid(`The description is ${dn} characters long; the limit is ${LIMITS.description}.`, 'description');
  }
  input.title = title;
  input.description = description;
  return { kind: 'new', ...input };
}

function parseListFilter(word: string | undefined): ListFilter {
  if (word === undefined) return { kind: 'mine' };
  const w = word.toLowerCase();
  if (w === 'mine') return { kind: 'mine' };
  if ((STATUSES as readonly string[]).includes(w)) return { kind: 'queue', status: w as TicketStatus };
  if (!USER_MENTION.test(word) && !HANDLE_RE.test(word.replace(/^@/, '').toLowerCase())) {
    throw invalid(
      `\`/ticket list\` takes \`mine\`, \`intake\`, \`active\`, \`completed\` or ${AGENT_DESC}; got ${q(word)}.`,
      'filter',
    );
  }
  return { kind: 'agent', agent: parseAgentRef(word, '`/ticket list`') };
}

/** Parses the text after `/ticket`. Empty text and `help` give `{kind:'help'}`. */
export function parseTicketCommand(text: string): TicketCommand {
  const clean = sanitizeText(text);
  const { word, rest } = takeWord(clean);
  if (word === undefined) return { kind: 'help' };
  const sub = word.toLowerCase();
  const cmd = 'ticket';
  switch (sub) {
    case 'help':
      return { kind: 'help' };
    case 'new':
      return parseNewTicket(rest);
    case 'show': {
      const a = takeWord(rest);
      if (a.word === undefined) throw missing(cmd, sub, 'a ticket key', TICKET_USAGE, 'key');
      if (a.rest !== '') throw unexpected(cmd, sub, a.rest, TICKET_USAGE);
      return { kind: 'show', key: parseTicketKey(a.word, '`/ticket show`') };
    }
    case 'list': {
      const a = takeWord(rest);
      if (a.rest !== '') throw unexpected(cmd, sub, a.rest, TICKET_USAGE);
      return { kind: 'list', filter: parseListFilter(a.word) };
    }
    case 'assign':
    case 'handoff': {
      const a = takeWord(rest);
      if (a.word === undefined) throw missing(cmd, sub, 'a ticket key and an agent', TICKET_USAGE, 'key');
      const key = parseTicketKey(a.word, `\`/ticket ${sub}\``);
      const b = takeWord(a.rest);
      if (b.word === undefined) throw missing(cmd, sub, 'an agent after the ticket key', TICKET_USAGE, 'agent');
      const agent = parseAgentRef(b.word, `\`/ticket ${sub} ${key}\``);
      if (sub === 'assign') {
        if (b.rest !== '') throw unexpected(cmd, sub, b.rest, TICKET_USAGE);
        return { kind: 'assign', key, agent };
      }
      const note = parseNote(b.rest);
      return note === undefined ? { kind: 'handoff', key, agent } : { kind: 'handoff', key, agent, note };
    }
    case 'resolve':
    case 'reopen':
    case 'escalate': {
      const a = takeWord(rest);
      if (a.word === undefined) throw missing(cmd, sub, 'a ticket key', TICKET_USAGE, 'key');
      const key = parseTicketKey(a.word, `\`/ticket ${sub}\``);
      const note = parseNote(a.rest);
      return note === undefined ? { kind: sub, key } : { kind: sub, key, note };
    }
    case 'next': {
      const a = takeWord(rest);
      if (a.word === undefined) throw missing(cmd, sub, 'an agent', TICKET_USAGE, 'agent');
      if (a.rest !== '') throw unexpected(cmd, sub, a.rest, TICKET_USAGE);
      return { kind: 'next', agent: parseAgentRef(a.word, '`/ticket next`') };
    }
    default:
      throw invalid(
        `\`/ticket\` has no command ${q(word)}. Use one of ${TICKET_SUBCOMMANDS.map((s) => '`' + s + '`').join(', ')}. To file a ticket: \`/ticket new Printer on floor 3 is jammed\`.`,
        'command',
      );
  }
}

// --- /agent -----------------------------------------------------------------------------------

const AGENT_SUBCOMMANDS = ['add', 'update', 'remove', 'list', 'busy', 'available', 'help'];
const AGENT_OPTION_NAMES = ['skills', 'channel', 'user', 'capacity', 'escalates-to'];
const BUSY_OPTION_NAMES = ['for', 'until'];

const AGENT_USAGE: Record<string, string> = {
  add: '`/agent add HANDLE skills:a,b [channel:#…] [user:@…] [capacity:N] [escalates-to:HANDLE]`',
  update: '`/agent update HANDLE [skills:a,b] [channel:#…] [user:@…] [capacity:N] [escalates-to:HANDLE]`',
  remove: '`/agent remove HANDLE`',
  list: '`/agent list`',
  busy: '`/agent busy HANDLE [for:DUR|until:HH:MM] [reason]`, e.g. `/agent busy iris for:2h at the dentist`',
  available: '`/agent available HANDLE`',
};

const optionList = (names: string[]) => names.map((n) => '`' + n + ':`').join(', ');

function checkAllowed(sub: string, options: OptionToken[], allowed: string[]): void {
  for (const o of options) {
    if (!allowed.includes(o.name)) {
      throw invalid(`\`/agent ${sub}\` has no option \`${o.name.slice(0, 40)}:\`. Allowed: ${optionList(allowed)}.`, o.name);
    }
  }
}

function parseSkills(value: string): string[] {
  const skills: string[] = [];
  for (const part of value.split(',')) {
    if (part.trim() === '') continue;
    const skill = parseTicketType(part, 'Each skill in `skills:`', 'skills');
    if (!skills.includes(skill)) skills.push(skill);
  }
  if (skills.length === 0) {
    throw expected('`skills:`', 'one or more ticket types separated by commas, like `skills:billing,refunds`', value, 'skills');
  }
  if (skills.length > LIMITS.skills) {
    throw invalid(`An agent can have at most ${LIMITS.skills} skills; \`skills:\` lists ${skills.length}.`, 'skills');
  }
  return skills;
}

function parseCapacity(value: string): number {
  const n = /^\d{1,6}$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= LIMITS.capacity)) {
    throw expected('`capacity:`', `a whole number from 1 to ${LIMITS.capacity}`, value, 'capacity');
  }
  return n;
}

function parseAgentOptions(sub: 'add' | 'update', handle: string, text: string): AgentOptions {
  const { options, rest } = tokenizeOptions(text, AGENT_OPTION_NAMES);
  if (rest !== '') {
    throw invalid(
      `\`/agent ${sub}\` takes only \`name:value\` options after the handle; got unexpected text ${q(rest)}. Usage: ${AGENT_USAGE[sub]}.`,
      'text',
    );
  }
  checkAllowed(sub, options, AGENT_OPTION_NAMES);
  const out: AgentOptions = {};
  for (const { name, value } of options) {
    switch (name) {
      case 'skills':
        out.skills = parseSkills(value);
        break;
      case 'channel':
        out.channel = parseChannelRef(value, '`channel:`');
        break;
      case 'user':
        out.user = parseUserRef(value, '`user:`');
        break;
      case 'capacity':
        out.capacity = parseCapacity(value);
        break;
      case 'escalates-to': {
        if (value.toLowerCase() === 'none') {
          out.escalatesTo = null;
          break;
        }
        const ref = parseAgentRef(value, '`escalates-to:`', 'escalates-to');
        if ('handle' in ref && ref.handle === handle) {
          throw invalid(`\`${handle}\` cannot escalate to itself; name another agent in \`escalates-to:\`, or \`none\`.`, 'escalates-to');
        }
        out.escalatesTo = ref;
        break;
      }
    }
  }
  return out;
}

/** Parses the text after `/agent`. Empty text and `help` give `{kind:'help'}`. */
export function parseAgentCommand(text: string): AgentCommand {
  const clean = sanitizeText(text);
  const { word, rest } = takeWord(clean);
  if (word === undefined) return { kind: 'help' };
  const sub = word.toLowerCase();
  const cmd = 'agent';
  switch (sub) {
    case 'help':
      return { kind: 'help' };
    case 'list': {
      if (rest !== '') throw unexpected(cmd, sub, rest, AGENT_USAGE);
      return { kind: 'list' };
    }
    case 'add':
    case 'update': {
      const a = takeWord(rest);
      if (a.word === undefined) throw missing(cmd, sub, 'a handle', AGENT_USAGE, 'handle');
      const handle = parseHandle(a.word, `\`/agent ${sub}\``);
      const opts = parseAgentOptions(sub, handle, a.rest);
      if (sub === 'add' && opts.skills === undefined) {
        throw invalid(
          `\`/agent add\` needs \`skills:\` (the ticket types the agent takes), e.g. \`/agent add ${handle} skills:billing,refunds\`.`,
          'skills',
        );
      }
      if (sub === 'update' && Object.keys(opts).length === 0) {
        throw invalid(
          `\`/agent update ${handle}\` needs at least one option to change: ${optionList(AGENT_OPTION_NAMES)}.`,
          'options',
        );
      }
      return { kind: sub, handle, ...opts };
    }
    case 'remove':
    case 'available': {
      const a = takeWord(rest);
      if (a.word === undefined) throw missing(cmd, sub, 'an agent', AGENT_USAGE, 'agent');
      if (a.rest !== '') throw unexpected(cmd, sub, a.rest, AGENT_USAGE);
      return { kind: sub, agent: parseAgentRef(a.word, `\`/agent ${sub}\``) };
    }
    case 'busy': {
      const a = takeWord(rest);
      if (a.word === undefined) throw missing(cmd, sub, 'an agent', AGENT_USAGE, 'agent');
      const agent = parseAgentRef(a.word, '`/agent busy`');
      const { options, rest: reasonText } = tokenizeOptions(a.rest, BUSY_OPTION_NAMES);
      checkAllowed(sub, options, BUSY_OPTION_NAMES);
      const out: Extract<AgentCommand, { kind: 'busy' }> = { kind: 'busy', agent };
      if (options.length > 1) {
        throw invalid('`/agent busy` takes either `for:` (a duration) or `until:` (a time of day), not both.', 'until');
      }
      for (const { name, value } of options) {
        if (name === 'for') out.forSec = parseDuration(value, 'for');
        else out.until = parseClockTime(value, 'until');
      }
      const reason = reasonText.trim();
      if (reason !== '') {
        const n = charLength(reason);
        if (n > LIMITS.reason) {
          throw invalid(`The reason is ${n} characters long; the limit is ${LIMITS.reason}.`, 'reason');
        }
        out.reason = reason;
      }
      return out;
    }
    default:
      throw invalid(
        `\`/agent\` has no command ${q(word)}. Use one of ${AGENT_SUBCOMMANDS.map((s) => '`' + s + '`').join(', ')}.`,
        'command',
      );
  }
}

// --- Threads ----------------------------------------------------------------------------------

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
