// The pure pieces of what people read: thread verbs and their help, file-only intake messages, action words and plurals.
import { describe, expect, it } from 'vitest';
import { closestThreadVerb, intakeTicketText, parseThreadVerb, THREAD_VERBS, threadVerbHelp } from '../../src/core/parse/index.js';
import { actionWord, mentionParts, namedMentions, plural } from '../../src/core/words.js';

describe('thread verbs (item 8)', () => {
  it('item 8: every verb in the one list is understood by the parser, except help, which is answered with the list', () => {
    for (const { verb } of THREAD_VERBS) {
      const withArgument: Record<string, string> = { handoff: 'handoff iris', decline: 'decline no access to billing' };
      const parsed = parseThreadVerb(withArgument[verb] ?? verb);
      if (verb === 'help') expect(parsed).toBeNull();
      else expect(parsed?.kind).toBe(verb);
    }
  });

  it('item 8: the closest verb is suggested for typos and prefixes, none for unrelated words', () => {
    expect(closestThreadVerb('resolv')).toBe('resolve');
    expect(closestThreadVerb('Resolved')).toBe('resolve');
    expect(closestThreadVerb('acept')).toBe('accept');
    expect(closestThreadVerb('hand-off')).toBe('handoff');
    expect(closestThreadVerb('esc')).toBe('escalate');
    expect(closestThreadVerb('stauts')).toBe('status');
    expect(closestThreadVerb('assign')).toBeNull();
    expect(closestThreadVerb('thanks')).toBeNull();
  });

  it('item 8: the help names what was not understood, escaped, and lists every verb', () => {
    const typo = threadVerbHelp('resolv <!channel> it');
    expect(typo).toContain("doesn't know the verb `resolv`");
    expect(typo).toContain('did you mean `resolve`?');
    for (const { usage } of THREAD_VERBS) expect(typo).toContain(`\`@Baton ${usage}\``);
    expect(threadVerbHelp('<!channel>')).toContain('`&lt;!channel&gt;`');
    expect(threadVerbHelp('')).toContain('one of these verbs');
    expect(threadVerbHelp('HELP')).not.toContain("doesn't know");
  });
});

describe('file-only intake messages (item 9)', () => {
  it('item 9: a message with files and no text is filed with the first file’s title, else its name', () => {
    expect(intakeTicketText('', undefined, [{ name: 'a.png', title: 'Broken checkout' }, { name: 'log.txt' }])).toEqual({
      title: 'Broken checkout',
      description: 'Filed from a message with 2 files and no text:\n• Broken checkout\n• log.txt',
    });
    expect(intakeTicketText('  ', undefined, [{ name: 'error.png', title: '' }])?.title).toBe('error.png');
    expect(intakeTicketText('', undefined, [{}])).toBeNull();
    expect(intakeTicketText('')).toBeNull();
    expect(intakeTicketText('Text wins', undefined, [{ name: 'x.png' }])?.title).toBe('Text wins');
    expect(intakeTicketText('', undefined, [{ name: `${'n'.repeat(300)}.png` }])!.title.length).toBeLessThanOrEqual(200);
  });
});

describe('words people read (item 11)', () => {
  it('item 11: audit actions read as words', () => {
    expect(actionWord('escalation_exhausted')).toBe('chain exhausted');
    expect(actionWord('taken_over')).toBe('taken over');
    expect(actionWord('filed_handoff')).toBe('filed as a handoff');
    expect(actionWord('child_resolved')).toBe('handoff resolved');
    expect(actionWord('handed_off')).toBe('handed off');
    expect(actionWord('some_new_action')).toBe('some new action');
  });

  it('item 11: plurals agree with their count', () => {
    expect(plural(1, 'held ticket')).toBe('1 held ticket');
    expect(plural(2, 'held ticket')).toBe('2 held tickets');
    expect(plural(0, 'entry', 'entries')).toBe('0 entries');
  });

  it('item 11: only mentions of known users become mentions; others stay text', () => {
    expect(mentionParts('assigned by <@UADMIN>', ['UADMIN'])).toEqual(['assigned by ', { raw: '<@UADMIN>' }]);
    expect(mentionParts('hi <@UADMIN|admin> and <@U999|mallory>', ['UADMIN'])).toEqual(['hi ', { raw: '<@UADMIN>' }, ' and <@U999|mallory>']);
    expect(mentionParts('no mentions', ['UADMIN'])).toEqual(['no mentions']);
    expect(namedMentions('assigned by <@UIRIS>, not <@UX>', new Map([['UIRIS', 'iris']]))).toBe('assigned by @iris, not <@UX>');
  });
});
