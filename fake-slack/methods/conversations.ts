// conversations.*: info, join, invite, create, open (DMs), history, replies.
import type { Workspace } from '../store.js';
import { err, resolveChannel, str, type Methods } from './args.js';

export function conversationMethods(ws: Workspace): Methods {
  return {
    'conversations.info': (a) => {
      const channel = str(a.channel);
      return channel ? { channel: ws.channelInfo(channel) } : err('channel_not_found');
    },

    'conversations.join': (a) => {
      const channel = str(a.channel);
      if (!channel) return err('channel_not_found');
      ws.members.add(channel);
      return { channel: ws.channelInfo(channel) };
    },

    'conversations.invite': (a) => {
      const channel = str(a.channel);
      if (!channel) return err('channel_not_found');
      if (!str(a.users)) return err('no_user');
      return { channel: ws.channelInfo(channel) };
    },

    'conversations.create': (a) => {
      const name = str(a.name);
      if (!name) return err('invalid_name_required');
      if (!/^[a-z0-9][a-z0-9._-]{0,79}$/.test(name)) return err('invalid_name_specials');
      if ([...ws.channelNames.values()].includes(name)) return err('name_taken');
      const id = ws.newId('C0');
      ws.addChannel(id, name);
      ws.members.add(id);
      return { channel: { ...ws.channelInfo(id), is_private: String(a.is_private) === 'true' } };
    },

    'conversations.open': (a) => {
      const users = str(a.users)?.split(',');
      const first = users?.[0];
      if (!first) return err('users_list_not_supplied');
      return { channel: { id: resolveChannel(first) } };
    },

    'conversations.history': (a) => {
      const channel = str(a.channel);
      if (!channel) return err('channel_not_found');
      const top = ws.messages(channel).filter(
        (m) => !m.ephemeralTo && m.source !== 'command' && (!m.thread_ts || m.thread_ts === m.ts),
      );
      return { messages: top.reverse().map((m) => ws.botMessage(m)), has_more: false };
    },

    'conversations.replies': (a) => {
      const channel = str(a.channel);
      const ts = str(a.ts);
      if (!channel || !ts) return err('thread_not_found');
      const parent = ws.message(channel, ts);
      if (!parent) return err('thread_not_found');
      const thread = [parent, ...ws.replies(channel, ts)].filter((m) => !m.ephemeralTo && m.source !== 'command');
      return { messages: thread.map((m) => ws.botMessage(m)), has_more: false };
    },
  };
}
