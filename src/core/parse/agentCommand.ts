// The text after `/agent`.
import { AGENT_SPEC, optionNames, subcommandList } from '../commandSpec.js';
import type { AgentCommand, AgentOptions } from '../commands.js';
import { parseClockTime, parseDuration } from '../duration.js';
import { invalid } from '../errors.js';
import { formatHours, parseHours } from '../hours.js';
import { checkTimeZone } from '../zone.js';
import { LIMITS } from '../types.js';
import { checkA2aUrl, checkSkillCount, checkWebhookUrl, isCapacity, MAX_LIVENESS_SEC, UNLIMITED_CAPACITY, quoteValue as q, requireChange, requireSkills, validateText } from '../validate.js';
import { refuseUnknownOptions, tokenizeOptions } from './options.js';
import { takeSubcommand, takeWord } from './text.js';
import { usageRefusals } from './usage.js';
import { expected, parseAgentRef, parseChannelRef, parseHandle, parseTicketType, parseUserRef } from './values.js';

const spec = AGENT_SPEC.subcommands;
const OPTIONS = { add: optionNames(spec.add), update: optionNames(spec.update) };
const BUSY_OPTIONS = optionNames(spec.busy);

const { missing, onlyWord, unexpected, usage } = usageRefusals('agent', spec);

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
  checkSkillCount(skills.length);
  return skills;
}

function parseCapacity(value: string): number {
  if (value.toLowerCase() === 'unlimited') return UNLIMITED_CAPACITY;
  const n = /^\d{1,6}$/.test(value) ? Number(value) : NaN;
  if (!isCapacity(n)) throw expected('`capacity:`', `a whole number from 1 to ${LIMITS.capacity}, or \`unlimited\``, value, 'capacity');
  return n;
}

/** `ack:` and `heartbeat:`: a duration up to 7 days, or `none` (null) to clear it. */
function parseLiveness(option: 'ack' | 'heartbeat', value: string): number | null {
  if (value.toLowerCase() === 'none') return null;
  let sec: number;
  try {
    sec = parseDuration(value, option);
  } catch {
    const hint = /^\d+$/.test(value) ? ' A number needs a unit: `s`, `m`, `h` or `d`.' : '';
    throw invalid(`\`${option}:\` takes a duration from \`1s\` to \`7d\` like \`2m\` or \`1h30m\`, or \`none\` to clear it; got ${q(value)}.${hint}`, option);
  }
  if (sec > MAX_LIVENESS_SEC) throw invalid(`\`${option}:\` can be at most 7 days (\`7d\`); got ${q(value)}.`, option);
  return sec;
}

function parseAgentOptions(sub: 'add' | 'update', handle: string, text: string): AgentOptions {
  const { options, rest } = tokenizeOptions(text, OPTIONS[sub]);
  const skills = options.find((o) => o.name === 'skills');
  if (skills?.value.endsWith(',') && rest !== '') {
    const fixed = `skills:${skills.value}${rest.split(/\s+/)[0]}`;
    throw invalid(`\`skills:\` lists ticket types separated by commas, with no space after the comma: write ${q(fixed, 80)}.`, 'skills');
  }
  if (rest !== '') {
    throw invalid(
      `\`/agent ${sub}\` takes only \`name:value\` options after the handle; got unexpected text ${q(rest)}. ${usage(sub)}`,
      'text',
    );
  }
  refuseUnknownOptions(`\`/agent ${sub}\``, options, OPTIONS[sub]);
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
      case 'a2a': {
        // Slack may send a URL as a link: `<https://x>` or `<https://x|x>`.
        const url = value.replace(/^<([^|>]*)(?:\|[^>]*)?>$/, '$1');
        out.a2a = url.toLowerCase() === 'none' ? null : checkA2aUrl(url);
        break;
      }
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
      case 'ack':
        out.ackAfterSec = parseLiveness('ack', value);
        break;
      case 'heartbeat':
        out.heartbeatSec = parseLiveness('heartbeat', value);
        break;
      case 'hours': {
        const hours = parseHours(value);
        out.hours = hours ? formatHours(hours) : null;
        break;
      }
      case 'tz':
        out.timeZone = checkTimeZone(value, 'tz', 'tz');
        break;
      case 'webhook':
        out.webhook = parseWebhook(value);
        break;
    }
  }
  return out;
}

/**
 * `webhook:URL` or `webhook:none`. Slack sends a URL typed in a command as a link (`<https://…>` or
 * `<https://…|label>`, with `&` escaped as `&amp;`): the address inside is what counts.
 */
function parseWebhook(value: string): string | null {
  if (value.toLowerCase() === 'none') return null;
  const link = /^<([^|>]*)(?:\|[^>]*)?>$/.exec(value);
  const url = (link ? link[1]! : value).replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  checkWebhookUrl(url);
  return url;
}

function parseBusy(rest: string): AgentCommand {
  const a = takeWord(rest);
  if (a.word === undefined) throw missing('busy', 'an agent', 'agent');
  const agent = parseAgentRef(a.word, '`/agent busy`');
  const { options, rest: reasonText } = tokenizeOptions(a.rest, BUSY_OPTIONS);
  refuseUnknownOptions('`/agent busy`', options, BUSY_OPTIONS);
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
    validateText(reason, 'reason', LIMITS.reason);
    out.reason = reason;
  }
  return out;
}

/** Parses the text after `/agent`. Empty text and `help` give `{kind:'help'}`. */
export function parseAgentCommand(text: string): AgentCommand {
  const s = takeSubcommand(text);
  if (s === null || s.sub === 'help') return { kind: 'help' };
  const { word, sub, rest } = s;
  switch (sub) {
    case 'list': {
      if (rest !== '') throw unexpected(sub, rest);
      return { kind: 'list' };
    }
    case 'add':
    case 'update': {
      const a = takeWord(rest);
      if (a.word === undefined) throw missing(sub, 'a handle', 'handle');
      const handle = parseHandle(a.word, `\`/agent ${sub}\``);
      const opts = parseAgentOptions(sub, handle, a.rest);
      if (sub === 'add') requireSkills(handle, opts.skills);
      else requireChange(handle, opts);
      return { kind: sub, handle, ...opts };
    }
    case 'remove':
    case 'available':
      return { kind: sub, agent: onlyWord(sub, rest, 'an agent', 'agent', parseAgentRef) };
    case 'busy':
      return parseBusy(rest);
    case 'token': {
      const a = takeWord(rest);
      if (a.word === undefined) throw missing(sub, 'an agent', 'agent');
      const agent = parseAgentRef(a.word, '`/agent token`');
      if (a.rest !== '' && a.rest.toLowerCase() !== 'revoke') throw unexpected(sub, a.rest);
      return { kind: 'token', agent, revoke: a.rest !== '' };
    }
    default:
      throw invalid(`\`/agent\` has no command ${q(word)}. Use one of ${subcommandList(AGENT_SPEC)}.`, 'command');
  }
}
