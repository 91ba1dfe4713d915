// views.*: open, push, update (by id or external id), publish. Every view is kept with its id.
import type { Workspace } from '../store.js';
import type { Json } from '../types.js';
import { err, invalidView, str, type Methods } from './args.js';

export function viewMethods(ws: Workspace): Methods {
  const storeView = (view: Json, id: string): Json => {
    const stored = {
      ...(typeof view === 'object' && view !== null ? view : {}),
      id,
      team_id: ws.id.teamId,
      app_id: ws.id.appId,
      bot_id: ws.id.botId,
      state: { values: {} },
      hash: `${Date.now()}.${ws.seq}`,
      private_metadata: typeof view?.private_metadata === 'string' ? view.private_metadata : '',
      callback_id: typeof view?.callback_id === 'string' ? view.callback_id : '',
    };
    ws.views.set(id, stored);
    return { view: stored };
  };
  const openView = (a: Json) => {
    if (!str(a.trigger_id) && !str(a.interactivity_pointer)) return err('invalid_arguments');
    if (typeof a.view !== 'object' || a.view === null) return err('invalid_arguments');
    return invalidView(a.view) ?? storeView(a.view, ws.newId('V0'));
  };
  return {
    'views.open': openView,
    'views.push': openView,
    'views.update': (a) => {
      if (typeof a.view !== 'object' || a.view === null) return err('invalid_arguments');
      const byExternal = str(a.external_id)
        ? [...ws.views.values()].find((v) => v.external_id === a.external_id)?.id
        : undefined;
      const id = str(a.view_id) ?? byExternal;
      if (!id) return err('not_found');
      return invalidView(a.view) ?? storeView(a.view, id);
    },
    'views.publish': (a) => {
      if (typeof a.view !== 'object' || a.view === null) return err('invalid_arguments');
      if (!str(a.user_id)) return err('invalid_arguments');
      return invalidView(a.view) ?? storeView({ ...a.view, user_id: a.user_id }, ws.newId('V0'));
    },
  };
}
