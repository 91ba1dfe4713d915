// Block Kit building blocks every message builder uses, within Slack's limits: every mrkdwn text
// ≤ 3000 chars (fields ≤ 2000), ≤ 10 fields per section, ≤ 10 elements per context block, ≤ 50
// blocks per message; the fallback `text` ≤ 3000 chars. All mrkdwn objects are sent with
// `verbatim: true` so Slack never auto-parses user text.
import type { types as SlackTypes } from '@slack/bolt';
import { cutMrkdwn, SLACK_LIMITS } from '../text.js';

export type KnownBlock = SlackTypes.KnownBlock;
export type SectionBlock = SlackTypes.SectionBlock;
type ContextBlock = SlackTypes.ContextBlock;
type ActionsBlock = SlackTypes.ActionsBlock;
export type Button = SlackTypes.Button;
type MrkdwnElement = SlackTypes.MrkdwnElement;

/** What every builder returns: `text` is the notification fallback (escaped), `blocks` the message. */
export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

function mrkdwn(text: string, max: number = SLACK_LIMITS.sectionText): MrkdwnElement {
  const t = cutMrkdwn(text, max);
  return { type: 'mrkdwn', text: t.trim() === '' ? ' ' : t, verbatim: true };
}

export function section(text: string): SectionBlock {
  return { type: 'section', text: mrkdwn(text) };
}

/** Sections of fields, ten per section. */
export function fieldSections(fields: string[]): SectionBlock[] {
  const out: SectionBlock[] = [];
  for (let i = 0; i < fields.length; i += SLACK_LIMITS.fields) {
    out.push({
      type: 'section',
      fields: fields.slice(i, i + SLACK_LIMITS.fields).map((f) => mrkdwn(f, SLACK_LIMITS.fieldText)),
    });
  }
  return out;
}

export function field(label: string, value: string): string {
  return `*${label}*\n${value}`;
}

/** Context blocks of small mrkdwn elements, ten per block. */
export function contextBlocks(elements: string[]): ContextBlock[] {
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
export function lineSections(lines: string[]): SectionBlock[] {
  const out: SectionBlock[] = [];
  let cur = '';
  for (const raw of lines) {
    const line = cutMrkdwn(raw, SLACK_LIMITS.sectionText);
    if (cur && cur.length + 1 + line.length > SLACK_LIMITS.sectionText) {
      out.push(section(cur));
      cur = '';
    }
    cur = cur ? `${cur}\n${line}` : line;
  }
  if (cur) out.push(section(cur));
  return out;
}

export function button(actionId: string, text: string, value: string, style?: 'primary' | 'danger'): Button {
  const b: Button = {
    type: 'button',
    action_id: actionId,
    text: { type: 'plain_text', text, emoji: true },
    value: value.slice(0, SLACK_LIMITS.buttonValue),
  };
  if (style) b.style = style;
  return b;
}

export function actions(blockId: string, elements: Button[]): ActionsBlock {
  return { type: 'actions', block_id: blockId, elements };
}

/** Final assembly: fallback text cut to 3000, at most 50 blocks. */
export function message(text: string, blocks: KnownBlock[]): SlackMessage {
  let out = blocks;
  if (out.length > SLACK_LIMITS.blocks) {
    // keep any actions block (the buttons matter most) and say what was dropped
    const acts = out.filter((b) => b.type === 'actions');
    const rest = out.filter((b) => b.type !== 'actions');
    const room = SLACK_LIMITS.blocks - acts.length - 1;
    const omitted = rest.length - room;
    out = [...rest.slice(0, room), section(`_…${omitted} more not shown_`), ...acts];
  }
  const t = cutMrkdwn(text, SLACK_LIMITS.messageText);
  return { text: t.trim() === '' ? ' ' : t, blocks: out };
}

/** A message of one section, its text also the fallback. */
export const oneSection = (text: string): SlackMessage => message(text, [section(text)]);
