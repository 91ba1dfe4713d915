// Block Kit for the daily briefing. Pure functions; user text escaped.
import type { AgentBriefing, Overview } from '../core/briefing.js';
import type { Ticket } from '../core/types.js';
import { contextBlocks, section, type KnownBlock } from './blocks/kit.js';
import { escapeAndCut, escapeText, formatAge, formatTime, handleText, oneLine, priorityLabel } from './text.js';

function lines(items: string[], max = 15): string {
  const shown = items.slice(0, max);
  if (items.length > max) shown.push(`…and ${items.length - max} more`);
  return shown.join('\n');
}

const ticketLine = (t: Ticket, now: Date) =>
  `• *${escapeText(t.key)}* ${priorityLabel(t.priority)} ${escapeAndCut(oneLine(t.title), 120)} — ${formatAge(t.createdAt, now)} old${t.waitingOn ? `, waits on ${escapeText(t.waitingOn)}` : ''}`;

export function agentBriefing(b: AgentBriefing, o: { since: Date; now: Date; timeZone: string }) {
  const blocks: KnownBlock[] = [section(`:sunrise: *Briefing for ${handleText(b.agent.handle)}* — since ${formatTime(o.since, o.timeZone)}`)];
  blocks.push(section(b.open.length ? `*Open (${b.open.length})*\n${lines(b.open.map((t) => ticketLine(t, o.now)))}` : '*Open:* nothing — a clear queue.'));
  if (b.completed.length) blocks.push(section(`*Completed (${b.completed.length})*\n${lines(b.completed.map((t) => `• *${escapeText(t.key)}* ${escapeAndCut(oneLine(t.title), 120)}${t.resolution ? ` — ${escapeAndCut(oneLine(t.resolution), 200)}` : ''}`))}`));
  if (b.escalated.length) blocks.push(section(`*Escalated (${b.escalated.length})*\n${lines(b.escalated.map((e) => `• *${escapeText(e.key)}* ${escapeAndCut(oneLine(e.title), 120)} (level ${e.level})`))}`));
  const text = `Briefing for ${b.agent.handle}: ${b.open.length} open, ${b.completed.length} completed, ${b.escalated.length} escalated`;
  return { text: escapeText(text), blocks };
}

export function managersBriefing(ov: Overview, o: { now: Date; timeZone: string }) {
  const blocks: KnownBlock[] = [
    section(`:bar_chart: *Baton overview* — since ${formatTime(ov.since, o.timeZone)}`),
    section(
      [
        `*Intake:* ${ov.intake} (${ov.held} held)`,
        `*Active:* ${ov.active}`,
        `*Stale (past their threshold):* ${ov.stale.length}`,
        `*Escalated since:* ${ov.escalated}`,
        `*Completed since:* ${ov.completed}`,
      ].join('\n'),
    ),
  ];
  if (ov.stale.length) blocks.push(section(`*Stale*\n${lines(ov.stale.map((t) => `${ticketLine(t, o.now)} (${t.assignee ? handleText(t.assignee) : 'unassigned'})`), 10)}`));
  if (ov.oldest) blocks.push(...contextBlocks([`Oldest open: *${escapeText(ov.oldest.key)}* ${escapeAndCut(oneLine(ov.oldest.title), 120)} — ${formatAge(ov.oldest.createdAt, o.now)} old`]));
  return { text: `Baton overview: ${ov.intake} in intake, ${ov.active} active, ${ov.stale.length} stale, ${ov.escalated} escalated`, blocks };
}
