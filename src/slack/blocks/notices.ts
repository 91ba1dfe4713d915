// Messages about a ticket's progress: in its home thread, its parent's, and to the requester.
import type { Agent, Ticket } from '../../core/types.js';
import { escapeAndCut, escapeText, handleText, isUserId, link, md, mentionChannel, mentionUser, type Part } from '../text.js';
import { actions, button, contextBlocks, message, oneSection, section, type KnownBlock, type SlackMessage } from './kit.js';
import { ACTIONS, agentCallout } from './ticketCard.js';
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
  // A completed parent is not running: nobody is told it is theirs again, and it has no clock to restart.
  const done = parent.status === 'completed';
  const who = !done && assigneeUser && isUserId(assigneeUser) ? `${mentionUser(assigneeUser)} ` : '';
  const to = child.assignee ? ` to ${handleText(child.assignee)}` : '';
  let line = `${who}:white_check_mark: ${keyMd(child.key)} (handed off${to}) was resolved`;
  const n = note ?? child.resolution ?? '';
  line += n.trim() ? `: ${noteMd(n)}` : '.';
  const after = done
    ? `${keyMd(parent.key)} itself was already resolved; nothing more to do here.`
    : parent.status === 'active'
      ? `The escalation clock of ${keyMd(parent.key)} has restarted.`
      : `${keyMd(parent.key)} waits in intake for an agent.`;
  const blocks: KnownBlock[] = [section(line), ...contextBlocks([after])];
  const fallback = done
    ? `${escapeText(child.key)} was resolved; ${escapeText(parent.key)} was already resolved`
    : `${who}${escapeText(child.key)} was resolved; ${escapeText(parent.key)} ${parent.status === 'active' ? 'is yours again' : 'waits in intake'}`;
  return message(fallback, blocks);
}

/** To the requester (origin thread or DM): a ticket that was held now has an assignee. */
export function heldAssignedNotice(t: Ticket, agent: Agent): SlackMessage {
  return oneSection(`:arrow_right: ${keyMd(t.key)} *${titleMd(t)}* is now with ${handleText(agent.handle)}.`);
}

/** Where a reopened ticket went, as told in a home thread. */
export type Reopened =
  /** Back to its previous assignee, in this same thread: the buttons come again. */
  | { kind: 'back'; agent: Agent }
  /** In the earlier home thread: it moved to another agent, whose channel has the new card. */
  | { kind: 'moved'; agent: Agent }
  /** In the new home thread, under the new card: the note, why it came here, a link to the earlier thread. */
  | { kind: 'arrived'; previousLink?: string }
  /** In the earlier home thread: nobody can take it now. */
  | { kind: 'held' };

/** A reply in a reopened ticket's home thread: who reopened it, the note, where it went and why. */
export function reopenedNotice(t: Ticket, o: { by: string | null; note?: string; reason: string; where: Reopened }): SlackMessage {
  let line = `:leftwards_arrow_with_hook: Reopened${o.by && isUserId(o.by) ? ` by ${mentionUser(o.by)}` : ''}`;
  line += o.note?.trim() ? `: ${noteMd(o.note)}` : '.';
  const reason = escapeAndCut(o.reason, 500);
  const w = o.where;
  const blocks: KnownBlock[] = [];
  switch (w.kind) {
    case 'back':
      blocks.push(section(`${line}\n${agentCallout(w.agent)} ${keyMd(t.key)} is yours again (${reason}); its escalation clock starts over.`));
      blocks.push(
        actions('ticket_actions', [
          button(ACTIONS.accept, 'Accept', t.key),
          button(ACTIONS.resolve, 'Resolve', t.key, 'primary'),
          button(ACTIONS.handoff, 'Hand off', t.key),
          button(ACTIONS.escalate, 'Escalate', t.key, 'danger'),
        ]),
      );
      break;
    case 'moved':
      blocks.push(section(`${line}\nIt moved to ${handleText(w.agent.handle)} (${reason}); the thread continues in ${mentionChannel(w.agent.channel)}.`));
      break;
    case 'arrived':
      blocks.push(section(`${line}\nWhy it is with you: ${reason}.${w.previousLink ? ` Its earlier thread: ${link(w.previousLink, 'here')}.` : ''}`));
      break;
    case 'held':
      blocks.push(section(`${line}\nIt waits in intake: ${reason}.`));
      break;
  }
  const text = w.kind === 'back' ? `${agentCallout(w.agent)} ${escapeText(t.key)} was reopened and is yours again` : `${escapeText(t.key)} was reopened`;
  return message(text, blocks);
}

/** To the requester (origin thread or DM): the ticket was resolved. */
export function resolutionNotice(t: Ticket, note?: string, by?: string): SlackMessage {
  let line = `:white_check_mark: ${keyMd(t.key)} *${titleMd(t)}* was resolved`;
  if (by) line += ` by ${mentionUser(by)}`;
  line += note?.trim() ? `: ${noteMd(note, 2400)}` : '.';
  const blocks: KnownBlock[] = [section(line), ...contextBlocks([`Not solved? \`/ticket reopen ${escapeText(t.key)} what is still wrong\` sends it back.`])];
  return message(line, blocks);
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
