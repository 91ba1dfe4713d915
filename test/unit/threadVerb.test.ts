// A reply in a ticket's thread that mentions Baton: `@baton resolve …`, `accept`, `handoff`, `wait`, `decline`;
// a bare mention or `help` gets the list of verbs, an unknown verb the closest one.
import { describe, expect, it } from 'vitest';
import { closestThreadVerb, parseThreadVerb, stripBotMention, threadVerbHelp } from '../../src/core/parse/index.js';
import type { ThreadVerb } from '../../src/core/commands.js';
import { err } from '../support/refusal.js';


const LIST = [
  '• `@Baton accept` — you are on it',
  '• `@Baton status` — the ticket and its audit trail, shown only to you',
  '• `@Baton escalate [note]` — pass it up the escalation chain',
  '• `@Baton handoff HANDLE|skill:TYPE [note]` — hand part of the work to another agent, or to whoever has a skill',
  '• `@Baton resolve [note]` — complete it and tell the requester',
  '• `@Baton decline REASON` — give back a ticket handed off to you, saying why',
  '• `@Baton wait [question]` — ask the requester; the escalation clock stops until they reply',
  '• `@Baton resume` — start the escalation clock again',
  '• `@Baton help` — this list',
].join('\n');
const FOOTER = 'Replies that do not start with a mention of Baton go into the audit trail as comments.';
const HELP = `Mention Baton in a ticket's thread with one of these verbs:\n${LIST}\n${FOOTER}`;
const unknown = (head: string) => `${head} Nothing was done or recorded.\nThe verbs it knows:\n${LIST}\n${FOOTER}`;

describe('parseThreadVerb', () => {
  it.each<[string, ThreadVerb | null]>([
    ['wait', { kind: 'wait' }],
    ['Wait.', { kind: 'wait' }],
    ['wait which invoice number?', { kind: 'wait', question: 'which invoice number?' }],
    ['wait: is it the EU account\nor the US one?', { kind: 'wait', question: 'is it the EU account\nor the US one?' }],
    ['resume', { kind: 'resume' }],
    ['Resume!', { kind: 'resume' }],
    ['decline I have no access to the billing system', { kind: 'decline', reason: 'I have no access to the billing system' }],
    ['resolve!!', { kind: 'resolve' }],
    ['Accept?!', { kind: 'accept' }],
    ['status...', { kind: 'status' }],
    ['handoff skill:billing refund over 500', { kind: 'handoff', agent: { skill: 'billing' }, note: 'refund over 500' }],
    ['handoff Skill:Legal', { kind: 'handoff', agent: { skill: 'legal' } }],
    ['!resolve', null],
    ['re.solve', null],
    ['help', null],
  ])('%j → %j', (input, verb) => {
    expect(parseThreadVerb(input)).toStrictEqual(verb);
  });

  it.each(['decline', 'decline   ', 'decline.'])('refuses %j: a decline says why', (input) => {
    const e = err(() => parseThreadVerb(input));
    expect(e.code).toBe('invalid_input');
    expect(e.field).toBe('reason');
    expect(e.message).toBe('`decline` needs a reason, e.g. `decline I have no access to the billing system`.');
  });

  it('refuses a handoff to a skill that is not a ticket type, naming the verb', () => {
    const e = err(() => parseThreadVerb('handoff skill:bad! now'));
    expect(e.field).toBe('agent');
    expect(e.message).toBe("`skill:` in `handoff` takes a ticket type like `billing` or `bug-report` (lowercase letters, digits, `-` and `_`); got `bad!`.");
  });

  it('a bare mention leaves nothing to parse', () => {
    expect(stripBotMention('<@UBATON|baton>  ', 'UBATON')).toBe('');
    expect(parseThreadVerb('')).toBeNull();
  });
});

describe('closestThreadVerb', () => {
  it.each<[string, string | null]>([
    // a swap of two letters is one slip
    ['wiat', 'wait'],
    ['hepl', 'help'],
    ['reslove', 'resolve'],
    ['hadnoff', 'handoff'],
    ['statsu', 'status'],
    // up to a third of the verb's letters may be off
    ['accepted', 'accept'],
    ['reaccept', 'accept'],
    ['rezolvee', 'resolve'],
    ['deescalate', 'escalate'],
    // a prefix of three letters or more is enough; the first verb in the list wins a tie
    ['res', 'resolve'],
    ['resu', 'resume'],
    ['dec', 'decline'],
    // two letters changed side by side are two slips
    ['resmve', 'resolve'],
    ['resoue', 'resolve'],
    // too far from every verb
    ['re', null],
    ['ac', null],
    ['wiatx', null],
    ['rewait', null],
    ['unwait', null],
    ['autoresolve', null],
    ['preaccept', null],
    ['pause', null],
    ['cancel', null],
    ['eclatate', null],
    ['123', null],
    ['', null],
  ])('%j → %j', (word, verb) => {
    expect(closestThreadVerb(word)).toBe(verb);
  });
});

describe('threadVerbHelp', () => {
  it('a bare mention or `help` gets the verbs, one a line, and what other replies do', () => {
    expect(threadVerbHelp('')).toBe(HELP);
    expect(threadVerbHelp('help')).toBe(HELP);
    expect(threadVerbHelp('Help?')).toBe(HELP);
    expect(threadVerbHelp('help!! what can you do')).toBe(HELP);
    expect(threadVerbHelp('?')).toBe(HELP);
  });

  it('an unknown verb is named, with the closest one, and nothing is done', () => {
    expect(threadVerbHelp('resolv it')).toBe(unknown("Baton doesn't know the verb `resolv` — did you mean `resolve`?"));
    expect(threadVerbHelp('!help')).toBe(unknown("Baton doesn't know the verb `!help` — did you mean `help`?"));
  });

  it('an unknown verb with nothing close is named alone', () => {
    expect(threadVerbHelp('thanks!')).toBe(unknown("Baton doesn't know the verb `thanks!`."));
  });
});
