// `/ticket`: parse, call one use case, render the ephemeral answer.
import type { App } from '@slack/bolt';
import { escalateTicket } from '../../app/escalation.js';
import { fileTicket } from '../../app/fileTicket.js';
import { handoffTicket } from '../../app/handoff.js';
import { listFor } from '../../app/queries.js';
import { acceptTicket, assignTicket, claimNext, reopenTicket, resolveTicket, showTicket } from '../../app/ticketActions.js';
import type { TicketCommand } from '../../core/commands.js';
import { parseTicketCommand } from '../../core/parse.js';
import { user } from '../../core/permissions.js';
import { PRIORITY_RANK } from '../../core/types.js';
import type { Answer } from '../answers.js';
import { decodeOptional, decodeSlackText } from '../answers.js';
import * as b from '../blocks.js';
import { answerInTime, commandInput, NO_CALLER, type SlackDeps } from '../context.js';
import { escapeText, handleText } from '../text.js';
import { newTicketModal } from '../views.js';

const k = (key: string) => `*${escapeText(key)}*`;

export function filedAnswer(r: { ticket: { key: string }; agent: { handle: string } | null; reason: string }): Answer {
  return {
    text: r.agent
      ? `:ticket: Filed ${k(r.ticket.key)} and assigned it to ${handleText(r.agent.handle)} (${escapeText(r.reason)}).`
      : `:ticket: Filed ${k(r.ticket.key)}. It waits in intake: ${escapeText(r.reason)}.`,
  };
}

export async function runTicketCommand(sd: SlackDeps, cmd: TicketCommand, caller: string): Promise<Answer> {
  const { deps } = sd;
  const by = user(caller);
  switch (cmd.kind) {
    case 'help':
    case 'new_modal':
      return b.help('ticket');
    case 'new': {
      const { kind: _k, ...input } = cmd;
      const r = await fileTicket(deps, by, {
        ...input,
        title: decodeSlackText(input.title),
        description: decodeSlackText(input.description),
        context: Object.fromEntries(Object.entries(input.context).map(([key, v]) => [key, decodeSlackText(v)])),
      });
      return filedAnswer(r);
    }
    case 'show': {
      const { ticket, trail } = await showTicket(deps, cmd.key);
      return deps.render.ticketDetail(ticket, trail);
    }
    case 'list': {
      const r = await listFor(deps, by, cmd.filter);
      // Every list is by priority, then age (PRODUCT.md); storage orders completed tickets by resolution time.
      const tickets = [...r.tickets].sort(
        (x, y) => PRIORITY_RANK[x.priority] - PRIORITY_RANK[y.priority] || x.createdAt.getTime() - y.createdAt.getTime() || x.key.localeCompare(y.key),
      );
      return b.ticketList(r.title, tickets, { now: deps.clock.now(), timeZone: deps.timeZone });
    }
    case 'assign': {
      const r = await assignTicket(deps, by, cmd.key, cmd.agent);
      return { text: `:arrow_right: ${k(r.ticket.key)} is now with ${handleText(r.agent.handle)}.` };
    }
    case 'handoff': {
      const r = await handoffTicket(deps, by, cmd.key, cmd.agent, decodeOptional(cmd.note));
      return {
        text:
          `:arrow_right: Handed ${k(r.parent.key)} off to ${handleText(r.target.handle)} as ${k(r.child.key)}; ` +
          (r.held ? `it waits in intake: ${escapeText(r.held)}.` : `${escapeText(r.parent.key)} waits on it.`),
      };
    }
    case 'resolve': {
      const r = await resolveTicket(deps, by, cmd.key, decodeOptional(cmd.note));
      const extra = r.briefings.length ? ` Briefings filed: ${r.briefings.map(k).join(', ')}.` : '';
      return { text: `:white_check_mark: Resolved ${k(r.ticket.key)}.${extra}` };
    }
    case 'reopen': {
      const r = await reopenTicket(deps, by, cmd.key, decodeOptional(cmd.note));
      return {
        text: r.agent
          ? `:leftwards_arrow_with_hook: Reopened ${k(r.ticket.key)}; it is with ${handleText(r.agent.handle)}.`
          : `:leftwards_arrow_with_hook: Reopened ${k(r.ticket.key)}; it waits in intake: ${escapeText(r.reason)}.`,
      };
    }
    case 'escalate': {
      const r = await escalateTicket(deps, by, cmd.key, decodeOptional(cmd.note));
      return {
        text: r.target
          ? `:rotating_light: Escalated ${k(r.ticket.key)} to ${handleText(r.target.handle)} (level ${r.ticket.escalationLevel}).`
          : `:rotating_light: ${k(r.ticket.key)}: the escalation chain has run out; the managers were told.`,
      };
    }
    case 'next': {
      const r = await claimNext(deps, by, cmd.agent);
      return {
        text: r.ticket
          ? `:inbox_tray: ${handleText(r.agent.handle)} took ${k(r.ticket.key)}: ${escapeText(r.ticket.title)}`
          : `Nothing in intake that ${handleText(r.agent.handle)} can take.`,
      };
    }
  }
}

export function registerTicketCommand(app: App, sd: SlackDeps): void {
  app.command('/ticket', async ({ command, ack, respond, client }) => {
    if (!commandInput(command).user) {
      await ack({ response_type: 'ephemeral', ...NO_CALLER });
      return;
    }
    let cmd: TicketCommand | null = null;
    try {
      cmd = parseTicketCommand(commandInput(command).text);
    } catch {
      cmd = null;
    }
    if (cmd?.kind === 'new_modal') {
      try {
        await client.views.open({ trigger_id: command.trigger_id, view: newTicketModal({ channel: command.channel_id }) });
        await ack();
      } catch (e) {
        sd.logger.warn({ err: String(e) }, 'views.open failed');
        await ack({ response_type: 'ephemeral', text: ':x: Could not open the form; try `/ticket new TITLE` instead.' });
      }
      return;
    }
    await answerInTime(
      sd,
      '/ticket',
      async () => runTicketCommand(sd, parseTicketCommand(commandInput(command).text), commandInput(command).user!),
      async (a) => ack({ response_type: 'ephemeral', ...(a as object), text: a.text }),
      async (a) => {
        await respond({ response_type: 'ephemeral', replace_original: false, ...(a as object), text: a.text });
      },
    );
  });
}
