// Baton's Home tab: "Your work" for an agent's user, "Filed by you", and for admins "Team" and "Queues".
// A pure builder within Slack's limits for a Home view (100 blocks, 3000 characters a section): every
// list is cut to a few items with "and N more" and the command that lists them all.
import { formatDuration } from '../../core/duration.js';
import { formatDayTime } from '../../core/zone.js';
import { describeSchedule, scheduleOf } from '../../core/hours.js';
import type { Ticket } from '../../core/types.js';
import { capacityText, UNLIMITED_CAPACITY } from '../../core/validate.js';
import { HOME_LIMITS, type HomeData, type TeamMember } from '../../app/home.js';
import { escapeAndCut, escapeText, formatTime, handleText, oneLine } from '../text.js';
import { a2aFailingText, a2aText, availability, liveness, ticketLine, webhookText } from './lists.js';
import { actions, contextBlocks, field, fieldSections, lineSections, section, type KnownBlock } from './kit.js';
import { assigneeMd, ageOf, keyMd, priorityEmoji, titleMd } from './ticketParts.js';
import { cardButtons, cardState } from './ticketCard.js';

/** What Slack allows in a Home view. */
export const HOME_MAX_BLOCKS = 100;

export interface HomeView {
  type: 'home';
  blocks: KnownBlock[];
}

const header = (text: string): KnownBlock => ({ type: 'header', text: { type: 'plain_text', text: text.slice(0, 150), emoji: true } });
const divider: KnownBlock = { type: 'divider' };

/** `███░░ 3/5`: load against capacity as a bar of `width` cells (no bar for unlimited capacity). */
export function loadBar(active: number, capacity: number, width = 5): string {
  if (capacity >= UNLIMITED_CAPACITY || capacity <= 0) return `${active}/${capacityText(capacity)}`;
  const filled = Math.min(width, Math.round((Math.min(active, capacity) / capacity) * width));
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${active}/${capacity}`;
}

const SPARKS = '▁▂▃▄▅▆▇█';

/** `▁▂▅▇▃`: each count as a bar of eight heights, scaled to the largest (all zeros: the lowest bar). */
export function sparkline(counts: readonly number[]): string {
  const max = Math.max(0, ...counts);
  return counts.map((n) => (max === 0 ? SPARKS[0] : SPARKS[Math.min(7, Math.round((n / max) * 7))])).join('');
}

/** "_…and 3 more: `/ticket list mine`_" when a list was cut. */
function more(shown: number, total: number, command: string): string[] {
  return total > shown ? [`_…and ${total - shown} more: \`${escapeText(command)}\`_`] : [];
}

/** A held ticket's line, with why it waits. */
const heldLine = (t: Ticket, now: Date): string => `${ticketLine(t, now)}${t.holdReason ? ` — _${escapeAndCut(oneLine(t.holdReason), 200)}_` : ''}`;

/** A ticket of "Your work": its line, where it stands, when it is due, and the card's buttons. */
function workBlocks(t: Ticket, o: { now: Date; timeZone: string; zoneOf: (handle: string) => string }): KnownBlock[] {
  const state = cardState(t, { timeZone: o.timeZone });
  const due = t.escalateDueAt ? `due ${formatDayTime(t.escalateDueAt, o.zoneOf(t.assignee ?? ''))}` : null;
  const lines = [`${priorityEmoji(t)} ${keyMd(t.key)} · ${escapeText(t.priority)} · ${ageOf(t, o.now)} old${due ? ` · ${due}` : ''}\n*${titleMd(t, 300)}*`, ...state];
  const out: KnownBlock[] = [section(lines.join('\n'))];
  const buttons = cardButtons(t);
  // One actions block per ticket: its id names the ticket (ids are unique in a view) and the level shown.
  if (buttons.length) out.push(actions(`ticket_actions:${t.key}:L${t.escalationLevel}`, buttons));
  return out;
}

function yourWork(d: HomeData, o: { now: Date; timeZone: string }): KnownBlock[] {
  if (!d.work) return [];
  const zones = new Map(d.agents.map((a) => [a.handle, a.timeZone]));
  const zoneOf = (h: string) => zones.get(h) ?? o.timeZone;
  const who = d.agents.map((a) => `${handleText(a.handle)} ${loadBar(a.active, a.capacity)} · ${availability(a, o)}`);
  const out: KnownBlock[] = [header('Your work'), ...contextBlocks(who.slice(0, 10))];
  const { active, held } = d.work;
  const working = active.items.filter((t) => !t.waitingOn);
  const waiting = active.items.filter((t) => t.waitingOn);
  if (!active.items.length) out.push(section('_Nothing assigned to you right now._'));
  for (const t of working) out.push(...workBlocks(t, { ...o, zoneOf }));
  if (waiting.length) {
    out.push(section('*Waiting on a child ticket*'));
    for (const t of waiting) out.push(...workBlocks(t, { ...o, zoneOf }));
  }
  const first = d.agents[0]?.handle;
  out.push(...contextBlocks(more(active.items.length, active.total, first ? `/ticket list ${first}` : '/ticket list mine')));
  if (held.items.length) {
    out.push(section(`*Held for you* (${held.total})`));
    out.push(...lineSections([...held.items.map((t) => heldLine(t, o.now)), ...more(held.items.length, held.total, '/ticket list intake')]));
  }
  return out;
}

function filedByYou(d: HomeData, o: { now: Date; timeZone: string }): KnownBlock[] {
  const { open, resolved } = d.filed;
  const out: KnownBlock[] = [header('Filed by you')];
  if (!open.items.length && !resolved.items.length) {
    out.push(section('_Nothing open that you filed, and nothing resolved in the last 7 days._ File with `/ticket new`, a :ticket: reaction or the "File as ticket" shortcut.'));
    return out;
  }
  out.push(section(`*Open* (${open.total})`));
  out.push(...lineSections(open.items.length ? [...open.items.map((t) => ticketLine(t, o.now)), ...more(open.items.length, open.total, '/ticket list mine')] : ['_None._']));
  if (resolved.items.length) {
    out.push(section(`*Resolved in the last 7 days* (${resolved.total})`));
    const lines = resolved.items.map((t) => `:white_check_mark: ${keyMd(t.key)} · ${assigneeMd(t)} · ${t.resolvedAt ? formatTime(t.resolvedAt, o.timeZone) : ''} · ${titleMd(t, 120)}`);
    out.push(...lineSections([...lines, ...more(resolved.items.length, resolved.total, '/ticket list completed')]));
  }
  return out;
}

function a2aHealth(a: TeamMember): string | null {
  if (!a.a2a) return null;
  return a2aFailingText(a.a2aFailing) ?? `${a2aText(a.a2a)} ok`;
}

function team(d: HomeData, o: { now: Date; timeZone: string; limit: number }): KnownBlock[] {
  if (!d.team) return [];
  const out: KnownBlock[] = [header(`Team (${d.team.length})`)];
  if (!d.team.length) {
    out.push(section('_No agents yet._ Add one with `/agent add HANDLE skills:a,b`.'));
    return out;
  }
  const shown = d.team.slice(0, o.limit);
  const lines = shown.map((a) =>
    [
      `*${handleText(a.handle)}* \`${loadBar(a.active, a.capacity)}\``,
      availability(a, o),
      a.hours ? `hours ${escapeText(describeSchedule(scheduleOf(a)))}` : null,
      ...liveness(a, o),
      webhookText(a.webhook, o),
      a2aHealth(a),
    ]
      .filter((x): x is string => !!x)
      .join(' · '),
  );
  out.push(...lineSections([...lines, ...more(shown.length, d.team.length, '/agent list')]));
  return out;
}

const dur = (sec: number | null) => (sec === null ? '—' : formatDuration(sec));

function queues(d: HomeData, o: { now: Date; timeZone: string }): KnownBlock[] {
  if (!d.queues) return [];
  const { figures: f, held, days } = d.queues;
  const out: KnownBlock[] = [header('Queues')];
  out.push(...fieldSections([field('Intake', `${f.intake} (${f.held} held)`), field('Active', String(f.active)), field('Escalated today', String(f.escalatedToday))]));
  if (held.items.length) {
    out.push(section(`*Held* (${held.total})`));
    out.push(...lineSections([...held.items.map((t) => heldLine(t, o.now)), ...more(held.items.length, held.total, '/ticket list intake')]));
  }
  out.push(section('*Last 7 days*'));
  out.push(
    ...fieldSections([
      field('Filed', String(f.week.filed)),
      field('Resolved', String(f.week.resolved)),
      field('Median time to accept', dur(f.week.medianAcceptSec)),
      field('Median time to resolve', dur(f.week.medianResolveSec)),
      field('Escalations', String(f.week.escalations)),
    ]),
  );
  const total = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  out.push(
    ...contextBlocks([
      `Last ${days.length - 1} days, one bar a day, oldest first — filed: \`${sparkline(f.filedPerDay)}\` (${total(f.filedPerDay)}) · resolved: \`${sparkline(f.resolvedPerDay)}\` (${total(f.resolvedPerDay)})`,
    ]),
  );
  return out;
}

/** The Home view of `d`, within Slack's limits (the longest lists are cut before the view is). */
export function homeView(d: HomeData, o: { now: Date; timeZone: string }): HomeView {
  const parts: KnownBlock[][] = [
    yourWork(d, o),
    filedByYou(d, o),
    team(d, { ...o, limit: HOME_LIMITS.team }),
    queues(d, o),
  ].filter((p) => p.length);
  const blocks: KnownBlock[] = [section(`*Baton* · updated ${escapeText(formatTime(o.now, o.timeZone))} · \`/ticket help\` for every command`)];
  for (const p of parts) blocks.push(divider, ...p);
  if (blocks.length > HOME_MAX_BLOCKS) {
    // Should the lists ever outgrow the budget: keep the first blocks and point to the commands.
    blocks.length = HOME_MAX_BLOCKS - 1;
    blocks.push(section('_…more than fits here: `/ticket list mine`, `/ticket list intake`, `/agent list`._'));
  }
  return { type: 'home', blocks };
}
