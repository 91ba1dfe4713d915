// The assignment message in an agent's channel: it becomes the ticket's home thread.
import { thresholdSec, type Agent, type Ticket } from '../../core/types.js';
import { formatDuration } from '../../core/duration.js';
import { formatDayTime } from '../../core/zone.js';
import { escapeText, formatTime, handleText, isUserId, link, mentionUser, priorityLabel } from '../text.js';
import { actions, button, contextBlocks, field, fieldSections, message, section, type KnownBlock, type SlackMessage } from './kit.js';
import { ageOf, contextSections, descriptionBlocks, headline, keyMd, packetBlocks, requesterMd, titleMd, typeMd } from './ticketParts.js';

/** Action IDs of the buttons Baton posts. Each button's `value` is the ticket key. */
export const ACTIONS = {
  accept: 'ticket_accept',
  resolve: 'ticket_resolve',
  handoff: 'ticket_handoff',
  escalate: 'ticket_escalate',
  takeover: 'ticket_takeover',
  /** On a handed-off ticket's card: opens the Decline form. */
  decline: 'ticket_decline',
  /** In the managers' channel: the manager takes the ticket (as the agent of their user). */
  managersTakeover: 'managers_takeover',
  /** In the managers' channel: opens the Assign form. */
  managersAssign: 'managers_assign',
} as const;

/** `@iris`, or a mention of the agent's user so it is notified. */
export const agentCallout = (agent: Agent) => (agent.user && isUserId(agent.user) ? mentionUser(agent.user) : handleText(agent.handle));

export function assignmentCard(
  t: Ticket,
  agent: Agent,
  o: {
    now: Date;
    timeZone: string;
    originLink?: string;
    parentLink?: string;
    takenOverFrom?: { agent: string; link?: string };
  },
): SlackMessage {
  const who = agentCallout(agent);
  const intro = o.takenOverFrom
    ? `${who} you took over this ticket from ${handleText(o.takenOverFrom.agent)}`
    : `${who} you have a new ticket`;

  const blocks: KnownBlock[] = [section(`${intro}\n${headline(t)}`)];

  const fields = [
    field('Requester', requesterMd(t)),
    field('Priority', priorityLabel(t.priority)),
    field('Type', typeMd(t)),
    field('Escalates after', `${formatDuration(thresholdSec(t))}${t.escalateDueAt ? ` · due ${formatDayTime(t.escalateDueAt, agent.timeZone)}` : ''}`),
    field('Filed', `${formatTime(t.createdAt, o.timeZone)} (${ageOf(t, o.now)} ago)`),
  ];
  if (t.requiresHandoff.length) {
    fields.push(field('Hand off when done', t.requiresHandoff.map(handleText).join(', ')));
  }
  blocks.push(...fieldSections(fields));
  blocks.push(...contextSections(t.context));
  blocks.push(...packetBlocks(t.packet));
  blocks.push(...descriptionBlocks(t, t.packet ? 1500 : 2800));

  const links: string[] = [];
  if (o.originLink) links.push(`From: ${link(o.originLink, 'where it came from')}`);
  if (o.parentLink) links.push(`Handed off from ${link(o.parentLink, t.parentKey ?? 'the parent ticket')}`);
  else if (t.parentKey) links.push(`Handed off from ${keyMd(t.parentKey)}`);
  if (t.follows) links.push(`Follows ${keyMd(t.follows)}`);
  if (o.takenOverFrom) {
    const from = handleText(o.takenOverFrom.agent);
    links.push(
      o.takenOverFrom.link
        ? `Taken over from ${from} (${link(o.takenOverFrom.link, 'previous thread')})`
        : `Taken over from ${from}`,
    );
  }
  blocks.push(...contextBlocks(links));

  blocks.push(
    // The block id carries the level this card showed: a second Escalate click is recognised by it.
    actions(`ticket_actions:L${t.escalationLevel}`, [
      button(ACTIONS.accept, 'Accept', t.key),
      button(ACTIONS.resolve, 'Resolve', t.key, 'primary'),
      button(ACTIONS.handoff, 'Hand off', t.key),
      button(ACTIONS.escalate, 'Escalate', t.key, 'danger'),
      // A handed-off ticket may be declined: it goes to someone else, never back to this agent.
      ...(t.parentKey ? [button(ACTIONS.decline, 'Decline', t.key)] : []),
    ]),
  );

  const text = `${intro}: ${escapeText(t.key)} [${escapeText(t.priority)}] ${titleMd(t, 500)}`;
  return message(text, blocks);
}
