// Modals (views) and the readers of their submitted values. Pure functions.
//
// Input `initial_value`s are NOT escaped: they are what the user edits and gets back verbatim.

import type { types as SlackTypes } from '@slack/bolt';
import { LIMITS, PACKET_LIMITS, PRIORITIES, type HandoffPacket, type Priority } from '../core/types.js';
import { cutSlackText, SLACK_LIMITS } from './text.js';

export type ModalView = SlackTypes.ModalView;
type InputBlock = SlackTypes.InputBlock;
type PlainTextInput = SlackTypes.PlainTextInput;

/** Slack's own cap on a plain_text_input's max_length. */
export const INPUT_MAX = 3000;

/**
 * A description may be 4,000 characters (`LIMITS.description`), but Slack refuses a form field longer than
 * 3,000: the form says so, and where the longer limit applies.
 */
const DESCRIPTION_HINT = `Up to ${INPUT_MAX.toLocaleString('en-US')} characters here (Slack's limit for a form field); \`/ticket new\` takes ${LIMITS.description.toLocaleString('en-US')}.`;

export const NEW_TICKET_CALLBACK_ID = 'ticket_new';
export const HANDOFF_CALLBACK_ID = 'ticket_handoff';
export const DECLINE_CALLBACK_ID = 'ticket_decline_form';

/** block_id / action_id of the Decline form's reason. */
export const DECLINE_IDS = { reason: { blockId: 'decline_reason', actionId: 'reason' } } as const;
export const ASSIGN_CALLBACK_ID = 'managers_assign_form';

/** block_id / action_id of the Assign… form's picker (the managers' channel). */
export const ASSIGN_IDS = { agent: { blockId: 'assign_agent', actionId: 'agent' } } as const;

/** Slack's caps: options in a static_select, characters of an option's text. */
const SELECT_OPTIONS_MAX = 100;
const OPTION_TEXT_MAX = 75;

/** block_id / action_id of every input of the new-ticket modal. */
export const NEW_TICKET_IDS = {
  title: { blockId: 'new_title', actionId: 'title' },
  description: { blockId: 'new_description', actionId: 'description' },
  type: { blockId: 'new_type', actionId: 'type' },
  priority: { blockId: 'new_priority', actionId: 'priority' },
  escalate: { blockId: 'new_escalate', actionId: 'escalate' },
  assign: { blockId: 'new_assign', actionId: 'assign' },
  handoff: { blockId: 'new_handoff', actionId: 'handoff' },
  follows: { blockId: 'new_follows', actionId: 'follows' },
  context: { blockId: 'new_context', actionId: 'context' },
} as const;

/** block_id / action_id of every input of the handoff modal. */
export const HANDOFF_IDS = {
  agent: { blockId: 'handoff_agent', actionId: 'agent' },
  /** The note: the packet's summary. */
  note: { blockId: 'handoff_note', actionId: 'note' },
  done: { blockId: 'handoff_done', actionId: 'done' },
  open_questions: { blockId: 'handoff_questions', actionId: 'open_questions' },
  acceptance_criteria: { blockId: 'handoff_criteria', actionId: 'acceptance_criteria' },
  links: { blockId: 'handoff_links', actionId: 'links' },
} as const;

/** A list field of the packet: one item per line. */
const LIST_HINT = `One per line, at most ${PACKET_LIMITS.items} lines of ${PACKET_LIMITS.item} characters.`;

const plain = (text: string) => ({ type: 'plain_text' as const, text, emoji: true });

function textInput(
  ids: { blockId: string; actionId: string },
  label: string,
  o: { optional?: boolean; multiline?: boolean; maxLength?: number; placeholder?: string; hint?: string; initial?: string },
): InputBlock {
  const element: PlainTextInput = { type: 'plain_text_input', action_id: ids.actionId };
  if (o.multiline) element.multiline = true;
  const max = Math.min(o.maxLength ?? INPUT_MAX, INPUT_MAX);
  element.max_length = max;
  if (o.placeholder) element.placeholder = plain(cutSlackText(o.placeholder, 150));
  if (o.initial) element.initial_value = cutSlackText(o.initial, max);
  const block: InputBlock = { type: 'input', block_id: ids.blockId, label: plain(label), element };
  if (o.optional) block.optional = true;
  if (o.hint) block.hint = plain(o.hint);
  return block;
}

/** `/ticket new` with no text: the same fields as the command. */
/**
 * `/ticket new` with no text: the same fields as the command. From the "File as ticket" shortcut, the title and
 * description come from the message, which becomes the ticket's origin, its author the requester.
 */
export function newTicketModal(o?: { channel?: string; title?: string; description?: string; origin?: { channel: string; ts: string }; requester?: string }): ModalView {
  const ids = NEW_TICKET_IDS;
  const priorityOptions = PRIORITIES.map((p) => ({ text: plain(p), value: p }));
  const normal = priorityOptions.find((p) => p.value === 'normal');
  const optional = (which: keyof typeof ids, label: string, o: Parameters<typeof textInput>[2]) =>
    textInput(ids[which], label, { optional: true, ...o });
  const blocks: InputBlock[] = [
    textInput(ids.title, 'Title', { maxLength: LIMITS.title, placeholder: 'What needs doing?', ...(o?.title ? { initial: o.title } : {}) }),
    optional('description', 'Description', { multiline: true, maxLength: LIMITS.description, hint: DESCRIPTION_HINT, ...(o?.description ? { initial: o.description } : {}) }),
    optional('type', 'Type', { maxLength: LIMITS.type, placeholder: 'e.g. billing', hint: 'Which skill it needs. Empty means the default type.' }),
    {
      type: 'input',
      block_id: ids.priority.blockId,
      label: plain('Priority'),
      element: {
        type: 'static_select',
        action_id: ids.priority.actionId,
        options: priorityOptions,
        ...(normal ? { initial_option: normal } : {}),
      },
    },
    optional('context', 'Context', { multiline: true, placeholder: 'customer: acme', hint: 'One `key: value` per line.' }),
    optional('escalate', 'Escalate after', {
      maxLength: 20,
      placeholder: 'e.g. 30m, 4h, 1h30m',
      hint: 'Empty means by priority (urgent 15m, high 30m, normal 4h, low 1d).',
    }),
    optional('assign', 'Assign to', { maxLength: 100, placeholder: 'agent handle, e.g. iris' }),
    optional('handoff', 'Hand off when resolved', {
      maxLength: 500,
      placeholder: 'handles, comma-separated',
      hint: 'These agents get a briefing ticket when this one is resolved.',
    }),
    optional('follows', 'Follows ticket', { maxLength: 40, placeholder: 'e.g. T-2026-001' }),
  ];
  return {
    type: 'modal',
    callback_id: NEW_TICKET_CALLBACK_ID,
    title: plain('New ticket'),
    submit: plain('File ticket'),
    close: plain('Cancel'),
    private_metadata: JSON.stringify({
      ...(o?.channel ? { channel: o.channel } : {}),
      ...(o?.origin ? { origin: o.origin } : {}),
      ...(o?.requester ? { requester: o.requester } : {}),
    }),
    blocks,
  };
}

/** The Hand off button / `handoff` without a target: who takes it, and the packet the next agent starts from. */
export function handoffModal(key: string, o?: { initialNote?: string }): ModalView {
  const list = (which: 'done' | 'open_questions' | 'acceptance_criteria' | 'links', label: string, placeholder: string, hint = LIST_HINT) =>
    textInput(HANDOFF_IDS[which], label, { optional: true, multiline: true, maxLength: INPUT_MAX, placeholder, hint });
  return {
    type: 'modal',
    callback_id: HANDOFF_CALLBACK_ID,
    title: plain(cutSlackText(`Hand off ${key}`, 24)),
    submit: plain('Hand off'),
    close: plain('Cancel'),
    private_metadata: JSON.stringify({ key }),
    blocks: [
      textInput(HANDOFF_IDS.agent, 'Hand off to', {
        maxLength: 100,
        placeholder: 'agent handle, e.g. devin, or skill:engineering',
        hint: 'An agent, or `skill:TYPE` for whoever has that skill (never back to you).',
      }),
      textInput(HANDOFF_IDS.note, 'Summary', {
        optional: true,
        multiline: true,
        maxLength: Math.min(LIMITS.note, PACKET_LIMITS.summary),
        placeholder: 'What the next agent needs to know',
        ...(o?.initialNote ? { initial: o.initialNote } : {}),
      }),
      list('done', 'Already done', 'What is done, one per line'),
      list('open_questions', 'Open questions', 'What is still unknown, one per line'),
      list('acceptance_criteria', 'Done when', 'When the work counts as done, one per line'),
      list('links', 'Links', 'https://…, one per line', `At most ${PACKET_LIMITS.links} http(s) links, one per line.`),
    ],
  };
}

/** The Decline button on a handed-off ticket's card: why it goes back. */
export function declineModal(key: string): ModalView {
  return {
    type: 'modal',
    callback_id: DECLINE_CALLBACK_ID,
    title: plain(cutSlackText(`Decline ${key}`, 24)),
    submit: plain('Decline'),
    close: plain('Cancel'),
    private_metadata: JSON.stringify({ key }),
    blocks: [
      textInput(DECLINE_IDS.reason, 'Why you decline it', {
        multiline: true,
        maxLength: LIMITS.note,
        placeholder: 'e.g. I have no access to the billing system',
        hint: 'The ticket goes to another agent that can take it (never back to you), or waits in intake; its sender hears why.',
      }),
    ],
  };
}

/**
 * The managers' Assign… form: a picker of the agents that take the ticket's type (with their load and
 * availability), at most Slack's 100 options. Without any such agent, the form says so and has no submit.
 */
export function assignModal(
  key: string,
  type: string,
  agents: Array<{ handle: string; note?: string }>,
): ModalView {
  const base = {
    type: 'modal' as const,
    callback_id: ASSIGN_CALLBACK_ID,
    title: plain(cutSlackText(`Assign ${key}`, 24)),
    close: plain('Cancel'),
    private_metadata: JSON.stringify({ key }),
  };
  if (!agents.length) {
    const text = `No agent takes \`${type.replace(/[`<>&]/g, '')}\` tickets. \`/agent add HANDLE skills:${type.replace(/[`<>&\s]/g, '')}\` adds one.`;
    return { ...base, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: text.slice(0, SLACK_LIMITS.sectionText) } }] };
  }
  const options = agents.slice(0, SELECT_OPTIONS_MAX).map((a) => ({
    text: plain(cutSlackText(a.note ? `${a.handle} (${a.note})` : a.handle, OPTION_TEXT_MAX)),
    value: a.handle,
  }));
  return {
    ...base,
    submit: plain('Assign'),
    blocks: [
      {
        type: 'input',
        block_id: ASSIGN_IDS.agent.blockId,
        label: plain(`Agents that take ${cutSlackText(type, 40)} tickets`),
        element: { type: 'static_select', action_id: ASSIGN_IDS.agent.actionId, placeholder: plain('Choose an agent'), options },
      },
    ],
  };
}

/** The agent chosen in the Assign… form, or '' when none. */
export function readAssignModal(values: ModalStateValues | null | undefined): string {
  return valueOf(values, ASSIGN_IDS.agent)?.selected_option?.value ?? '';
}

/** What a submitted form turned into: replaces the form, with a Close button. */
export function resultModal(title: string, text: string) {
  return {
    type: 'modal' as const,
    title: { type: 'plain_text' as const, text: title.slice(0, 24) },
    close: { type: 'plain_text' as const, text: 'Close' },
    blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: text.slice(0, SLACK_LIMITS.sectionText) } }],
  };
}

// ---------------------------------------------------------------------------------------------
// Readers

/** The part of a submitted view's `state.values` we read (bolt's ViewOutput state fits it). */
export interface ModalStateValue {
  type?: string;
  value?: string | null;
  selected_option?: { value: string } | null;
}
export type ModalStateValues = Record<string, Record<string, ModalStateValue | undefined> | undefined>;

function valueOf(values: ModalStateValues | null | undefined, ids: { blockId: string; actionId: string }) {
  return values?.[ids.blockId]?.[ids.actionId];
}

function textOf(values: ModalStateValues | null | undefined, ids: { blockId: string; actionId: string }): string {
  const v = valueOf(values, ids)?.value;
  return typeof v === 'string' ? v.trim() : '';
}

export interface NewTicketModalValues {
  title: string;
  description: string;
  type?: string;
  priority?: Priority;
  /** Duration as typed (`30m`, `1h30m`); parsing is the caller's. */
  escalate?: string;
  /** Handle as typed (`iris`, `@iris`); leading `@` removed. */
  assign?: string;
  /** Handles as typed, split on commas/whitespace; leading `@` removed. */
  handoff: string[];
  follows?: string;
  context: Record<string, string>;
  /** Context lines that are not `key: value` (show them as an error on `NEW_TICKET_IDS.context.blockId`). */
  contextErrors: string[];
}

const stripAt = (s: string) => (s.startsWith('@') ? s.slice(1) : s);

/** Parses `key: value` lines. */
function parseContextLines(text: string): { context: Record<string, string>; errors: string[] } {
  const context: Record<string, string> = {};
  const errors: string[] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (!line) continue;
    const i = line.indexOf(':');
    const key = i > 0 ? line.slice(0, i).trim() : '';
    const value = i > 0 ? line.slice(i + 1).trim() : '';
    if (!key || !value) {
      errors.push(line);
      continue;
    }
    context[key] = value;
  }
  return { context, errors };
}

/** Reads the new-ticket modal's `view.state.values`; missing blocks read as empty. */
export function readNewTicketModal(values: ModalStateValues | null | undefined): NewTicketModalValues {
  const ids = NEW_TICKET_IDS;
  const out: NewTicketModalValues = {
    title: textOf(values, ids.title),
    description: textOf(values, ids.description),
    handoff: textOf(values, ids.handoff)
      .split(/[\s,]+/)
      .map(stripAt)
      .filter((h) => h !== ''),
    context: {},
    contextErrors: [],
  };
  const type = textOf(values, ids.type);
  if (type) out.type = type;
  const p = valueOf(values, ids.priority)?.selected_option?.value;
  if (p && (PRIORITIES as readonly string[]).includes(p)) out.priority = p as Priority;
  const escalate = textOf(values, ids.escalate);
  if (escalate) out.escalate = escalate;
  const assign = stripAt(textOf(values, ids.assign));
  if (assign) out.assign = assign;
  const follows = textOf(values, ids.follows);
  if (follows) out.follows = follows.toUpperCase();
  const { context, errors } = parseContextLines(textOf(values, ids.context));
  out.context = context;
  out.contextErrors = errors;
  return out;
}

export interface HandoffModalValues {
  /** Target as typed, leading `@` removed (may be empty when the block is missing). */
  agent: string;
  note?: string;
  /** The packet, when any of its lists was filled in (the note is its summary). */
  packet?: HandoffPacket;
}

/** A list field's lines: trimmed, bullets dropped, empty lines skipped. */
const linesOf = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim().replace(/^[-*•]\s+/, ''))
    .filter((l) => l !== '');

/** Reads the handoff modal's `view.state.values`; missing blocks read as empty. */
export function readHandoffModal(values: ModalStateValues | null | undefined): HandoffModalValues {
  const out: HandoffModalValues = { agent: stripAt(textOf(values, HANDOFF_IDS.agent)) };
  const note = textOf(values, HANDOFF_IDS.note);
  if (note) out.note = note;
  const packet: HandoffPacket = {};
  for (const which of ['done', 'open_questions', 'acceptance_criteria', 'links'] as const) {
    const lines = linesOf(textOf(values, HANDOFF_IDS[which]));
    if (lines.length) packet[which] = lines;
  }
  if (Object.keys(packet).length) out.packet = note ? { summary: note, ...packet } : packet;
  return out;
}

/** Reads the Decline form's reason (empty when missing). */
export function readDeclineModal(values: ModalStateValues | null | undefined): string {
  return textOf(values, DECLINE_IDS.reason);
}

export interface ModalMetadata {
  channel?: string;
  key?: string;
  /** The message a "File as ticket" form files. */
  origin?: { channel: string; ts: string };
  /** That message's author. */
  requester?: string;
}

/** Reads a modal's `private_metadata` (`{channel}`, `{key}`, or a message's `{origin, requester}`); bad JSON reads as `{}`. */
export function readModalMetadata(privateMetadata: string | null | undefined): ModalMetadata {
  if (!privateMetadata) return {};
  try {
    const v: unknown = JSON.parse(privateMetadata);
    if (!v || typeof v !== 'object') return {};
    const rec = v as Record<string, unknown>;
    const out: ModalMetadata = {};
    if (typeof rec.channel === 'string') out.channel = rec.channel;
    if (typeof rec.key === 'string') out.key = rec.key;
    const origin = rec.origin as Record<string, unknown> | undefined;
    if (origin && typeof origin.channel === 'string' && typeof origin.ts === 'string') out.origin = { channel: origin.channel, ts: origin.ts };
    if (typeof rec.requester === 'string') out.requester = rec.requester;
    return out;
  } catch {
    return {};
  }
}
