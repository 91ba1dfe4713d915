// Pieces of a ticket shown by several messages; each returns escaped mrkdwn.
import type { HandoffPacket, Ticket } from '../../core/types.js';
import { cutSlackText, escapeAndCut, escapeText, formatAge, handleText, link, mentionUser, oneLine, PRIORITY_EMOJI } from '../text.js';
import { field, fieldSections, section, type SectionBlock } from './kit.js';

export const keyMd = (key: string) => `*${escapeText(key)}*`;
export const titleMd = (t: Ticket, max = 300) => escapeAndCut(oneLine(t.title), max);
export const assigneeMd = (t: Ticket) => (t.assignee ? handleText(t.assignee) : '_unassigned_');
export const requesterMd = (t: Ticket) => (t.requester ? mentionUser(t.requester) : '—');
export const noteMd = (note: string, max = 1500) => escapeAndCut(note.trim(), max);
export const typeMd = (t: Ticket) => `\`${escapeAndCut(oneLine(t.type), 60)}\``;
export const priorityEmoji = (t: Ticket) => PRIORITY_EMOJI[t.priority] ?? ':white_circle:';
export const ageOf = (t: Ticket, now: Date) => formatAge(t.createdAt, now);

/** `:red_circle: *T-2026-001* · urgent · `billing`` and the title on the next line. */
export function headline(t: Ticket, titleMax = 500): string {
  return `${priorityEmoji(t)} ${keyMd(t.key)} · ${escapeText(t.priority)} · ${typeMd(t)}\n*${titleMd(t, titleMax)}*`;
}

function contextFields(ctx: Record<string, string>, valueMax: number): string[] {
  return Object.entries(ctx).map(([k, v]) => field(escapeAndCut(oneLine(k), 60), escapeAndCut(v, valueMax) || '—'));
}

/** The `*Context*` heading and its fields, or nothing when the ticket has none. */
export function contextSections(ctx: Record<string, string>, valueMax = 1000): SectionBlock[] {
  const fields = contextFields(ctx, valueMax);
  return fields.length ? [section('*Context*'), ...fieldSections(fields)] : [];
}

/** Description block, unless it just repeats the title. */
export function descriptionBlocks(t: Ticket, max = 2800): SectionBlock[] {
  const d = t.description.trim();
  if (!d || d === t.title.trim()) return [];
  return [section(`*Description*\n${escapeAndCut(d, max)}`)];
}

/**
 * The handoff packet as one section: the summary, then what is done, the open questions, when it counts as
 * done, and the links, each list item on its own line (escaped; cut to fit one section).
 */
export function packetBlocks(packet: HandoffPacket | null, itemMax = 200): SectionBlock[] {
  if (!packet) return [];
  const parts: string[] = ['*Handoff packet*'];
  if (packet.summary?.trim()) parts.push(escapeAndCut(packet.summary.trim(), 1000));
  const SHOWN = 8;
  const more = (items: unknown[]) => (items.length > SHOWN ? [`_…and ${items.length - SHOWN} more_`] : []);
  const list = (title: string, items: string[] | undefined) => {
    if (items?.length) parts.push([`*${title}*`, ...items.slice(0, SHOWN).map((i) => `• ${escapeAndCut(oneLine(i), itemMax)}`), ...more(items)].join('\n'));
  };
  list('Already done', packet.done);
  list('Open questions', packet.open_questions);
  list('Done when', packet.acceptance_criteria);
  const linkMd = (l: string) => (l.length <= 500 ? link(l, cutSlackText(l, 120)) : escapeAndCut(l, 120));
  if (packet.links?.length) parts.push(['*Links*', ...packet.links.slice(0, SHOWN).map((l) => `• ${linkMd(l)}`), ...more(packet.links)].join('\n'));
  return parts.length > 1 ? [section(parts.join('\n'))] : [];
}
