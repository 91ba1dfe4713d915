// Pieces of a ticket shown by several messages; each returns escaped mrkdwn.
import type { Ticket } from '../../core/types.js';
import { escapeAndCut, escapeText, formatAge, handleText, mentionUser, oneLine, PRIORITY_EMOJI } from '../text.js';
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
