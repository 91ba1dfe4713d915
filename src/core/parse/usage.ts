// Refusals that quote a subcommand's usage line from the command spec.
import { usageLine, type SubcommandSpec } from '../commandSpec.js';
import { invalid } from '../errors.js';
import { quoteValue } from '../validate.js';
import { takeWord } from './text.js';

export function usageRefusals<Sub extends string>(command: string, subcommands: Readonly<Record<Sub, SubcommandSpec>>) {
  const usage = (sub: Sub) => `Usage: ${usageLine(subcommands[sub])}.`;
  /** `/ticket show` needs a ticket key. */
  const missing = (sub: Sub, what: string, field: string) => invalid(`\`/${command} ${sub}\` needs ${what}. ${usage(sub)}`, field);
  /** Text after the last argument a subcommand takes. */
  const unexpected = (sub: Sub, rest: string) => invalid(`\`/${command} ${sub}\` got unexpected text ${quoteValue(rest)}. ${usage(sub)}`, 'text');
  return {
    usage,
    missing,
    unexpected,
    /** The one word a subcommand takes (`/ticket show KEY`), read by `read`; a missing or extra word is refused. */
    onlyWord: <T>(sub: Sub, rest: string, what: string, field: string, read: (word: string, where: string) => T): T => {
      const a = takeWord(rest);
      if (a.word === undefined) throw missing(sub, what, field);
      if (a.rest !== '') throw unexpected(sub, a.rest);
      return read(a.word, `\`/${command} ${sub}\``);
    },
  };
}
