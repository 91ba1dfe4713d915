// The Home tab: opened (`app_home_opened` on the Home tab), it is published through the outbox with what
// the user has to see now; from then on it follows changes (src/app/home.ts).
import type { App } from '@slack/bolt';
import { DuplicateRequest } from '../../app/context.js';
import { openHome } from '../../app/home.js';
import type { SlackDeps } from '../context.js';

interface HomeOpened {
  user?: string;
  tab?: string;
}

export function registerHome(app: App, sd: SlackDeps): void {
  app.event('app_home_opened', async ({ event, body }) => {
    const e = event as unknown as HomeOpened;
    if (e.tab !== 'home' || !e.user) return; // the Messages tab is Slack's own
    const eventId = (body as { event_id?: string }).event_id;
    try {
      await openHome(sd.deps, e.user, eventId ? { requestKey: `event:${eventId}` } : {});
      sd.kick();
    } catch (err) {
      if (err instanceof DuplicateRequest) return;
      sd.logger.warn({ err: String(err) }, 'could not publish the Home tab');
    }
  });
}
