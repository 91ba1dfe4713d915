// Refusals that quote a subcommand's usage line from the command spec.
import { usageLine, type SubcommandSpec } from '../commandSpec.js';
import { invalid } from '../errors.js';
import { quoteValue } from '../validate.js';

export function usageRefusals<Sub extends string>(command: string, subcommands: Readonly<Record<Sub, SubcommandSpec>>) {
  const usage = (sub: Sub) => `Usage: ${usageLine(subcommands[sub])}.`;
  return {
    usage,
    /** `/ticket show` needs a ticket key. */
    missing: (sub: Sub, what: string, field: string) => invalid(`\`/${command} ${sub}\` needs ${what}. ${usage(sub)}`, field),
    /** Text after the last argument a subcommand takes. */
    unexpected: (sub: Sub, rest: string) => invalid(`\`/${command} ${sub}\` got unexpected text ${quoteValue(rest)}. ${usage(sub)}`, 'text'),
  };
}
