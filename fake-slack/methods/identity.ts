// Who is who: auth.test (the bot and its workspace), users.info, and apps.connections.open for Socket Mode.
import type { Workspace } from '../store.js';
import { err, str, type Methods } from './args.js';

export function identityMethods(ws: Workspace): Methods {
  const { id: me } = ws;
  return {
    'auth.test': () => ({
      url: 'https://test.slack.com/',
      team: me.teamName,
      user: me.botName,
      team_id: me.teamId,
      user_id: me.botUserId,
      bot_id: me.botId,
      is_enterprise_install: false,
    }),

    'users.info': (a) => {
      const id = str(a.user);
      if (!id) return err('user_not_found');
      if (id === me.botUserId) {
        return { user: { ...ws.defaultUser(id), name: me.botName, is_bot: true, profile: { bot_id: me.botId } } };
      }
      return { user: ws.users.get(id) ?? ws.defaultUser(id) };
    },

    'apps.connections.open': () => ({ url: 'ws://127.0.0.1:1/' }),
  };
}
