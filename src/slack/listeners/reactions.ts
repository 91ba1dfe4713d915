// Reactions: `:ticket:` on a message files it (requester: the message's author; origin: that message; once per
// message), `:eyes:` on a ticket's card or origin accepts it, `:white_check_mark:` resolves it — with the
// buttons' permissions. A refusal is told to the reactor ephemerally; a message Baton cannot read is ignored.
import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { DuplicateRequest } from '../../app/context.js';
import { fileTicket } from '../../app/fileTicket.js';
import { ticketForThread } from '../../app/queries.js';
import { acceptTicket, resolveTicket } from '../../app/ticketActions.js';
import { intakeTicketText } from '../../core/parse/index.js';
import { user } from '../../core/permissions.js';
import { decodeSlackText, errorAnswer } from '../answers.js';
import type { SlackDeps } from '../context.js';

/** The reactions Baton acts on (Slack sends the emoji's name without colons). */
export const REACTIONS = { file: 'ticket', accept: 'eyes', resolve: 'white_check_mark' } as const;

interface ReactionEvent {
  type: 'reaction_added';
  user: string;
  reaction: string;
  item_user?: string;
  item: { type: string; channel?: string; ts?: string };
  event_ts: string;
}

interface SlackMessageSeen {
  ts?: string;
  user?: string;
  bot_id?: string;
  subtype?: string;
  text?: string;
  files?: Array<{ name?: string; title?: string }>;
}

/** The message reacted to, or null when Baton cannot read it (not in the channel, no such message). */
async function readMessage(client: WebClient, channel: string, ts: string): Promise<SlackMessageSeen | null> {
  try {
    const h = await client.conversations.history({ channel, latest: ts, oldest: ts, inclusive: true, limit: 1 });
    const top = (h.messages as SlackMessageSeen[] | undefined)?.find((m) => m.ts === ts);
    if (top) return top;
    // A reply in a thread is not in the channel's history: look among the replies.
    const r = await client.conversations.replies({ channel, ts, inclusive: true, limit: 1 });
    return (r.messages as SlackMessageSeen[] | undefined)?.find((m) => m.ts === ts) ?? null;
  } catch {
    return null;
  }
}

async function tell(client: WebClient, sd: SlackDeps, channel: string, userId: string, text: string) {
  try {
    await client.chat.postEphemeral({ channel, user: userId, text });
  } catch (e) {
    sd.logger.info({ err: String(e) }, 'could not post an ephemeral answer');
  }
}

export function registerReactions(app: App, sd: SlackDeps): void {
  app.event('reaction_added', async ({ event, client }) => {
    const e = event as unknown as ReactionEvent;
    const channel = e.item?.channel;
    const ts = e.item?.ts;
    if (e.item?.type !== 'message' || !channel || !ts || !e.user || e.user === sd.botUserId()) return;
    const reaction = e.reaction.replace(/::skin-tone-\d$/, '');
    if (!Object.values(REACTIONS).includes(reaction as never)) return;
    try {
      if (reaction === REACTIONS.file) await fileFromMessage(sd, client, e, channel, ts);
      else await actOnTicket(sd, e, reaction, channel, ts);
      sd.kick();
    } catch (err) {
      if (err instanceof DuplicateRequest) return;
      await tell(client, sd, channel, e.user, errorAnswer(err, sd.logger, 'reaction').text);
    }
  });
}

async function fileFromMessage(sd: SlackDeps, client: WebClient, e: ReactionEvent, channel: string, ts: string) {
  const already = await ticketForThread(sd.deps, channel, ts);
  if (already) {
    // Another reaction, or a retry, on a message already filed (or on a ticket's own card): one ticket.
    if (already.origin?.channel === channel && already.origin.ts === ts && e.user !== already.requester) {
      await tell(client, sd, channel, e.user, `:information_source: That message is already tracked as ${already.key}.`);
    }
    return;
  }
  const m = await readMessage(client, channel, ts);
  if (!m) return; // a message Baton cannot read: nothing to file, nothing to say
  const author = m.user ?? e.item_user;
  if (!author || author === sd.botUserId()) return;
  const t = intakeTicketText(m.text ?? '', decodeSlackText, m.files);
  if (!t) return;
  const r = await fileTicket(
    sd.deps,
    user(author),
    { ...t, context: {}, handoff: [], origin: { channel, ts }, reactor: e.user },
    { requestKey: `reaction:file:${channel}:${ts}` },
  );
  // Filed at the same moment another way (the intake channel, the shortcut, another reaction's retry): one ticket.
  if (r.sameMessage && e.user !== r.ticket.requester) await tell(client, sd, channel, e.user, `:information_source: That message is already tracked as ${r.ticket.key}.`);
}

async function actOnTicket(sd: SlackDeps, e: ReactionEvent, reaction: string, channel: string, ts: string) {
  const t = await ticketForThread(sd.deps, channel, ts);
  if (!t) return; // not a ticket's card or origin: an ordinary reaction
  const requestKey = `reaction:${reaction}:${e.user}:${channel}:${ts}`;
  if (reaction === REACTIONS.accept) await acceptTicket(sd.deps, user(e.user), t.key, { requestKey });
  else await resolveTicket(sd.deps, user(e.user), t.key, undefined, { requestKey });
}
