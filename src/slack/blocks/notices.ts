// Messages about a ticket's progress: in its home thread, its parent's, and to the requester.
import type { Agent, Ticket } from '../../core/types.js';
import { escapeAndCut, escapeText, handleText, isUserId, link, md, mentionUser, type Part } from '../text.js';
import { contextBlocks, message, oneSection, section, type KnownBlock, type SlackMessage } from './kit.js';
import { keyMd, noteMd, titleMd } from './ticketParts.js';

/** In the parent's home thread: where the work went. */
export function handoffNotice(
  parent: Ticket,
  child: Ticket,
  toAgent: Agent,
  note?: string,
  childLink?: string,
): SlackMessage {
  const childRef = childLink ? link(childLink, child.key) : keyMd(child.key);
  let line = `:arrow_right: Handed off to ${handleText(toAgent.handle)} as ${childRef}`;
  if (note?.trim()) line += `: ${noteMd(note)}`;
  const blocks: KnownBlock[] = [
    section(line),
    ...contextBlocks([
      `${keyMd(parent.key)} now waits on ${keyMd(child.key)}; its escalation clock is stopped until that is resolved.`,
    ]),
  ];
  return message(`${escapeText(parent.key)} handed off to ${handleText(toAgent.handle)} as ${escapeText(child.key)}`, blocks);
}

/** In the parent's home thread: the child was resolved; tells the parent's assignee. */
export function childResolvedNotice(
  parent: Ticket,
  child: Ticket,
  note?: string,
  assigneeUser?: string | null,
): SlackMessage {
  const who = assigneeUser && isUserId(assigneeUser) ? `${mentionUser(assigneeUser)} ` : '';
  const to = child.assignee ? ` to ${handleText(child.assignee)}` : '';
  let line = `${who}:white_check_mark: ${keyMd(child.key)} (handed off${to}) was resolved`;
  const n = note ?? child.resolution ?? '';
  line += n.trim() ? `: ${noteMd(n)}` : '.';
  const blocks: KnownBlock[] = [
    section(line),
    ...contextBlocks([`The escalation clock of ${keyMd(parent.key)} has restarted.`]),
  ];
  return message(`${who}${escapeText(child.key)} was resolved; ${escapeText(parent.key)} is yours again`, blocks);
}

/** To the requester (origin thread or DM): the ticket was resolved. */
export function resolutionNotice(t: Ticket, note?: string, by?: string): SlackMessage {
  let line = `:white_check_mark: ${keyMd(t.key)} *${titleMd(t)}* was resolved`;
  if (by) line += ` by ${mentionUser(by)}`;
  line += note?.trim() ? `: ${noteMd(note, 2400)}` : '.';
  return oneSection(line);
}

/** Reply in an intake message's thread: the key and the assignee, or why it waits. */
export function intakeReply(t: Ticket, agent?: Agent | null): SlackMessage {
  const line = agent
    ? `:ticket: Filed as ${keyMd(t.key)} and assigned to ${handleText(agent.handle)}.`
    : `:ticket: Filed as ${keyMd(t.key)} — waiting in intake: ${escapeAndCut(t.holdReason ?? 'no eligible agent yet', 500)}`;
  return oneSection(line);
}

/**
 * A small update in the home thread, e.g. `threadUpdate(t, ['Accepted by ', raw(mentionUser(u))])`
 * or `threadUpdate(t, 'Reopened: ' + note)`. Plain strings are escaped; `raw()` parts are trusted.
 */
export function threadUpdate(t: Ticket, parts: Part | readonly Part[]): SlackMessage {
  const body = md(parts);
  return message(`${escapeText(t.key)}: ${body}`, [section(body)]);
}
