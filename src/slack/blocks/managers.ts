// The managers' channel (ESCALATIONS_CHANNEL): one message per ticket, edited as the ticket moves
// (level, who has it, resolved), with Take over and Assign… while it is open; or one summary message
// for the tickets a sweep escalates together, edited the same way.
import type { Ticket } from '../../core/types.js';
import { escapeText, handleText, link } from '../text.js';
import { actions, button, contextBlocks, message, section, type KnownBlock, type SlackMessage } from './kit.js';
import { ACTIONS } from './ticketCard.js';
import { keyMd, priorityEmoji, titleMd, typeMd } from './ticketParts.js';

/** Tickets of a summary shown with their own line and buttons (two blocks each, within Slack's 50). */
export const SUMMARY_SHOWN = 20;

/** Where the ticket stands, in one line: level, who has it, the chain, or resolved. */
export function managersStatus(t: Ticket): string {
  if (t.status === 'completed') return `:white_check_mark: resolved (reached level ${t.escalationLevel})`;
  if (t.status === 'intake') return `:inbox_tray: back in intake (level ${t.escalationLevel})`;
  const who = t.assignee ? `with ${handleText(t.assignee)}` : 'unassigned';
  if (t.chainExhausted) return `level ${t.escalationLevel} · ${who} · :warning: *chain exhausted, no one left to escalate to — please act*`;
  if (t.escalatedTo) return `level ${t.escalationLevel} · ${who} · escalated to ${handleText(t.escalatedTo)}`;
  return t.escalationLevel > 0 ? `level ${t.escalationLevel} · ${who} (taken over or reassigned)` : `${who}`;
}

const ticketLine = (t: Ticket) => `${priorityEmoji(t)} ${keyMd(t.key)} *${titleMd(t, 200)}* · ${typeMd(t)}\n${managersStatus(t)}`;

function buttonsFor(t: Ticket): KnownBlock[] {
  if (t.status !== 'active') return [];
  return [
    actions(`managers:${t.key}`, [
      button(ACTIONS.managersTakeover, 'Take over', t.key, 'primary'),
      button(ACTIONS.managersAssign, 'Assign…', t.key),
    ]),
  ];
}

/** The ticket's own message: posted at its first escalation, edited at every later step. */
export function managersMessage(t: Ticket, o: { latest: { text: string; blocks?: unknown[] }; homeLink?: string }): SlackMessage {
  const meta: string[] = [];
  if (o.homeLink) meta.push(link(o.homeLink, 'Open the home thread'));
  meta.push('Later levels and the outcome follow in the thread.');
  // The latest step (the escalation, take-over or resolution) under the state line: at most 3 blocks.
  const latest = ((o.latest.blocks ?? []) as KnownBlock[]).slice(0, 3);
  const blocks: KnownBlock[] = [section(`*Now:* ${ticketLine(t)}`), ...latest, ...contextBlocks(meta), ...buttonsFor(t)];
  return message(o.latest.text, blocks);
}

/** One message for the tickets a sweep escalated together; each ticket's later steps follow in its thread. */
export function managersSummary(tickets: Ticket[]): SlackMessage {
  const shown = tickets.slice(0, SUMMARY_SHOWN);
  const blocks: KnownBlock[] = [section(`:rotating_light: *${tickets.length} tickets escalated together* — their later levels and outcomes follow in this thread.`)];
  for (const t of shown) blocks.push(section(ticketLine(t)), ...buttonsFor(t));
  if (tickets.length > shown.length) {
    blocks.push(...contextBlocks([`…and ${tickets.length - shown.length} more: ${tickets.slice(SUMMARY_SHOWN).map((t) => keyMd(t.key)).join(', ')}`.slice(0, 2900)]));
  }
  return message(`${tickets.length} tickets escalated together: ${tickets.map((t) => escapeText(t.key)).join(', ')}`.slice(0, 3000), blocks);
}
