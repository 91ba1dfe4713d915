// The message shortcut "File as ticket" (`file_ticket`): the new-ticket form, prefilled from the message, which
// becomes the ticket's origin. Other shortcuts and option requests are acknowledged so Slack is not left waiting.
import type { App } from '@slack/bolt';
import { intakeTicketText } from '../../core/parse/index.js';
import { decodeSlackText, errorAnswer } from '../answers.js';
import type { SlackDeps } from '../context.js';
import { newTicketModal } from '../views.js';

export const FILE_TICKET_SHORTCUT = 'file_ticket';

interface MessageShortcutBody {
  trigger_id: string;
  user: { id: string };
  channel?: { id?: string };
  message?: { ts?: string; user?: string; text?: string; files?: Array<{ name?: string; title?: string }> };
}

export function registerShortcuts(app: App, sd: SlackDeps): void {
  app.shortcut(FILE_TICKET_SHORTCUT, async ({ ack, body, client }) => {
    await ack();
    const b = body as unknown as MessageShortcutBody;
    const channel = b.channel?.id;
    const ts = b.message?.ts;
    if (!channel || !ts) return;
    const text = intakeTicketText(b.message?.text ?? '', decodeSlackText, (b.message?.files ?? []) as never);
    try {
      await client.views.open({
        trigger_id: b.trigger_id,
        view: newTicketModal({
          ...(text ? { title: text.title, description: text.description } : {}),
          origin: { channel, ts },
          requester: b.message?.user ?? b.user.id,
        }),
      });
    } catch (e) {
      errorAnswer(e, sd.logger, 'file_ticket shortcut');
    }
  });
  app.shortcut({ callback_id: new RegExp(`^(?!${FILE_TICKET_SHORTCUT}$)`) }, async ({ ack }) => {
    await ack();
  });
  app.options(/.*/, async ({ ack }) => {
    await ack({ options: [] });
  });
}
