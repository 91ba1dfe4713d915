// A user's Home tab as a destination: the row names the user (`target`); the view is rendered when the
// row is delivered, from the database as it is then, and published with views.publish.
import type { WebClient } from '@slack/web-api';
import type { ClaimedMessage, Destination, Route, SendOutcome } from './destination.js';
import { classifySlackError, slackFailureOutcome } from './slackErrors.js';

export function homeDestination(o: { client: WebClient; view: (user: string) => Promise<{ type: 'home'; blocks: unknown[] }> }): Destination<string> {
  return {
    async route(row: ClaimedMessage): Promise<Route<string>> {
      if (!row.target) return { failed: 'no_user: a Home publish names no user' };
      // views.publish has its own rate limit, shared by every user's Home.
      return { lane: 'views.publish', target: row.target };
    },

    async send(_row: ClaimedMessage, user: string): Promise<SendOutcome> {
      let view: { type: 'home'; blocks: unknown[] };
      try {
        view = await o.view(user);
      } catch (e) {
        // The database is away: render and publish later.
        return { kind: 'retry', error: `render: ${(e as Error)?.message ?? String(e)}`, reached: false };
      }
      try {
        await o.client.views.publish({ user_id: user, view: view as never });
        return { kind: 'sent', receipt: { channel: user, ts: null } };
      } catch (e) {
        const failure = classifySlackError(e);
        return failure.kind === 'not_in_channel' ? { kind: 'failed', error: 'not_in_channel' } : slackFailureOutcome(failure);
      }
    },
  };
}
