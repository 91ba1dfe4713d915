// `/ticket list` and `/agent list`.
import { formatDuration } from '../../core/duration.js';
import { unresponsiveness } from '../../core/routing.js';
import { describeSchedule, outsideHours, scheduleOf } from '../../core/hours.js';
import type { A2aLink, Agent, Ticket } from '../../core/types.js';
import { capacityText } from '../../core/validate.js';
import { escapeAndCut, escapeText, formatTime, handleText, md, mentionChannel, mentionUser, oneLine, type Part } from '../text.js';
import { lineSections, message, section, type SlackMessage } from './kit.js';
import { ageOf, assigneeMd, keyMd, priorityEmoji, titleMd } from './ticketParts.js';

/** Max lines in a ticket list. */
const LIST_LIMIT = 50;
/** Max agents in the roster. */
const ROSTER_LIMIT = 200;

/** A ticket as one line of a list: priority, key, status, assignee, age, title. */
export function ticketLine(t: Ticket, now: Date): string {
  return `${priorityEmoji(t)} ${keyMd(t.key)} · ${escapeText(t.status)} · ${assigneeMd(t)} · ${ageOf(t, now)} · ${titleMd(t, 120)}`;
}

/**
 * One line per ticket: key, priority, status, assignee, age, title. A page of a longer list says which
 * page it is and, under the last line, how many more there are and the command for the next page.
 */
export function ticketList(
  title: Part | readonly Part[],
  tickets: Ticket[],
  o: { now: Date; timeZone: string; page?: number; pages?: number; total?: number; next?: string },
): SlackMessage {
  const pages = o.pages ?? 1;
  const paged = pages > 1 ? ` (page ${o.page ?? 1} of ${pages})` : '';
  const heading = `*${md(title)}*${paged}`;
  if (!tickets.length) return message(`${md(title)}: No tickets.`, [section(`${heading}\nNo tickets.`)]);
  const shown = tickets.slice(0, LIST_LIMIT);
  const total = Math.max(o.total ?? tickets.length, tickets.length);
  const before = ((o.page ?? 1) - 1) * LIST_LIMIT;
  const lines = shown.map((t) => `${ticketLine(t, o.now)}${t.waitingOn ? ` _(waiting on ${escapeText(t.waitingOn)})_` : ''}`);
  const more = total - before - shown.length;
  if (more > 0) lines.push(`_…and ${more} more_${o.next ? `: \`${escapeText(o.next)}\`` : ''}`);
  return message(`${md(title)}: ${total} ticket${total === 1 ? '' : 's'}${paged}`, [section(heading), ...lineSections(lines)]);
}

export function availability(a: Agent, o: { now: Date; timeZone: string }): string {
  const closed = outsideHours(scheduleOf(a), o.now);
  if (closed) return `:crescent_moon: ${closed}`;
  if (!a.busy || (a.busyUntil && a.busyUntil.getTime() <= o.now.getTime())) {
    const quiet = unresponsiveness(a, o.now, o.timeZone);
    return quiet ? `:zzz: unavailable: ${escapeAndCut(oneLine(quiet), 200)}` : ':large_green_circle: available';
  }
  let b = ':no_entry: busy';
  if (a.busyUntil) b += ` until ${formatTime(a.busyUntil, o.timeZone)}`;
  if (a.busyReason?.trim()) b += ` (${escapeAndCut(oneLine(a.busyReason), 200)})`;
  return b;
}

/** `ack 2m`, `heartbeat 5m (last heard 10:42 UTC)`: only what is set. */
export function liveness(a: Agent, o: { timeZone: string }): string[] {
  const out: string[] = [];
  if (a.ackAfterSec !== null) out.push(`ack ${formatDuration(a.ackAfterSec)}`);
  if (a.heartbeatSec !== null) {
    out.push(`heartbeat ${formatDuration(a.heartbeatSec)} (${a.lastHeardAt ? `last heard ${formatTime(a.lastHeardAt, o.timeZone)}` : 'not heard from yet'})`);
  }
  return out;
}

/** An agent's webhook as the roster shows it: working, or failing with the last error (never its URL's secret). */
interface WebhookLine {
  failing: { error: string; at: Date; gaveUp: boolean } | null;
}

export function webhookText(w: WebhookLine | undefined, o: { timeZone: string }): string | null {
  if (!w) return null;
  if (!w.failing) return 'webhook ok';
  const state = w.failing.gaveUp ? 'refused an event for good' : 'failing, retrying';
  return `:warning: webhook ${state} (last at ${formatTime(w.failing.at, o.timeZone)}): ${escapeAndCut(oneLine(w.failing.error), 200)}`;
}

/** An A2A agent's card: its name and skills (at most 10 shown). */
export function a2aText(link: A2aLink): string {
  const skills = link.skills.slice(0, 10).map((s) => escapeAndCut(oneLine(s), 40));
  const more = link.skills.length > 10 ? ` and ${link.skills.length - 10} more` : '';
  return `A2A: *${escapeAndCut(oneLine(link.name), 80)}*${skills.length ? ` (${skills.join(', ')}${more})` : ''}`;
}

/** An A2A agent's messages failing: still retried, or one failed for good (its ticket was taken back); null when fine. */
export function a2aFailingText(failing: { error: string; gaveUp: boolean } | undefined): string | null {
  if (!failing) return null;
  const state = failing.gaveUp ? 'refused a message for good' : 'failing, retrying';
  return `:warning: A2A ${state}: ${escapeAndCut(oneLine(failing.error), 200)}`;
}

/** The roster: handle, skills, channel, user, load, availability, liveness, escalates-to, hours, webhook, A2A card and health. */
export function agentList(
  agents: Array<Agent & { active: number; webhook?: WebhookLine; a2aFailing?: { error: string; gaveUp: boolean } }>,
  o: { now: Date; timeZone: string },
): SlackMessage {
  if (!agents.length) {
    const l = 'No agents yet. Add one with `/agent add HANDLE skills:a,b`.';
    return message(l, [section(`*Agents*\n${l}`)]);
  }
  const lines = agents.slice(0, ROSTER_LIMIT).map((a) =>
    [
      `*${handleText(a.handle)}*`,
      `skills: ${a.skills.length ? a.skills.map((s) => `\`${escapeAndCut(s, 40)}\``).join(', ') : '—'}`,
      mentionChannel(a.channel),
      a.user ? mentionUser(a.user) : 'no user',
      `load ${a.active}/${capacityText(a.capacity)}`,
      availability(a, o),
      ...liveness(a, o),
      `escalates to ${a.escalatesTo ? handleText(a.escalatesTo) : '—'}`,
      `hours: ${escapeText(describeSchedule(scheduleOf(a)))}`,
      webhookText(a.webhook, o),
      a.a2a ? a2aText(a.a2a) : null,
      a.a2a ? a2aFailingText(a.a2aFailing) : null,
    ].filter((x) => x !== null).join(' · '),
  );
  if (agents.length > ROSTER_LIMIT) lines.push(`_…and ${agents.length - ROSTER_LIMIT} more_`);
  return message(`Agents: ${agents.length}`, [section(`*Agents* (${agents.length})`), ...lineSections(lines)]);
}
