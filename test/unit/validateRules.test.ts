// The rules on user-supplied values, each at its limit and just past it, with the exact refusal and the field it names.
import { describe, expect, it } from 'vitest';
import { isDomainError } from '../../src/core/errors.js';
import type { AgentOptions } from '../../src/core/commands.js';
import {
  capacityText,
  charLength,
  checkA2aUrl,
  checkAgentOptions,
  checkContextEntry,
  checkDedupKey,
  checkHandle,
  checkLivenessSec,
  checkPacket,
  checkSkillCount,
  checkTicketType,
  checkWebhookUrl,
  cutText,
  isCapacity,
  MAX_LIVENESS_SEC,
  requireChange,
  requireSkills,
  UNLIMITED_CAPACITY,
  validateText,
} from '../../src/core/validate.js';

/** The refusal `f` throws: its code, message and field. */
function refusal(f: () => unknown): { code: string; message: string; field: string | undefined } {
  try {
    f();
  } catch (e) {
    if (isDomainError(e)) return { code: e.code, message: e.message, field: e.field };
    throw e;
  }
  throw new Error('expected a refusal, got none');
}

const refused = (message: string, field: string) => ({ code: 'invalid_input', message, field });

const EMOJI = '😀';

describe('lengths and cutting', () => {
  it('an emoji counts as one character', () => {
    expect(charLength(`a${EMOJI}b`)).toBe(3);
  });

  it('when a value is within the limit, then it is kept; one over, it is cut and ends with …', () => {
    expect(cutText('abc', 3)).toBe('abc');
    expect(cutText('abcd', 3)).toBe('ab…');
  });

  it('when emoji make the text longer in code units but not in characters, then it is kept whole; otherwise no emoji is split', () => {
    expect(cutText(EMOJI.repeat(3), 3)).toBe(EMOJI.repeat(3));
    expect(cutText(EMOJI.repeat(3), 2)).toBe(`${EMOJI}…`);
  });
});

describe('validateText', () => {
  it('when an optional value is missing or blank, then it is accepted', () => {
    expect(() => validateText(undefined, 'title', 200)).not.toThrow();
    expect(() => validateText(null, 'title', 200)).not.toThrow();
    expect(() => validateText('   ', 'title', 200)).not.toThrow();
  });

  it('when a required value is missing or blank, then it is refused as empty', () => {
    for (const value of [undefined, null, '', ' \n\t ']) {
      expect(refusal(() => validateText(value, 'title', 200, { required: true }))).toEqual(refused('The title is empty; it is required.', 'title'));
    }
  });

  it('when a value holds a NUL character, then it is refused', () => {
    expect(refusal(() => validateText('a\u0000b', 'note', 2000))).toEqual(refused("The note contains a NUL character, which can't be stored.", 'note'));
  });

  it('when a value is exactly at the limit, then it is accepted (emoji counted as one); one over, refused with its length and the hint', () => {
    expect(() => validateText('x'.repeat(200), 'title', 200, { required: true })).not.toThrow();
    expect(() => validateText(EMOJI.repeat(200), 'title', 200)).not.toThrow();
    expect(refusal(() => validateText('x'.repeat(201), 'title', 200))).toEqual(refused('The title is 201 characters long; the limit is 200.', 'title'));
    expect(refusal(() => validateText('x'.repeat(201), 'title', 200, { hint: 'Put the rest in the description.' }))).toEqual(
      refused('The title is 201 characters long; the limit is 200. Put the rest in the description.', 'title'),
    );
  });

  it('when a label is given, then the refusal names the value by it and still reports the field', () => {
    expect(refusal(() => validateText('', 'reason', 200, { required: true, label: 'busy reason' }))).toEqual(refused('The busy reason is empty; it is required.', 'reason'));
  });
});

describe('handles', () => {
  it.each(['iris', 'a', '-x', 'ops_2-b', 'h'.repeat(32)])('`%s` is a valid handle', (h) => {
    expect(() => checkHandle(h)).not.toThrow();
  });

  it.each(['Iris', '', 'iris bot', '@iris', 'h'.repeat(33)])('`%s` is refused as a handle', (h) => {
    expect(refusal(() => checkHandle(h))).toEqual(refused(`\`${h}\` is not a valid handle: lowercase letters, digits, \`-\` and \`_\`, at most 32 characters.`, 'handle'));
  });

  it('when a refused handle is long, then only its first 40 characters are shown', () => {
    expect(refusal(() => checkHandle('h'.repeat(60))).message).toBe(`\`${'h'.repeat(40)}\` is not a valid handle: lowercase letters, digits, \`-\` and \`_\`, at most 32 characters.`);
  });
});

describe('ticket types', () => {
  it.each(['billing', 'a', '9x', 'a-', 'a_b', 't'.repeat(40)])('`%s` is a valid ticket type', (t) => {
    expect(() => checkTicketType(t)).not.toThrow();
  });

  it.each(['-x', '_x', 'Billing', '', 'bill ing'])('`%s` is refused as a ticket type', (t) => {
    expect(refusal(() => checkTicketType(t))).toEqual(refused(`\`type:\` must be lowercase letters, digits, \`-\` and \`_\`; got \`${t}\`.`, 'type'));
  });

  it('when a type is 41 characters, then it is refused, showing its first 40', () => {
    expect(refusal(() => checkTicketType('t'.repeat(41)))).toEqual(refused(`\`type:\` must be lowercase letters, digits, \`-\` and \`_\`; got \`${'t'.repeat(40)}\`.`, 'type'));
  });
});

describe('duplicate keys', () => {
  it.each(['disk-full-db1', '!', '~', 'café', 'k'.repeat(200)])('`%s` is a valid duplicate key', (k) => {
    expect(() => checkDedupKey(k)).not.toThrow();
  });

  it.each([
    { key: '', shown: 'nothing' },
    { key: 'k'.repeat(201), shown: `\`${'k'.repeat(39)}…\`` },
    { key: 'disk full', shown: '`disk full`' },
    { key: ' disk', shown: '` disk`' },
    { key: 'disk ', shown: '`disk `' },
    { key: 'a\u007fb', shown: '`a\u007fb`' },
  ])('`$key` is refused as a duplicate key', ({ key, shown }) => {
    expect(refusal(() => checkDedupKey(key))).toEqual(
      refused(`\`dedup:\` must be 1–200 visible characters without spaces, like \`dedup:disk-full-db1\`; got ${shown}.`, 'dedupKey'),
    );
  });

  it('when the caller names the value, then the refusal uses that name', () => {
    expect(refusal(() => checkDedupKey('a b', '`dedupKey`')).message).toBe(
      '`dedupKey` must be 1–200 visible characters without spaces, like `dedup:disk-full-db1`; got `a b`.',
    );
  });
});

describe('agent options: skills, capacity, liveness, webhook', () => {
  const types = (n: number) => Array.from({ length: n }, (_, i) => `type${i}`);

  it('when an agent has 20 skills, then it is accepted; 21 are refused', () => {
    expect(() => checkSkillCount(20)).not.toThrow();
    expect(() => checkAgentOptions({ skills: types(20) })).not.toThrow();
    expect(refusal(() => checkSkillCount(21))).toEqual(refused('An agent can have at most 20 skills; `skills:` lists 21.', 'skills'));
    expect(refusal(() => checkAgentOptions({ skills: types(21) }))).toEqual(refused('An agent can have at most 20 skills; `skills:` lists 21.', 'skills'));
  });

  it('when the skills list is empty, then it is refused with an example', () => {
    expect(refusal(() => checkAgentOptions({ skills: [] }))).toEqual(refused('`skills:` needs at least one ticket type, e.g. `skills:billing,support`.', 'skills'));
  });

  it('when a skill is not a ticket type, then that skill is named', () => {
    expect(refusal(() => checkAgentOptions({ skills: ['billing', 'Refunds'] }))).toEqual(
      refused('`Refunds` is not a ticket type: use lowercase letters, digits, `-` and `_`.', 'skills'),
    );
    expect(refusal(() => checkAgentOptions({ skills: ['-'.repeat(50)] })).message).toBe(
      `\`${'-'.repeat(40)}\` is not a ticket type: use lowercase letters, digits, \`-\` and \`_\`.`,
    );
  });

  it('when no option is given, then there is nothing to refuse', () => {
    expect(() => checkAgentOptions({})).not.toThrow();
    expect(() => checkAgentOptions({ ackAfterSec: null, heartbeatSec: null, webhook: null })).not.toThrow();
  });

  it.each([1, 100_000, UNLIMITED_CAPACITY])('capacity %d is accepted', (capacity) => {
    expect(isCapacity(capacity)).toBe(true);
    expect(() => checkAgentOptions({ capacity })).not.toThrow();
  });

  it.each([0, -1, 100_001, 2.5, UNLIMITED_CAPACITY - 1])('capacity %d is refused', (capacity) => {
    expect(isCapacity(capacity)).toBe(false);
    expect(refusal(() => checkAgentOptions({ capacity }))).toEqual(
      refused(`\`capacity:\` must be a whole number from 1 to 100000, or \`unlimited\`; got \`${capacity}\`.`, 'capacity'),
    );
  });

  it('a capacity reads as its number, or unlimited for the largest one', () => {
    expect(capacityText(5)).toBe('5');
    expect(capacityText(UNLIMITED_CAPACITY - 1)).toBe('2147483646');
    expect(capacityText(UNLIMITED_CAPACITY)).toBe('unlimited');
  });

  it('the longest ack and heartbeat is 7 days', () => {
    expect(MAX_LIVENESS_SEC).toBe(604_800);
  });

  it.each([undefined, null, 1, 604_800])('ack and heartbeat of %s are accepted', (sec) => {
    expect(() => checkLivenessSec(sec, 'ack')).not.toThrow();
    expect(() => checkAgentOptions({ ackAfterSec: sec, heartbeatSec: sec })).not.toThrow();
  });

  it.each([0, -5, 604_801, 1.5, Number.NaN])('ack and heartbeat of %s are refused, naming the option', (sec) => {
    expect(refusal(() => checkLivenessSec(sec, 'ack'))).toEqual(refused(`\`ack:\` takes a duration from \`1s\` to \`7d\`, or \`none\`; got \`${sec}\` seconds.`, 'ack'));
    expect(refusal(() => checkAgentOptions({ ackAfterSec: sec }))).toEqual(refused(`\`ack:\` takes a duration from \`1s\` to \`7d\`, or \`none\`; got \`${sec}\` seconds.`, 'ack'));
    expect(refusal(() => checkAgentOptions({ heartbeatSec: sec }))).toEqual(
      refused(`\`heartbeat:\` takes a duration from \`1s\` to \`7d\`, or \`none\`; got \`${sec}\` seconds.`, 'heartbeat'),
    );
  });

  it('when a webhook is set with the options, then it is checked; removing it (null) is not', () => {
    expect(() => checkAgentOptions({ webhook: 'https://agents.example.com/baton' })).not.toThrow();
    expect(refusal(() => checkAgentOptions({ webhook: 'ftp://files.example.com' })).field).toBe('webhook');
  });
});

describe('webhook URLs', () => {
  const EXAMPLE = 'a full address like `https://agents.example.com/baton`, or `none`';

  it.each(['https://agents.example.com/baton', 'http://localhost:8080/hook', 'http://10.0.0.5/x'])('`%s` is accepted (loopback and private addresses too)', (url) => {
    expect(() => checkWebhookUrl(url)).not.toThrow();
  });

  it('when a URL is 2000 characters, then it is accepted; 2001 are refused', () => {
    const base = 'https://a.example.com/';
    expect(() => checkWebhookUrl(base + 'p'.repeat(2000 - base.length))).not.toThrow();
    expect(refusal(() => checkWebhookUrl(base + 'p'.repeat(2001 - base.length)))).toEqual(refused('`webhook:` is 2001 characters long; the limit is 2000.', 'webhook'));
  });

  it('when a URL holds a space or a line break, then it is refused as such, even where a URL parser would accept it', () => {
    expect(refusal(() => checkWebhookUrl('https://a.example.com/a b'))).toEqual(refused(`\`webhook:\` contains a space; give ${EXAMPLE}. Got \`https://a.example.com/a b\`.`, 'webhook'));
    expect(refusal(() => checkWebhookUrl('https://a.example.com/\nx')).message).toBe(`\`webhook:\` contains a space; give ${EXAMPLE}. Got \`https://a.example.com/ x\`.`);
  });

  it('when a value is not a URL, then it is refused with an example', () => {
    expect(refusal(() => checkWebhookUrl('agents.example.com'))).toEqual(refused(`\`webhook:\` is not a URL Baton can read: \`agents.example.com\`. Give ${EXAMPLE}.`, 'webhook'));
  });

  it.each(['http://', 'https://:8080/hook', 'http://@/'])('when `%s` has no host, then it is refused as unreadable', (url) => {
    expect(refusal(() => checkWebhookUrl(url))).toEqual(refused(`\`webhook:\` is not a URL Baton can read: \`${url}\`. Give ${EXAMPLE}.`, 'webhook'));
  });

  it('when a URL is not http or https, then its scheme is named', () => {
    expect(refusal(() => checkWebhookUrl('ftp://files.example.com'))).toEqual(
      refused('`webhook:` must be an http:// or https:// URL; `ftp:` is not allowed. Got `ftp://files.example.com`.', 'webhook'),
    );
  });

  it('when the caller names the value, then the refusal uses that name', () => {
    expect(refusal(() => checkWebhookUrl('nope', '`webhookUrl`')).message).toBe(`\`webhookUrl\` is not a URL Baton can read: \`nope\`. Give ${EXAMPLE}.`);
  });
});

describe('adding and updating agents', () => {
  it('when an agent is added without skills, then it is refused with an example using its handle', () => {
    expect(refusal(() => requireSkills('iris', undefined))).toEqual(
      refused('`/agent add` needs `skills:` (the ticket types the agent takes), e.g. `/agent add iris skills:billing,refunds`.', 'skills'),
    );
    expect(() => requireSkills('iris', ['billing'])).not.toThrow();
  });

  it('when an update changes nothing, then it is refused with every option it could change', () => {
    expect(refusal(() => requireChange('iris', {}))).toEqual(
      refused(
        '`/agent update iris` needs at least one option to change: `skills:`, `channel:`, `user:`, `capacity:`, `escalates-to:`, `ack:`, `heartbeat:`, `hours:`, `tz:`, `webhook:`, `a2a:`.',
        'options',
      ),
    );
  });

  const changes: Array<[string, AgentOptions]> = [
    ['skills', { skills: ['billing'] }],
    ['channel', { channel: 'C0123' }],
    ['user cleared', { user: null }],
    ['capacity', { capacity: 8 }],
    ['escalates-to cleared', { escalatesTo: null }],
    ['ack cleared', { ackAfterSec: null }],
    ['heartbeat cleared', { heartbeatSec: null }],
    ['hours cleared', { hours: null }],
    ['time zone', { timeZone: 'Europe/Paris' }],
    ['webhook removed', { webhook: null }],
    ['a2a cleared', { a2a: null }],
  ];
  it.each(changes)('when an update changes only its %s, then it is a change', (_, o) => {
    expect(() => requireChange('iris', o)).not.toThrow();
  });
});

describe('A2A URLs', () => {
  it('when a URL is accepted, then it is returned normalised, without trailing slashes', () => {
    expect(checkA2aUrl('https://agent.example.com')).toBe('https://agent.example.com');
    expect(checkA2aUrl('https://agent.example.com/')).toBe('https://agent.example.com');
    expect(checkA2aUrl('http://localhost:9000/a2a//')).toBe('http://localhost:9000/a2a');
    expect(checkA2aUrl('HTTPS://Agent.Example.com/x')).toBe('https://agent.example.com/x');
  });

  it('when a URL is 2000 characters, then it is accepted; 2001 are refused', () => {
    const base = 'https://agent.example.com/';
    expect(checkA2aUrl(base + 'p'.repeat(2000 - base.length))).toHaveLength(2000);
    expect(refusal(() => checkA2aUrl(base + 'p'.repeat(2001 - base.length)))).toEqual(refused('`a2a:` takes a URL of at most 2000 characters; got one of 2001.', 'a2a'));
  });

  it('when a value is not a URL, then it is refused with an example, shown cut to 80 characters', () => {
    expect(refusal(() => checkA2aUrl('agent.example.com'))).toEqual(
      refused("`a2a:` takes the agent's http(s) URL, like `a2a:https://agent.example.com`, or `none`; `agent.example.com` is not a URL.", 'a2a'),
    );
    expect(refusal(() => checkA2aUrl('x'.repeat(100))).message).toBe(
      `\`a2a:\` takes the agent's http(s) URL, like \`a2a:https://agent.example.com\`, or \`none\`; \`${'x'.repeat(79)}…\` is not a URL.`,
    );
  });

  it('when a URL is not http or https, then its scheme is named', () => {
    expect(refusal(() => checkA2aUrl('ftp://agent.example.com'))).toEqual(refused('`a2a:` takes an http or https URL; `ftp://agent.example.com` is ftp.', 'a2a'));
  });

  it.each(['https://bot@agent.example.com', 'https://:secret@agent.example.com', 'https://bot:secret@agent.example.com'])(
    'when `%s` carries credentials, then it is refused',
    (url) => {
      expect(refusal(() => checkA2aUrl(url))).toEqual(refused('`a2a:` takes a URL without a user name or password in it.', 'a2a'));
    },
  );
});

describe('ticket context', () => {
  it('when a name is 40 characters and a value 200 (emoji counted as one), then the entry is accepted', () => {
    expect(() => checkContextEntry('k'.repeat(40), 'v'.repeat(200))).not.toThrow();
    expect(() => checkContextEntry('order', EMOJI.repeat(200))).not.toThrow();
  });

  it.each(['', '   '])('when the name is `%s`, then it is refused as empty', (name) => {
    expect(refusal(() => checkContextEntry(name, '42'))).toEqual(refused('A context name is empty; it is required.', 'context'));
  });

  it('when the name holds a NUL character, then it is refused', () => {
    expect(refusal(() => checkContextEntry('or\u0000der', '42'))).toEqual(refused("Context name `or\u0000der` contains a NUL character, which can't be stored.", 'context'));
  });

  it('when the name is 41 characters, then it is refused with its length', () => {
    expect(refusal(() => checkContextEntry('k'.repeat(41), '42'))).toEqual(refused(`Context name \`${'k'.repeat(39)}…\` is 41 characters long; the limit is 40.`, 'context'));
  });

  it.each(['', ' \t '])('when the value is `%s`, then it is refused as empty, naming the entry', (value) => {
    expect(refusal(() => checkContextEntry('order', value))).toEqual(refused('Context value of `order:` is empty; it is required.', 'context'));
  });

  it('when a name of 40 characters holds emoji, then a refusal of its value names it whole, never half an emoji', () => {
    const name = `${EMOJI.repeat(25)}${'k'.repeat(15)}`;
    expect(refusal(() => checkContextEntry(name, ''))).toEqual(refused(`Context value of \`${name}:\` is empty; it is required.`, 'context'));
  });

  it('when the value holds a NUL character, then it is refused', () => {
    expect(refusal(() => checkContextEntry('order', '4\u00002'))).toEqual(refused("Context value of `order:` contains a NUL character, which can't be stored.", 'context'));
  });

  it('when the value is 201 characters, then it is refused with its length', () => {
    expect(refusal(() => checkContextEntry('order', 'v'.repeat(201)))).toEqual(refused('Context value of `order:` is 201 characters long; the limit is 200.', 'context'));
  });
});

describe('handoff packets', () => {
  const items = (n: number, len = 10) => Array.from({ length: n }, (_, i) => `${i}`.padEnd(len, 'x'));
  const links = (n: number) => Array.from({ length: n }, (_, i) => `${i % 2 ? 'http' : 'https'}://docs.example.com/${i}`);

  it('when a packet is empty, then it is accepted', () => {
    expect(() => checkPacket({})).not.toThrow();
  });

  it('when every part is at its limit, then the packet is accepted', () => {
    const longLink = 'https://docs.example.com/' + 'p'.repeat(2000 - 25);
    expect(longLink).toHaveLength(2000);
    expect(() =>
      checkPacket({ summary: 's'.repeat(2000), done: items(20, 500), open_questions: items(20, 500), acceptance_criteria: items(20, 500), links: [...links(9), longLink] }),
    ).not.toThrow();
  });

  it('when the summary is 2001 characters, then it is refused', () => {
    expect(refusal(() => checkPacket({ summary: 's'.repeat(2001) }))).toEqual(refused('The summary is 2001 characters long; the limit is 2000.', 'summary'));
  });

  it.each([
    { field: 'done', label: 'what is done' },
    { field: 'open_questions', label: 'open questions' },
    { field: 'acceptance_criteria', label: 'acceptance criteria' },
  ] as const)('when the $label list has 21 items or an item of 501 characters, then it is refused naming the list and the item', ({ field, label }) => {
    expect(refusal(() => checkPacket({ [field]: items(21) }))).toEqual(refused(`The ${label} list has 21 items; the limit is 20.`, field));
    expect(refusal(() => checkPacket({ [field]: ['fine', 'x'.repeat(501)] }))).toEqual(refused(`The ${label} item 2 is 501 characters long; the limit is 500.`, field));
  });

  it('when a packet has 11 links, then it is refused', () => {
    expect(refusal(() => checkPacket({ links: links(11) }))).toEqual(refused('The packet has 11 links; the limit is 10.', 'links'));
  });

  it.each([
    { link: 'not a url', shown: '`not a url`' },
    { link: 'ftp://files.example.com/a', shown: '`ftp://files.example.com/a`' },
    { link: 'xhttp://docs.example.com/a', shown: '`xhttp://docs.example.com/a`' },
    { link: `https://docs.example.com/${'p'.repeat(2001 - 25)}`, shown: '`https://docs.example.com/pppppppppppppp…`' },
  ])('when a link is $shown, then it is refused as not an http(s) URL', ({ link, shown }) => {
    expect(refusal(() => checkPacket({ links: ['https://docs.example.com/ok', link] }))).toEqual(
      refused(`The link ${shown} is not an http(s) URL (one link per line, at most 2000 characters).`, 'links'),
    );
  });
});
