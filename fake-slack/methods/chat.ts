// chat.*: post (into channels, threads and DMs), post ephemeral, update, delete, permalink.
import type { Workspace } from '../store.js';
import { asArray, err, invalidBlocks, resolveChannel, str, type Methods } from './args.js';

export function chatMethods(ws: Workspace): Methods {
  return {
    'chat.postMessage': (a) => {
      const requested = str(a.channel);
      if (!requested) return err('channel_not_found');
      const blocks = asArray(a.blocks);
      const attachments = asArray(a.attachments);
      if (!str(a.text) && !blocks?.length && !attachments?.length) return err('no_text');
      const invalid = invalidBlocks(a);
      if (invalid) return invalid;
      const channel = resolveChannel(requested);
      const m = ws.addBotMessage({
        channel,
        text: str(a.text) ?? '',
        ...(blocks ? { blocks } : {}),
        ...(attachments ? { attachments } : {}),
        ...(str(a.thread_ts) ? { thread_ts: String(a.thread_ts) } : {}),
        source: 'api',
      });
      return { channel, ts: m.ts, message: ws.botMessage(m) };
    },

    'chat.postEphemeral': (a) => {
      const channel = str(a.channel);
      if (!channel) return err('channel_not_found');
      if (!str(a.user)) return err('user_not_in_channel');
      const blocks = asArray(a.blocks);
      if (!str(a.text) && !blocks?.length && !asArray(a.attachments)?.length) return err('no_text');
      const invalid = invalidBlocks(a);
      if (invalid) return invalid;
      const m = ws.addBotMessage({
        channel,
        text: str(a.text) ?? '',
        ...(blocks ? { blocks } : {}),
        ...(str(a.thread_ts) ? { thread_ts: String(a.thread_ts) } : {}),
        ephemeralTo: String(a.user),
        source: 'api',
      });
      return { message_ts: m.ts };
    },

    'chat.update': (a) => {
      const channel = str(a.channel);
      const ts = str(a.ts);
      if (!channel) return err('channel_not_found');
      const m = ts ? ws.message(channel, ts) : undefined;
      if (!m || !ts) return err('message_not_found');
      const invalid = invalidBlocks(a);
      if (invalid) return invalid;
      if (typeof a.text === 'string') m.text = a.text;
      if (a.blocks !== undefined) m.blocks = asArray(a.blocks) ?? [];
      if (a.attachments !== undefined) m.attachments = asArray(a.attachments) ?? [];
      m.edited = true;
      return { channel, ts, text: m.text, message: ws.botMessage(m) };
    },

    'chat.delete': (a) => {
      const channel = str(a.channel);
      const ts = str(a.ts);
      const list = channel ? ws.channelMessages.get(channel) : undefined;
      const index = list?.findIndex((m) => m.ts === ts) ?? -1;
      if (!list || index < 0) return err('message_not_found');
      list.splice(index, 1);
      return { channel, ts };
    },

    'chat.getPermalink': (a) => {
      const channel = str(a.channel);
      const ts = str(a.message_ts);
      if (!channel) return err('channel_not_found');
      if (!ts) return err('message_not_found');
      const threadTs = ws.message(channel, ts)?.thread_ts;
      const thread = threadTs && threadTs !== ts ? `?thread_ts=${threadTs}&cid=${channel}` : '';
      return { channel, permalink: `https://test.slack.com/archives/${channel}/p${ts.replace('.', '')}${thread}` };
    },
  };
}
