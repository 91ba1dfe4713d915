// Handoff: a child ticket for another agent carrying the parent's context and history; the parent waits.
import type { AgentRef } from '../core/commands.js';
import type { HandoffPacket } from '../core/types.js';
import { invalid, invalidState } from '../core/errors.js';
import { handoffChild } from '../core/handoff.js';
import { actorName, type Principal } from '../core/permissions.js';
import { ticketTypeFor } from '../core/routing.js';
import { LIMITS } from '../core/types.js';
import { validateText } from '../core/validate.js';
import { trailOf } from '../storage/audit.js';
import { saveTicket } from '../storage/tickets.js';
import { findAgent, trailNames } from './assignment.js';
import type { Deps, TxOptions } from './context.js';
import { createTicket } from './fileTicket.js';
import { actOnTicket } from './ticketActions.js';

export async function handoffTicket(
  deps: Deps,
  by: Principal,
  key: string,
  /** An agent, or a skill: then routed like a new ticket of that type, never back to the sender. */
  ref: AgentRef | { skill: string },
  note: string | undefined,
  o: TxOptions & { packet?: HandoffPacket | null } = {},
) {
  validateText(note, 'note', LIMITS.note);
  return actOnTicket(deps, by, key, 'handoff', o, async (uow, parent) => {
    const target = 'skill' in ref ? null : await findAgent(uow.tx, ref);
    if (target && target.handle === parent.assignee) throw invalid(`${parent.key} is already with ${target.handle}; hand it off to another agent.`, 'handle');
    if (parent.waitingOn) throw invalidState(`${parent.key} already waits on ${parent.waitingOn}; resolve that first.`);

    const trail = await trailOf(uow.tx, parent.key);
    const child = handoffChild(parent, trail, parent.assignee, note?.trim() || undefined, { names: await trailNames(uow), timeZone: deps.timeZone });
    const filed = await createTicket(
      uow,
      {
        type: target ? ticketTypeFor(target, parent.type) : (ref as { skill: string }).skill,
        title: child.title,
        description: child.description,
        priority: parent.priority,
        requester: by.kind === 'baton' ? parent.requester : actorName(by),
        context: child.context,
        escalateAfterSec: parent.escalateAfterSec,
        parentKey: parent.key,
        pinnedAgent: target?.handle ?? null,
        packet: o.packet ?? null,
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
      data: { child: filed.ticket.key, to: target?.handle ?? `skill:${filed.ticket.type}` },
    });
    const to = target ?? filed.agent;
    uow.send({
      ticketKey: parent.key,
      idempotencyKey: `${id}:handoff-notice`,
      channel: parent.home?.channel ?? '',
      threadOf: { ticket: parent.key, which: 'home' },
      ...(to
        ? deps.render.handoffNotice(parent, filed.ticket, to, note?.trim() || undefined)
        : deps.render.threadUpdate(parent, [{ raw: ':arrow_right: Handed off as ' }, filed.ticket.key, { raw: ' to the ' }, filed.ticket.type, { raw: ' skill; it waits in intake: ' }, filed.reason])),
    });
    return { parent, child: filed.ticket, target: to, held: filed.agent ? null : filed.reason };
  });
}
