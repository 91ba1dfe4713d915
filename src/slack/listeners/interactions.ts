// Buttons and modals: the card's buttons, the take-over button, the new-ticket and handoff modals.
import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { escalateTicket, takeOver } from '../../app/escalation.js';
import { fileTicket } from '../../app/fileTicket.js';
import { handoffTicket } from '../../app/handoff.js';
import { acceptTicket, resolveTicket } from '../../app/ticketActions.js';
import { agentExists } from '../../app/agents.js';
import { agentByUserId } from '../../app/queries.js';
import type { AgentRef, NewTicketInput } from '../../core/commands.js';
import { parseDuration } from '../../core/duration.js';
import { isDomainError, unknownAgent } from '../../core/errors.js';
import { parseAgentRef, parseTicketKey, parseTicketType } from '../../core/parse.js';
import { user } from '../../core/permissions.js';
import { validateText } from '../../core/validate.js';
import { LIMITS } from '../../core/types.js';
import { errorAnswer, type Answer } from '../answers.js';
import { answerInTime, type SlackDeps } from '../context.js';
import { escapeText, handleText } from '../text.js';
import {
  HANDOFF_CALLBACK_ID,
  HANDOFF_IDS,
  handoffModal,
  NEW_TICKET_CALLBACK_ID,
  NEW_TICKET_IDS,
  readHandoffModal,
  readModalMetadata,
  readNewTicketModal,
  type ModalStateValues,
} from '../views.js';
import { filedAnswer } from './ticketCommand.js';

const KNOWN_ACTIONS = ['ticket_accept', 'ticket_resolve', 'ticket_handoff', 'ticket_escalate', 'ticket_takeover'];
const k = (key: string) => `*${escapeText(key)}*`;

interface ButtonBody {
  user: { id: string };
  trigger_id?: string;
  actions?: Array<{ action_id?: string; value?: string }>;
  channel?: { id?: string };
  container?: { channel_id?: string };
}

type Respond = ((message: { response_type: 'ephemeral'; replace_original: false; text: string }) => Promise<unknown>) | undefined;

/**
 * Answer whoever pressed a button, only to them: through the response URL, or, when the payload has
 * none (a button outside a message), as an ephemeral message in its channel. Never throws: an expired
 * response URL must not turn into an unhandled listener error.
 */
async function tellPresser(sd: SlackDeps, respond: Respond, client: WebClient, body: ButtonBody, text: string): Promise<void> {
  try {
    if (respond) {
      await respond({ response_type: 'ephemeral', replace_original: false, text });
      return;
    }
    const channel = body.channel?.id ?? body.container?.channel_id;
    if (channel) await client.chat.postEphemeral({ channel, user: body.user.id, text });
    else sd.logger.info({ text }, 'no way to answer a button press');
  } catch (e) {
    sd.logger.info({ err: String(e) }, 'could not answer a button press');
  }
}

function keyOf(value: string | undefined): string {
  return parseTicketKey((value ?? '').split('|')[0] ?? '', 'the button');
}

export function registerInteractions(app: App, sd: SlackDeps): void {
  app.action(/^ticket_(accept|resolve|escalate|takeover)$/, async ({ ack, body, respond, client }) => {
    await ack();
    const b = body as unknown as ButtonBody;
    const action = b.actions?.[0];
    const by = user(b.user.id);
    await answerInTime(
      sd,
      `button ${action?.action_id}`,
      async (): Promise<Answer> => {
        const key = keyOf(action?.value);
        switch (action?.action_id) {
          case 'ticket_accept':
            await acceptTicket(sd.deps, by, key);
            return { text: `:white_check_mark: You accepted ${k(key)}.` };
          case 'ticket_resolve': {
            const r = await resolveTicket(sd.deps, by, key, undefined);
            return { text: `:white_check_mark: Resolved ${k(key)}.${r.briefings.length ? ` Briefings filed: ${r.briefings.map(k).join(', ')}.` : ''}` };
          }
          case 'ticket_escalate': {
            const r = await escalateTicket(sd.deps, by, key, undefined);
            return { text: r.target ? `:rotating_light: Escalated ${k(key)} to ${handleText(r.target.handle)}.` : `:rotating_light: ${k(key)}: the chain has run out; the managers were told.` };
          }
          default: {
            const r = await takeOver(sd.deps, by, key, null);
            return { text: `:raised_hand: ${handleText(r.agent.handle)} took over ${k(key)}.` };
          }
        }
      },
      async (a) => tellPresser(sd, respond, client, b, a.text),
      async (a) => tellPresser(sd, respond, client, b, a.text),
      60_000,
    );
  });

  app.action('ticket_handoff', async ({ ack, body, client, respond }) => {
    await ack();
    const b = body as unknown as ButtonBody;
    try {
      const key = keyOf(b.actions?.[0]?.value);
      await client.views.open({ trigger_id: b.trigger_id!, view: handoffModal(key) });
    } catch (e) {
      const a = errorAnswer(e, sd.logger, 'handoff button');
      await tellPresser(sd, respond, client, b, isDomainError(e) ? a.text : ':x: Could not open the handoff form; use `/ticket handoff KEY HANDLE [note]`.');
    }
  });

  // Buttons Baton does not know (an old message, a forged payload): acknowledge and say so.
  app.action({ action_id: new RegExp(`^(?!(${KNOWN_ACTIONS.join('|')})$)`) }, async ({ ack, body, respond, client }) => {
    await ack();
    await tellPresser(sd, respond, client, body as unknown as ButtonBody, ':warning: Baton does not know this button.');
  });

  app.view(NEW_TICKET_CALLBACK_ID, async ({ ack, body, view }) => {
    const values = view.state.values as unknown as ModalStateValues;
    const v = readNewTicketModal(values);
    const errors: Record<string, string> = {};
    const input: NewTicketInput = { handoff: [], context: v.context, title: v.title.split('\n')[0]!.trim(), description: v.description || v.title };
    const field = <T>(blockId: string, fn: () => T): T | undefined => {
      try {
        return fn();
      } catch (e) {
        errors[blockId] = isDomainError(e) ? e.message : 'This value is not valid.';
        return undefined;
      }
    };
    const ids = NEW_TICKET_IDS;
    field(ids.title.blockId, () => validateText(input.title, 'title', LIMITS.title, { required: true }));
    field(ids.description.blockId, () => validateText(input.description, 'description', LIMITS.description));
    if (v.type) input.type = field(ids.type.blockId, () => parseTicketType(v.type!, 'Type'));
    if (v.priority) input.priority = v.priority;
    if (v.escalate) input.escalateAfterSec = field(ids.escalate.blockId, () => parseDuration(v.escalate!, 'escalate'));
    if (v.assign) input.assign = field(ids.assign.blockId, () => parseAgentRef(v.assign!, 'Assign to'));
    for (const h of v.handoff) {
      const ref = field(ids.handoff.blockId, () => parseAgentRef(h, 'Hand off'));
      if (ref) input.handoff.push(ref);
    }
    if (v.follows) input.follows = field(ids.follows.blockId, () => parseTicketKey(v.follows!, 'Follows'));
    // The use case reports an unknown agent without saying which field named it: look the agents up
    // here so the error lands on the right block (Assign to, or Hand off when resolved).
    const unknownIn = async (blockId: string, refs: AgentRef[]) => {
      if (errors[blockId]) return;
      for (const ref of refs) {
        const missing = await unknownAgentMessage(sd, ref);
        if (missing) {
          errors[blockId] = missing;
          return;
        }
      }
    };
    await unknownIn(ids.assign.blockId, input.assign ? [input.assign] : []);
    await unknownIn(ids.handoff.blockId, input.handoff);
    if (v.contextErrors.length) errors[ids.context.blockId] = `Write one \`key: value\` per line; not understood: ${v.contextErrors.slice(0, 3).join('; ')}`;
    if (Object.keys(errors).length) {
      await ack({ response_action: 'errors', errors });
      return;
    }
    try {
      const r = await fileTicket(sd.deps, user(body.user.id), input);
      await ack({ response_action: 'update', view: doneView('Ticket filed', filedAnswer(r).text) });
      sd.kick();
    } catch (e) {
      const a = errorAnswer(e, sd.logger, 'new ticket modal');
      const blockId = isDomainError(e) ? fieldBlock(e.field) : undefined;
      if (blockId) await ack({ response_action: 'errors', errors: { [blockId]: a.text } });
      else await ack({ response_action: 'update', view: doneView('Not filed', a.text) });
    }
  });

  app.view(HANDOFF_CALLBACK_ID, async ({ ack, body, view }) => {
    const meta = readModalMetadata(view.private_metadata);
    const v = readHandoffModal(view.state.values as unknown as ModalStateValues);
    let ref;
    try {
      ref = parseAgentRef(v.agent, 'Hand off to');
    } catch (e) {
      await ack({ response_action: 'errors', errors: { [HANDOFF_IDS.agent.blockId]: isDomainError(e) ? e.message : 'Not an agent.' } });
      return;
    }
    try {
      const key = parseTicketKey(meta.key ?? '', 'the form');
      const r = await handoffTicket(sd.deps, user(body.user.id), key, ref, v.note);
      await ack({ response_action: 'update', view: doneView('Handed off', `:arrow_right: Handed ${k(r.parent.key)} off to ${handleText(r.target.handle)} as ${k(r.child.key)}.`) });
      sd.kick();
    } catch (e) {
      const a = errorAnswer(e, sd.logger, 'handoff modal');
      const blockId = isDomainError(e) && (e.field === 'handle' || e.field === 'agent') ? HANDOFF_IDS.agent.blockId : isDomainError(e) && e.field === 'note' ? HANDOFF_IDS.note.blockId : undefined;
      if (blockId) await ack({ response_action: 'errors', errors: { [blockId]: a.text } });
      else await ack({ response_action: 'update', view: doneView('Not handed off', a.text) });
    }
  });

  // Modals Baton does not know: close them quietly.
  app.view({ callback_id: new RegExp(`^(?!(${NEW_TICKET_CALLBACK_ID}|${HANDOFF_CALLBACK_ID})$)`) }, async ({ ack }) => {
    await ack();
  });
  // A modal closed (only sent with notify_on_close, which Baton does not ask for), shortcuts and
  // option requests Baton has none of: acknowledge, so Slack is not left waiting for 3 seconds.
  app.view({ type: 'view_closed', callback_id: new RegExp(`^(${NEW_TICKET_CALLBACK_ID}|${HANDOFF_CALLBACK_ID})$`) }, async ({ ack }) => {
    await ack();
  });
  app.shortcut(/.*/, async ({ ack }) => {
    await ack();
  });
  app.options(/.*/, async ({ ack }) => {
    await ack({ options: [] });
  });
}

/** The refusal for an agent reference that names nobody on the roster, or null when it is an agent. */
async function unknownAgentMessage(sd: SlackDeps, ref: AgentRef): Promise<string | null> {
  try {
    if ('handle' in ref) return (await agentExists(sd.deps, ref.handle)) ? null : unknownAgent(ref.handle).message;
    return (await agentByUserId(sd.deps, ref.user)) ? null : `<@${ref.user}> is not an agent. \`/agent list\` shows the roster.`;
  } catch {
    return null; // the database is not answering: filing will fail and say so
  }
}

function fieldBlock(field: string | undefined): string | undefined {
  const ids = NEW_TICKET_IDS;
  switch (field) {
    case 'title':
      return ids.title.blockId;
    case 'description':
      return ids.description.blockId;
    case 'type':
      return ids.type.blockId;
    case 'handle':
    case 'assign':
      return ids.assign.blockId;
    case 'handoff':
      return ids.handoff.blockId;
    case 'key':
    case 'follows':
      return ids.follows.blockId;
    case 'context':
      return ids.context.blockId;
    default:
      return undefined;
  }
}

function doneView(title: string, text: string) {
  return {
    type: 'modal' as const,
    title: { type: 'plain_text' as const, text: title.slice(0, 24) },
    close: { type: 'plain_text' as const, text: 'Close' },
    blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: text.slice(0, 3000) } }],
  };
}
