// The rules on user-supplied values (text lengths, handles, ticket types, skills, capacity, context),
// held once: the command parser and the use cases both check them here.
//
// The parser reports on what was typed ("`capacity:` takes a whole number…"); a use case called
// with an already typed value (the new-ticket form, tests, other callers) reports on that value.
// Where those two wordings still differ they sit side by side below, over the same rule.
import { AGENT_SPEC, optionList, optionNames } from './commandSpec.js';
import type { AgentOptions } from './commands.js';
import { invalid } from './errors.js';
import { LIMITS, PACKET_LIMITS, type HandoffPacket } from './types.js';

/** Length in characters (code points), as the parser and PostgreSQL count them; an emoji is one. */
export function charLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/**
 * Cuts `s` to at most `max` characters (code points, never half an emoji), ending with `…` when
 * cut: for values stored within a limit. (Slack text is cut by `slack/text.ts`, which counts as
 * Slack does and knows mrkdwn.)
 */
export function cutText(s: string, max: number): string {
  if (s.length <= max) return s;
  const chars = Array.from(s);
  return chars.length <= max ? s : chars.slice(0, max - 1).join('') + '…';
}

/**
 * Shows a user-supplied value inside a Slack mrkdwn message: as inline code, on one line, cut
 * to `max` characters with `…`, with backticks neutralised and `&`, `<`, `>` escaped so it can
 * never ping anyone or turn into a link. An empty value reads as `nothing`.
 */
export function quoteValue(value: string, max = 40): string {
  let s = cutText(value.replace(/[\r\n\t]+/g, ' ').replace(/`/g, "'"), max);
  if (s.trim() === '') return 'nothing';
  s = s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return '`' + s + '`';
}

/**
 * Refuses NUL characters (PostgreSQL cannot store them), empty required values and values over
 * `max` characters. `label` names the value in the message (default: `field`); `hint` follows it.
 */
export function validateText(
  value: string | undefined | null,
  field: string,
  max: number,
  o: { required?: boolean; label?: string; hint?: string } = {},
): void {
  const label = o.label ?? field;
  if (value === undefined || value === null || value.trim() === '') {
    if (o.required) throw invalid(`The ${label} is empty; it is required.`, field);
    return;
  }
  if (value.includes('\u0000')) throw invalid(`The ${label} contains a NUL character, which can't be stored.`, field);
  const n = charLength(value);
  if (n > max) throw invalid(`The ${label} is ${n} characters long; the limit is ${max}.${o.hint ? ` ${o.hint}` : ''}`, field);
}

// --- Handles, ticket types, skills, capacity --------------------------------------------------

/** How handles, ticket types and skills are written, as every refusal of one says it. */
export const NAME_RULE = 'lowercase letters, digits, `-` and `_`';
/** Agent handles: lowercase letters, digits, `-` and `_`, at most LIMITS.handle characters. */
export const HANDLE_PATTERN = /^[a-z0-9_-]+$/;
/** Ticket types and skills: like handles, but not starting with `-` or `_`; at most LIMITS.type. */
export const TYPE_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;

const isHandle = (s: string) => HANDLE_PATTERN.test(s) && charLength(s) <= LIMITS.handle;
const isTicketType = (s: string) => TYPE_PATTERN.test(s) && charLength(s) <= LIMITS.type;
/** `capacity:unlimited`, stored as the largest value the column holds. */
export const UNLIMITED_CAPACITY = 2_147_483_647;
export const isCapacity = (n: number) => n === UNLIMITED_CAPACITY || (Number.isInteger(n) && n >= 1 && n <= LIMITS.capacity);
/** A capacity as people read it: the number, or `unlimited`. */
export const capacityText = (n: number) => (n >= UNLIMITED_CAPACITY ? 'unlimited' : String(n));

/** A handle given to a use case as it is (no `@`, no lowercasing). */
export function checkHandle(handle: string): void {
  if (!isHandle(handle)) {
    throw invalid(`\`${handle.slice(0, 40)}\` is not a valid handle: ${NAME_RULE}, at most ${LIMITS.handle} characters.`, 'handle');
  }
}

/** A ticket type given to a use case as it is. */
export function checkTicketType(type: string): void {
  if (!isTicketType(type)) throw invalid(`\`type:\` must be ${NAME_RULE}; got \`${type.slice(0, 40)}\`.`, 'type');
}

/** A duplicate key (`dedup:`, `dedupKey`): 1–200 visible characters, no spaces. */
export function checkDedupKey(key: string, label = '`dedup:`'): void {
  if (key.length > LIMITS.dedupKey || !/^[\x21-\x7e\u00a0-\uffff]+$/u.test(key)) {
    throw invalid(`${label} must be 1–${LIMITS.dedupKey} visible characters without spaces, like \`dedup:disk-full-db1\`; got ${quoteValue(key)}.`, 'dedupKey');
  }
}

export function checkSkillCount(n: number): void {
  if (n > LIMITS.skills) throw invalid(`An agent can have at most ${LIMITS.skills} skills; \`skills:\` lists ${n}.`, 'skills');
}

/** Skills and capacity given to a use case as they are. */
export function checkAgentOptions(o: AgentOptions): void {
  if (o.skills) {
    if (o.skills.length === 0) throw invalid('`skills:` needs at least one ticket type, e.g. `skills:billing,support`.', 'skills');
    checkSkillCount(o.skills.length);
    for (const s of o.skills) {
      if (!isTicketType(s)) throw invalid(`\`${s.slice(0, 40)}\` is not a ticket type: use ${NAME_RULE}.`, 'skills');
    }
  }
  if (o.capacity !== undefined && !isCapacity(o.capacity)) {
    throw invalid(`\`capacity:\` must be a whole number from 1 to ${LIMITS.capacity}, or \`unlimited\`; got \`${o.capacity}\`.`, 'capacity');
  }
  checkLivenessSec(o.ackAfterSec, 'ack');
  checkLivenessSec(o.heartbeatSec, 'heartbeat');
  if (typeof o.webhook === 'string') checkWebhookUrl(o.webhook);
}

/** The longest `ack:` and `heartbeat:`: 7 days, in seconds. */
export const MAX_LIVENESS_SEC = 7 * 86400;

/** `ack:` or `heartbeat:` in seconds, as a use case receives it: a whole number of seconds from 1 to 7 days, or null (cleared). */
export function checkLivenessSec(value: number | null | undefined, option: 'ack' | 'heartbeat'): void {
  if (value === undefined || value === null) return;
  if (!Number.isInteger(value) || value < 1 || value > MAX_LIVENESS_SEC) {
    throw invalid(`\`${option}:\` takes a duration from \`1s\` to \`7d\`, or \`none\`; got \`${value}\` seconds.`, option);
  }
}

/**
 * A webhook URL: http or https, at most LIMITS.webhookUrl characters, one a URL parser reads. Loopback and
 * private addresses are allowed (agents often run beside Baton); only admins set webhooks.
 */
export function checkWebhookUrl(url: string, label = '`webhook:`'): void {
  const n = charLength(url);
  if (n > LIMITS.webhookUrl) throw invalid(`${label} is ${n} characters long; the limit is ${LIMITS.webhookUrl}.`, 'webhook');
  const example = 'a full address like `https://agents.example.com/baton`, or `none`';
  if (/\s/.test(url)) throw invalid(`${label} contains a space; give ${example}. Got ${quoteValue(url)}.`, 'webhook');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid(`${label} is not a URL Baton can read: ${quoteValue(url)}. Give ${example}.`, 'webhook');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw invalid(`${label} must be an http:// or https:// URL; ${quoteValue(parsed.protocol)} is not allowed. Got ${quoteValue(url)}.`, 'webhook');
  }
}

/** Adding an agent needs its skills. */
export function requireSkills(handle: string, skills: readonly string[] | undefined): void {
  if (!skills) {
    throw invalid(
      `\`/agent add\` needs \`skills:\` (the ticket types the agent takes), e.g. \`/agent add ${handle} skills:billing,refunds\`.`,
      'skills',
    );
  }
}

/** Updating an agent needs something to change. */
export function requireChange(handle: string, o: AgentOptions): void {
  if ((['skills', 'channel', 'user', 'capacity', 'escalatesTo', 'ackAfterSec', 'heartbeatSec', 'hours', 'timeZone', 'webhook', 'a2a'] as const).every((k) => o[k] === undefined)) {
    throw invalid(`\`/agent update ${handle}\` needs at least one option to change: ${optionList(optionNames(AGENT_SPEC.subcommands.update))}.`, 'options');
  }
}

/** The longest `a2a:` URL accepted. */
export const A2A_URL_MAX = 2000;

/** An A2A agent's base URL: http or https, parsable, at most 2000 characters, no credentials in it. Returns it without a trailing slash. */
export function checkA2aUrl(value: string): string {
  const shown = quoteValue(value, 80);
  const n = charLength(value);
  if (n > A2A_URL_MAX) throw invalid(`\`a2a:\` takes a URL of at most ${A2A_URL_MAX} characters; got one of ${n}.`, 'a2a');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(`\`a2a:\` takes the agent's http(s) URL, like \`a2a:https://agent.example.com\`, or \`none\`; ${shown} is not a URL.`, 'a2a');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalid(`\`a2a:\` takes an http or https URL; ${shown} is ${url.protocol.replace(/:$/, '')}.`, 'a2a');
  }
  if (url.username || url.password) throw invalid('`a2a:` takes a URL without a user name or password in it.', 'a2a');
  return url.toString().replace(/\/+$/, '');
}

// --- Ticket context ---------------------------------------------------------------------------

/** One `name:value` of a ticket's context. */
export function checkContextEntry(name: string, value: string): void {
  const subject = `\`${name}:\``; // used once the name is known to be at most LIMITS.contextKey long
  if (name.trim() === '') throw invalid('A context name is empty; it is required.', 'context');
  if (name.includes('\u0000')) throw invalid(`Context name ${quoteValue(name)} contains a NUL character, which can't be stored.`, 'context');
  const kn = charLength(name);
  if (kn > LIMITS.contextKey) {
    throw invalid(`Context name ${quoteValue(name)} is ${kn} characters long; the limit is ${LIMITS.contextKey}.`, 'context');
  }
  if (value.trim() === '') throw invalid(`Context value of ${subject} is empty; it is required.`, 'context');
  if (value.includes('\u0000')) throw invalid(`Context value of ${subject} contains a NUL character, which can't be stored.`, 'context');
  const vn = charLength(value);
  if (vn > LIMITS.contextValue) {
    throw invalid(`Context value of ${subject} is ${vn} characters long; the limit is ${LIMITS.contextValue}.`, 'context');
  }
}

// --- Handoff packets ------------------------------------------------------------------------------

const PACKET_LISTS = [
  ['done', 'what is done'],
  ['open_questions', 'open questions'],
  ['acceptance_criteria', 'acceptance criteria'],
] as const;

/** A handoff packet within its limits: the summary, lists of at most 20 items of 500 characters, at most 10 http(s) links. */
export function checkPacket(p: HandoffPacket): void {
  validateText(p.summary, 'summary', PACKET_LIMITS.summary);
  for (const [field, label] of PACKET_LISTS) {
    const list = p[field] ?? [];
    if (list.length > PACKET_LIMITS.items) throw invalid(`The ${label} list has ${list.length} items; the limit is ${PACKET_LIMITS.items}.`, field);
    list.forEach((item, i) => validateText(item, field, PACKET_LIMITS.item, { label: `${label} item ${i + 1}` }));
  }
  const links = p.links ?? [];
  if (links.length > PACKET_LIMITS.links) throw invalid(`The packet has ${links.length} links; the limit is ${PACKET_LIMITS.links}.`, 'links');
  for (const l of links) {
    let url: URL | null = null;
    try {
      url = new URL(l);
    } catch {
      // not a URL: `url` stays null
    }
    if (!url || !/^https?:$/.test(url.protocol) || charLength(l) > PACKET_LIMITS.link) {
      throw invalid(`The link ${quoteValue(l)} is not an http(s) URL (one link per line, at most ${PACKET_LIMITS.link} characters).`, 'links');
    }
  }
}
