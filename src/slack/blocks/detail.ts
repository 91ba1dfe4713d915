// `/ticket show` (and `status` in a thread): every field, the context and the audit trail.
import { formatDuration } from '../../core/duration.js';
import { formatDayTime } from '../../core/zone.js';
import type { RoutingExplanation } from '../../core/routing.js';
import { whyBlocks } from './why.js';
import { thresholdSec, type AuditEvent, type Ticket } from '../../core/types.js';
import { actionWord, mentionParts, plural } from '../../core/words.js';
import { cutMrkdwn, escapeAndCut, escapeText, formatTime, handleText, isUserId, link, md, mentionUser, oneLine, priorityLabel } from '../text.js';
import { contextBlocks, field, fieldSections, lineSections, message, section, type KnownBlock, type SlackMessage } from './kit.js';
import { ageOf, assigneeMd, contextSections, descriptionBlocks, headline, keyMd, noteMd, packetBlocks, requesterMd, titleMd, typeMd } from './ticketParts.js';

/** Keep at most this many audit events in `/ticket show`. */
const TRAIL_LIMIT = 40;

function actorMd(actor: string): string {
  if (actor === 'baton') return 'Baton';
  if (isUserId(actor)) return mentionUser(actor);
  if (actor.startsWith('agent:')) return handleText(actor.slice('agent:'.length));
  return escapeAndCut(actor, 60);
}

function escalationSummary(t: Ticket, due: (d: Date) => string): string {
  let escalation = `level ${t.escalationLevel} · after ${formatDuration(thresholdSec(t))} ${t.escalateAfterSec == null ? '(by priority)' : '(set)'}`;
  if (t.escalatedTo) escalation += ` · last pinged ${handleText(t.escalatedTo)}`;
  if (t.chainExhausted) escalation += ' · chain exhausted, managers told';
  if (t.waitingOn) escalation += ' · clock stopped';
  else if (t.awaitingRequesterSince) escalation += ' · clock stopped, waiting on the requester';
  else if (t.escalateDueAt) escalation += ` · due ${due(t.escalateDueAt)}`;
  return escalation;
}

/** The users a trail may mention as mentions: the requester and everyone who acted on the ticket. */
function knownUsers(t: Ticket, trail: AuditEvent[]): Set<string> {
  const known = new Set(trail.map((e) => e.actor).filter((a) => isUserId(a)));
  if (t.requester && isUserId(t.requester)) known.add(t.requester);
  return known;
}

function trailSections(t: Ticket, trail: AuditEvent[], timeZone: string): KnownBlock[] {
  const known = knownUsers(t, trail);
  const sorted = [...trail].sort((a, b) => a.at.getTime() - b.at.getTime() || a.id - b.id);
  const shown = sorted.slice(-TRAIL_LIMIT);
  const omitted = sorted.length - shown.length;
  let heading = `*Audit trail* (${plural(sorted.length, 'event')})`;
  if (omitted > 0) heading += ` — ${plural(omitted, 'earlier event')} omitted, showing the latest ${shown.length}`;
  const lines = shown.map((e) => {
    let l = `\`${formatTime(e.at, timeZone)}\` ${actorMd(e.actor)} *${escapeAndCut(actionWord(e.action), 60)}*`;
    if (e.fromStatus || e.toStatus) {
      if (e.fromStatus !== e.toStatus) {
        l += e.fromStatus ? ` ${escapeText(e.fromStatus)} →` : ' →';
        l += e.toStatus ? ` ${escapeText(e.toStatus)}` : ' —';
      }
    }
    if (e.note?.trim()) l += ` — ${cutMrkdwn(md(mentionParts(oneLine(e.note), known)), 300)}`;
    return l;
  });
  if (!lines.length) lines.push('_No events recorded._');
  return [section(heading), ...lineSections(lines)];
}

export function ticketDetail(
  t: Ticket,
  trail: AuditEvent[],
  o: { now: Date; timeZone: string; homeLink?: string; originLink?: string; /** The assignee's zone, where its clock runs. */ dueZone?: string; why?: RoutingExplanation },
): SlackMessage {
  const when = (d: Date | null) => (d ? formatTime(d, o.timeZone) : '—');
  const blocks: KnownBlock[] = [section(headline(t))];

  const fields = [
    field('Status', escapeText(t.status)),
    field('Assignee', assigneeMd(t)),
    field('Requester', requesterMd(t)),
    field('Priority', priorityLabel(t.priority)),
    field('Type', typeMd(t)),
    field('Filed', `${when(t.createdAt)} (${ageOf(t, o.now)} ago)`),
    field('Assigned', when(t.assignedAt)),
    field('Escalation', escalationSummary(t, (d) => formatDayTime(d, o.dueZone ?? o.timeZone))),
  ];
  if (t.waitingOn) fields.push(field('Waiting on', keyMd(t.waitingOn)));
  if (t.parentKey) fields.push(field('Parent', keyMd(t.parentKey)));
  if (t.follows) fields.push(field('Follows', keyMd(t.follows)));
  if (t.pinnedAgent) fields.push(field('Asked for', handleText(t.pinnedAgent)));
  if (t.requiresHandoff.length) fields.push(field('Hand off when done', t.requiresHandoff.map(handleText).join(', ')));
  if (t.status === 'intake' && t.holdReason) fields.push(field('Waiting because', escapeAndCut(t.holdReason, 500)));
  if (t.resolvedAt) fields.push(field('Resolved', when(t.resolvedAt)));
  blocks.push(...fieldSections(fields));

  blocks.push(...contextSections(t.context, 500));
  blocks.push(...packetBlocks(t.packet, 150));
  blocks.push(...descriptionBlocks(t, 2000));
  if (t.resolution?.trim()) blocks.push(section(`*Resolution*\n${noteMd(t.resolution, 1500)}`));

  const links: string[] = [];
  if (o.homeLink) links.push(link(o.homeLink, 'Home thread'));
  if (o.originLink) links.push(link(o.originLink, 'Where it came from'));
  blocks.push(...contextBlocks(links));

  if (o.why) blocks.push(...whyBlocks(o.why, o));
  blocks.push({ type: 'divider' });
  blocks.push(...trailSections(t, trail, o.timeZone));

  return message(`${escapeText(t.key)} (${escapeText(t.status)}) ${titleMd(t, 300)}`, blocks);
}
