// Messages about the roster that land in channels: the card of an agent removed from the roster.
import type { Ticket } from '../../core/types.js';
import { escapeAndCut, handleText, oneLine } from '../text.js';
import { oneSection, type SlackMessage } from './kit.js';
import { keyMd, titleMd } from './ticketParts.js';

/** The removed agent's card, edited in place: no buttons, and where the ticket went. */
export function cardOfRemovedAgent(t: Ticket, removed: string, to: string | null): SlackMessage {
  const where = to ? `it is now with ${handleText(to)}` : 'it went back to intake';
  return oneSection(`:wave: ${keyMd(t.key)} *${titleMd(t)}*: ${handleText(removed)} left the roster; ${where}.`);
}

/** The card of an agent a ticket was taken back from, edited in place: no buttons, why, and where the ticket went. */
/** The card of an agent that declined a handed-off ticket, edited: no buttons, its reason, and where the ticket went. */
export function cardDeclined(t: Ticket, by: string, reason: string, to: string | null): SlackMessage {
  const where = to ? `it is now with ${handleText(to)}` : 'it went back to intake';
  return oneSection(`:leftwards_arrow_with_hook: ${keyMd(t.key)} *${titleMd(t)}*: declined by ${handleText(by)} (${escapeAndCut(oneLine(reason), 300)}); ${where}.`);
}

export function cardTakenBack(t: Ticket, from: string, why: string, to: string | null): SlackMessage {
  const where = to ? `it is now with ${handleText(to)}` : 'it went back to intake';
  return oneSection(`:hourglass: ${keyMd(t.key)} *${titleMd(t)}*: taken back from ${handleText(from)} (${escapeAndCut(oneLine(why), 300)}); ${where}.`);
}
