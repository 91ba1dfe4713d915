// A progress note on a ticket (API and MCP): kept in its trail and posted in its home thread.
import { invalid } from '../core/errors.js';
import { actorName, principalMention, type Principal } from '../core/permissions.js';
import { LIMITS } from '../core/types.js';
import { validateText } from '../core/validate.js';
import type { Deps, TxOptions } from './context.js';
import { actOnTicket } from './ticketActions.js';

export async function postUpdate(deps: Deps, by: Principal, key: string, text: string, o: TxOptions = {}) {
  validateText(text, 'text', LIMITS.note, { required: true });
  if (text.trim() === '') throw invalid('A progress note needs some text.', 'text');
  return actOnTicket(deps, by, key, 'update', o, async (uow, t) => {
    const note = text.trim();
    const id = await uow.audit({ ticketKey: t.key, actor: actorName(by), action: 'progress', fromStatus: t.status, toStatus: t.status, note });
    if (t.assignee || t.home) {
      const who = principalMention(by);
      uow.send({
        ticketKey: t.key,
        idempotencyKey: `${id}:progress`,
        channel: t.home?.channel ?? '',
        threadOf: { ticket: t.key, which: 'home' },
        ...deps.render.threadUpdate(t, [{ raw: `:memo: ${who}: ` }, note]),
      });
    }
    return { ticket: t };
  });
}
