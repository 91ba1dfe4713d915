// The forms: filing a ticket, handing one off, and the managers' Assign….
import type { AckFn, App, ViewResponseAction } from '@slack/bolt';
import { fileTicket } from '../../app/fileTicket.js';
import { declineTicket } from '../../app/decline.js';
import { handoffTicket } from '../../app/handoff.js';
import { assignTicket } from '../../app/ticketActions.js';
import { ticketForThread, unknownAgentError } from '../../app/queries.js';
import type { AgentRef } from '../../core/commands.js';
import { isDomainError } from '../../core/errors.js';
import { parseHandoffTarget, parseTicketKey } from '../../core/parse/index.js';
import { user } from '../../core/permissions.js';
import { errorAnswer } from '../answers.js';
import * as say from '../blocks/outcomes.js';
import type { SlackDeps } from '../context.js';
import { handoffBlockFor, newTicketBlockFor, readNewTicketForm, type FormErrors } from '../forms.js';
import {
  ASSIGN_CALLBACK_ID,
  ASSIGN_IDS,
  DECLINE_CALLBACK_ID,
  DECLINE_IDS,
  HANDOFF_CALLBACK_ID,
  HANDOFF_IDS,
  NEW_TICKET_CALLBACK_ID,
  NEW_TICKET_IDS,
  readAssignModal,
  readDeclineModal,
  readHandoffModal,
  readModalMetadata,
  resultModal,
  type ModalStateValues,
} from '../views.js';

/**
 * The use case reports an unknown agent without saying which input named it: look the agents up
 * first so the refusal lands on the right input (Assign to, or Hand off when resolved).
 */
async function flagUnknownAgents(sd: SlackDeps, errors: FormErrors, blockId: string, refs: AgentRef[]): Promise<void> {
  if (errors[blockId]) return;
  for (const ref of refs) {
    const e = await unknownAgentError(sd.deps, ref);
    if (e) {
      errors[blockId] = e.message;
      return;
    }
  }
}

type ViewAck = AckFn<void> | AckFn<ViewResponseAction>;

/**
 * Runs a form's use case: the form then shows what happened, or the refusal sits on the input it
 * is about (`blockFor` its field), or the form shows the refusal under the title `failed`.
 */
async function submit(
  sd: SlackDeps,
  ack: ViewAck,
  o: { what: string; blockFor: (field: string | undefined) => string | undefined; failed: string },
  work: () => Promise<ReturnType<typeof resultModal>>,
): Promise<void> {
  try {
    await ack({ response_action: 'update', view: await work() });
    sd.kick();
  } catch (e) {
    const a = errorAnswer(e, sd.logger, o.what);
    const blockId = isDomainError(e) ? o.blockFor(e.field) : undefined;
    if (blockId) await ack({ response_action: 'errors', errors: { [blockId]: a.text } });
    else await ack({ response_action: 'update', view: resultModal(o.failed, a.text) });
  }
}

export function registerModals(app: App, sd: SlackDeps): void {
  app.view(NEW_TICKET_CALLBACK_ID, async ({ ack, body, view }) => {
    const { input, errors } = readNewTicketForm(view.state.values as unknown as ModalStateValues);
    await flagUnknownAgents(sd, errors, NEW_TICKET_IDS.assign.blockId, input.assign ? [input.assign] : []);
    await flagUnknownAgents(sd, errors, NEW_TICKET_IDS.handoff.blockId, input.handoff);
    if (Object.keys(errors).length) {
      await ack({ response_action: 'errors', errors });
      return;
    }
    const meta = readModalMetadata(view.private_metadata);
    await submit(sd, ack, { what: 'new ticket modal', blockFor: newTicketBlockFor, failed: 'Not filed' }, async () => {
      // From the "File as ticket" shortcut: the message is the origin, its author the requester, and the one
      // who filed it is recorded. A message already filed answers with its ticket.
      if (meta.origin) {
        const already = await ticketForThread(sd.deps, meta.origin.channel, meta.origin.ts);
        if (already) return resultModal('Already tracked', `:information_source: That message is already tracked as *${already.key}*.`);
        const r = await fileTicket(sd.deps, user(meta.requester ?? body.user.id), { ...input, origin: meta.origin, reactor: body.user.id });
        return resultModal('Ticket filed', say.filed(r).text);
      }
      const r = await fileTicket(sd.deps, user(body.user.id), input);
      return resultModal('Ticket filed', say.filed(r).text);
    });
  });

  app.view(HANDOFF_CALLBACK_ID, async ({ ack, body, view }) => {
    const meta = readModalMetadata(view.private_metadata);
    const v = readHandoffModal(view.state.values as unknown as ModalStateValues);
    let ref;
    try {
      ref = parseHandoffTarget(v.agent, 'the *Hand off to* field');
    } catch (e) {
      await ack({ response_action: 'errors', errors: { [HANDOFF_IDS.agent.blockId]: isDomainError(e) ? e.message : 'Not an agent.' } });
      return;
    }
    await submit(sd, ack, { what: 'handoff modal', blockFor: handoffBlockFor, failed: 'Not handed off' }, async () => {
      const key = parseTicketKey(meta.key ?? '', 'the form');
      const r = await handoffTicket(sd.deps, user(body.user.id), key, ref, v.note, v.packet ? { packet: v.packet } : {});
      return resultModal('Handed off', say.handedOffFromForm(r).text);
    });
  });

  // The Decline form of a handed-off ticket's card.
  app.view(DECLINE_CALLBACK_ID, async ({ ack, body, view }) => {
    const meta = readModalMetadata(view.private_metadata);
    const reason = readDeclineModal(view.state.values as unknown as ModalStateValues);
    const blockFor = (field: string | undefined) => (field === 'reason' ? DECLINE_IDS.reason.blockId : undefined);
    await submit(sd, ack, { what: 'decline modal', blockFor, failed: 'Not declined' }, async () => {
      const key = parseTicketKey(meta.key ?? '', 'the form');
      return resultModal('Declined', say.declined(await declineTicket(sd.deps, user(body.user.id), key, reason)).text);
    });
  });

  // The managers' Assign… form: the existing assignment, with the manager as the one who assigns.
  app.view(ASSIGN_CALLBACK_ID, async ({ ack, body, view }) => {
    const meta = readModalMetadata(view.private_metadata);
    const handle = readAssignModal(view.state.values as unknown as ModalStateValues);
    if (!handle) {
      await ack({ response_action: 'errors', errors: { [ASSIGN_IDS.agent.blockId]: 'Choose an agent.' } });
      return;
    }
    const blockFor = (field: string | undefined) => (field === 'handle' ? ASSIGN_IDS.agent.blockId : undefined);
    await submit(sd, ack, { what: 'assign modal', blockFor, failed: 'Not assigned' }, async () => {
      const key = parseTicketKey(meta.key ?? '', 'the form');
      const r = await assignTicket(sd.deps, user(body.user.id), key, { handle });
      return resultModal('Assigned', say.assigned(r).text);
    });
  });

  const ours = `${NEW_TICKET_CALLBACK_ID}|${HANDOFF_CALLBACK_ID}|${ASSIGN_CALLBACK_ID}|${DECLINE_CALLBACK_ID}`;
  // Modals Baton does not know: close them quietly.
  app.view({ callback_id: new RegExp(`^(?!(${ours})$)`) }, async ({ ack }) => {
    await ack();
  });
  // A modal closed (only sent with notify_on_close, which Baton does not ask for): acknowledge, so
  // Slack is not left waiting for 3 seconds.
  app.view({ type: 'view_closed', callback_id: new RegExp(`^(${ours})$`) }, async ({ ack }) => {
    await ack();
  });
}
