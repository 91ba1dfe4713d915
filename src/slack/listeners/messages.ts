// Messages: intake channels file tickets; replies in a ticket's thread go into its trail; a mention of
// Baton followed by a verb acts on the ticket.
import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { DuplicateRequest } from '../../app/context.js';
import { declineTicket } from '../../app/decline.js';
import { escalateTicket } from '../../app/escalation.js';
import { fileTicket } from '../../app/fileTicket.js';
import { handoffTicket } from '../../app/handoff.js';
import { agentByUserId, ticketForDirectMessage, ticketForThread } from '../../app/queries.js';
import { acceptTicket, recordThreadReply, resolveTicket, showTicket } from '../../app/ticketActions.js';
import { intakeTicketText, parseThreadVerb, stripBotMention, threadVerbHelp } from '../../core/parse/index.js';
import { user } from '../../core/permissions.js';
import { resumeTicket, waitOnRequesterTicket } from '../../app/waiting.js';
import type { Ticket } from '../../core/types.js';
import { decodeSlackText, errorAnswer } from '../answers.js';
import type { SlackDeps } from '../context.js';

interface MessageEvent {
  type: 'message';
  subtype?: string;
  channel: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts: string;
  thread_ts?: string;
  /** A file share (`subtype: 'file_share'`) carries its files; the text may be empty. */
  files?: Array<{ name?: string; title?: string }>;
}

/** Subtypes that are still a message someone wrote; edits, deletions, joins and the like never act. */
const WRITTEN = new Set([undefined, 'bot_message', 'thread_broadcast', 'file_share', 'me_message']);

async function tellUser(client: WebClient, sd: SlackDeps, channel: string, userId: string, text: string, threadTs?: string) {
  try {
    await client.chat.postEphemeral({ channel, user: userId, text, ...(threadTs ? { thread_ts: threadTs } : {}) });
  } catch (e) {
    sd.logger.info({ err: String(e) }, 'could not post an ephemeral answer');
  }
}

export function registerMessages(app: App, sd: SlackDeps): void {
  app.event('message', async ({ event, client }) => {
    const e = event as unknown as MessageEvent;
    if (!WRITTEN.has(e.subtype)) return;
    if (!e.channel || !e.ts) return;
    if (e.user && e.user === sd.botUserId()) return;
    const author = e.user ?? null;
    if (!author) return; // legacy bot posts without a user cannot be told apart from Baton's peers
    const isBot = Boolean(e.bot_id) || e.subtype === 'bot_message';
    if (isBot && !(await agentByUserId(sd.deps, author))) return; // only registered agents' bots take part
    const requestKey = `msg:${e.channel}:${e.ts}`;
    const text = e.text ?? '';

    try {
      const direct = e.channel.startsWith('D');
      if (e.thread_ts && e.thread_ts !== e.ts) {
        // In a DM, a thread of Baton's question to its requester (`/ticket wait`) stands for the ticket's thread.
        const ticket = (await ticketForThread(sd.deps, e.channel, e.thread_ts)) ?? (direct && !isBot ? await ticketForDirectMessage(sd.deps, e.channel, e.thread_ts, author) : null);
        if (!ticket) return;
        await onThreadReply(sd, client, e, ticket, author, text, requestKey, isBot);
      } else if (direct && !isBot) {
        // A direct message outside a thread answers the one ticket waiting on its author, if there is exactly one.
        const ticket = await ticketForDirectMessage(sd.deps, e.channel, undefined, author);
        if (!ticket) return;
        await recordThreadReply(sd.deps, { ticketKey: ticket.key, user: author, text: decodeSlackText(text), ts: e.ts }, { requestKey });
      } else if (sd.config.intakeChannels.includes(e.channel)) {
        await onIntakeMessage(sd, e, author, text, requestKey);
      }
      sd.kick();
    } catch (err) {
      if (err instanceof DuplicateRequest) return;
      const a = errorAnswer(err, sd.logger, 'message');
      if (!isBot) await tellUser(client, sd, e.channel, author, a.text, e.thread_ts ?? e.ts);
    }
  });
}

async function onIntakeMessage(sd: SlackDeps, e: MessageEvent, author: string, text: string, requestKey: string) {
  const ticket = intakeTicketText(text, decodeSlackText, e.files);
  if (!ticket) return;
  await fileTicket(
    sd.deps,
    user(author),
    {
      ...ticket,
      context: {},
      handoff: [],
      origin: { channel: e.channel, ts: e.ts },
    },
    { requestKey },
  );
}

async function onThreadReply(sd: SlackDeps, client: WebClient, e: MessageEvent, ticket: Ticket, author: string, text: string, requestKey: string, isBot: boolean) {
  const rest = stripBotMention(text, sd.botUserId());
  const verb = rest === null ? null : parseThreadVerb(rest);
  if (!verb) {
    if (rest !== null && !isBot) {
      // A mention of Baton is addressed to Baton: an unknown verb, `help` or a bare mention gets the verbs, not a comment.
      await tellUser(client, sd, e.channel, author, threadVerbHelp(decodeSlackText(rest)), e.thread_ts);
      return;
    }
    const toA2a = !isBot && !!ticket.home && ticket.home.ts === e.thread_ts;
    await recordThreadReply(sd.deps, { ticketKey: ticket.key, user: author, text: decodeSlackText(text), ts: e.ts, toA2a }, { requestKey });
    return;
  }
  const by = user(author);
  const note = 'note' in verb && verb.note ? decodeSlackText(verb.note) : undefined;
  switch (verb.kind) {
    case 'accept':
      await acceptTicket(sd.deps, by, ticket.key, { requestKey });
      return;
    case 'resolve':
      await resolveTicket(sd.deps, by, ticket.key, note, { requestKey });
      return;
    case 'escalate':
      await escalateTicket(sd.deps, by, ticket.key, note, { requestKey });
      return;
    case 'wait':
      await waitOnRequesterTicket(sd.deps, by, ticket.key, verb.question ? decodeSlackText(verb.question) : undefined, { requestKey });
      return;
    case 'resume':
      await resumeTicket(sd.deps, by, ticket.key, { requestKey });
      return;
    case 'handoff':
      await handoffTicket(sd.deps, by, ticket.key, verb.agent, note, { requestKey });
      return;
    case 'decline':
      await declineTicket(sd.deps, by, ticket.key, decodeSlackText(verb.reason), { requestKey });
      return;
    case 'status': {
      if (isBot) return;
      const { ticket: t, trail, dueZone } = await showTicket(sd.deps, ticket.key);
      const a = sd.deps.render.ticketDetail(t, trail, { dueZone });
      try {
        await client.chat.postEphemeral({ channel: e.channel, user: author, thread_ts: e.thread_ts, text: a.text, blocks: a.blocks as never });
      } catch (err) {
        sd.logger.info({ err: String(err) }, 'could not post the status');
      }
      return;
    }
  }
}
