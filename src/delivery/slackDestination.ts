// The Slack Web API as a destination: a row becomes chat.postMessage (to a channel, or a DM when the
// channel is a user ID), a reply in a ticket's home, origin or managers' thread, or chat.update of an earlier one.
import type { WebClient } from '@slack/web-api';
import type { Database } from '../storage/db.js';
import { HOME_CARD, sentMessage, stillPending, ticketThreads } from '../storage/outbox.js';
import type { ClaimedMessage, Destination, Route, SendOutcome } from './destination.js';
import { classifySlackError, slackFailureOutcome } from './slackErrors.js';

export interface SlackTarget {
  channel: string;
  threadTs: string | null;
  /** Edit this message instead of posting. */
  updateTs?: string;
}

/** A channel, group, DM or user ID: somewhere to post when the thread to reply under is unknown. */
const SLACK_ID = /^[CGDUW][A-Z0-9]+$/;

export function slackDestination(o: { client: WebClient; database: Database }): Destination<SlackTarget> {
  const { client, database } = o;
  return {
    async route(row: ClaimedMessage): Promise<Route<SlackTarget>> {
      const on = (t: SlackTarget) => ({ lane: t.channel, target: t });
      if (row.updatesKey) {
        const orig = await sentMessage(database.db, row.updatesKey);
        if (!orig?.ts) {
          if (await stillPending(database.db, { idempotencyKey: row.updatesKey })) return { wait: 'the message to edit is not posted yet' };
          return { failed: 'nothing_to_update: the message to edit was never posted' };
        }
        return on({ channel: orig.channel, threadTs: null, updateTs: orig.ts });
      }
      if (!row.threadOfTicket) return on({ channel: row.channel, threadTs: row.threadTs });
      const threads = await ticketThreads(database.db, row.threadOfTicket);
      if (row.threadOf === HOME_CARD) {
        if (!threads.home) return { failed: 'nothing_to_update: the ticket has no home card' };
        return on({ channel: threads.home.channel, threadTs: null, updateTs: threads.home.ts });
      }
      const ref = row.threadOf === 'origin' ? threads.origin : row.threadOf === 'managers' ? threads.managers : threads.home;
      if (ref) return on({ channel: ref.channel, threadTs: ref.ts });
      if (row.threadOf === 'managers' && (await stillPending(database.db, { managersOf: row.threadOfTicket }))) return { wait: "the managers' message is not posted yet" };
      if (SLACK_ID.test(row.channel)) return on({ channel: row.channel, threadTs: null });
      return { failed: 'no_thread: the ticket has no home message to reply under' };
    },

    async send(row: ClaimedMessage, target: SlackTarget, again: boolean): Promise<SendOutcome> {
      const blocks = row.blocks ? { blocks: row.blocks as never } : {};
      try {
        const res: { ts?: string; channel?: string } = target.updateTs
          ? await client.chat.update({ channel: target.channel, ts: target.updateTs, text: row.text, ...blocks })
          : await client.chat.postMessage({
              channel: target.channel,
              text: row.text,
              ...blocks,
              ...(target.threadTs ? { thread_ts: target.threadTs } : {}),
              unfurl_links: false,
              unfurl_media: false,
            });
        return {
          kind: 'sent',
          receipt: { ts: typeof res.ts === 'string' ? res.ts : null, channel: typeof res.channel === 'string' ? res.channel : target.channel },
        };
      } catch (e) {
        const failure = classifySlackError(e);
        if (failure.kind !== 'not_in_channel') return slackFailureOutcome(failure);
        // Join once per delivery: if Slack still says not_in_channel after a successful join,
        // joining again would loop for ever. A private channel refuses the join: someone must
        // invite Baton.
        if (!again && (await client.conversations.join({ channel: target.channel }).then(() => true, () => false))) return { kind: 'again' };
        return { kind: 'failed', error: 'not_in_channel' };
      }
    },
  };
}
