// The assignment message in an agent's channel: it becomes the ticket's home thread.
import { thresholdSec, type Agent, type Ticket } from '../../core/types.js';
import { formatDuration } from '../../core/duration.js';
import { formatDayTime } from '../../core/zone.js';
import { cutMrkdwn, escapeText, formatTime, handleText, isUserId, link, mentionUser, oneLine, priorityLabel } from '../text.js';
import { actions, button, contextBlocks, field, fieldSections, message, section, type Button, type KnownBlock, type SlackMessage } from './kit.js';
import { ageOf, contextSections, descriptionBlocks, headline, keyMd, packetBlocks, requesterMd, titleMd, typeMd } from './ticketParts.js';

/** Action IDs of the buttons Baton posts. Each button's `value` is the ticket key. */
export const ACTIONS = {
  accept: 'ticket_accept',
  resolve: 'ticket_resolve',
  /** Offered when Resolve is refused because the ticket waits on an open handoff: resolves it and closes the handoff. */
  resolveForce: 'ticket_resolve_force',
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
    /** Who resolved it, for the card of a completed ticket. */
    resolvedBy?: string;
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

  const state = cardState(t, o);
  if (state.length) blocks.push(section(state.join('\n')));
  const buttons = cardButtons(t);
  // The block id carries the level this card showed: a second Escalate click is recognised by it.
  if (buttons.length) blocks.push(actions(`ticket_actions:L${t.escalationLevel}`, buttons));

  const text = `${intro}: ${escapeText(t.key)} [${escapeText(t.priority)}] ${titleMd(t, 500)}`;
  return message(text, blocks);
}

const actorMd = (actor: string) =>
  actor === 'baton' ? 'Baton' : isUserId(actor) ? mentionUser(actor) : actor.startsWith('agent:') ? handleText(actor.slice(6)) : escapeText(actor);

/** Where the ticket stands, one line each: accepted by, waiting on, escalated to, resolved. */
export function cardState(t: Ticket, o: { timeZone: string; resolvedBy?: string }): string[] {
  const lines: string[] = [];
  if (t.status === 'completed') {
    const by = o.resolvedBy ? ` by ${actorMd(o.resolvedBy)}` : '';
    const when = t.resolvedAt ? ` · ${formatTime(t.resolvedAt, o.timeZone)}` : '';
    const note = t.resolution?.trim() ? `: ${cutMrkdwn(escapeText(oneLine(t.resolution)), 500)}` : '';
    lines.push(`:white_check_mark: *Resolved*${by}${when}${note}`);
    return lines;
  }
  if (t.status === 'intake') {
    lines.push(':inbox_tray: *Back in intake*, waiting for an agent');
    return lines;
  }
  if (t.acceptedBy) lines.push(`:eyes: *Accepted* by ${actorMd(t.acceptedBy)}${t.acceptedAt ? ` · ${formatTime(t.acceptedAt, o.timeZone)}` : ''}`);
  if (t.waitingOn) lines.push(`:hourglass_flowing_sand: *Waiting on* ${keyMd(t.waitingOn)}`);
  if (t.awaitingRequesterSince) lines.push(`:speech_balloon: *Waiting on the requester* since ${formatTime(t.awaitingRequesterSince, o.timeZone)}; the escalation clock is stopped`);
  if (t.escalationLevel > 0) {
    const to = t.escalatedTo ? ` to ${handleText(t.escalatedTo)}` : '';
    const out = t.chainExhausted ? ' (chain exhausted, managers told)' : '';
    lines.push(`:rotating_light: *Escalated*${to} · level ${t.escalationLevel}${out}`);
  }
  return lines;
}

/** The card's buttons follow the state: no Accept once accepted, none once completed or back in intake. */
export function cardButtons(t: Ticket): Button[] {
  if (t.status !== 'active') return [];
  return [
    ...(t.acceptedBy ? [] : [button(ACTIONS.accept, 'Accept', t.key)]),
    button(ACTIONS.resolve, 'Resolve', t.key, 'primary'),
    button(ACTIONS.handoff, 'Hand off', t.key),
    button(ACTIONS.escalate, 'Escalate', t.key, 'danger'),
    // A handed-off ticket may be declined: it goes to someone else, never back to this agent.
    ...(t.parentKey ? [button(ACTIONS.decline, 'Decline', t.key)] : []),
  ];
}
