// The ephemeral answers that tell the person who asked what their command, button or form did.
// Each takes the use case's result (only the fields it shows) and returns escaped mrkdwn text.
import type { A2aLink } from '../../core/types.js';
import { plural } from '../../core/words.js';
import { a2aText } from './lists.js';
import { escapeText, formatTime, handleText, isUserId, mentionChannel, mentionUser, oneLine } from '../text.js';
import { button, section } from './kit.js';
import { keyMd as k } from './ticketParts.js';

/** `iris`, `iris and maya`, `felix, iris and maya`. */
const andList = (items: readonly string[]) => (items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`);

export interface Answer {
  text: string;
  blocks?: unknown[];
}

type Keyed = { key: string };
type Handled = { handle: string };

const tookHeld = (assigned: string[]) => (assigned.length ? ` It took ${plural(assigned.length, 'held ticket')}: ${assigned.join(', ')}.` : '');

// --- Tickets ----------------------------------------------------------------------------------

export function waitingOnRequester(r: { ticket: Keyed }): Answer {
  return { text: `:hourglass_flowing_sand: ${k(r.ticket.key)} waits on its requester: they were asked, and its escalation clock is stopped until they reply in the thread or \`/ticket resume ${escapeText(r.ticket.key)}\`.` };
}

export function resumed(r: { ticket: Keyed & { escalateDueAt: Date | null } }, timeZone: string): Answer {
  const due = r.ticket.escalateDueAt ? ` It escalates ${formatTime(r.ticket.escalateDueAt, timeZone)} unless someone acts.` : '';
  return { text: `:arrow_forward: ${k(r.ticket.key)}: its escalation clock runs again.${due}` };
}

/**
 * The filing answer, echoing the title and the context values Baton took from the text, so that a
 * `name:value` meant as part of the title (`re:login page broken`) is noticed.
 */
export function filed(r: { ticket: Keyed & { title: string; context: Record<string, string> }; agent: Handled | null; reason: string; duplicate?: boolean; sameMessage?: boolean }): Answer {
  if (r.duplicate) {
    const where = r.agent ? ` (${handleText(r.agent.handle)})` : ' (waiting in intake)';
    if (r.sameMessage) return { text: `:repeat: That message is already tracked as ${k(r.ticket.key)}${where}: *${escapeText(oneLine(r.ticket.title))}*. Nothing new was filed.` };
    return { text: `:repeat: Already tracked as ${k(r.ticket.key)}${where}: *${escapeText(oneLine(r.ticket.title))}*. Nothing new was filed; the ticket's trail and thread record your report.` };
  }
  const head = r.agent
    ? `:ticket: Filed ${k(r.ticket.key)} and assigned it to ${handleText(r.agent.handle)} (${escapeText(r.reason)}).`
    : `:ticket: Filed ${k(r.ticket.key)}. It waits in intake: ${escapeText(r.reason)}.`;
  const context = Object.entries(r.ticket.context);
  const echo =
    `\nTitle: *${escapeText(oneLine(r.ticket.title))}*` +
    (context.length ? `\nContext: ${context.map(([name, value]) => `\`${escapeText(name)}:\` ${escapeText(oneLine(value))}`).join(' · ')}` : '');
  return { text: head + echo };
}

export function assigned(r: { ticket: Keyed; agent: Handled }): Answer {
  return { text: `:arrow_right: ${k(r.ticket.key)} is now with ${handleText(r.agent.handle)}.` };
}

type HandedOff = { parent: Keyed; child: Keyed; target: Handled | null; held?: string | null };

export function handedOff(r: HandedOff): Answer {
  return {
    text:
      `:arrow_right: Handed ${k(r.parent.key)} off${r.target ? ` to ${handleText(r.target.handle)}` : ''} as ${k(r.child.key)}; ` +
      (r.held ? `it waits in intake: ${escapeText(r.held)}.` : `${escapeText(r.parent.key)} waits on it.`),
  };
}

/** A declined handoff: where the ticket went, or why it waits. */
export function declined(r: { ticket: Keyed; agent: Handled | null; reason: string }): Answer {
  return {
    text: r.agent
      ? `:leftwards_arrow_with_hook: Declined ${k(r.ticket.key)}; it went to ${handleText(r.agent.handle)}, and its sender was told why.`
      : `:leftwards_arrow_with_hook: Declined ${k(r.ticket.key)}; it waits in intake: ${escapeText(r.reason)}. Its sender was told why.`,
  };
}

/** The handoff form's closing view says less than the command. */
export function handedOffFromForm(r: HandedOff): Answer {
  return { text: `:arrow_right: Handed ${k(r.parent.key)} off${r.target ? ` to ${handleText(r.target.handle)}` : ''} as ${k(r.child.key)}.` };
}

export function resolved(r: { ticket: Keyed; briefings: string[]; closedChildren?: string[] }): Answer {
  let extra = r.closedChildren?.length ? ` Its open handoff ${r.closedChildren.map(k).join(', ')} was closed with it.` : '';
  if (r.briefings.length) extra += ` Briefings filed: ${r.briefings.map(k).join(', ')}.`;
  return { text: `:white_check_mark: Resolved ${k(r.ticket.key)}.${extra}` };
}

/**
 * Resolve refused because the ticket waits on an open handoff: the reason, and a button that resolves it and
 * closes the handoff too (`/ticket resolve KEY force`), behind a confirmation.
 */
export function resolveBothOffer(key: string, reason: string, actionId: string): Answer {
  const text = `:warning: ${reason}`;
  return {
    text,
    blocks: [
      section(text),
      {
        type: 'actions',
        block_id: 'resolve_both',
        elements: [
          {
            ...button(actionId, 'Resolve both', key, 'danger'),
            confirm: {
              title: { type: 'plain_text', text: 'Close the handoff too?' },
              text: { type: 'mrkdwn', text: `${k(key)} is resolved, and its open handoff is closed with a note pointing at ${k(key)}.` },
              confirm: { type: 'plain_text', text: 'Resolve both' },
              deny: { type: 'plain_text', text: 'Cancel' },
              style: 'danger',
            },
          },
        ],
      },
    ],
  };
}

export function reopened(r: { ticket: Keyed; agent: Handled | null; reason: string }): Answer {
  return {
    text: r.agent
      ? `:leftwards_arrow_with_hook: Reopened ${k(r.ticket.key)}; it is with ${handleText(r.agent.handle)}.`
      : `:leftwards_arrow_with_hook: Reopened ${k(r.ticket.key)}; it waits in intake: ${escapeText(r.reason)}.`,
  };
}

type Escalated = { ticket: Keyed & { escalationLevel: number }; target: Handled | null };

export function escalated(r: Escalated): Answer {
  return {
    text: r.target
      ? `:rotating_light: Escalated ${k(r.ticket.key)} to ${handleText(r.target.handle)} (level ${r.ticket.escalationLevel}).`
      : `:rotating_light: ${k(r.ticket.key)}: the escalation chain has run out; the managers were told.`,
  };
}

/** The Escalate button's answer says less than the command. */
export function escalatedByButton(r: Escalated): Answer {
  return {
    text: r.target
      ? `:rotating_light: Escalated ${k(r.ticket.key)} to ${handleText(r.target.handle)}.`
      : `:rotating_light: ${k(r.ticket.key)}: the chain has run out; the managers were told.`,
  };
}

export function claimed(r: { agent: Handled; ticket: (Keyed & { title: string }) | null }): Answer {
  return {
    text: r.ticket
      ? `:inbox_tray: ${handleText(r.agent.handle)} took ${k(r.ticket.key)}: ${escapeText(r.ticket.title)}`
      : `Nothing in intake that ${handleText(r.agent.handle)} can take.`,
  };
}

export const accepted = (key: string, alreadyBy?: string, you?: string): Answer => ({
  text: !alreadyBy
    ? `:white_check_mark: You accepted ${k(key)}.`
    : `:white_check_mark: ${k(key)} is already accepted by ${alreadyBy === you ? 'you' : isUserId(alreadyBy) ? mentionUser(alreadyBy) : escapeText(alreadyBy)}; nothing changed.`,
});

export const tookOver = (r: { agent: Handled }, key: string): Answer => ({
  text: `:raised_hand: ${handleText(r.agent.handle)} took over ${k(key)}.`,
});

// --- Agents -----------------------------------------------------------------------------------

/** What the admin should know about a roster change, one line each. */
const notes = (warnings: readonly string[] | undefined) => (warnings ?? []).map((w) => `\n:warning: ${escapeText(w)}`).join('');

export function agentAdded(r: { agent: Handled & { skills: string[]; channel: string }; assigned: string[]; warnings?: string[] }): Answer {
  return {
    text: `:wave: Added ${handleText(r.agent.handle)} (skills: ${escapeText(r.agent.skills.join(', '))}) in ${mentionChannel(r.agent.channel)}.${tookHeld(r.assigned)}${notes(r.warnings)}`,
  };
}

export function agentUpdated(r: { agent: Handled & { a2a?: A2aLink | null }; assigned: string[]; warnings?: string[]; webhookSecret?: string; webhookRemoved?: boolean; a2aChanged?: boolean }): Answer {
  const who = handleText(r.agent.handle);
  const a2a = r.a2aChanged ? (r.agent.a2a ? ` It is an A2A agent now: ${a2aText(r.agent.a2a)}; its tickets go to it as A2A messages.` : ' It is no longer an A2A agent.') : '';
  const hook = r.webhookSecret
    ? `\n:key: Its webhook signing secret (shown only this once, only to you; store it as a secret):\n\`${r.webhookSecret}\`\n` +
      'Each event carries `X-Baton-Signature: v1=…`, the hex HMAC-SHA256 of `v1:` + `X-Baton-Timestamp` + `:` + the body with this secret.'
    : r.webhookRemoved
      ? `\nBaton no longer sends ${who}’s events to a webhook.`
      : '';
  return { text: `:pencil2: Updated ${who}.${a2a}${tookHeld(r.assigned)}${hook}${notes(r.warnings)}` };
}

export function agentRemoved(r: { agent: Handled; rerouted: Array<{ key: string; to: string | null }>; chainsChanged?: string[] }): Answer {
  const moved = r.rerouted.length
    ? ` Its open tickets went back to intake: ${r.rerouted.map((x) => `${x.key} → ${x.to ?? 'waiting'}`).join(', ')}.`
    : '';
  const chains = r.chainsChanged ?? [];
  const cut = chains.length
    ? `\n:warning: ${escapeText(andList(chains))} escalated to ${escapeText(r.agent.handle)}; their escalations skip it until it is added again.`
    : '';
  return { text: `:wave: Removed ${handleText(r.agent.handle)}.${escapeText(moved)}${cut}` };
}

export function agentBusy(r: { agent: Handled & { busyUntil: Date | null; busyReason: string | null } }, timeZone: string): Answer {
  const until = r.agent.busyUntil;
  const when = until ? ` until ${formatTime(until, timeZone)}` : ' until `/agent available`';
  const why = r.agent.busyReason ? ` (${escapeText(r.agent.busyReason)})` : '';
  return { text: `:no_entry: ${handleText(r.agent.handle)} is busy${when}${why}. New work waits in intake.` };
}

export function agentAvailable(r: { agent: Handled; assigned: string[] }): Answer {
  const held = r.assigned.length ? ` Assigned from intake: ${r.assigned.join(', ')}.` : '';
  return { text: `:large_green_circle: ${handleText(r.agent.handle)} is available.${held}` };
}

// --- When nothing could be done ---------------------------------------------------------------

export const NO_CALLER: Answer = { text: ':warning: This request did not say who sent it, so Baton did nothing.' };
export const WORKING: Answer = { text: ':hourglass_flowing_sand: Working on it…' };
export const UNKNOWN_BUTTON: Answer = { text: ':warning: Baton does not know this button.' };
export const NEW_FORM_FAILED: Answer = { text: ':x: Could not open the form; try `/ticket new TITLE` instead.' };
export const ASSIGN_FORM_FAILED: Answer = { text: ':x: Could not open the assign form; use `/ticket assign KEY HANDLE`.' };
export const DECLINE_FORM_FAILED: Answer = { text: ':x: Could not open the decline form; mention Baton in the ticket\'s thread: `@Baton decline REASON`.' };
export const HANDOFF_FORM_FAILED: Answer = { text: ':x: Could not open the handoff form; use `/ticket handoff KEY HANDLE [note]`.' };
