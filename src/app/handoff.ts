// Handoff: a child ticket for another agent carrying the parent's context and history; the parent waits.
import type { AgentRef } from '../core/commands.js';
import { invalid, invalidState } from '../core/errors.js';
import { handoffChild } from '../core/handoff.js';
import { actorName, type Principal } from '../core/permissions.js';
import { ticketTypeFor } from '../core/routing.js';
import { LIMITS } from '../core/types.js';
import { validateText } from '../core/validate.js';
import { trailOf } from '../storage/audit.js';
import { saveTicket } from '../storage/tickets.js';
import { findAgent, trailNames } from './assignment.js';
import type { Deps } from './context.js';
import { createTicket } from './fileTicket.js';
import { actOnTicket } from './ticketActions.js';

export async function handoffTicket(
  deps: Deps,
  by: Principal,
  key: string,
  ref: AgentRef,
  note: string | undefined,
  o: { requestKey?: string } = {},
) {
  validateText(note, 'note', LIMITS.note);
  return actOnTicket(deps, by, key, 'handoff', o, async (uow, parent) => {
    const target = await findAgent(uow.tx, ref);
    if (target.handle === parent.assignee) throw invalid(`${parent.key} is already with ${target.handle}; hand it off to another agent.`, 'handle');
    if (parent.waitingOn) throw invalidState(`${parent.key} already waits on ${parent.waitingOn}; resolve that first.`);

    const trail = await trailOf(uow.tx, parent.key);
    const child = handoffChild(parent, trail, parent.assignee, note?.trim() || undefined, { names: await trailNames(uow), timeZone: deps.timeZone });
    const filed = await createTicket(
      uow,
      {
        type: ticketTypeFor(target, parent.type),
        title: child.title,
        description: child.description,
        priority: parent.priority,
        requester: by.kind === 'baton' ? parent.requester : actorName(by),
        context: child.context,
        escalateAfterSec: parent.escalateAfterSec,
        parentKey: parent.key,
        pinnedAgent: target.handle,
      },
      actorName(by),
      'filed_handoff',
    );

    parent.waitingOn = filed.ticket.key;
    parent.escalateDueAt = null;
    await saveTicket(uow.tx, parent);
    const id = await uow.audit({
      ticketKey: parent.key,
      actor: actorName(by),
      action: 'handed_off',
      fromStatus: parent.status,
      toStatus: parent.status,
      note: note?.trim() || null,
      data: { child: filed.ticket.key, to: target.handle },
    });
    uow.send({
      ticketKey: parent.key,
      idempotencyKey: `${id}:handoff-notice`,
      channel: parent.home?.channel ?? '',
      threadOf: { ticket: parent.key, which: 'home' },
      ...deps.render.handoffNotice(parent, filed.ticket, target, note?.trim() || undefined),
    });
    return { parent, child: filed.ticket, target, held: filed.agent ? null : filed.reason };
  });
}
