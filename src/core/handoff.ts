// What a handoff carries: the parent's context and a summary of its history.
import type { AuditEvent, Ticket } from './types.js';
import { LIMITS } from './types.js';
import { cutText } from './validate.js';
import { actionWord, namedMentions, plural } from './words.js';

export interface TrailFormat {
  /** Names for actors (Slack user ID → agent handle); others are shown as they are. */
  names?: ReadonlyMap<string, string>;
  timeZone?: string;
}

function summarizeTrail(trail: AuditEvent[], maxLines = 15, f: TrailFormat = {}): string {
  const fmt = new Intl.DateTimeFormat('en-GB', {
    timeZone: f.timeZone ?? 'UTC',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const lines = trail.map((e) => {
    const when = fmt.format(e.at);
    const who = e.actor === 'baton' ? 'Baton' : (f.names?.get(e.actor) ?? (e.actor.startsWith('agent:') ? e.actor.slice(6) : e.actor));
    const move = e.fromStatus && e.toStatus && e.fromStatus !== e.toStatus ? ` (${e.fromStatus} → ${e.toStatus})` : '';
    const note = e.note ? `: ${namedMentions(e.note, f.names).replace(/\s+/g, ' ').slice(0, 160)}` : '';
    return `• ${when} ${who} ${actionWord(e.action)}${move}${note}`;
  });
  if (lines.length <= maxLines) return lines.join('\n');
  return [`• …${plural(lines.length - maxLines, 'earlier entry', 'earlier entries')}`, ...lines.slice(-maxLines)].join('\n');
}

/** Context and description of the child ticket a handoff creates. */
export function handoffChild(parent: Ticket, trail: AuditEvent[], fromHandle: string | null, note: string | undefined, f: TrailFormat = {}) {
  const context: Record<string, string> = { ...parent.context, handoff_from: parent.key };
  const head = `Handed off from ${parent.key} (${parent.title})${fromHandle ? ` by ${fromHandle}` : ''}${note ? `: ${note}` : ''}`;
  let description = `${head}\n\nOriginal request:\n${parent.description}\n\nHistory of ${parent.key}:\n${summarizeTrail(trail, 15, f)}`;
  description = cutText(description, LIMITS.description);
  const title = note ? `${firstLine(note)} (from ${parent.key})` : `${parent.title} (from ${parent.key})`;
  return { context, description, title: cutText(title, LIMITS.title) };
}

/** A briefing ticket for an agent listed in `requires-handoff`, filed when the ticket is resolved. */
export function briefingTicket(t: Ticket, trail: AuditEvent[], resolution: string | null, f: TrailFormat = {}) {
  let description =
    `Briefing: ${t.key} (${t.title}) was resolved${resolution ? `: ${resolution}` : ''}.\n\n` +
    `Original request:\n${t.description}\n\nHistory of ${t.key}:\n${summarizeTrail(trail, 15, f)}`;
  description = cutText(description, LIMITS.description);
  return {
    title: cutText(`Briefing: ${t.title} (${t.key})`, LIMITS.title),
    description,
    context: { ...t.context, briefing_for: t.key },
  };
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}


/** One step of a ticket's lineage: a ticket of the handoff chain and the agent it was with. */
export interface LineageStep {
  key: string;
  agent: string | null;
}

export const DEFAULT_HANDOFF_DEPTH_LIMIT = 8;

/** `T-1 iris → T-2 devin → T-3 iris → devin` (the last part: where the refused handoff would go). */
export function lineageText(lineage: readonly LineageStep[], target?: string | null): string {
  const steps = lineage.map((s) => `${s.key} ${s.agent ?? 'intake'}`);
  if (target !== undefined) steps.push(target ?? 'intake');
  return steps.join(' → ');
}

/**
 * Why a handoff from the last ticket of `lineage` (root first) to `target` would make a loop, or null.
 * Refused when the target already appears twice in the lineage, or when the chain would hold more than
 * `limit` handoffs.
 */
export function handoffLoop(lineage: readonly LineageStep[], target: string | null, limit: number): string | null {
  const last = lineage.at(-1);
  if (!last) return null;
  if (target !== null) {
    const seen = lineage.filter((s) => s.agent === target).length;
    if (seen >= 2) {
      return `${last.key} would go to ${target} a third time in its handoff chain (${lineageText(lineage, target)}). Resolve it, escalate it, or hand it to someone new.`;
    }
  }
  const handoffs = lineage.length; // the new child would be handoff number `lineage.length`
  if (handoffs > limit) {
    return `${last.key} has been handed off ${handoffs - 1} times in a row (${lineageText(lineage)}); at most ${limit} are allowed (\`HANDOFF_DEPTH_LIMIT\`). Resolve it or escalate it.`;
  }
  return null;
}
