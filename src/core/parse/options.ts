// Leading `name:value` options of a command's text.
import { optionList } from '../commandSpec.js';
import { invalid } from '../errors.js';
import { isSpace } from './text.js';

export interface OptionToken {
  /** Lowercased option name. */
  name: string;
  /** The value, unquoted and trimmed; never empty. */
  value: string;
}

export interface Tokenized {
  /** Leading `name:value` options, in order; names are unique. */
  options: OptionToken[];
  /** The free text from the first token that is not an option, verbatim (trimmed at the end). */
  rest: string;
}

const OPTION_NAME = /([A-Za-z][A-Za-z0-9_-]*):/y;
const OPEN_QUOTES = new Set(['"', '“']);
const CLOSE_QUOTES = new Set(['"', '”']);

/**
 * Splits leading `name:value` options from the free text. A value may be double-quoted (straight
 * or curly quotes) to include spaces: `customer:"Acme Inc"`. A token whose name part is not a
 * valid name (`10:30`, `:tada:`) or whose value starts with `//` (`https://…`) is not an option
 * and starts the free text. Unclosed quotes and repeated names are refused.
 *
 * `name:` with nothing after the colon (`type: billing`, `Re: hello`) is refused as an empty value
 * when `name` is one of `known` (the command's own options), and otherwise starts the free text,
 * so a title like `Re: hello` or `Note: call back` stays a title. Without `known`, every name
 * counts as known. An explicitly quoted empty value (`name:""`) is always refused.
 */
export function tokenizeOptions(text: string, known?: Iterable<string>): Tokenized {
  const knownNames = known === undefined ? null : new Set([...known].map((n) => n.toLowerCase()));
  const options: OptionToken[] = [];
  const seen = new Set<string>();
  let i = 0;
  for (;;) {
    while (isSpace(text[i])) i++;
    if (i >= text.length) break;
    OPTION_NAME.lastIndex = i;
    const m = OPTION_NAME.exec(text);
    if (!m) break;
    let j = i + m[0].length;
    if (text.startsWith('//', j)) break; // a URL such as https://example.com
    const name = m[1]!.toLowerCase();
    const label = '`' + name + ':`';
    let value: string;
    const first = text[j];
    if ((first === undefined || isSpace(first)) && knownNames !== null && !knownNames.has(name)) break; // `Re: hello`
    if (first !== undefined && OPEN_QUOTES.has(first)) {
      let k = j + 1;
      while (k < text.length && !CLOSE_QUOTES.has(text[k]!) && text[k] !== '\n') k++;
      if (k >= text.length || text[k] === '\n') {
        throw invalid(`Option ${label} opens a quote (\`"\`) that is not closed on the same line.`, name);
      }
      value = text.slice(j + 1, k);
      j = k + 1;
      if (j < text.length && !isSpace(text[j])) {
        throw invalid(`Option ${label} has text right after its closing quote; put a space after it.`, name);
      }
    } else {
      let k = j;
      while (k < text.length && !isSpace(text[k])) k++;
      value = text.slice(j, k);
      j = k;
    }
    value = value.trim();
    if (value === '') {
      // A command's own options take single words; only other `name:value` pairs (a ticket's context) take text.
      const quoting = knownNames === null || !knownNames.has(name) ? `, and quote values with spaces: \`${name}:"two words"\`` : '';
      throw invalid(`Option ${label} has no value. Write it as \`${name}:value\` with no space after the colon${quoting}.`, name);
    }
    if (seen.has(name)) throw invalid(`Option ${label} is given more than once; give it once.`, name);
    seen.add(name);
    options.push({ name, value });
    i = j;
  }
  return { options, rest: text.slice(i).trimEnd() };
}

/** Refuses any option of `options` that `command` (e.g. "`/agent busy`") does not take. */
export function refuseUnknownOptions(command: string, options: OptionToken[], allowed: readonly string[]): void {
  for (const o of options) {
    if (!allowed.includes(o.name)) {
      throw invalid(`${command} has no option \`${o.name.slice(0, 40)}:\`. Allowed: ${optionList(allowed)}.`, o.name);
    }
  }
}
