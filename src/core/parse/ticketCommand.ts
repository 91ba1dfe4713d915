// The text after `/ticket`.
import { optionNames, subcommandList, TICKET_SPEC } from '../commandSpec.js';
import type { AgentRef, ListFilter, NewTicketInput, TicketCommand } from '../commands.js';
import { parseDuration } from '../duration.js';
import { invalid } from '../errors.js';
import { LIMITS, STATUSES, type TicketStatus } from '../types.js';
import { checkContextEntry, checkDedupKey, quoteValue as q, validateText } from '../validate.js';
import { tokenizeOptions } from './options.js';
import { takeSubcommand, takeWord } from './text.js';
import { usageRefusals } from './usage.js';
import {
  AGENT_DESC,
  expected,
  looksLikeAgent,
  parseAgentRef,
  parseHandoffTarget,
  parseNote,
  parsePriority,
  parseTicketKey,
  parseTicketType,
} from './values.js';

const spec = TICKET_SPEC.subcommands;

const { missing, onlyWord, unexpected } = usageRefusals('ticket', spec);

const NEW_OPTIONS = new Set(optionNames(spec.new));

/** `handoff:iris,max`: agents separated by commas, without repeats; at least one. */
function parseHandoffAgents(value: string): AgentRef[] {
  const refs: AgentRef[] = [];
  const seen = new Set<string>();
  for (const part of value.split(',')) {
    if (part.trim() === '') continue;
    const ref = parseAgentRef(part, '`handoff:`', 'handoff');
    const id = 'handle' in ref ? `h:${ref.handle}` : `u:${ref.user}`;
    if (!seen.has(id)) refs.push(ref);
    seen.add(id);
  }
  if (refs.length === 0) {
    throw expected('`handoff:`', 'one or more agents separated by commas, like `handoff:iris,max`', value, 'handoff');
  }
  return refs;
}

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
    if (name === 'type') input.type = parseTicketType(value, '`type:`');
    else if (name === 'priority') input.priority = parsePriority(value);
    else if (name === 'escalate') input.escalateAfterSec = parseDuration(value, 'escalate');
    else if (name === 'assign') input.assign = parseAgentRef(value, '`assign:`', 'assign');
    else if (name === 'handoff') input.handoff = parseHandoffAgents(value);
    else if (name === 'follows') input.follows = parseTicketKey(value, '`follows:`');
    else if (name === 'dedup') {
      checkDedupKey(value);
      input.dedupKey = value;
    }
    else {
      checkContextEntry(name, value);
      input.context[name] = value;
    }
  }
  if (rest === '') {
    throw invalid('`/ticket new` needs a title after the options, e.g. `/ticket new type:billing Refund for order 1234`.', 'title');
  }
  const title = rest.split('\n', 1)[0]!.trim();
  validateText(title, 'title', LIMITS.title, { label: 'title (the first line)', hint: 'Put the details on the following lines.' });
  const description = rest.trim();
  validateText(description, 'description', LIMITS.description);
  input.title = title;
  input.description = description;
  return { kind: 'new', ...input };
}

function parseListFilter(word: string | undefined): ListFilter {
  if (word === undefined) return { kind: 'mine' };
  const w = word.toLowerCase();
  if (w === 'mine') return { kind: 'mine' };
  if ((STATUSES as readonly string[]).includes(w)) return { kind: 'queue', status: w as TicketStatus };
  if (!looksLikeAgent(word)) {
    throw invalid(`\`/ticket list\` takes \`mine\`, \`intake\`, \`active\`, \`completed\` or ${AGENT_DESC}, then \`page:N\` if you like; got ${q(word)}.`, 'filter');
  }
  return { kind: 'agent', agent: parseAgentRef(word, '`/ticket list`') };
}

/** `page:2`: a page of `/ticket list`, from 1. */
function parsePage(value: string): number {
  if (!/^\d{1,4}$/.test(value) || Number(value) < 1) throw expected('`page:`', 'a page number like `page:2`', value, 'page');
  return Number(value);
}

/** The ticket key that starts `rest`, and the text after it. */
function takeKey(sub: 'assign' | 'handoff' | 'resolve' | 'reopen' | 'escalate' | 'wait' | 'resume', rest: string, needs: string) {
  const a = takeWord(rest);
  if (a.word === undefined) throw missing(sub, needs, 'key');
  return { key: parseTicketKey(a.word, `\`/ticket ${sub}\``), rest: a.rest };
}

/** Parses the text after `/ticket`. Empty text and `help` give `{kind:'help'}`. */
export function parseTicketCommand(text: string): TicketCommand {
  const s = takeSubcommand(text);
  if (s === null || s.sub === 'help') return { kind: 'help' };
  const { word, sub, rest } = s;
  switch (sub) {
    case 'new':
      return parseNewTicket(rest);
    case 'show':
    case 'why':
      return { kind: sub, key: onlyWord(sub, rest, 'a ticket key', 'key', parseTicketKey) };
    case 'list': {
      // `list [FILTER] [page:N]`, in either order.
      const words: string[] = [];
      let page: number | undefined;
      for (let r = rest, w = takeWord(r); w.word !== undefined; r = w.rest, w = takeWord(r)) {
        if (/^page:/i.test(w.word)) {
          if (page !== undefined) throw unexpected(sub, w.word);
          page = parsePage(w.word.slice(5));
        } else if (words.length) throw unexpected(sub, w.word);
        else words.push(w.word);
      }
      const filter = parseListFilter(words[0]);
      return page === undefined || page === 1 ? { kind: 'list', filter } : { kind: 'list', filter, page };
    }
    case 'assign':
    case 'handoff': {
      const { key, rest: after } = takeKey(sub, rest, 'a ticket key and an agent');
      const b = takeWord(after);
      if (b.word === undefined) throw missing(sub, 'an agent after the ticket key', 'agent');
      if (sub === 'assign') {
        const agent = parseAgentRef(b.word, `\`/ticket ${sub} ${key}\``);
        if (b.rest !== '') throw unexpected(sub, b.rest);
        return { kind: 'assign', key, agent };
      }
      const agent = parseHandoffTarget(b.word, `\`/ticket ${sub} ${key}\``);
      const note = parseNote(b.rest);
      return note === undefined ? { kind: 'handoff', key, agent } : { kind: 'handoff', key, agent, note };
    }
    case 'resolve': {
      // `force` as the first word after the key also closes the ticket's open handoff child.
      const { key, rest: after } = takeKey(sub, rest, 'a ticket key');
      const f = takeWord(after);
      const force = f.word?.toLowerCase() === 'force';
      const note = parseNote(force ? f.rest : after);
      return { kind: 'resolve', key, ...(note === undefined ? {} : { note }), ...(force ? { force: true } : {}) };
    }
    case 'wait': {
      const { key, rest: text } = takeKey(sub, rest, 'a ticket key');
      const question = parseNote(text);
      return question === undefined ? { kind: 'wait', key } : { kind: 'wait', key, question };
    }
    case 'resume': {
      const { key, rest: after } = takeKey(sub, rest, 'a ticket key');
      if (after !== '') throw unexpected(sub, after);
      return { kind: 'resume', key };
    }
    case 'reopen':
    case 'escalate': {
      const { key, rest: noteText } = takeKey(sub, rest, 'a ticket key');
      const note = parseNote(noteText);
      return note === undefined ? { kind: sub, key } : { kind: sub, key, note };
    }
    case 'next':
      return { kind: 'next', agent: onlyWord(sub, rest, 'an agent', 'agent', parseAgentRef) };
    default:
      throw invalid(
        `\`/ticket\` has no command ${q(word)}. Use one of ${subcommandList(TICKET_SPEC)}. To file a ticket: \`/ticket new Printer on floor 3 is jammed\`.`,
        'command',
      );
  }
}
