// `/ticket`: parse, call one use case, render the ephemeral answer.
import type { App } from '@slack/bolt';
import { escalateTicket } from '../../app/escalation.js';
import { fileTicket } from '../../app/fileTicket.js';
import { handoffTicket } from '../../app/handoff.js';
import { ticketListing } from '../../app/queries.js';
import { explainRouting } from '../../app/why.js';
import { assignTicket, claimNext, reopenTicket, resolveTicket, showTicket } from '../../app/ticketActions.js';
import { resumeTicket, waitOnRequesterTicket } from '../../app/waiting.js';
import type { TicketCommand } from '../../core/commands.js';
import { parseTicketCommand } from '../../core/parse/index.js';
import { user } from '../../core/permissions.js';
import { decodeOptional, decodeSlackText } from '../answers.js';
import * as b from '../blocks/index.js';
import * as say from '../blocks/outcomes.js';
import { answerCommand, commandFromCaller, type SlackDeps } from '../context.js';
import { newTicketModal } from '../views.js';

async function runTicketCommand(sd: SlackDeps, cmd: TicketCommand, caller: string): Promise<say.Answer> {
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
      return say.filed(r);
    }
    case 'show': {
      const { ticket, trail, dueZone, why } = await showTicket(deps, cmd.key, { why: true });
      return deps.render.ticketDetail(ticket, trail, { dueZone, why: why ?? undefined });
    }
    case 'why':
      return b.routingExplanation(await explainRouting(deps, cmd.key), { timeZone: deps.timeZone });
    case 'list': {
      const r = await ticketListing(deps, by, cmd.filter, cmd.page ?? 1);
      const next = r.page < r.pages ? `/ticket list ${r.filterWord} page:${r.page + 1}` : undefined;
      return b.ticketList(r.title, r.tickets, { now: deps.clock.now(), timeZone: deps.timeZone, page: r.page, pages: r.pages, total: r.total, next });
    }
    case 'assign':
      return say.assigned(await assignTicket(deps, by, cmd.key, cmd.agent));
    case 'handoff':
      return say.handedOff(await handoffTicket(deps, by, cmd.key, cmd.agent, decodeOptional(cmd.note)));
    case 'resolve':
      return say.resolved(await resolveTicket(deps, by, cmd.key, decodeOptional(cmd.note), { force: cmd.force === true }));
    case 'reopen':
      return say.reopened(await reopenTicket(deps, by, cmd.key, decodeOptional(cmd.note)));
    case 'escalate':
      return say.escalated(await escalateTicket(deps, by, cmd.key, decodeOptional(cmd.note)));
    case 'wait':
      return say.waitingOnRequester(await waitOnRequesterTicket(deps, by, cmd.key, decodeOptional(cmd.question)));
    case 'resume':
      return say.resumed(await resumeTicket(deps, by, cmd.key), deps.timeZone);
    case 'next':
      return say.claimed(await claimNext(deps, by, cmd.agent));
  }
}

/** `/ticket new` with no text opens the form instead of answering. */
function wantsForm(text: string): boolean {
  try {
    return parseTicketCommand(text).kind === 'new_modal';
  } catch {
    return false;
  }
}

export function registerTicketCommand(app: App, sd: SlackDeps): void {
  app.command('/ticket', async ({ command, ack, respond, client }) => {
    const c = await commandFromCaller(command, ack);
    if (!c) return;
    if (wantsForm(c.text)) {
      try {
        await client.views.open({ trigger_id: command.trigger_id, view: newTicketModal({ channel: command.channel_id }) });
        await ack();
      } catch (e) {
        sd.logger.warn({ err: String(e) }, 'views.open failed');
        await ack({ response_type: 'ephemeral', ...say.NEW_FORM_FAILED });
      }
      return;
    }
    await answerCommand(sd, '/ticket', async () => runTicketCommand(sd, parseTicketCommand(c.text), c.caller), ack, respond);
  });
}
