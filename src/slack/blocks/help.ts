// `/ticket help` and `/agent help`: the entries of the command spec.
import { AGENT_SPEC, TICKET_SPEC, type CommandSpec } from '../../core/commandSpec.js';
import { escapeText } from '../text.js';
import { contextBlocks, lineSections, message, section, type SlackMessage } from './kit.js';

/** Full usage of `/ticket` or `/agent`. */
export function help(kind: 'ticket' | 'agent'): SlackMessage {
  const spec: CommandSpec<string> = kind === 'ticket' ? TICKET_SPEC : AGENT_SPEC;
  const lines = Object.values(spec.subcommands).map(
    (s) => `\`${escapeText(s.helpSynopsis ?? s.synopsis)}\`\n${escapeText(s.help)}`,
  );
  return message(`/${spec.command} usage`, [
    section(`*/${spec.command}* commands`),
    ...lineSections(lines.map((l) => l + '\n')),
    ...contextBlocks([escapeText(spec.footer)]),
  ]);
}
