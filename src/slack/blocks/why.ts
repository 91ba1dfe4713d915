// `/ticket why` and the "Why" part of `/ticket show`: the routing verdicts, one line per candidate.
import type { RoutingExplanation } from '../../core/routing.js';
import { actionWord, mentionParts } from '../../core/words.js';
import { cutMrkdwn, escapeAndCut, escapeText, formatTime, handleText, isUserId, md, mentionUser, oneLine } from '../text.js';
import { lineSections, message, section, type KnownBlock, type SlackMessage } from './kit.js';

function actorMd(actor: string): string {
  if (actor === 'baton') return 'Baton';
  if (isUserId(actor)) return mentionUser(actor);
  if (actor.startsWith('agent:')) return handleText(actor.slice('agent:'.length));
  return escapeAndCut(actor, 60);
}

/** The headline: who has it and the rule that chose, or why it waits. */
function headlineMd(x: RoutingExplanation, timeZone: string): string {
  const t = x.ticket;
  const key = `*${escapeText(t.key)}*`;
  switch (x.kind) {
    case 'held':
      return `${key} waits in intake: ${escapeAndCut(oneLine(x.reason), 1000)}`;
    case 'never':
      return `${key} was never assigned.`;
    case 'routed': {
      const when = x.event ? ` (${formatTime(x.event.at, timeZone)})` : '';
      return `${key} went to ${handleText(t.assignee ?? '?')}: ${escapeAndCut(oneLine(x.reason), 1000)}${when}`;
    }
    case 'manual': {
      const e = x.event!;
      const how = escapeText(actionWord(e.action));
      return `${key} went to ${handleText(t.assignee ?? '?')} by hand — ${how} by ${actorMd(e.actor)} (${formatTime(e.at, timeZone)})${e.note ? `: ${cutMrkdwn(md(mentionParts(oneLine(e.note), [e.actor])), 500)}` : ''}. Routing did not choose.`;
    }
  }
}

/** One line per candidate: chosen, or why not. */
function verdictLines(x: RoutingExplanation): string[] {
  if (x.verdicts.length === 0) {
    return x.kind === 'held' || x.kind === 'routed' ? [`_No agent takes \`${escapeText(x.ticket.type)}\` tickets._`] : [];
  }
  return x.verdicts.map((v) => `${v.chosen ? ':white_check_mark:' : ':heavy_minus_sign:'} ${handleText(v.handle)} ${escapeAndCut(oneLine(v.why), 400)}`);
}

/** The "Why" part, as blocks (for `/ticket show`). */
export function whyBlocks(x: RoutingExplanation, o: { timeZone: string }): KnownBlock[] {
  return lineSections([`*Why*\n${headlineMd(x, o.timeZone)}`, ...verdictLines(x)]);
}

/** `/ticket why KEY`. */
export function routingExplanation(x: RoutingExplanation, o: { timeZone: string }): SlackMessage {
  const head = headlineMd(x, o.timeZone);
  const lines = verdictLines(x);
  const heading = x.kind === 'held' ? '*What keeps each agent from taking it*' : x.verdicts.length ? '*Every candidate*' : '';
  return message(head, [section(head), ...(heading ? lineSections([heading, ...lines]) : [])]);
}
