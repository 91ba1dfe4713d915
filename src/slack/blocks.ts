// Block Kit message builders. Pure functions: no Slack client, no database, no clock reads
// (callers pass `now` and `timeZone`).
//
// Every builder takes ORIGINAL user text (titles, descriptions, context, notes, reasons…) and
// escapes it itself. Where a caller composes its own text (`threadUpdate`, list titles) it passes
// `Part`s: plain strings are escaped, `raw(...)` is trusted mrkdwn (see text.ts). Never escape
// before calling a builder, or the reader will see `&amp;lt;`.
//
// Limits kept: every mrkdwn text ≤ 3000 chars (fields ≤ 2000), ≤ 10 fields per section,
// ≤ 10 elements per context block, ≤ 50 blocks per message; the fallback `text` ≤ 3000 chars.
// All mrkdwn objects are sent with `verbatim: true` so Slack never auto-parses user text.

import type { types as SlackTypes } from '@slack/bolt';
import { thresholdSec, type Agent, type AuditEvent, type Ticket } from '../core/types.js';
import {
  PRIORITY_EMOJI,
  SLACK_LIMITS,
  escapeText,
  escapeTruncate,
  formatAge,
  formatDuration,
  formatTime,
  handleText,
  isUserId,
  link,
  md,
  mentionChannel,
  mentionUser,
  oneLine,
  priorityLabel,
  truncateMrkdwn,
  type Part,
} from './text.js';

export type KnownBlock = SlackTypes.KnownBlock;
type SectionBlock = SlackTypes.SectionBlock;
type ContextBlock = SlackTypes.ContextBlock;
type ActionsBlock = SlackTypes.ActionsBlock;
type Button = SlackTypes.Button;
type MrkdwnElement = SlackTypes.MrkdwnElement;

/** What every builder returns: `text` is the notification fallback (escaped), `blocks` the message. */
export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

/** Action IDs of the buttons Baton posts. Each button's `value` is the ticket key. */
export const ACTIONS = {
  accept: 'ticket_accept',
  resolve: 'ticket_resolve',
  handoff: 'ticket_handoff',
  escalate: 'ticket_escalate',
  takeover: 'ticket_takeover',
} as const;

// ---------------------------------------------------------------------------------------------
// Low-level helpers

function mrkdwn(text: string, max: number = SLACK_LIMITS.sectionText): MrkdwnElement {
  const t = truncateMrkdwn(text, max);
  return { type: 'mrkdwn', text: t.trim() === '' ? ' ' : t, verbatim: true };
}

function section(text: string): SectionBlock {
  return { type: 'section', text: mrkdwn(text) };
}

/** Sections of fields, ten per section. */
function fieldSections(fields: string[]): SectionBlock[] {
  const out: SectionBlock[] = [];
  for (let i = 0; i < fields.length; i += SLACK_LIMITS.fields) {
    out.push({
      type: 'section',
      fields: fields.slice(i, i + SLACK_LIMITS.fields).map((f) => mrkdwn(f, SLACK_LIMITS.fieldText)),
    });
  }
  return out;
}

function field(label: string, value: string): string {
  return `*${label}*\n${value}`;
}

/** Context blocks of small mrkdwn elements, ten per block. */
function contextBlocks(elements: string[]): ContextBlock[] {
  const out: ContextBlock[] = [];
  for (let i = 0; i < elements.length; i += SLACK_LIMITS.contextElements) {
    out.push({
      type: 'context',
      elements: elements.slice(i, i + SLACK_LIMITS.contextElements).map((e) => mrkdwn(e)),
    });
  }
  return out;
}

/** Packs lines into as few sections as fit the 3000-char limit (over-long lines are cut). */
function lineSections(lines: string[]): SectionBlock[] {
  const out: SectionBlock[] = [];
  let cur = '';
  for (const raw of lines) {
    const line = truncateMrkdwn(raw, SLACK_LIMITS.sectionText);
    if (cur && cur.length + 1 + line.length > SLACK_LIMITS.sectionText) {
      out.push(section(cur));
      cur = '';
    }
    cur = cur ? `${cur}\n${line}` : line;
  }
  if (cur) out.push(section(cur));
  return out;
}

function button(actionId: string, text: string, value: string, style?: 'primary' | 'danger'): Button {
  const b: Button = {
    type: 'button',
    action_id: actionId,
    text: { type: 'plain_text', text, emoji: true },
    value: value.slice(0, SLACK_LIMITS.buttonValue),
  };
  if (style) b.style = style;
  return b;
}

function actions(blockId: string, elements: Button[]): ActionsBlock {
  return { type: 'actions', block_id: blockId, elements };
}

/** Final assembly: fallback text cut to 3000, at most 50 blocks. */
function message(text: string, blocks: KnownBlock[]): SlackMessage {
  let out = blocks;
  if (out.length > SLACK_LIMITS.blocks) {
    // keep any actions block (the buttons matter most) and say what was dropped
    const acts = out.filter((b) => b.type === 'actions');
    const rest = out.filter((b) => b.type !== 'actions');
    const room = SLACK_LIMITS.blocks - acts.length - 1;
    const omitted = rest.length - room;
    out = [...rest.slice(0, room), section(`_…${omitted} more not shown_`), ...acts];
  }
  const t = truncateMrkdwn(text, SLACK_LIMITS.messageText);
  return { text: t.trim() === '' ? ' ' : t, blocks: out };
}

// ---------------------------------------------------------------------------------------------
// Ticket pieces (all return escaped mrkdwn)

const keyMd = (key: string) => `*${escapeText(key)}*`;
const titleMd = (t: Ticket, max = 300) => escapeTruncate(oneLine(t.title), max);
const assigneeMd = (t: Ticket) => (t.assignee ? handleText(t.assignee) : '_unassigned_');
const requesterMd = (t: Ticket) => (t.requester ? mentionUser(t.requester) : '—');
const noteMd = (note: string, max = 1500) => escapeTruncate(note.trim(), max);
const typeMd = (t: Ticket) => `\`${escapeTruncate(oneLine(t.type), 60)}\``;

/** `:red_circle: *T-2026-001* · urgent · `billing`` and the title on the next line. */
function headline(t: Ticket, titleMax = 500): string {
  return `${PRIORITY_EMOJI[t.priority] ?? ':white_circle:'} ${keyMd(t.key)} · ${escapeText(t.priority)} · ${typeMd(t)}\n*${titleMd(t, titleMax)}*`;
}

function contextFields(ctx: Record<string, string>, valueMax = 1000): string[] {
  return Object.entries(ctx).map(([k, v]) =>
    field(escapeTruncate(oneLine(k), 60), escapeTruncate(v, valueMax) || '—'),
  );
}

/** Description block, unless it just repeats the title. */
function descriptionBlocks(t: Ticket, max = 2800): SectionBlock[] {
  const d = t.description.trim();
  if (!d || d === t.title.trim()) return [];
  return [section(`*Description*\n${escapeTruncate(d, max)}`)];
}

const ageOf = (t: Ticket, now: Date) => formatAge(t.createdAt, now);

// ---------------------------------------------------------------------------------------------
// Builders

/** The assignment message in the agent's channel; it becomes the ticket's home thread. */
export function assignmentCard(
  t: Ticket,
  agent: Agent,
  o: {
    now: Date;
    timeZone: string;
    originLink?: string;
    parentLink?: string;
    takenOverFrom?: { agent: string; link?: string };
  },
): SlackMessage {
  const who = agent.user && isUserId(agent.user) ? mentionUser(agent.user) : handleText(agent.handle);
  const intro = o.takenOverFrom
    ? `${who} you took over this ticket from ${handleText(o.takenOverFrom.agent)}`
    : `${who} you have a new ticket`;

  const blocks: KnownBlock[] = [section(`${intro}\n${headline(t)}`)];

  const fields = [
    field('Requester', requesterMd(t)),
    field('Priority', priorityLabel(t.priority)),
    field('Type', typeMd(t)),
    field('Escalates after', formatDuration(thresholdSec(t))),
    field('Filed', `${formatTime(t.createdAt, o.timeZone)} (${ageOf(t, o.now)} ago)`),
  ];
  if (t.requiresHandoff.length) {
    fields.push(field('Hand off when done', t.requiresHandoff.map(handleText).join(', ')));
  }
  blocks.push(...fieldSections(fields));

  const ctx = contextFields(t.context);
  if (ctx.length) {
    blocks.push(section('*Context*'));
    blocks.push(...fieldSections(ctx));
  }
  blocks.push(...descriptionBlocks(t));

  const links: string[] = [];
  if (o.originLink) links.push(`From: ${link(o.originLink, 'where it came from')}`);
  if (o.parentLink) links.push(`Handed off from ${link(o.parentLink, t.parentKey ?? 'the parent ticket')}`);
  else if (t.parentKey) links.push(`Handed off from ${keyMd(t.parentKey)}`);
  if (t.follows) links.push(`Follows ${keyMd(t.follows)}`);
  if (o.takenOverFrom) {
    const from = handleText(o.takenOverFrom.agent);
    links.push(
      o.takenOverFrom.link
        ? `Taken over from ${from} (${link(o.takenOverFrom.link, 'previous thread')})`
        : `Taken over from ${from}`,
    );
  }
  blocks.push(...contextBlocks(links));

  blocks.push(
    actions(`ticket_actions`, [
      button(ACTIONS.accept, 'Accept', t.key),
      button(ACTIONS.resolve, 'Resolve', t.key, 'primary'),
      button(ACTIONS.handoff, 'Hand off', t.key),
      button(ACTIONS.escalate, 'Escalate', t.key, 'danger'),
    ]),
  );

  const text = `${intro}: ${escapeText(t.key)} [${escapeText(t.priority)}] ${titleMd(t, 500)}`;
  return message(text, blocks);
}

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
  return message(line, [section(line)]);
}

/** Reply in an intake message's thread: the key and the assignee, or why it waits. */
export function intakeReply(t: Ticket, agent?: Agent | null): SlackMessage {
  const line = agent
    ? `:ticket: Filed as ${keyMd(t.key)} and assigned to ${handleText(agent.handle)}.`
    : `:ticket: Filed as ${keyMd(t.key)} — waiting in intake: ${escapeTruncate(t.holdReason ?? 'no eligible agent yet', 500)}`;
  return message(line, [section(line)]);
}

/**
 * A small update in the home thread, e.g. `threadUpdate(t, ['Accepted by ', raw(mentionUser(u))])`
 * or `threadUpdate(t, 'Reopened: ' + note)`. Plain strings are escaped; `raw()` parts are trusted.
 */
export function threadUpdate(t: Ticket, parts: Part | readonly Part[]): SlackMessage {
  const body = md(parts);
  return message(`${escapeText(t.key)}: ${body}`, [section(body)]);
}

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
  },
): SlackMessage {
  const who = target.user && isUserId(target.user) ? mentionUser(target.user) : handleText(target.handle);
  const from = o.fromAgent ? ` from ${handleText(o.fromAgent)}` : '';
  const waited = t.clockStartedAt ?? t.assignedAt ?? t.createdAt;
  const intro = `:rotating_light: ${who} escalation (level ${o.level})${from}: ${keyMd(t.key)} has waited ${formatAge(waited, o.now)} without progress`;

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
  const ctx = contextFields(t.context, 500);
  if (ctx.length) {
    blocks.push(section('*Context*'));
    blocks.push(...fieldSections(ctx));
  }
  blocks.push(...descriptionBlocks(t, 1500));
  if (o.note?.trim()) blocks.push(section(`*Note:* ${noteMd(o.note)}`));
  const links = [o.homeLink ? `Thread: ${link(o.homeLink, `${t.key} home thread`)}` : `Home: ${keyMd(t.key)}`];
  blocks.push(...contextBlocks(links));
  blocks.push(actions('ticket_escalation_actions', [button(ACTIONS.takeover, 'Take over', t.key, 'primary')]));

  return message(`${who} escalation (level ${o.level}): ${escapeText(t.key)} ${titleMd(t, 300)}`, blocks);
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

function actorMd(actor: string): string {
  if (actor === 'baton') return 'Baton';
  if (isUserId(actor)) return mentionUser(actor);
  if (actor.startsWith('agent:')) return handleText(actor.slice('agent:'.length));
  return escapeTruncate(actor, 60);
}

/** Keep at most this many audit events in `/ticket show`. */
export const TRAIL_LIMIT = 40;

/** `/ticket show`: every field, the context and the (latest part of the) audit trail. */
export function ticketDetail(
  t: Ticket,
  trail: AuditEvent[],
  o: { now: Date; timeZone: string; homeLink?: string; originLink?: string },
): SlackMessage {
  const when = (d: Date | null) => (d ? formatTime(d, o.timeZone) : '—');
  const blocks: KnownBlock[] = [section(headline(t))];

  const threshold = thresholdSec(t);
  let escalation = `level ${t.escalationLevel} · after ${formatDuration(threshold)} ${t.escalateAfterSec == null ? '(by priority)' : '(set)'}`;
  if (t.escalatedTo) escalation += ` · last pinged ${handleText(t.escalatedTo)}`;
  if (t.chainExhausted) escalation += ' · chain exhausted, managers told';
  if (t.waitingOn) escalation += ' · clock stopped';
  else if (t.escalateDueAt) escalation += ` · due ${when(t.escalateDueAt)}`;

  const fields = [
    field('Status', escapeText(t.status)),
    field('Assignee', assigneeMd(t)),
    field('Requester', requesterMd(t)),
    field('Priority', priorityLabel(t.priority)),
    field('Type', typeMd(t)),
    field('Filed', `${when(t.createdAt)} (${ageOf(t, o.now)} ago)`),
    field('Assigned', when(t.assignedAt)),
    field('Escalation', escalation),
  ];
  if (t.waitingOn) fields.push(field('Waiting on', keyMd(t.waitingOn)));
  if (t.parentKey) fields.push(field('Parent', keyMd(t.parentKey)));
  if (t.follows) fields.push(field('Follows', keyMd(t.follows)));
  if (t.pinnedAgent) fields.push(field('Asked for', handleText(t.pinnedAgent)));
  if (t.requiresHandoff.length) fields.push(field('Hand off when done', t.requiresHandoff.map(handleText).join(', ')));
  if (t.status === 'intake' && t.holdReason) fields.push(field('Waiting because', escapeTruncate(t.holdReason, 500)));
  if (t.resolvedAt) fields.push(field('Resolved', when(t.resolvedAt)));
  blocks.push(...fieldSections(fields));

  const ctx = contextFields(t.context, 500);
  if (ctx.length) {
    blocks.push(section('*Context*'));
    blocks.push(...fieldSections(ctx));
  }
  blocks.push(...descriptionBlocks(t, 2000));
  if (t.resolution?.trim()) blocks.push(section(`*Resolution*\n${noteMd(t.resolution, 1500)}`));

  const links: string[] = [];
  if (o.homeLink) links.push(link(o.homeLink, 'Home thread'));
  if (o.originLink) links.push(link(o.originLink, 'Where it came from'));
  blocks.push(...contextBlocks(links));

  blocks.push({ type: 'divider' });
  const sorted = [...trail].sort((a, b) => a.at.getTime() - b.at.getTime() || a.id - b.id);
  const shown = sorted.slice(-TRAIL_LIMIT);
  const omitted = sorted.length - shown.length;
  let heading = `*Audit trail* (${sorted.length} event${sorted.length === 1 ? '' : 's'})`;
  if (omitted > 0) heading += ` — ${omitted} earlier event${omitted === 1 ? '' : 's'} omitted, showing the latest ${shown.length}`;
  const lines = shown.map((e) => {
    let l = `\`${formatTime(e.at, o.timeZone)}\` ${actorMd(e.actor)} *${escapeTruncate(e.action, 60)}*`;
    if (e.fromStatus || e.toStatus) {
      if (e.fromStatus !== e.toStatus) {
        l += e.fromStatus ? ` ${escapeText(e.fromStatus)} →` : ' →';
        l += e.toStatus ? ` ${escapeText(e.toStatus)}` : ' —';
      }
    }
    if (e.note?.trim()) l += ` — ${escapeTruncate(oneLine(e.note), 300)}`;
    return l;
  });
  if (!lines.length) lines.push('_No events recorded._');
  blocks.push(section(heading), ...lineSections(lines));

  return message(`${escapeText(t.key)} (${escapeText(t.status)}) ${titleMd(t, 300)}`, blocks);
}

/** Max lines in a ticket list. */
export const LIST_LIMIT = 50;

/** One line per ticket: key, priority, status, assignee, age, title. */
export function ticketList(
  title: Part | readonly Part[],
  tickets: Ticket[],
  o: { now: Date; timeZone: string },
): SlackMessage {
  const heading = `*${md(title)}*`;
  if (!tickets.length) return message(`${md(title)}: No tickets.`, [section(`${heading}\nNo tickets.`)]);
  const shown = tickets.slice(0, LIST_LIMIT);
  const lines = shown.map(
    (t) =>
      `${PRIORITY_EMOJI[t.priority] ?? ':white_circle:'} ${keyMd(t.key)} · ${escapeText(t.status)} · ${assigneeMd(t)} · ${ageOf(t, o.now)} · ${titleMd(t, 120)}${t.waitingOn ? ` _(waiting on ${escapeText(t.waitingOn)})_` : ''}`,
  );
  if (tickets.length > shown.length) lines.push(`_…and ${tickets.length - shown.length} more_`);
  return message(`${md(title)}: ${tickets.length} ticket${tickets.length === 1 ? '' : 's'}`, [
    section(heading),
    ...lineSections(lines),
  ]);
}

/** The roster: handle, skills, channel, user, load, availability, escalates-to. */
export function agentList(
  agents: Array<Agent & { active: number }>,
  o: { now: Date; timeZone: string },
): SlackMessage {
  if (!agents.length) {
    const l = 'No agents yet. Add one with `/agent add HANDLE skills:a,b`.';
    return message(l, [section(`*Agents*\n${l}`)]);
  }
  const lines = agents.slice(0, 200).map((a) => {
    const parts = [
      `*${handleText(a.handle)}*`,
      `skills: ${a.skills.length ? a.skills.map((s) => `\`${escapeTruncate(s, 40)}\``).join(', ') : '—'}`,
      mentionChannel(a.channel),
      a.user ? mentionUser(a.user) : 'no user',
      `load ${a.active}/${a.capacity}`,
    ];
    if (a.busy && (!a.busyUntil || a.busyUntil.getTime() > o.now.getTime())) {
      let b = ':no_entry: busy';
      if (a.busyUntil) b += ` until ${formatTime(a.busyUntil, o.timeZone)}`;
      if (a.busyReason?.trim()) b += ` (${escapeTruncate(oneLine(a.busyReason), 200)})`;
      parts.push(b);
    } else {
      parts.push(':large_green_circle: available');
    }
    parts.push(`escalates to ${a.escalatesTo ? handleText(a.escalatesTo) : '—'}`);
    return parts.join(' · ');
  });
  if (agents.length > 200) lines.push(`_…and ${agents.length - 200} more_`);
  return message(`Agents: ${agents.length}`, [section(`*Agents* (${agents.length})`), ...lineSections(lines)]);
}

const TICKET_HELP: Array<[string, string]> = [
  ['/ticket new [type:T] [priority:P] [escalate:DUR] [assign:HANDLE] [handoff:H1,H2] [follows:KEY] [name:value…] TITLE',
    'File a ticket. Answers with its key and assignee, or why it waits in intake. Any other `name:value` goes into the context. With no text it opens a form.\nExample: `/ticket new type:billing priority:high customer:acme Refund not received`'],
  ['/ticket show KEY', 'The ticket, its context and its audit trail. Example: `/ticket show T-2026-001`'],
  ['/ticket list [mine|intake|active|completed|HANDLE]', 'Tickets by priority, then age. Example: `/ticket list intake`'],
  ['/ticket assign KEY HANDLE', 'Assign (or reassign) a ticket. Example: `/ticket assign T-2026-001 iris`'],
  ['/ticket handoff KEY HANDLE [note]', 'Hand off to another agent as a child ticket; this one waits on it. Example: `/ticket handoff T-2026-001 devin needs a code fix`'],
  ['/ticket resolve KEY [note]', 'Resolve; the requester is told. Example: `/ticket resolve T-2026-001 refunded`'],
  ['/ticket reopen KEY [note]', 'Reopen a completed ticket. Example: `/ticket reopen T-2026-001 still broken`'],
  ['/ticket escalate KEY [note]', 'Escalate now to the next agent of the chain. Example: `/ticket escalate T-2026-001 customer is angry`'],
  ['/ticket next HANDLE', 'The agent pulls the most urgent intake ticket it can take. Example: `/ticket next iris`'],
  ['/ticket help', 'This help.'],
];

const AGENT_HELP: Array<[string, string]> = [
  ['/agent add HANDLE skills:a,b [channel:#…] [user:@…] [capacity:N] [escalates-to:HANDLE]',
    'Add an agent (admins). Without a channel Baton creates #agent-HANDLE.\nExample: `/agent add iris skills:billing,refunds user:@iris-bot capacity:5 escalates-to:felix`'],
  ['/agent update HANDLE [same options]', 'Change an agent (admins). Example: `/agent update iris capacity:8`'],
  ['/agent remove HANDLE', 'Remove an agent (admins); its open tickets go back to intake and are routed again.'],
  ['/agent list', 'The roster: skills, channel, user, load, availability, escalation chain.'],
  ['/agent busy HANDLE [for:DUR|until:HH:MM] [reason]', 'Mark an agent busy (admins or the agent’s own user). Example: `/agent busy iris for:2h offsite`'],
  ['/agent available HANDLE', 'Mark an agent available again. Example: `/agent available iris`'],
  ['/agent help', 'This help.'],
];

/** Full usage of `/ticket` or `/agent`. */
export function help(kind: 'ticket' | 'agent'): SlackMessage {
  const entries = kind === 'ticket' ? TICKET_HELP : AGENT_HELP;
  const lines = entries.map(([usage, what]) => `\`${escapeText(usage)}\`\n${escapeText(what)}`);
  const footer =
    kind === 'ticket'
      ? 'Options are leading `name:value` tokens; the first other word starts the title. Handles: `iris`, `@iris` or a mention of the agent’s user. Durations: `90s`, `30m`, `4h`, `1d`, `1h30m`. Priorities: urgent, high, normal, low. In a ticket’s thread, mention Baton with `accept`, `resolve [note]`, `handoff HANDLE [note]`, `escalate [note]` or `status`.'
      : 'Channels are written `#name`; users `@name`. Durations: `90s`, `30m`, `4h`, `1d`, `1h30m`. `user:none` / `escalates-to:none` clear a value.';
  return message(`/${kind} usage`, [
    section(`*/${kind}* commands`),
    ...lineSections(lines.map((l) => l + '\n')),
    ...contextBlocks([escapeText(footer)]),
  ]);
}

/** The escalation ping once it has been taken over: the button goes away. */
export function escalationPingTakenOver(t: Ticket, taker: Agent): SlackMessage {
  const line = `:raised_hand: ${keyMd(t.key)} *${titleMd(t)}* was taken over by ${handleText(taker.handle)} (level ${t.escalationLevel}).`;
  return message(line, [section(line)]);
}
