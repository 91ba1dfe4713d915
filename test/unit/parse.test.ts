import { describe, it, expect } from 'vitest';
import {
  parseAgentCommand,
  parseAgentRef,
  parseChannelRef,
  parseHandle,
  parseHandoffTarget,
  parseThreadVerb,
  parseTicketCommand,
  parseTicketKey,
  parseTicketType,
  parseUserRef,
  sanitizeText,
  stripBotMention,
  tokenizeOptions,
} from '../../src/core/parse/index.js';
import { parsePriority } from '../../src/core/parse/values.js';
import { takeWord } from '../../src/core/parse/text.js';
import type { AgentCommand, TicketCommand, ThreadVerb } from '../../src/core/commands.js';
import { DomainError } from '../../src/core/errors.js';
import { LIMITS } from '../../src/core/types.js';
import { UNLIMITED_CAPACITY } from '../../src/core/validate.js';
import { AGENT_SPEC } from '../../src/core/commandSpec.js';
import { err } from '../support/refusal.js';


/** Asserts an invalid_input error with this field whose message is exactly, or matches, `message`. */
function expectInvalid(fn: () => unknown, field: string, message: string | RegExp) {
  const e = err(fn);
  expect(e.code).toBe('invalid_input');
  expect(e.field).toBe(field);
  if (typeof message === 'string') expect(e.message).toBe(message);
  else expect(e.message).toMatch(message);
  return e;
}

const NUL_MESSAGE = 'The text contains a NUL character (`\\0`), which cannot be stored. Remove it and try again.';
const AGENT_DESC = 'an agent handle like `iris` or `@iris`, or a mention of the agent’s Slack user';

// ------------------------------------------------------------------------------------------------

describe('sanitizeText', () => {
  it.each([
    ['plain', 'plain'],
    ['a\r\nb', 'a\nb'],
    ['a\rb', 'a\nb'],
    ['tab\there', 'tab\there'],
    ['bell\u0007 esc\u001b[0m vt\u000b ff\u000c del\u007f', 'bell esc[0m vt ff del'],
    ['unicode ✓ 東京 😀', 'unicode ✓ 東京 😀'],
  ])('%j → %j', (input, output) => {
    expect(sanitizeText(input)).toBe(output);
  });

  it.each(['\u0000', 'a\u0000b', 'title\n\u0000'])('refuses NUL in %j', (input) => {
    expectInvalid(() => sanitizeText(input), 'text', NUL_MESSAGE);
  });
});

describe('tokenizeOptions', () => {
  it.each([
    ['', [], ''],
    ['   ', [], ''],
    ['just text', [], 'just text'],
    ['a:1 b:2 the title', [['a', '1'], ['b', '2']], 'the title'],
    ['Customer:Acme TYPE:Billing x', [['customer', 'Acme'], ['type', 'Billing']], 'x'],
    ['customer:"Acme Inc" Refund', [['customer', 'Acme Inc']], 'Refund'],
    ['customer:“Acme Inc” Refund', [['customer', 'Acme Inc']], 'Refund'],
    ['customer:"  Acme  Inc " x', [['customer', 'Acme  Inc']], 'x'],
    ['customer:"Acme"', [['customer', 'Acme']], ''],
    ['k:"a:b c" x', [['k', 'a:b c']], 'x'],
    ['https://example.com is down', [], 'https://example.com is down'],
    ['http://x', [], 'http://x'],
    ['type:bug https://example.com is down', [['type', 'bug']], 'https://example.com is down'],
    ['<https://example.com|example> is down', [], '<https://example.com|example> is down'],
    ['10:30 standup ran late', [], '10:30 standup ran late'],
    [':tada: shipped', [], ':tada: shipped'],
    ['_x:1 rest', [], '_x:1 rest'],
    ['-x:1 rest', [], '-x:1 rest'],
    ['café:au-lait', [], 'café:au-lait'],
    ['at:10:30 standup', [['at', '10:30']], 'standup'],
    ['a-b_c9:v rest', [['a-b_c9', 'v']], 'rest'],
    ['mailto:bob@example.com hi', [['mailto', 'bob@example.com']], 'hi'],
    ['a:1 free text b:2', [['a', '1']], 'free text b:2'],
    ['a:1\nb:2\nTitle line\n  second line  \n', [['a', '1'], ['b', '2']], 'Title line\n  second line'],
    ['\t a:1 \t Title', [['a', '1']], 'Title'],
    ['city:Zürich 東京 is down 😀', [['city', 'Zürich']], '東京 is down 😀'],
    ['emoji:😀 ok', [['emoji', '😀']], 'ok'],
    ['k:<@U123ABC|bob> x', [['k', '<@U123ABC|bob>']], 'x'],
    ['k:v', [['k', 'v']], ''],
  ])('%j', (input, options, rest) => {
    const out = tokenizeOptions(input);
    expect(out.options).toEqual(options.map(([name, value]) => ({ name, value })));
    expect(out.rest).toBe(rest);
  });

  it.each([
    ['type:', 'type', /^Option `type:` has no value\. Write it as `type:value` with no space after the colon/],
    ['type: billing', 'type', /^Option `type:` has no value/],
    ['Type:\nTitle', 'type', /^Option `type:` has no value/],
    ['type:"" Title', 'type', /^Option `type:` has no value/],
    ['type:"   " Title', 'type', /^Option `type:` has no value/],
    ['a:1 re: hello', 're', /^Option `re:` has no value/],
    ['customer:"Acme', 'customer', 'Option `customer:` opens a quote (`"`) that is not closed on the same line.'],
    ['customer:"Acme\nInc" title', 'customer', 'Option `customer:` opens a quote (`"`) that is not closed on the same line.'],
    ['customer:"Acme"Inc title', 'customer', 'Option `customer:` has text right after its closing quote; put a space after it.'],
    ['a:1 A:2 title', 'a', 'Option `a:` is given more than once; give it once.'],
    ['type:a type:"b c" title', 'type', 'Option `type:` is given more than once; give it once.'],
  ])('refuses %j', (input, field, message) => {
    expectInvalid(() => tokenizeOptions(input), field, message);
  });

  it.each([
    ['Re: hello', [], 'Re: hello'],
    ['Note: call back', [], 'Note: call back'],
    ['a:1 re: hello', [['a', '1']], 're: hello'],
    ['customer:acme FYI:\nsecond line', [['customer', 'acme']], 'FYI:\nsecond line'],
    ['Re:', [], 'Re:'],
  ])('with known names, an unknown %j followed by a space starts the free text', (input, options, rest) => {
    const out = tokenizeOptions(input, ['type', 'priority']);
    expect(out.options).toEqual(options.map(([name, value]) => ({ name, value })));
    expect(out.rest).toBe(rest);
  });

  it.each([
    ['type: billing', 'type'],
    ['Type:\nTitle', 'type'],
    ['re:1 priority: high', 'priority'],
    ['re:"" hello', 're'],
  ])('with known names, still refuses the empty value of %j', (input, field) => {
    expectInvalid(() => tokenizeOptions(input, ['type', 'priority']), field, /has no value/);
  });

  it('gives the full empty-value advice', () => {
    expectInvalid(
      () => tokenizeOptions('type: x'),
      'type',
      'Option `type:` has no value. Write it as `type:value` with no space after the colon, and quote values with spaces: `type:"two words"`.',
    );
  });
});

// ------------------------------------------------------------------------------------------------

describe('parseTicketKey', () => {
  it.each([
    ['T-2026-001', 'T-2026-001'],
    ['t-2026-001', 'T-2026-001'],
    ['T-2026-12345', 'T-2026-12345'],
    ['  T-2026-042 ', 'T-2026-042'],
    ['T-1999-000', 'T-1999-000'],
  ])('%j → %s', (input, key) => {
    expect(parseTicketKey(input)).toBe(key);
  });

  it.each(['T-2026-01', 'T-2026-1', 'T-26-001', 'TK-2026-001', 'T2026001', 'T-2026-001x', 'T-2026-', '', '2026-001', 'T_2026_001', 'T-2026-0001234567890'])(
    'refuses %j',
    (input) => {
      const got = input.trim() === '' ? 'nothing' : '`' + input + '`';
      expectInvalid(() => parseTicketKey(input), 'key', `Expected a ticket key like \`T-2026-001\`; got ${got}.`);
      expectInvalid(() => parseTicketKey(input, '`follows:`'), 'key', `\`follows:\` takes a ticket key like \`T-2026-001\`; got ${got}.`);
    },
  );
});

describe('parseAgentRef', () => {
  it.each([
    ['iris', { handle: 'iris' }],
    ['@iris', { handle: 'iris' }],
    ['IRIS', { handle: 'iris' }],
    ['@Iris', { handle: 'iris' }],
    [' iris ', { handle: 'iris' }],
    ['a_b-9', { handle: 'a_b-9' }],
    ['007', { handle: '007' }],
    ['a'.repeat(LIMITS.handle), { handle: 'a'.repeat(LIMITS.handle) }],
    ['<@U123ABC>', { user: 'U123ABC' }],
    ['<@U123ABC|iris>', { user: 'U123ABC' }],
    ['<@U123ABC|>', { user: 'U123ABC' }],
    ['<@W0ABC12>', { user: 'W0ABC12' }],
  ])('%j → %j', (input, ref) => {
    expect(parseAgentRef(input)).toEqual(ref);
  });

  it.each([
    ['', 'nothing'],
    ['@', '`@`'],
    ['@@iris', '`@@iris`'],
    ['iris!', '`iris!`'],
    ['íris', '`íris`'],
    ['iris bob', '`iris bob`'],
    ['<@x123>', '`&lt;@x123&gt;`'],
    ['<@B123>', '`&lt;@B123&gt;`'],
    ['<#C123ABC>', '`&lt;#C123ABC&gt;`'],
    ['<!channel>', '`&lt;!channel&gt;`'],
  ])('refuses %j', (input, got) => {
    expectInvalid(() => parseAgentRef(input), 'agent', `Expected ${AGENT_DESC}; got ${got}.`);
    expectInvalid(() => parseAgentRef(input, '`assign:`', 'assign'), 'assign', `\`assign:\` takes ${AGENT_DESC}; got ${got}.`);
  });

  it('refuses a handle over the limit, saying the limit', () => {
    const long = 'a'.repeat(LIMITS.handle + 1);
    expectInvalid(
      () => parseAgentRef(long),
      'agent',
      `Handle \`${long}\` is ${LIMITS.handle + 1} characters long; handles are at most ${LIMITS.handle}.`,
    );
    const huge = 'b'.repeat(20_000);
    expectInvalid(
      () => parseAgentRef('@' + huge),
      'agent',
      `Handle \`${'b'.repeat(39)}…\` is 20000 characters long; handles are at most ${LIMITS.handle}.`,
    );
  });
});

describe('parseHandle', () => {
  it.each([
    ['iris', 'iris'],
    ['@Iris', 'iris'],
    ['BOB_2', 'bob_2'],
  ])('%j → %s', (input, handle) => {
    expect(parseHandle(input)).toBe(handle);
  });

  it('refuses a Slack mention, pointing at user:', () => {
    expectInvalid(
      () => parseHandle('<@U123ABC>', '`/agent add`'),
      'handle',
      '`/agent add` must be a handle like `iris`, not a Slack mention (`&lt;@U123ABC&gt;`); link the Slack user with `user:` instead.',
    );
    expectInvalid(() => parseHandle('<@U123ABC|iris>'), 'handle', /^A handle must be a handle like `iris`, not a Slack mention/);
  });

  it.each([
    ['iris!', 'Expected an agent handle like `iris` or `@iris` (lowercase letters, digits, `-` and `_`); got `iris!`.'],
    ['', 'Expected an agent handle like `iris` or `@iris` (lowercase letters, digits, `-` and `_`); got nothing.'],
    ['a'.repeat(33), `Handle \`${'a'.repeat(33)}\` is 33 characters long; handles are at most 32.`],
  ])('refuses %j', (input, message) => {
    expectInvalid(() => parseHandle(input), 'handle', message);
  });
});

describe('parseChannelRef', () => {
  it.each([
    ['<#C123ABC|support>', 'C123ABC'],
    ['<#C123ABC>', 'C123ABC'],
    ['<#C123ABC|>', 'C123ABC'],
    ['<#G0ABC12|private>', 'G0ABC12'],
    ['C123ABC', 'C123ABC'],
    ['G123ABC', 'G123ABC'],
    [' C0123ABCD ', 'C0123ABCD'],
  ])('%j → %s', (input, id) => {
    expect(parseChannelRef(input)).toBe(id);
  });

  it('refuses #name, asking to pick the channel so Slack sends a link', () => {
    expectInvalid(
      () => parseChannelRef('#support', '`channel:`'),
      'channel',
      '`channel:` got `#support` as plain text, so Baton cannot tell which channel it is. Pick the channel from Slack’s suggestions as you type `#` so Slack sends it as a link, or give its ID like `C0123ABCD`.',
    );
  });

  it.each(['support', 'c123abc', 'CHANNEL', '<@U123ABC>', '<#c123>', 'D123ABC', ''])('refuses %j', (input) => {
    expectInvalid(
      () => parseChannelRef(input, '`channel:`'),
      'channel',
      /^`channel:` takes a channel like `#support` \(picked from Slack’s suggestions\) or a channel ID like `C0123ABCD`; got /,
    );
  });
});

describe('parseUserRef', () => {
  it.each([
    ['none', null],
    ['NONE', null],
    ['<@U123ABC>', 'U123ABC'],
    ['<@U123ABC|bob>', 'U123ABC'],
    ['U123ABC', 'U123ABC'],
    ['W123ABC', 'W123ABC'],
  ])('%j → %j', (input, user) => {
    expect(parseUserRef(input)).toBe(user);
  });

  it('refuses @name typed as text', () => {
    expectInvalid(
      () => parseUserRef('@bob', '`user:`'),
      'user',
      '`user:` got `@bob` as plain text, so Baton cannot tell which user it is. Pick the person from Slack’s suggestions as you type `@` so Slack sends a mention, or give their user ID like `U0123ABCD`.',
    );
  });

  it.each(['bob', 'u123abc', 'USER', '<#C123ABC>', 'C123ABC'])('refuses %j', (input) => {
    expectInvalid(
      () => parseUserRef(input, '`user:`'),
      'user',
      `\`user:\` takes a Slack user like \`@someone\` (picked from Slack’s suggestions), a user ID like \`U0123ABCD\`, or \`none\`; got \`${input.replace(/</g, '&lt;').replace(/>/g, '&gt;')}\`.`,
    );
  });
});

describe('parseTicketType', () => {
  it.each([
    ['billing', 'billing'],
    ['Billing', 'billing'],
    ['bug-report', 'bug-report'],
    ['l2_support', 'l2_support'],
    ['9lives', '9lives'],
    ['a'.repeat(LIMITS.type), 'a'.repeat(LIMITS.type)],
  ])('%j → %s', (input, type) => {
    expect(parseTicketType(input)).toBe(type);
  });

  it.each(['-bug', '_bug', 'bug report', 'bug!', 'café', ''])('refuses %j', (input) => {
    expectInvalid(
      () => parseTicketType(input, '`type:`'),
      'type',
      /^`type:` takes a ticket type like `billing` or `bug-report` \(lowercase letters, digits, `-` and `_`\); got /,
    );
  });

  it('refuses a type over the limit', () => {
    const long = 'a'.repeat(LIMITS.type + 1);
    expectInvalid(
      () => parseTicketType(long, '`type:`'),
      'type',
      `\`type:\` can be at most ${LIMITS.type} characters long; \`${'a'.repeat(39)}…\` is ${LIMITS.type + 1}.`,
    );
  });
});

// ------------------------------------------------------------------------------------------------

describe('parseTicketCommand', () => {
  const newTicket = (fields: Partial<Extract<TicketCommand, { kind: 'new' }>>): TicketCommand => ({
    kind: 'new',
    handoff: [],
    context: {},
    title: '',
    description: '',
    ...fields,
  });

  describe('commands', () => {
    it.each<[string, TicketCommand]>([
      ['', { kind: 'help' }],
      ['   \n ', { kind: 'help' }],
      ['help', { kind: 'help' }],
      ['HELP', { kind: 'help' }],
      ['help new', { kind: 'help' }],
      ['new', { kind: 'new_modal' }],
      ['NEW', { kind: 'new_modal' }],
      ['new   \n ', { kind: 'new_modal' }],
      ['show T-2026-001', { kind: 'show', key: 'T-2026-001' }],
      ['Show t-2026-12345', { kind: 'show', key: 'T-2026-12345' }],
      ['list', { kind: 'list', filter: { kind: 'mine' } }],
      ['list mine', { kind: 'list', filter: { kind: 'mine' } }],
      ['list MINE', { kind: 'list', filter: { kind: 'mine' } }],
      ['list intake', { kind: 'list', filter: { kind: 'queue', status: 'intake' } }],
      ['list active', { kind: 'list', filter: { kind: 'queue', status: 'active' } }],
      ['list Completed', { kind: 'list', filter: { kind: 'queue', status: 'completed' } }],
      ['list iris', { kind: 'list', filter: { kind: 'agent', agent: { handle: 'iris' } } }],
      ['list @Iris', { kind: 'list', filter: { kind: 'agent', agent: { handle: 'iris' } } }],
      ['list <@U123ABC|iris>', { kind: 'list', filter: { kind: 'agent', agent: { user: 'U123ABC' } } }],
      ['assign T-2026-001 iris', { kind: 'assign', key: 'T-2026-001', agent: { handle: 'iris' } }],
      ['ASSIGN t-2026-001 <@U123ABC>', { kind: 'assign', key: 'T-2026-001', agent: { user: 'U123ABC' } }],
      ['handoff T-2026-001 @max', { kind: 'handoff', key: 'T-2026-001', agent: { handle: 'max' } }],
      [
        'handoff T-2026-001 max  needs a refund, see <https://x.com|x>  ',
        { kind: 'handoff', key: 'T-2026-001', agent: { handle: 'max' }, note: 'needs a refund, see <https://x.com|x>' },
      ],
      [
        'handoff T-2026-001 max line one\n  line two',
        { kind: 'handoff', key: 'T-2026-001', agent: { handle: 'max' }, note: 'line one\n  line two' },
      ],
      ['resolve T-2026-001', { kind: 'resolve', key: 'T-2026-001' }],
      ['resolve T-2026-001 refunded in full', { kind: 'resolve', key: 'T-2026-001', note: 'refunded in full' }],
      ['resolve T-2026-001\nmultiline\nnote', { kind: 'resolve', key: 'T-2026-001', note: 'multiline\nnote' }],
      ['resolve T-2026-001 type:x is kept verbatim', { kind: 'resolve', key: 'T-2026-001', note: 'type:x is kept verbatim' }],
      ['resolve T-2026-001 force', { kind: 'resolve', key: 'T-2026-001', force: true }],
      ['list active page:2', { kind: 'list', filter: { kind: 'queue', status: 'active' }, page: 2 }],
      ['list page:3', { kind: 'list', filter: { kind: 'mine' }, page: 3 }],
      ['list iris page:1', { kind: 'list', filter: { kind: 'agent', agent: { handle: 'iris' } } }],
      ['resolve T-2026-001 FORCE done, child closed too', { kind: 'resolve', key: 'T-2026-001', force: true, note: 'done, child closed too' }],
      ['resolve T-2026-001 forced it through', { kind: 'resolve', key: 'T-2026-001', note: 'forced it through' }],
      ['reopen T-2026-001', { kind: 'reopen', key: 'T-2026-001' }],
      ['reopen T-2026-001 customer wrote back', { kind: 'reopen', key: 'T-2026-001', note: 'customer wrote back' }],
      ['escalate T-2026-001', { kind: 'escalate', key: 'T-2026-001' }],
      ['escalate T-2026-001 customer is angry 😡', { kind: 'escalate', key: 'T-2026-001', note: 'customer is angry 😡' }],
      ['next iris', { kind: 'next', agent: { handle: 'iris' } }],
      ['next <@W123ABC>', { kind: 'next', agent: { user: 'W123ABC' } }],
      ['  show   T-2026-001  ', { kind: 'show', key: 'T-2026-001' }],
      ['resolve T-2026-001 bell\u0007 removed\r\nok', { kind: 'resolve', key: 'T-2026-001', note: 'bell removed\nok' }],
    ])('%j', (input, command) => {
      expect(parseTicketCommand(input)).toStrictEqual(command);
    });
  });

  describe('new', () => {
    it.each<[string, TicketCommand]>([
      ['new Printer is jammed', newTicket({ title: 'Printer is jammed', description: 'Printer is jammed' })],
      [
        'new type:billing Refund for order 1234',
        newTicket({ type: 'billing', title: 'Refund for order 1234', description: 'Refund for order 1234' }),
      ],
      [
        'new type:Billing priority:URGENT escalate:1h30m assign:@Iris handoff:max,<@U1AB|x>,@legal follows:t-2026-001 customer:"Acme Inc" issue:refund https://example.com is down\nsecond line\n\n  third',
        newTicket({
          type: 'billing',
          priority: 'urgent',
          escalateAfterSec: 5400,
          assign: { handle: 'iris' },
          handoff: [{ handle: 'max' }, { user: 'U1AB' }, { handle: 'legal' }],
          follows: 'T-2026-001',
          context: { customer: 'Acme Inc', issue: 'refund' },
          title: 'https://example.com is down',
          description: 'https://example.com is down\nsecond line\n\n  third',
        }),
      ],
      ...(['urgent', 'high', 'normal', 'low'] as const).map((p): [string, TicketCommand] => [
        `new priority:${p} x`,
        newTicket({ priority: p, title: 'x', description: 'x' }),
      ]),
      ['new escalate:90s x', newTicket({ escalateAfterSec: 90, title: 'x', description: 'x' })],
      ['new escalate:1d x', newTicket({ escalateAfterSec: 86400, title: 'x', description: 'x' })],
      ['new assign:<@U123ABC> x', newTicket({ assign: { user: 'U123ABC' }, title: 'x', description: 'x' })],
      ['new handoff:legal x', newTicket({ handoff: [{ handle: 'legal' }], title: 'x', description: 'x' })],
      [
        'new handoff:"legal, finance," x',
        newTicket({ handoff: [{ handle: 'legal' }, { handle: 'finance' }], title: 'x', description: 'x' }),
      ],
      [
        'new handoff:legal,LEGAL,@legal x',
        newTicket({ handoff: [{ handle: 'legal' }], title: 'x', description: 'x' }),
      ],
      ['new follows:T-2026-12345 x', newTicket({ follows: 'T-2026-12345', title: 'x', description: 'x' })],
      ['new Order:ABC-1 x', newTicket({ context: { order: 'ABC-1' }, title: 'x', description: 'x' })],
      [
        'new  customer:“Acme Inc”\n10:30 standup ran late\nagain',
        newTicket({
          context: { customer: 'Acme Inc' },
          title: '10:30 standup ran late',
          description: '10:30 standup ran late\nagain',
        }),
      ],
      [
        'new   Title with trailing spaces   \n\tindented detail\t\n',
        newTicket({ title: 'Title with trailing spaces', description: 'Title with trailing spaces   \n\tindented detail' }),
      ],
      [
        'new Réunion à 10h — 東京 office 😀',
        newTicket({ title: 'Réunion à 10h — 東京 office 😀', description: 'Réunion à 10h — 東京 office 😀' }),
      ],
      [
        'new <!channel> ping <@U999> <https://evil.example|click>',
        newTicket({
          title: '<!channel> ping <@U999> <https://evil.example|click>',
          description: '<!channel> ping <@U999> <https://evil.example|click>',
        }),
      ],
      [
        'new Bell\u0007 in title\r\nline two\u001b',
        newTicket({ title: 'Bell in title', description: 'Bell in title\nline two' }),
      ],
      ['new\nTitle on the next line', newTicket({ title: 'Title on the next line', description: 'Title on the next line' })],
      ['new :fire: prod down', newTicket({ title: ':fire: prod down', description: ':fire: prod down' })],
      ['new Re: hello', newTicket({ title: 'Re: hello', description: 'Re: hello' })],
      ['new Note: call back', newTicket({ title: 'Note: call back', description: 'Note: call back' })],
      ['new Re:', newTicket({ title: 'Re:', description: 'Re:' })],
      [
        'new customer:acme priority:high Re: invoice 12\nNote: see thread',
        newTicket({ context: { customer: 'acme' }, priority: 'high', title: 'Re: invoice 12', description: 'Re: invoice 12\nNote: see thread' }),
      ],
      ['new Customer: Acme is down', newTicket({ title: 'Customer: Acme is down', description: 'Customer: Acme is down' })],
    ])('%j', (input, command) => {
      expect(parseTicketCommand(input)).toStrictEqual(command);
    });

    it('accepts a title of exactly the limit, counted in characters not UTF-16 units', () => {
      const title = '😀'.repeat(LIMITS.title);
      const cmd = parseTicketCommand(`new ${title}`);
      expect(cmd).toMatchObject({ kind: 'new', title });
    });

    it('accepts a description of exactly the limit', () => {
      const description = 'Title\n' + 'x'.repeat(LIMITS.description - 6);
      expect(parseTicketCommand(`new ${description}`)).toMatchObject({ kind: 'new', title: 'Title', description });
    });

    it('accepts exactly the limit of context entries and values', () => {
      const opts = Array.from({ length: LIMITS.contextEntries }, (_, i) => `k${i}:v${i}`).join(' ');
      const cmd = parseTicketCommand(`new ${opts} title`);
      expect(cmd.kind === 'new' && Object.keys(cmd.context).length).toBe(LIMITS.contextEntries);
      const key = 'k'.repeat(LIMITS.contextKey);
      const value = 'v'.repeat(LIMITS.contextValue);
      expect(parseTicketCommand(`new ${key}:${value} t`)).toMatchObject({ context: { [key]: value } });
    });

    it.each<[string, string, string | RegExp]>([
      ['new type:billing', 'title', '`/ticket new` needs a title after the options, e.g. `/ticket new type:billing Refund for order 1234`.'],
      ['new type:billing  \n ', 'title', '`/ticket new` needs a title after the options, e.g. `/ticket new type:billing Refund for order 1234`.'],
      ['new type: billing Title', 'type', /^Option `type:` has no value/],
      ['new priority:high priority:low x', 'priority', 'Option `priority:` is given more than once; give it once.'],
      ['new customer:a Customer:b x', 'customer', 'Option `customer:` is given more than once; give it once.'],
      ['new customer:"Acme x', 'customer', 'Option `customer:` opens a quote (`"`) that is not closed on the same line.'],
      ['new type:bug! x', 'type', '`type:` takes a ticket type like `billing` or `bug-report` (lowercase letters, digits, `-` and `_`); got `bug!`.'],
      ['new type:"bug report" x', 'type', '`type:` takes a ticket type like `billing` or `bug-report` (lowercase letters, digits, `-` and `_`); got `bug report`.'],
      ['new type:-bug x', 'type', '`type:` takes a ticket type like `billing` or `bug-report` (lowercase letters, digits, `-` and `_`); got `-bug`.'],
      [`new type:${'a'.repeat(41)} x`, 'type', `\`type:\` can be at most 40 characters long; \`${'a'.repeat(39)}…\` is 41.`],
      ['new priority:critical x', 'priority', '`priority:` takes one of `urgent`, `high`, `normal` or `low`; got `critical`.'],
      ['new escalate:soon x', 'escalate', '`escalate:` takes a duration like `90s`, `30m`, `4h`, `1d` or `1h30m`; got `soon`.'],
      ['new escalate:0s x', 'escalate', '`escalate:` must be longer than zero; got `0s`.'],
      ['new escalate:400d x', 'escalate', '`escalate:` can be at most 365 days (`365d`); got `400d`.'],
      ['new assign:iris! x', 'assign', `\`assign:\` takes ${AGENT_DESC}; got \`iris!\`.`],
      ['new assign:#support x', 'assign', `\`assign:\` takes ${AGENT_DESC}; got \`#support\`.`],
      ['new handoff:, x', 'handoff', '`handoff:` takes one or more agents separated by commas, like `handoff:iris,max`; got `,`.'],
      ['new handoff:iris,bad! x', 'handoff', `\`handoff:\` takes ${AGENT_DESC}; got \`bad!\`.`],
      ['new follows:T-26-1 x', 'key', '`follows:` takes a ticket key like `T-2026-001`; got `T-26-1`.'],
      [
        `new ${'k'.repeat(41)}:v x`,
        'context',
        `Context name \`${'k'.repeat(39)}…\` is 41 characters long; the limit is 40.`,
      ],
      [
        `new customer:${'v'.repeat(201)} x`,
        'context',
        'Context value of `customer:` is 201 characters long; the limit is 200.',
      ],
      [
        `new ${Array.from({ length: 21 }, (_, i) => `k${i}:v`).join(' ')} x`,
        'context',
        'A ticket can carry at most 20 context values (`name:value`); this one has 21.',
      ],
      [
        `new ${'t'.repeat(201)}\nshort description`,
        'title',
        'The title (the first line) is 201 characters long; the limit is 200. Put the details on the following lines.',
      ],
      [
        `new ${'😀'.repeat(201)}`,
        'title',
        'The title (the first line) is 201 characters long; the limit is 200. Put the details on the following lines.',
      ],
      [
        `new Title\n${'d'.repeat(4000)}`,
        'description',
        'The description is 4006 characters long; the limit is 4000.',
      ],
      ['new Title with \u0000 NUL', 'text', NUL_MESSAGE],
      ['new customer:"a\u0000b" Title', 'text', NUL_MESSAGE],
      ['\u0000new Title', 'text', NUL_MESSAGE],
    ])('refuses %j', (input, field, message) => {
      expectInvalid(() => parseTicketCommand(input), field, message);
    });

    it('handles 20 KB inputs with clear errors and short messages', () => {
      const oneLine = 'x'.repeat(20_000);
      const e1 = expectInvalid(
        () => parseTicketCommand(`new ${oneLine}`),
        'title',
        'The title (the first line) is 20000 characters long; the limit is 200. Put the details on the following lines.',
      );
      expect(e1.message.length).toBeLessThan(200);

      const longDescription = `Short title\n${'y'.repeat(20_000)}`;
      expectInvalid(
        () => parseTicketCommand(`new ${longDescription}`),
        'description',
        'The description is 20012 characters long; the limit is 4000.',
      );

      const hugeValue = 'v'.repeat(20_000);
      expectInvalid(
        () => parseTicketCommand(`new customer:${hugeValue} t`),
        'context',
        'Context value of `customer:` is 20000 characters long; the limit is 200.',
      );
      expectInvalid(
        () => parseTicketCommand(`new customer:"${hugeValue} t`),
        'customer',
        'Option `customer:` opens a quote (`"`) that is not closed on the same line.',
      );

      const hugeName = 'n'.repeat(20_000);
      const e2 = expectInvalid(() => parseTicketCommand(`new ${hugeName}:v t`), 'context', /^Context name `n{39}…` is 20000 characters long; the limit is 40\.$/);
      expect(e2.message.length).toBeLessThan(120);

      const manyLines = Array.from({ length: 2000 }, (_, i) => `line ${i}`).join('\n');
      expectInvalid(() => parseTicketCommand(`new ${manyLines}`), 'description', /^The description is \d+ characters long; the limit is 4000\.$/);
    });

    it('keeps a 20 KB option-free text parse fast', () => {
      const text = `new ${'word '.repeat(4000)}`;
      const started = performance.now();
      expect(() => parseTicketCommand(text)).toThrow(DomainError);
      expect(performance.now() - started).toBeLessThan(500);
    });
  });

  describe('errors', () => {
    it.each<[string, string, string]>([
      ['show', 'key', '`/ticket show` needs a ticket key. Usage: `/ticket show KEY`, e.g. `/ticket show T-2026-001`.'],
      ['show T-2026-1', 'key', '`/ticket show` takes a ticket key like `T-2026-001`; got `T-2026-1`.'],
      ['show 42', 'key', '`/ticket show` takes a ticket key like `T-2026-001`; got `42`.'],
      ['show T-2026-001 extra', 'text', '`/ticket show` got unexpected text `extra`. Usage: `/ticket show KEY`, e.g. `/ticket show T-2026-001`.'],
      ['list mine please', 'text', '`/ticket list` got unexpected text `please`. Usage: `/ticket list [mine|intake|active|completed|HANDLE] [page:N]`.'],
      ['list active page:x', 'page', '`page:` takes a page number like `page:2`; got `x`.'],
      ['list page:2 page:3', 'text', '`/ticket list` got unexpected text `page:3`. Usage: `/ticket list [mine|intake|active|completed|HANDLE] [page:N]`.'],
      ['list open!', 'filter', `\`/ticket list\` takes \`mine\`, \`intake\`, \`active\`, \`completed\` or ${AGENT_DESC}, then \`page:N\` if you like; got \`open!\`.`],
      ['list #support', 'filter', `\`/ticket list\` takes \`mine\`, \`intake\`, \`active\`, \`completed\` or ${AGENT_DESC}, then \`page:N\` if you like; got \`#support\`.`],
      ['assign', 'key', '`/ticket assign` needs a ticket key and an agent. Usage: `/ticket assign KEY HANDLE`, e.g. `/ticket assign T-2026-001 iris`.'],
      ['assign iris T-2026-001', 'key', '`/ticket assign` takes a ticket key like `T-2026-001`; got `iris`.'],
      ['assign T-2026-001', 'agent', '`/ticket assign` needs an agent after the ticket key. Usage: `/ticket assign KEY HANDLE`, e.g. `/ticket assign T-2026-001 iris`.'],
      ['assign T-2026-001 iris!', 'agent', `\`/ticket assign T-2026-001\` takes ${AGENT_DESC}; got \`iris!\`.`],
      ['assign T-2026-001 iris now', 'text', '`/ticket assign` got unexpected text `now`. Usage: `/ticket assign KEY HANDLE`, e.g. `/ticket assign T-2026-001 iris`.'],
      ['handoff', 'key', '`/ticket handoff` needs a ticket key and an agent. Usage: `/ticket handoff KEY HANDLE|skill:TYPE [note]`, e.g. `/ticket handoff T-2026-001 iris needs a refund`.'],
      ['handoff t-2026-001', 'agent', '`/ticket handoff` needs an agent after the ticket key. Usage: `/ticket handoff KEY HANDLE|skill:TYPE [note]`, e.g. `/ticket handoff T-2026-001 iris needs a refund`.'],
      ['handoff T-2026-001 <#C123>', 'agent', `\`/ticket handoff T-2026-001\` takes ${AGENT_DESC}; got \`&lt;#C123&gt;\`.`],
      ['resolve', 'key', '`/ticket resolve` needs a ticket key. Usage: `/ticket resolve KEY [force] [note]`.'],
      ['reopen', 'key', '`/ticket reopen` needs a ticket key. Usage: `/ticket reopen KEY [note]`.'],
      ['escalate', 'key', '`/ticket escalate` needs a ticket key. Usage: `/ticket escalate KEY [note]`.'],
      ['resolve done', 'key', '`/ticket resolve` takes a ticket key like `T-2026-001`; got `done`.'],
      ['reopen T2026', 'key', '`/ticket reopen` takes a ticket key like `T-2026-001`; got `T2026`.'],
      ['escalate X', 'key', '`/ticket escalate` takes a ticket key like `T-2026-001`; got `X`.'],
      ['next', 'agent', '`/ticket next` needs an agent. Usage: `/ticket next HANDLE`, e.g. `/ticket next iris`.'],
      ['next iris please', 'text', '`/ticket next` got unexpected text `please`. Usage: `/ticket next HANDLE`, e.g. `/ticket next iris`.'],
      ['next iris!', 'agent', `\`/ticket next\` takes ${AGENT_DESC}; got \`iris!\`.`],
      [`resolve T-2026-001 ${'n'.repeat(2001)}`, 'note', 'The note is 2001 characters long; the limit is 2000.'],
      [`handoff T-2026-001 iris ${'n'.repeat(20_000)}`, 'note', 'The note is 20000 characters long; the limit is 2000.'],
      ['resolve T-2026-001 done\u0000', 'text', NUL_MESSAGE],
      ['show T-2026-001\u0000', 'text', NUL_MESSAGE],
    ])('%j', (input, field, message) => {
      expectInvalid(() => parseTicketCommand(input), field, message);
    });

    it('accepts a note of exactly the limit', () => {
      const note = 'n'.repeat(LIMITS.note);
      expect(parseTicketCommand(`resolve T-2026-001 ${note}`)).toStrictEqual({ kind: 'resolve', key: 'T-2026-001', note });
    });

    it.each<[string, string]>([
      ['frob', '`frob`'],
      ['Printer is jammed', '`Printer`'],
      ['<!channel>', '`&lt;!channel&gt;`'],
      ['`rm`', "`'rm'`"],
      ['x'.repeat(20_000), '`' + 'x'.repeat(39) + '…`'],
      ['news', '`news`'],
    ])('refuses the unknown command %j, listing the allowed ones', (input, got) => {
      expectInvalid(
        () => parseTicketCommand(input),
        'command',
        `\`/ticket\` has no command ${got}. Use one of \`new\`, \`show\`, \`why\`, \`list\`, \`assign\`, \`handoff\`, \`resolve\`, \`reopen\`, \`escalate\`, \`wait\`, \`resume\`, \`next\`, \`help\`. To file a ticket: \`/ticket new Printer on floor 3 is jammed\`.`,
      );
    });
  });
});

// ------------------------------------------------------------------------------------------------

describe('parseAgentCommand', () => {
  it.each<[string, AgentCommand]>([
    ['', { kind: 'help' }],
    ['help', { kind: 'help' }],
    ['Help me', { kind: 'help' }],
    ['list', { kind: 'list' }],
    ['LIST', { kind: 'list' }],
    ['add iris skills:billing', { kind: 'add', handle: 'iris', skills: ['billing'] }],
    [
      'add @Iris skills:Billing,refunds,billing channel:<#C123ABC|support> user:<@U123ABC|iris> capacity:3 escalates-to:@max',
      {
        kind: 'add',
        handle: 'iris',
        skills: ['billing', 'refunds'],
        channel: 'C123ABC',
        user: 'U123ABC',
        capacity: 3,
        escalatesTo: { handle: 'max' },
      },
    ],
    [
      'ADD iris Skills:"billing, refunds" CHANNEL:C123ABC User:U123ABC Capacity:100 Escalates-To:<@U999AAA>',
      {
        kind: 'add',
        handle: 'iris',
        skills: ['billing', 'refunds'],
        channel: 'C123ABC',
        user: 'U123ABC',
        capacity: 100,
        escalatesTo: { user: 'U999AAA' },
      },
    ],
    ['add iris skills:a user:none escalates-to:none', { kind: 'add', handle: 'iris', skills: ['a'], user: null, escalatesTo: null }],
    ['add iris skills:a capacity:1', { kind: 'add', handle: 'iris', skills: ['a'], capacity: 1 }],
    ['add iris skills:a,', { kind: 'add', handle: 'iris', skills: ['a'] }],
    ['update iris capacity:10', { kind: 'update', handle: 'iris', capacity: 10 }],
    ['update @IRIS skills:x,y', { kind: 'update', handle: 'iris', skills: ['x', 'y'] }],
    ['update iris channel:<#G0ABC12>', { kind: 'update', handle: 'iris', channel: 'G0ABC12' }],
    ['update iris user:NONE', { kind: 'update', handle: 'iris', user: null }],
    ['update iris escalates-to:None', { kind: 'update', handle: 'iris', escalatesTo: null }],
    ['update iris escalates-to:max', { kind: 'update', handle: 'iris', escalatesTo: { handle: 'max' } }],
    ['add iris skills:a ack:2m heartbeat:1h30m', { kind: 'add', handle: 'iris', skills: ['a'], ackAfterSec: 120, heartbeatSec: 5400 }],
    ['update iris ack:2s', { kind: 'update', handle: 'iris', ackAfterSec: 2 }],
    ['update iris Ack:NONE heartbeat:none', { kind: 'update', handle: 'iris', ackAfterSec: null, heartbeatSec: null }],
    ['update iris heartbeat:7d', { kind: 'update', handle: 'iris', heartbeatSec: 7 * 86400 }],
    ['update iris a2a:http://127.0.0.1:4100/', { kind: 'update', handle: 'iris', a2a: 'http://127.0.0.1:4100' }],
    ['update iris a2a:<https://agent.example.com/a2a|agent.example.com/a2a>', { kind: 'update', handle: 'iris', a2a: 'https://agent.example.com/a2a' }],
    ['update iris a2a:none', { kind: 'update', handle: 'iris', a2a: null }],
    ['remove iris', { kind: 'remove', agent: { handle: 'iris' } }],
    ['remove <@U123ABC>', { kind: 'remove', agent: { user: 'U123ABC' } }],
    ['available @iris', { kind: 'available', agent: { handle: 'iris' } }],
    ['available <@U123ABC|iris>', { kind: 'available', agent: { user: 'U123ABC' } }],
    ['busy iris', { kind: 'busy', agent: { handle: 'iris' } }],
    ['busy iris for:2h', { kind: 'busy', agent: { handle: 'iris' }, forSec: 7200 }],
    ['busy iris For:1h30m', { kind: 'busy', agent: { handle: 'iris' }, forSec: 5400 }],
    ['busy iris until:17:30', { kind: 'busy', agent: { handle: 'iris' }, until: { hour: 17, minute: 30 } }],
    ['busy iris until:9:05 at the dentist', { kind: 'busy', agent: { handle: 'iris' }, until: { hour: 9, minute: 5 }, reason: 'at the dentist' }],
    ['busy <@U123ABC> for:1d offsite 🌴', { kind: 'busy', agent: { user: 'U123ABC' }, forSec: 86400, reason: 'offsite 🌴' }],
    ['busy iris in a meeting', { kind: 'busy', agent: { handle: 'iris' }, reason: 'in a meeting' }],
    ['busy iris 10:30 standup', { kind: 'busy', agent: { handle: 'iris' }, reason: '10:30 standup' }],
    ['busy iris see https://status.example.com', { kind: 'busy', agent: { handle: 'iris' }, reason: 'see https://status.example.com' }],
    ['busy iris for:30m  back soon\nreally  ', { kind: 'busy', agent: { handle: 'iris' }, forSec: 1800, reason: 'back soon\nreally' }],
    ['busy iris Note: back at three', { kind: 'busy', agent: { handle: 'iris' }, reason: 'Note: back at three' }],
    ['busy iris for:1h Re: the outage', { kind: 'busy', agent: { handle: 'iris' }, forSec: 3600, reason: 'Re: the outage' }],
  ])('%j', (input, command) => {
    expect(parseAgentCommand(input)).toStrictEqual(command);
  });

  it('when an admin gives `webhook:`, then the URL is taken as typed or as the link Slack sent, and `none` clears it', () => {
    expect(parseAgentCommand('update iris webhook:https://agents.example.com/baton?a=1')).toStrictEqual({ kind: 'update', handle: 'iris', webhook: 'https://agents.example.com/baton?a=1' });
    expect(parseAgentCommand('update iris webhook:<https://agents.example.com/b?a=1&amp;b=2>')).toStrictEqual({ kind: 'update', handle: 'iris', webhook: 'https://agents.example.com/b?a=1&b=2' });
    expect(parseAgentCommand('update iris webhook:<http://127.0.0.1:8080/hook|127.0.0.1:8080/hook>')).toStrictEqual({ kind: 'update', handle: 'iris', webhook: 'http://127.0.0.1:8080/hook' });
    expect(parseAgentCommand('update iris webhook:NONE capacity:3')).toStrictEqual({ kind: 'update', handle: 'iris', webhook: null, capacity: 3 });
    const longest = `https://example.com/${'a'.repeat(1980)}`;
    expect(parseAgentCommand(`update iris webhook:${longest}`)).toStrictEqual({ kind: 'update', handle: 'iris', webhook: longest });
  });

  it('accepts exactly the limits on skills and reasons', () => {
    const skills = Array.from({ length: LIMITS.skills }, (_, i) => `s${i}`);
    expect(parseAgentCommand(`add iris skills:${skills.join(',')}`)).toStrictEqual({ kind: 'add', handle: 'iris', skills });
    const reason = 'r'.repeat(LIMITS.reason);
    expect(parseAgentCommand(`busy iris ${reason}`)).toStrictEqual({ kind: 'busy', agent: { handle: 'iris' }, reason });
  });

  const AGENT_OPTS = '`skills:`, `channel:`, `user:`, `capacity:`, `escalates-to:`, `ack:`, `heartbeat:`, `hours:`, `tz:`';
  const UPDATE_OPTS = `${AGENT_OPTS}, \`webhook:\`, \`a2a:\``;
  const ADD_USAGE = '`/agent add HANDLE skills:a,b [channel:#…] [user:@…] [capacity:N] [escalates-to:HANDLE] [ack:DUR|none] [heartbeat:DUR|none] [hours:"Mon-Fri 09:00-17:30"] [tz:ZONE]`';

  it.each<[string, string, string | RegExp]>([
    ['frob', 'command', '`/agent` has no command `frob`. Use one of `add`, `update`, `remove`, `list`, `busy`, `available`, `token`, `help`.'],
    ['<!here>', 'command', '`/agent` has no command `&lt;!here&gt;`. Use one of `add`, `update`, `remove`, `list`, `busy`, `available`, `token`, `help`.'],
    ['list all', 'text', '`/agent list` got unexpected text `all`. Usage: `/agent list`.'],
    ['add', 'handle', `\`/agent add\` needs a handle. Usage: ${ADD_USAGE}.`],
    ['add skills:billing', 'handle', '`/agent add` takes an agent handle like `iris` or `@iris` (lowercase letters, digits, `-` and `_`); got `skills:billing`.'],
    ['add <@U123ABC> skills:a', 'handle', '`/agent add` must be a handle like `iris`, not a Slack mention (`&lt;@U123ABC&gt;`); link the Slack user with `user:` instead.'],
    ['add iris!', 'handle', '`/agent add` takes an agent handle like `iris` or `@iris` (lowercase letters, digits, `-` and `_`); got `iris!`.'],
    [`add ${'a'.repeat(33)} skills:x`, 'handle', `Handle \`${'a'.repeat(33)}\` is 33 characters long; handles are at most 32.`],
    ['add iris', 'skills', '`/agent add` needs `skills:` (the ticket types the agent takes), e.g. `/agent add iris skills:billing,refunds`.'],
    ['add iris capacity:3', 'skills', '`/agent add` needs `skills:` (the ticket types the agent takes), e.g. `/agent add iris skills:billing,refunds`.'],
    ['add iris skills:a colour:blue', 'colour', `\`/agent add\` has no option \`colour:\`. Allowed: ${AGENT_OPTS}.`],
    ['add iris skills:a customer:acme', 'customer', `\`/agent add\` has no option \`customer:\`. Allowed: ${AGENT_OPTS}.`],
    ['add iris skills:a and more', 'text', `\`/agent add\` takes only \`name:value\` options after the handle; got unexpected text \`and more\`. Usage: ${ADD_USAGE}.`],
    ['add iris skills:', 'skills', /^Option `skills:` has no value/],
    ['add iris skills:a capacity: 3', 'capacity', /^Option `capacity:` has no value/],
    ['add iris skills:a colour: blue', 'text', `\`/agent add\` takes only \`name:value\` options after the handle; got unexpected text \`colour: blue\`. Usage: ${ADD_USAGE}.`],
    ['add iris skills:a skills:b', 'skills', 'Option `skills:` is given more than once; give it once.'],
    ['add iris skills:,', 'skills', '`skills:` takes one or more ticket types separated by commas, like `skills:billing,refunds`; got `,`.'],
    ['add iris skills:billing,bad!', 'skills', 'Each skill in `skills:` takes a ticket type like `billing` or `bug-report` (lowercase letters, digits, `-` and `_`); got `bad!`.'],
    ['add iris skills:"bug report"', 'skills', 'Each skill in `skills:` takes a ticket type like `billing` or `bug-report` (lowercase letters, digits, `-` and `_`); got `bug report`.'],
    [`add iris skills:${'s'.repeat(41)}`, 'skills', `Each skill in \`skills:\` can be at most 40 characters long; \`${'s'.repeat(39)}…\` is 41.`],
    [
      `add iris skills:${Array.from({ length: 21 }, (_, i) => `s${i}`).join(',')}`,
      'skills',
      'An agent can have at most 20 skills; `skills:` lists 21.',
    ],
    ['add iris skills:a channel:#support', 'channel', /^`channel:` got `#support` as plain text/],
    ['add iris skills:a channel:support', 'channel', /^`channel:` takes a channel like `#support`/],
    ['add iris skills:a user:@iris', 'user', /^`user:` got `@iris` as plain text/],
    ['add iris skills:a user:iris', 'user', /^`user:` takes a Slack user like `@someone`/],
    ['add iris skills:a capacity:0', 'capacity', '`capacity:` takes a whole number from 1 to 100000, or `unlimited`; got `0`.'],
    ['add iris skills:a capacity:100001', 'capacity', '`capacity:` takes a whole number from 1 to 100000, or `unlimited`; got `100001`.'],
    ['add iris skills:a capacity:-1', 'capacity', '`capacity:` takes a whole number from 1 to 100000, or `unlimited`; got `-1`.'],
    ['add iris skills:a capacity:1.5', 'capacity', '`capacity:` takes a whole number from 1 to 100000, or `unlimited`; got `1.5`.'],
    ['add iris skills:a capacity:five', 'capacity', '`capacity:` takes a whole number from 1 to 100000, or `unlimited`; got `five`.'],
    ['add iris skills:a capacity:99999999999999999999', 'capacity', '`capacity:` takes a whole number from 1 to 100000, or `unlimited`; got `99999999999999999999`.'],
    ['add iris skills:a escalates-to:iris', 'escalates-to', '`iris` cannot escalate to itself; name another agent in `escalates-to:`, or `none`.'],
    ['add iris skills:a escalates-to:@IRIS', 'escalates-to', '`iris` cannot escalate to itself; name another agent in `escalates-to:`, or `none`.'],
    ['add iris skills:a escalates-to:max!', 'escalates-to', `\`escalates-to:\` takes ${AGENT_DESC}; got \`max!\`.`],
    ['update', 'handle', /^`\/agent update` needs a handle\. Usage: `\/agent update HANDLE/],
    ['update iris', 'options', `\`/agent update iris\` needs at least one option to change: ${UPDATE_OPTS}.`],
    ['update iris ack:soon', 'ack', '`ack:` takes a duration from `1s` to `7d` like `2m` or `1h30m`, or `none` to clear it; got `soon`.'],
    ['update iris ack:0s', 'ack', '`ack:` takes a duration from `1s` to `7d` like `2m` or `1h30m`, or `none` to clear it; got `0s`.'],
    ['update iris ack:2', 'ack', '`ack:` takes a duration from `1s` to `7d` like `2m` or `1h30m`, or `none` to clear it; got `2`. A number needs a unit: `s`, `m`, `h` or `d`.'],
    ['update iris heartbeat:-5m', 'heartbeat', '`heartbeat:` takes a duration from `1s` to `7d` like `2m` or `1h30m`, or `none` to clear it; got `-5m`.'],
    ['update iris heartbeat:8d', 'heartbeat', '`heartbeat:` can be at most 7 days (`7d`); got `8d`.'],
    ['update iris ack: 2m', 'ack', /^Option `ack:` has no value/],
    ['update iris ack:2m ack:3m', 'ack', 'Option `ack:` is given more than once; give it once.'],
    ['update iris capacity:0', 'capacity', '`capacity:` takes a whole number from 1 to 100000, or `unlimited`; got `0`.'],
    ['update iris escalates-to:iris', 'escalates-to', '`iris` cannot escalate to itself; name another agent in `escalates-to:`, or `none`.'],
    ['update iris for:2h', 'for', `\`/agent update\` has no option \`for:\`. Allowed: ${UPDATE_OPTS}.`],
    ['add iris skills:a webhook:https://example.com/hook', 'webhook', `\`/agent add\` has no option \`webhook:\`. Allowed: ${AGENT_OPTS}.`],
    ['update iris webhook:ftp://example.com/hook', 'webhook', '`webhook:` must be an http:// or https:// URL; `ftp:` is not allowed. Got `ftp://example.com/hook`.'],
    ['update iris webhook:<mailto:ops@example.com|ops@example.com>', 'webhook', '`webhook:` must be an http:// or https:// URL; `mailto:` is not allowed. Got `mailto:ops@example.com`.'],
    ['update iris webhook:example.com/hook', 'webhook', '`webhook:` is not a URL Baton can read: `example.com/hook`. Give a full address like `https://agents.example.com/baton`, or `none`.'],
    ['update iris webhook:http://', 'webhook', '`webhook:` is not a URL Baton can read: `http://`. Give a full address like `https://agents.example.com/baton`, or `none`.'],
    [`update iris webhook:https://example.com/${'a'.repeat(1982)}`, 'webhook', '`webhook:` is 2002 characters long; the limit is 2000.'],
    ['add iris skills:a a2a:http://x', 'a2a', `\`/agent add\` has no option \`a2a:\`. Allowed: ${AGENT_OPTS}.`],
    ['update iris a2a:ftp://agent.example', 'a2a', '`a2a:` takes an http or https URL; `ftp://agent.example` is ftp.'],
    ['update iris a2a:not-a-url', 'a2a', "`a2a:` takes the agent's http(s) URL, like `a2a:https://agent.example.com`, or `none`; `not-a-url` is not a URL."],
    ['update iris a2a:https://u:p@agent.example', 'a2a', '`a2a:` takes a URL without a user name or password in it.'],
    [`update iris a2a:https://agent.example/${'x'.repeat(2000)}`, 'a2a', '`a2a:` takes a URL of at most 2000 characters; got one of 2022.'],
    ['update iris nothing to see', 'text', /^`\/agent update` takes only `name:value` options after the handle; got unexpected text `nothing to see`/],
    ['remove', 'agent', '`/agent remove` needs an agent. Usage: `/agent remove HANDLE`.'],
    ['remove iris now', 'text', '`/agent remove` got unexpected text `now`. Usage: `/agent remove HANDLE`.'],
    ['remove #iris', 'agent', `\`/agent remove\` takes ${AGENT_DESC}; got \`#iris\`.`],
    ['available', 'agent', '`/agent available` needs an agent. Usage: `/agent available HANDLE`.'],
    ['available iris again', 'text', '`/agent available` got unexpected text `again`. Usage: `/agent available HANDLE`.'],
    ['busy', 'agent', '`/agent busy` needs an agent. Usage: `/agent busy HANDLE [for:DUR|until:HH:MM] [reason]`, e.g. `/agent busy iris for:2h at the dentist`.'],
    ['busy iris! for:1h', 'agent', `\`/agent busy\` takes ${AGENT_DESC}; got \`iris!\`.`],
    ['busy iris for:2h until:17:00', 'until', '`/agent busy` takes either `for:` (a duration) or `until:` (a time of day), not both.'],
    ['busy iris until:17:00 for:2h', 'until', '`/agent busy` takes either `for:` (a duration) or `until:` (a time of day), not both.'],
    ['busy iris for:2h for:3h', 'for', 'Option `for:` is given more than once; give it once.'],
    ['busy iris for: 2h', 'for', /^Option `for:` has no value/],
    ['busy iris until: 17:00', 'until', /^Option `until:` has no value/],
    ['busy iris capacity:2', 'capacity', '`/agent busy` has no option `capacity:`. Allowed: `for:`, `until:`.'],
    ['busy iris reason:lunch', 'reason', '`/agent busy` has no option `reason:`. Allowed: `for:`, `until:`.'],
    ['busy iris for:soon', 'for', '`for:` takes a duration like `90s`, `30m`, `4h`, `1d` or `1h30m`; got `soon`.'],
    ['busy iris for:0m', 'for', '`for:` must be longer than zero; got `0m`.'],
    ['busy iris for:2', 'for', '`for:` takes a duration like `90s`, `30m`, `4h`, `1d` or `1h30m`; got `2`. A number needs a unit: `s`, `m`, `h` or `d`.'],
    ['busy iris until:25:00', 'until', '`until:` takes a time of day like `17:30` or `9:05` (24-hour clock, `00:00` to `23:59`); got `25:00`.'],
    ['busy iris until:5pm', 'until', '`until:` takes a time of day like `17:30` or `9:05` (24-hour clock, `00:00` to `23:59`); got `5pm`.'],
    [`busy iris ${'r'.repeat(201)}`, 'reason', 'The reason is 201 characters long; the limit is 200.'],
    [`busy iris for:1h ${'r'.repeat(20_000)}`, 'reason', 'The reason is 20000 characters long; the limit is 200.'],
    ['busy iris lunch\u0000', 'text', NUL_MESSAGE],
    ['add iris skills:a\u0000', 'text', NUL_MESSAGE],
  ])('refuses %j', (input, field, message) => {
    expectInvalid(() => parseAgentCommand(input), field, message);
  });
});

// ------------------------------------------------------------------------------------------------

describe('stripBotMention', () => {
  it.each<[string, string | null]>([
    ['<@UBATON> resolve done', 'resolve done'],
    ['<@UBATON|baton> accept', 'accept'],
    ['<@UBATON|> accept', 'accept'],
    ['   <@UBATON>   status  ', 'status'],
    ['<@UBATON>: resolve', 'resolve'],
    ['<@UBATON>, handoff iris', 'handoff iris'],
    ['<@UBATON>resolve', 'resolve'],
    ['<@UBATON>', ''],
    ['<@UBATON>\nresolve\nline two', 'resolve\nline two'],
    ['hello <@UBATON> resolve', null],
    ['<@UOTHER> resolve', null],
    ['<@UBATONX> resolve', null],
    ['<@UBATON resolve', null],
    ['<@UBATON|baton resolve', null],
    ['resolve', null],
    ['', null],
  ])('%j → %j', (input, rest) => {
    expect(stripBotMention(input, 'UBATON')).toBe(rest);
  });

  it('never matches an empty bot ID', () => {
    expect(stripBotMention('<@> resolve', '')).toBeNull();
  });
});

describe('parseThreadVerb', () => {
  it.each<[string, ThreadVerb | null]>([
    ['accept', { kind: 'accept' }],
    ['Accept', { kind: 'accept' }],
    ['ACCEPT!', { kind: 'accept' }],
    ['accept, on it', { kind: 'accept' }],
    ['status', { kind: 'status' }],
    ['Status?', { kind: 'status' }],
    ['status.', { kind: 'status' }],
    ['resolve', { kind: 'resolve' }],
    ['resolve   ', { kind: 'resolve' }],
    ['Resolve refunded, see <https://x.com|link>', { kind: 'resolve', note: 'refunded, see <https://x.com|link>' }],
    ['resolve: done\nline two', { kind: 'resolve', note: 'done\nline two' }],
    ['resolve done\u0007 bell', { kind: 'resolve', note: 'done bell' }],
    ['escalate', { kind: 'escalate' }],
    ['escalate customer is angry', { kind: 'escalate', note: 'customer is angry' }],
    ['handoff iris', { kind: 'handoff', agent: { handle: 'iris' } }],
    ['HANDOFF @Iris needs legal review', { kind: 'handoff', agent: { handle: 'iris' }, note: 'needs legal review' }],
    ['handoff <@U123ABC|iris> over to you', { kind: 'handoff', agent: { user: 'U123ABC' }, note: 'over to you' }],
    ['', null],
    ['   ', null],
    ['hello there', null],
    ['accepted', null],
    ['resolved it', null],
    ['please resolve', null],
    ['hand off iris', null],
    ['assign iris', null],
    ['thanks\u0000', null],
  ])('%j → %j', (input, verb) => {
    expect(parseThreadVerb(input)).toStrictEqual(verb);
  });

  it.each<[string, string, string]>([
    ['handoff', 'agent', '`handoff` needs an agent, e.g. `handoff iris the customer needs a refund`.'],
    ['handoff   ', 'agent', '`handoff` needs an agent, e.g. `handoff iris the customer needs a refund`.'],
    ['handoff iris!', 'agent', `\`handoff\` takes ${AGENT_DESC}; got \`iris!\`.`],
    ['handoff #legal', 'agent', `\`handoff\` takes ${AGENT_DESC}; got \`#legal\`.`],
    [`resolve ${'n'.repeat(LIMITS.note + 1)}`, 'note', `The note is ${LIMITS.note + 1} characters long; the limit is ${LIMITS.note}.`],
    [`escalate ${'n'.repeat(20_000)}`, 'note', 'The note is 20000 characters long; the limit is 2000.'],
    [`handoff iris ${'n'.repeat(LIMITS.note + 1)}`, 'note', `The note is ${LIMITS.note + 1} characters long; the limit is ${LIMITS.note}.`],
    ['resolve done\u0000', 'text', NUL_MESSAGE],
    ['handoff iris \u0000', 'text', NUL_MESSAGE],
  ])('refuses %j', (input, field, message) => {
    expectInvalid(() => parseThreadVerb(input), field, message);
  });

  it('works on the output of stripBotMention', () => {
    const rest = stripBotMention('<@UBATON|baton>  resolve  shipped the fix ', 'UBATON');
    expect(rest).not.toBeNull();
    expect(parseThreadVerb(rest!)).toStrictEqual({ kind: 'resolve', note: 'shipped the fix' });
  });
});

describe('roster rough edges (issue 18 item 10, issue 11 item 6)', () => {
  it('item 10: `skills:support, billing` says there must be no space after the comma', () => {
    expectInvalid(() => parseAgentCommand('add iris skills:support, billing'), 'skills', '`skills:` lists ticket types separated by commas, with no space after the comma: write `skills:support,billing`.');
    expectInvalid(() => parseAgentCommand('update iris skills:a, b capacity:2'), 'skills', /write `skills:a,b`\.$/);
  });

  it('item 10: an empty `capacity:` says how to write it without suggesting quotes', () => {
    for (const text of ['add iris skills:a capacity:', 'update iris capacity: 3']) {
      expectInvalid(() => parseAgentCommand(text), 'capacity', 'Option `capacity:` has no value. Write it as `capacity:value` with no space after the colon.');
    }
  });

  it('item 6 (issue 11): `capacity:` takes 1–100000 or `unlimited`', () => {
    expect(parseAgentCommand('update iris capacity:100000')).toMatchObject({ capacity: 100_000 });
    expect(parseAgentCommand('update iris capacity:Unlimited')).toMatchObject({ capacity: UNLIMITED_CAPACITY });
    expectInvalid(() => parseAgentCommand('update iris capacity:2147483647'), 'capacity', /from 1 to 100000, or `unlimited`/);
  });

  it('item 6 (issue 11): `escalates-to:` may name an agent not on the roster yet (the parser takes any handle)', () => {
    expect(parseAgentCommand('add iris skills:a escalates-to:felix')).toMatchObject({ escalatesTo: { handle: 'felix' } });
  });

  it('item 10: help says to pick the user and channel from Slack’s suggestions, as the parser requires', () => {
    expect(AGENT_SPEC.footer).toContain('pick the channel or person from Slack’s suggestions');
    expect(AGENT_SPEC.subcommands.add.help).toContain('picked from Slack’s suggestions');
    expectInvalid(() => parseAgentCommand('add iris skills:a user:@iris-bot'), 'user', /Pick the person from Slack’s suggestions/);
    expect(parseAgentCommand('add iris skills:a user:<@U0IRISBOT|iris-bot>')).toMatchObject({ user: 'U0IRISBOT' });
  });
});

describe('parseAgentCommand hours: and tz:', () => {
  it('reads working hours and a zone in their stored form', () => {
    expect(parseAgentCommand('update iris hours:"mon-fri 9:00-17:30" tz:europe/paris')).toEqual({
      kind: 'update',
      handle: 'iris',
      hours: 'Mon-Fri 09:00-17:30',
      timeZone: 'Europe/Paris',
    });
    expect(parseAgentCommand('update iris hours:always')).toEqual({ kind: 'update', handle: 'iris', hours: null });
    expect(parseAgentCommand('add iris skills:a hours:"Mon-Fri 22:00-06:00" tz:UTC')).toMatchObject({ hours: 'Mon-Fri 22:00-06:00', timeZone: 'UTC' });
  });

  it.each([
    ['update iris hours:9-5', 'hours', '`hours:` takes days and a time range like `Mon-Fri 09:00-17:30` (quoted, with the space) or `always`; got `9-5`.'],
    ['update iris hours:"Mon-Fri 9am-5pm"', 'hours', '`hours:` has the time `9am` in `Mon-Fri 9am-5pm`; times are 24-hour `HH:MM` from `00:00` to `23:59` (`24:00` may end a range), as in `Mon-Fri 09:00-17:30`.'],
    ['update iris tz:CET+1', 'tz', '`tz:` takes an IANA time zone such as `Europe/Paris`, `America/New_York` or `UTC`; got `CET+1`.'],
    ['update iris tz:Mars/Olympus', 'tz', '`tz:` takes an IANA time zone such as `Europe/Paris`, `America/New_York` or `UTC`; got `Mars/Olympus`.'],
  ])('refuses %j naming the allowed form', (text, field, message) => {
    let caught: unknown;
    try {
      parseAgentCommand(text);
    } catch (e) {
      caught = e;
    }
    expect(caught).toMatchObject({ code: 'invalid_input', field, message });
  });
});

// ------------------------------------------------------------------------------------------------

describe('/agent token', () => {
  it.each<[string, AgentCommand]>([
    ['token coder', { kind: 'token', agent: { handle: 'coder' }, revoke: false }],
    ['TOKEN @Coder', { kind: 'token', agent: { handle: 'coder' }, revoke: false }],
    ['token coder revoke', { kind: 'token', agent: { handle: 'coder' }, revoke: true }],
    ['token coder REVOKE', { kind: 'token', agent: { handle: 'coder' }, revoke: true }],
    ['token <@U123ABC> revoke', { kind: 'token', agent: { user: 'U123ABC' }, revoke: true }],
  ])('%j', (input, command) => {
    expect(parseAgentCommand(input)).toStrictEqual(command);
  });

  it.each<[string, string, string]>([
    ['token', 'agent', '`/agent token` needs an agent. Usage: `/agent token HANDLE [revoke]`, e.g. `/agent token iris`.'],
    ['token coder now', 'text', '`/agent token` got unexpected text `now`. Usage: `/agent token HANDLE [revoke]`, e.g. `/agent token iris`.'],
    ['token coder revoke now', 'text', '`/agent token` got unexpected text `revoke now`. Usage: `/agent token HANDLE [revoke]`, e.g. `/agent token iris`.'],
    ['token #coder', 'agent', `\`/agent token\` takes ${AGENT_DESC}; got \`#coder\`.`],
  ])('refuses %j', (input, field, message) => {
    expectInvalid(() => parseAgentCommand(input), field, message);
  });
});

describe('/agent add and update: option values as people type them', () => {
  it('skips empty entries in `skills:`', () => {
    expect(parseAgentCommand('add iris skills:"billing, ,refunds"')).toStrictEqual({ kind: 'add', handle: 'iris', skills: ['billing', 'refunds'] });
  });

  it('takes a link Slack sent for `a2a:` with or without a label', () => {
    expect(parseAgentCommand('update iris a2a:<https://agent.example.com/a2a>')).toStrictEqual({ kind: 'update', handle: 'iris', a2a: 'https://agent.example.com/a2a' });
  });

  it('undoes Slack’s escaping of `<` and `>` inside a `webhook:` link', () => {
    expect(parseAgentCommand('update iris webhook:<https://hooks.example.com/h?x=&lt;1&gt;>')).toStrictEqual({
      kind: 'update',
      handle: 'iris',
      webhook: 'https://hooks.example.com/h?x=<1>',
    });
  });

  const CAPACITY = (got: string) => `\`capacity:\` takes a whole number from 1 to 100000, or \`unlimited\`; got \`${got}\`.`;
  const ACK = (got: string) => `\`ack:\` takes a duration from \`1s\` to \`7d\` like \`2m\` or \`1h30m\`, or \`none\` to clear it; got \`${got}\`.`;
  const UPDATE_USAGE =
    'Usage: `/agent update HANDLE [skills:a,b] [channel:#…] [user:@…] [capacity:N] [escalates-to:HANDLE] [ack:DUR|none] [heartbeat:DUR|none] [hours:"Mon-Fri 09:00-17:30"] [tz:ZONE] [webhook:URL|none] [a2a:URL|none]`.';

  it.each<[string, string, string]>([
    ['update iris capacity:+3', 'capacity', CAPACITY('+3')],
    ['update iris capacity:3.0', 'capacity', CAPACITY('3.0')],
    ['update iris capacity:5e2', 'capacity', CAPACITY('5e2')],
    ['update iris capacity:0x10', 'capacity', CAPACITY('0x10')],
    ['update iris ack:20', 'ack', `${ACK('20')} A number needs a unit: \`s\`, \`m\`, \`h\` or \`d\`.`],
    ['update iris ack:1.5', 'ack', ACK('1.5')],
    ['update iris ack:-2', 'ack', ACK('-2')],
    // a comma after a value that is not `skills:` is not a list of skills
    ['update iris capacity:3, 4', 'text', `\`/agent update\` takes only \`name:value\` options after the handle; got unexpected text \`4\`. ${UPDATE_USAGE}`],
    [
      'update iris a2a:<https://agent.example.com>/x',
      'a2a',
      "`a2a:` takes the agent's http(s) URL, like `a2a:https://agent.example.com`, or `none`; `&lt;https://agent.example.com&gt;/x` is not a URL.",
    ],
    [
      'update iris a2a:x<https://agent.example.com>',
      'a2a',
      "`a2a:` takes the agent's http(s) URL, like `a2a:https://agent.example.com`, or `none`; `x&lt;https://agent.example.com&gt;` is not a URL.",
    ],
    [
      'update iris webhook:<https://hooks.example.com/h>/x',
      'webhook',
      '`webhook:` is not a URL Baton can read: `&lt;https://hooks.example.com/h&gt;/x`. Give a full address like `https://agents.example.com/baton`, or `none`.',
    ],
    [
      'update iris webhook:x<https://hooks.example.com/h>',
      'webhook',
      '`webhook:` is not a URL Baton can read: `x&lt;https://hooks.example.com/h&gt;`. Give a full address like `https://agents.example.com/baton`, or `none`.',
    ],
    ['add bob@acme skills:a', 'handle', '`/agent add` takes an agent handle like `iris` or `@iris` (lowercase letters, digits, `-` and `_`); got `bob@acme`.'],
    [
      `add iris skills:a ${'x'.repeat(50)}:1`,
      'x'.repeat(50),
      `\`/agent add\` has no option \`${'x'.repeat(40)}:\`. Allowed: \`skills:\`, \`channel:\`, \`user:\`, \`capacity:\`, \`escalates-to:\`, \`ack:\`, \`heartbeat:\`, \`hours:\`, \`tz:\`.`,
    ],
  ])('refuses %j', (input, field, message) => {
    expectInvalid(() => parseAgentCommand(input), field, message);
  });
});

describe('/ticket new, why, wait, resume, list and handoff: the rest of the grammar', () => {
  it.each<[string, TicketCommand]>([
    ['new dedup:alert-42 customer:acme Disk full on db1', { kind: 'new', handoff: [], context: { customer: 'acme' }, title: 'Disk full on db1', description: 'Disk full on db1', dedupKey: 'alert-42' }],
    ['new handoff:<@U1AB>,<@U2CD>,<@U1AB|x> x', { kind: 'new', handoff: [{ user: 'U1AB' }, { user: 'U2CD' }], context: {}, title: 'x', description: 'x' }],
    ['new handoff:"legal, ,finance" x', { kind: 'new', handoff: [{ handle: 'legal' }, { handle: 'finance' }], context: {}, title: 'x', description: 'x' }],
    ['why T-2026-001', { kind: 'why', key: 'T-2026-001' }],
    ['Why t-2026-001', { kind: 'why', key: 'T-2026-001' }],
    ['wait T-2026-001', { kind: 'wait', key: 'T-2026-001' }],
    ['wait t-2026-001 which invoice?\nthe one from May', { kind: 'wait', key: 'T-2026-001', question: 'which invoice?\nthe one from May' }],
    ['resume T-2026-001', { kind: 'resume', key: 'T-2026-001' }],
    ['RESUME t-2026-001  ', { kind: 'resume', key: 'T-2026-001' }],
    ['list page:12', { kind: 'list', filter: { kind: 'mine' }, page: 12 }],
    ['list page:1 iris', { kind: 'list', filter: { kind: 'agent', agent: { handle: 'iris' } } }],
    ['handoff T-2026-001 skill:Billing refund over 500', { kind: 'handoff', key: 'T-2026-001', agent: { skill: 'billing' }, note: 'refund over 500' }],
  ])('%j', (input, command) => {
    expect(parseTicketCommand(input)).toStrictEqual(command);
  });

  it('counts only context values, not the command’s own options, against the limit', () => {
    const context = Object.fromEntries(Array.from({ length: LIMITS.contextEntries }, (_, i) => [`k${i}`, 'v']));
    const opts = Object.keys(context).map((k) => `${k}:v`).join(' ');
    expect(parseTicketCommand(`new type:billing priority:high dedup:d1 ${opts} x`)).toMatchObject({ kind: 'new', type: 'billing', priority: 'high', dedupKey: 'd1', context });
  });

  const LIST_FILTERS = `\`/ticket list\` takes \`mine\`, \`intake\`, \`active\`, \`completed\` or ${AGENT_DESC}, then \`page:N\` if you like; got`;

  it.each<[string, string, string]>([
    ['new dedup:"two words" x', 'dedupKey', '`dedup:` must be 1–200 visible characters without spaces, like `dedup:disk-full-db1`; got `two words`.'],
    [`new dedup:${'d'.repeat(201)} x`, 'dedupKey', `\`dedup:\` must be 1–200 visible characters without spaces, like \`dedup:disk-full-db1\`; got \`${'d'.repeat(39)}…\`.`],
    ['why', 'key', '`/ticket why` needs a ticket key. Usage: `/ticket why KEY`, e.g. `/ticket why T-2026-001`.'],
    ['why T-2026-001 now', 'text', '`/ticket why` got unexpected text `now`. Usage: `/ticket why KEY`, e.g. `/ticket why T-2026-001`.'],
    ['wait', 'key', '`/ticket wait` needs a ticket key. Usage: `/ticket wait KEY [question]`, e.g. `/ticket wait T-2026-001 which invoice number?`.'],
    ['wait which invoice?', 'key', '`/ticket wait` takes a ticket key like `T-2026-001`; got `which`.'],
    [`wait T-2026-001 ${'q'.repeat(LIMITS.note + 1)}`, 'note', `The note is ${LIMITS.note + 1} characters long; the limit is ${LIMITS.note}.`],
    ['resume', 'key', '`/ticket resume` needs a ticket key. Usage: `/ticket resume KEY`, e.g. `/ticket resume T-2026-001`.'],
    ['resume T-2026-001 now', 'text', '`/ticket resume` got unexpected text `now`. Usage: `/ticket resume KEY`, e.g. `/ticket resume T-2026-001`.'],
    ['resume nope', 'key', '`/ticket resume` takes a ticket key like `T-2026-001`; got `nope`.'],
    ['list page:0', 'page', '`page:` takes a page number like `page:2`; got `0`.'],
    ['list page:x2', 'page', '`page:` takes a page number like `page:2`; got `x2`.'],
    ['list page:2x', 'page', '`page:` takes a page number like `page:2`; got `2x`.'],
    ['list page:12345', 'page', '`page:` takes a page number like `page:2`; got `12345`.'],
    ['list mypage:2', 'filter', `${LIST_FILTERS} \`mypage:2\`.`],
    ['assign T-2026-001 bob@acme', 'agent', `\`/ticket assign T-2026-001\` takes ${AGENT_DESC}; got \`bob@acme\`.`],
    [
      'handoff T-2026-001 skill:bad!',
      'agent',
      "`skill:` in `/ticket handoff T-2026-001` takes a ticket type like `billing` or `bug-report` (lowercase letters, digits, `-` and `_`); got `bad!`.",
    ],
    ['handoff T-2026-001 myskill:billing', 'agent', `\`/ticket handoff T-2026-001\` takes ${AGENT_DESC}; got \`myskill:billing\`.`],
  ])('refuses %j', (input, field, message) => {
    expectInvalid(() => parseTicketCommand(input), field, message);
  });
});

describe('values typed into forms and the API', () => {
  it('a handoff target given with spaces around it: a skill or an agent', () => {
    expect(parseHandoffTarget(' skill:Billing ')).toStrictEqual({ skill: 'billing' });
    expect(parseHandoffTarget(' @Iris ')).toStrictEqual({ handle: 'iris' });
    expectInvalid(
      () => parseHandoffTarget('skill:bad!'),
      'agent',
      "`skill:` takes a ticket type like `billing` or `bug-report` (lowercase letters, digits, `-` and `_`); got `bad!`.",
    );
  });

  it('a handle, a user or a priority given with spaces around it', () => {
    expect(parseHandle(' @Iris ')).toBe('iris');
    expect(parseUserRef(' <@U123ABC> ')).toBe('U123ABC');
    expect(parseUserRef(' none ')).toBeNull();
    expect(parsePriority(' High ')).toBe('high');
  });

  it('an `@` inside a handle is not a handle', () => {
    expectInvalid(() => parseHandle('ir@is'), 'handle', 'Expected an agent handle like `iris` or `@iris` (lowercase letters, digits, `-` and `_`); got `ir@is`.');
    expectInvalid(() => parseAgentRef('bob@acme'), 'agent', `Expected ${AGENT_DESC}; got \`bob@acme\`.`);
  });

  it('refusals without a named option start with what was expected', () => {
    expectInvalid(
      () => parseChannelRef('#support'),
      'channel',
      'The channel got `#support` as plain text, so Baton cannot tell which channel it is. Pick the channel from Slack’s suggestions as you type `#` so Slack sends it as a link, or give its ID like `C0123ABCD`.',
    );
    expectInvalid(
      () => parseUserRef('@bob'),
      'user',
      'The user got `@bob` as plain text, so Baton cannot tell which user it is. Pick the person from Slack’s suggestions as you type `@` so Slack sends a mention, or give their user ID like `U0123ABCD`.',
    );
    expectInvalid(() => parseTicketType('a'.repeat(41)), 'type', `A ticket type can be at most 40 characters long; \`${'a'.repeat(39)}…\` is 41.`);
    expectInvalid(() => parseTicketType(' bug! ', '`type:`'), 'type', '`type:` takes a ticket type like `billing` or `bug-report` (lowercase letters, digits, `-` and `_`); got `bug!`.');
  });

  it('splitting off the first word leaves nothing of empty text', () => {
    expect(takeWord('   ')).toStrictEqual({ word: undefined, rest: '' });
    expect(takeWord('  resolve  the fix ')).toStrictEqual({ word: 'resolve', rest: 'the fix ' });
  });
});
