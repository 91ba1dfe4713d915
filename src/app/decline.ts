// Decline: the receiver of a handoff says no. The child goes to another eligible agent (never back to one that
// declined it, nor to its sender) or waits in intake with the reason; the sender's thread hears why.
import { invalid, notAllowed } from '../core/errors.js';
import { actorName, isAdmin, type Principal } from '../core/permissions.js';
import { unassign } from '../core/ticketState.js';
import { LIMITS } from '../core/types.js';
import { validateText } from '../core/validate.js';
import { getAgent } from '../storage/agents.js';
import { lastAssignmentTo } from '../storage/audit.js';
import { getTicket, saveTicket } from '../storage/tickets.js';
import { lockForRelease, releaseHeld, routeTicket } from './assignment.js';
import type { Deps, TxOptions } from './context.js';
import { actOnTicket } from './ticketActions.js';

export async function declineTicket(deps: Deps, by: Principal, key: string, reason: string, o: TxOptions = {}) {
  validateText(reason, 'reason', LIMITS.note, { required: true });
  return actOnTicket(deps, by, key, 'decline', o, async (uow, t) => {
    const assignee = t.assignee ? await getAgent(uow.tx, t.assignee) : null;
    const itself = (by.kind === 'agent' && by.handle === t.assignee) || (by.kind === 'user' && !!assignee?.user && assignee.user === by.user);
    if (!itself && !isAdmin(by, deps.policy)) throw notAllowed(`Only ${t.assignee ?? 'its assignee'} can decline ${t.key}.`);
    if (!t.parentKey) throw invalid(`${t.key} was not handed off; only a handed-off ticket can be declined (resolve or hand it off instead).`, 'key');
    const decliner = t.assignee!;
    const note = reason.trim();
    const oldHome = t.home;
    const assignment = await lastAssignmentTo(uow.tx, t.key, decliner);
    const declined = await uow.audit({ ticketKey: t.key, actor: actorName(by), action: 'declined', fromStatus: 'active', toStatus: 'intake', note, data: { agent: decliner } });
    // The agents it frees are locked before its load changes (see lockForRelease).
    await lockForRelease(uow, decliner);
    unassign(t);
    t.declinedBy = [...new Set([...t.declinedBy, decliner])];
    await saveTicket(uow.tx, t);
    const routed = await routeTicket(uow, t, 'baton');
    // The decliner's card loses its buttons and says why and where the ticket went.
    if (oldHome && assignment !== null) {
      uow.send({ ticketKey: t.key, idempotencyKey: `${declined}:declined-card`, channel: oldHome.channel, updates: `${assignment}:card`, ...deps.render.cardDeclined(t, decliner, note, routed.agent?.handle ?? null) });
    }
    const parent = await getTicket(uow.tx, t.parentKey);
    if (parent) {
      uow.notify('ticket.declined', parent.assignee, t.key);
      const id = await uow.audit({ ticketKey: parent.key, actor: actorName(by), action: 'child_declined', fromStatus: parent.status, toStatus: parent.status, note, data: { child: t.key, agent: decliner } });
      const where = routed.agent ? [{ raw: ' It went to ' }, `@${routed.agent.handle}`, { raw: '.' }] : [{ raw: ' It waits in intake: ' }, routed.reason];
      uow.send({
        ticketKey: parent.key,
        idempotencyKey: `${id}:declined`,
        channel: parent.home?.channel ?? '',
        threadOf: { ticket: parent.key, which: 'home' },
        ...deps.render.threadUpdate(parent, [{ raw: ':leftwards_arrow_with_hook: ' }, `@${decliner}`, { raw: ' declined ' }, t.key, { raw: ': ' }, note, ...where]),
      });
    }
    await releaseHeld(uow, decliner);
    return { ticket: t, agent: routed.agent, reason: routed.reason };
  });
}
