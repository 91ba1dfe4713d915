// Mentions in text people read: known users become mentions, the rest stays text, with no empty pieces.
import { describe, expect, it } from 'vitest';
import { optionNames, AGENT_SPEC } from '../../src/core/commandSpec.js';
import { mentionParts, namedMentions } from '../../src/core/words.js';

describe('mentions', () => {
  it('when mentions open the text or follow each other, then no empty text piece is left between them', () => {
    expect(mentionParts('<@UANN><@UIRIS|iris> hi', ['UANN', 'UIRIS'])).toEqual([{ raw: '<@UANN>' }, { raw: '<@UIRIS>' }, ' hi']);
    expect(mentionParts('<@UANN>', ['UANN'])).toEqual([{ raw: '<@UANN>' }]);
  });

  it('when no names are known, then the text is left as it is', () => {
    expect(namedMentions('asked <@UANN> and <@UIRIS>', undefined)).toBe('asked <@UANN> and <@UIRIS>');
  });
});

describe('option names of a command', () => {
  it('when a subcommand takes no options, then it has no option names', () => {
    expect(optionNames(AGENT_SPEC.subcommands.list)).toEqual([]);
    expect(optionNames(AGENT_SPEC.subcommands.remove)).toEqual([]);
  });
});
