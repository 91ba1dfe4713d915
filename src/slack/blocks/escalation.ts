// Escalation messages: the ping to the next agent, the note in the home thread, the managers' notice.
import { formatDuration } from '../../core/duration.js';
import { thresholdSec, type Agent, type Ticket } from '../../core/types.js';
import { escapeText, formatAge, formatTime, handleText, link, mentionUser, priorityLabel } from '../text.js';
import { actions, button, contextBlocks, field, fieldSections, message, oneSection, section, type KnownBlock, type SlackMessage } from './kit.js';
import { ACTIONS, agentCallout } from './ticketCard.js';
import { ageOf, assigneeMd, contextSections, descriptionBlocks, headline, keyMd, noteMd, requesterMd, titleMd, typeMd } from './ticketParts.js';

/** In the next agent's channel: please take this over. */
export function escalationPing(
  t: Ticket,
  target: Agent,
  o: {
    level: number;
    fromAgent: string | null;
    homeLink?: string;
    now: Date;
    timeZone: string;
    note?: string;
    /** Its assignee accepted it or wrote in it since assignment. */
    heard?: boolean;
  },
): SlackMessage {
  const who = agentCallout(target);
  const from = o.fromAgent ? ` from ${handleText(o.fromAgent)}` : '';
  // Accepted or answered (the agent is on it): the time since assignment, not a claim that nothing happened.
  const waited = t.acceptedAt || o.heard
    ? `has waited ${formatAge(t.assignedAt ?? t.acceptedAt ?? t.createdAt, o.now)} since assignment`
    : `has waited ${formatAge(t.clockStartedAt ?? t.assignedAt ?? t.createdAt, o.now)} without progress`;
  const intro = `:rotating_light: ${who} escalation (level ${o.level})${from}: ${keyMd(t.key)} ${waited}`;

  const blocks: KnownBlock[] = [section(`${intro}\n${headline(t)}`)];
  blocks.push(
    ...fieldSections([
      field('Assignee', assigneeMd(t)),
      field('Requester', requesterMd(t)),
      field('Priority', priorityLabel(t.priority)),
      field('Age', `${ageOf(t, o.now)} (filed ${formatTime(t.createdAt, o.timeZone)})`),
      field('Threshold', formatDuration(thresholdSec(t))),
      field('Level', String(o.level)),
    ]),
  );
  blocks.push(...contextSections(t.context, 500));
  blocks.push(...descriptionBlocks(t, 1500));
  if (o.note?.trim()) blocks.push(section(`*Note:* ${noteMd(o.note)}`));
  const links = [o.homeLink ? `Thread: ${link(o.homeLink, `${t.key} home thread`)}` : `Home: ${keyMd(t.key)}`];
  blocks.push(...contextBlocks(links));
  blocks.push(actions('ticket_escalation_actions', [button(ACTIONS.takeover, 'Take over', t.key, 'primary')]));

  return message(`${who} escalation (level ${o.level}): ${escapeText(t.key)} ${titleMd(t, 300)}`, blocks);
}

/** The escalation ping once it has been taken over: the button goes away. */
export function escalationPingTakenOver(t: Ticket, taker: Agent): SlackMessage {
  return oneSection(`:raised_hand: ${keyMd(t.key)} *${titleMd(t)}* was taken over by ${handleText(taker.handle)} (level ${t.escalationLevel}).`);
}

/** In the home thread: where the escalation went. */
export function escalationHomeReply(t: Ticket, target: Agent | null, level: number, note?: string): SlackMessage {
  let line = target
    ? `:rotating_light: Escalated to ${handleText(target.handle)} (level ${level})`
    : `:rotating_light: Escalation chain exhausted — managers notified (level ${level})`;
  line += note?.trim() ? `: ${noteMd(note)}` : '';
  return message(`${escapeText(t.key)}: ${line}`, [section(line)]);
}

/** For the managers' escalations channel. */
export function escalationsChannelNotice(
  t: Ticket,
  o: {
    level: number;
    fromAgent: string | null;
    toAgent: string | null;
    homeLink?: string;
    reason: 'stale' | 'manual';
    now: Date;
    timeZone: string;
    exhausted?: boolean;
  },
): SlackMessage {
  const why = o.reason === 'manual' ? 'escalated by hand' : 'went stale';
  const from = o.fromAgent ? handleText(o.fromAgent) : '_unassigned_';
  const route = o.exhausted || !o.toAgent
    ? `${from} → :warning: *chain exhausted, no one left to escalate to — please act*`
    : `${from} → ${handleText(o.toAgent)}`;
  const line = `:rotating_light: ${keyMd(t.key)} ${why} (level ${o.level}): ${route}\n${priorityLabel(t.priority)} · ${typeMd(t)} · *${titleMd(t, 300)}*`;
  const meta = [
    `Filed ${formatTime(t.createdAt, o.timeZone)} · age ${ageOf(t, o.now)} · threshold ${formatDuration(thresholdSec(t))}`,
  ];
  if (t.requester) meta.push(`Requester ${mentionUser(t.requester)}`);
  if (o.homeLink) meta.push(link(o.homeLink, 'Open the home thread'));
  const text = `${escapeText(t.key)} ${why} (level ${o.level})${o.exhausted || !o.toAgent ? ': escalation chain exhausted' : ''}`;
  return message(text, [section(line), ...contextBlocks(meta)]);
}
