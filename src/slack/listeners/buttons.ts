// The buttons on Baton's messages: the card's Accept, Resolve, Hand off and Escalate, and Take over.
import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { escalateTicket, takeOver } from '../../app/escalation.js';
import { assignChoices } from '../../app/managers.js';
import { acceptTicket, resolveTicket } from '../../app/ticketActions.js';
import { isDomainError } from '../../core/errors.js';
import { parseTicketKey } from '../../core/parse/index.js';
import { user, type Principal } from '../../core/permissions.js';
import { errorAnswer } from '../answers.js';
import { ACTIONS } from '../blocks/index.js';
import * as say from '../blocks/outcomes.js';
import { answerInTime, type SlackDeps } from '../context.js';
import { assignModal, declineModal, handoffModal, type ModalView } from '../views.js';

interface ButtonBody {
  user: { id: string };
  trigger_id?: string;
  actions?: Array<{ action_id?: string; value?: string; block_id?: string }>;
  channel?: { id?: string };
  container?: { channel_id?: string };
  /** Set when the button is on a view: Baton's Home tab, a modal. */
  view?: { type?: string };
}

type Respond = ((message: { response_type: 'ephemeral'; replace_original: false; text: string; blocks?: never }) => Promise<unknown>) | undefined;

/**
 * Answer whoever pressed a button, only to them: through the response URL, or, when the payload has
 * none (a button outside a message), as an ephemeral message in its channel. Never throws: an expired
 * response URL must not turn into an unhandled listener error.
 */
async function tellPresser(sd: SlackDeps, respond: Respond, client: WebClient, body: ButtonBody, answer: string | say.Answer): Promise<void> {
  const { text, blocks } = typeof answer === 'string' ? { text: answer, blocks: undefined } : answer;
  const withBlocks = blocks ? { blocks: blocks as never } : {};
  try {
    if (respond) {
      await respond({ response_type: 'ephemeral', replace_original: false, text, ...withBlocks });
      return;
    }
    const channel = body.channel?.id ?? body.container?.channel_id;
    if (channel) await client.chat.postEphemeral({ channel, user: body.user.id, text, ...withBlocks });
    // A button on the Home tab has no channel: the answer is a message from Baton to the presser.
    else if (body.view?.type === 'home') await client.chat.postMessage({ channel: body.user.id, text, ...withBlocks });
    else sd.logger.info({ text }, 'no way to answer a button press');
  } catch (e) {
    sd.logger.info({ err: String(e) }, 'could not answer a button press');
  }
}

function keyOf(value: string | undefined): string {
  return parseTicketKey((value ?? '').split('|')[0] ?? '', 'the button');
}

/** The escalation level the card showed when it was rendered (`ticket_actions:L2`), if it says. */
function levelSeen(blockId: string | undefined): number | undefined {
  const m = /:L(\d{1,4})$/.exec(blockId ?? '');
  return m ? Number(m[1]) : undefined;
}

/** The button's use case, and what it answers. */
async function press(sd: SlackDeps, by: Principal, action: { action_id?: string; value?: string; block_id?: string } | undefined): Promise<say.Answer> {
  const key = keyOf(action?.value);
  switch (action?.action_id) {
    case ACTIONS.accept: {
      const r = await acceptTicket(sd.deps, by, key);
      return say.accepted(key, r.alreadyBy, by.kind === 'user' ? by.user : undefined);
    }
    case ACTIONS.resolve:
      return say.resolved(await resolveTicket(sd.deps, by, key, undefined));
    case ACTIONS.resolveForce:
      return say.resolved(await resolveTicket(sd.deps, by, key, undefined, { force: true }));
    case ACTIONS.escalate:
      return say.escalatedByButton(await escalateTicket(sd.deps, by, key, undefined, { seenLevel: levelSeen(action?.block_id) }));
    default:
      return say.tookOver(await takeOver(sd.deps, by, key, null), key);
  }
}

export function registerButtons(app: App, sd: SlackDeps): void {
  app.action(/^ticket_(accept|resolve|resolve_force|escalate|takeover)$/, async ({ ack, body, respond, client }) => {
    await ack();
    const b = body as unknown as ButtonBody;
    const action = b.actions?.[0];
    const by = user(b.user.id);
    // On the Home tab, success shows in the Home itself (published again as the ticket changes); only a refusal is told.
    const onHome = b.view?.type === 'home';
    let refused = false;
    const work = () => press(sd, by, action).catch((e: unknown) => {
      refused = true;
      // Refused only because the ticket waits on an open handoff: offer to close both.
      if (action?.action_id === ACTIONS.resolve && isDomainError(e) && e.field === 'force') return say.resolveBothOffer(keyOf(action.value), e.message, ACTIONS.resolveForce);
      throw e;
    });
    const tell = async (a: say.Answer) => (!onHome || refused ? tellPresser(sd, respond, client, b, a) : undefined);
    await answerInTime(sd, `button ${action?.action_id}`, work, tell, tell, 60_000);
  });

  /** A button that opens a form about its ticket; a refusal or a failure to open it is told to the presser. */
  const opensForm = (actionId: string, what: string, failed: say.Answer, form: (key: string, presser: string) => Promise<ModalView> | ModalView) =>
    app.action(actionId, async ({ ack, body, client, respond }) => {
      await ack();
      const b = body as unknown as ButtonBody;
      try {
        const view = await form(keyOf(b.actions?.[0]?.value), b.user.id);
        await client.views.open({ trigger_id: b.trigger_id!, view });
      } catch (e) {
        const a = errorAnswer(e, sd.logger, what);
        await tellPresser(sd, respond, client, b, isDomainError(e) ? a.text : failed.text);
      }
    });

  opensForm(ACTIONS.handoff, 'handoff button', say.HANDOFF_FORM_FAILED, (key) => handoffModal(key));
  // A handed-off ticket's card: Decline opens a form asking why.
  opensForm(ACTIONS.decline, 'decline button', say.DECLINE_FORM_FAILED, (key) => declineModal(key));
  // The managers' channel: Assign… opens a picker of the agents that take the ticket's type (admins).
  opensForm(ACTIONS.managersAssign, 'assign button', say.ASSIGN_FORM_FAILED, async (key, presser) => {
    const r = await assignChoices(sd.deps, user(presser), key);
    return assignModal(r.ticket.key, r.ticket.type, r.agents);
  });

  // The managers' channel: Take over (the manager, as the agent of their user, takes the ticket).
  app.action(ACTIONS.managersTakeover, async ({ ack, body, respond, client }) => {
    await ack();
    const b = body as unknown as ButtonBody;
    const by = user(b.user.id);
    const tell = async (a: say.Answer) => tellPresser(sd, respond, client, b, a.text);
    const work = async () => {
      const key = keyOf(b.actions?.[0]?.value);
      return say.tookOver(await takeOver(sd.deps, by, key, { user: b.user.id }), key);
    };
    await answerInTime(sd, 'button managers_takeover', work, tell, tell, 60_000);
  });

  // Buttons Baton does not know (an old message, a forged payload): acknowledge and say so.
  const known = Object.values(ACTIONS).join('|');
  app.action({ action_id: new RegExp(`^(?!(${known})$)`) }, async ({ ack, body, respond, client }) => {
    await ack();
    await tellPresser(sd, respond, client, body as unknown as ButtonBody, say.UNKNOWN_BUTTON.text);
  });
}
