// Handoff: a child ticket for another agent carrying the parent's context and history; the parent waits.
import type { AgentRef } from '../core/commands.js';
import type { HandoffPacket } from '../core/types.js';
import { invalid, invalidState } from '../core/errors.js';
import { DEFAULT_HANDOFF_DEPTH_LIMIT, handoffChild, handoffLoop, lineageText } from '../core/handoff.js';
import { actorName, type Principal } from '../core/permissions.js';
import { ticketTypeFor } from '../core/routing.js';
import { LIMITS } from '../core/types.js';
import { checkPacket, validateText } from '../core/validate.js';
import { countEvents, trailOf } from '../storage/audit.js';
import { getTicket, lineageOf, saveTicket } from '../storage/tickets.js';
import { findAgent, trailNames } from './assignment.js';
import { editCard } from './cards.js';
import { inTransaction, type Deps, type TxOptions } from './context.js';
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
  if (o.packet) checkPacket(o.packet);
  try {
    return await handOff(deps, by, key, ref, note, o);
  } catch (e) {
    if (e instanceof HandoffLoopRefused) {
      await reportLoop(deps, e);
      throw invalidState(e.message);
    }
    throw e;
  }
}

/** A handoff that would make a loop: refused; the managers hear of it once per ticket. */
class HandoffLoopRefused extends Error {
  constructor(
    readonly ticketKey: string,
    message: string,
    readonly lineage: string,
  ) {
    super(message);
  }
}

async function handOff(deps: Deps, by: Principal, key: string, ref: AgentRef | { skill: string }, note: string | undefined, o: TxOptions & { packet?: HandoffPacket | null }) {
  return actOnTicket(deps, by, key, 'handoff', o, async (uow, parent) => {
    const target = 'skill' in ref ? null : await findAgent(uow.tx, ref);
    if (target && target.handle === parent.assignee) throw invalid(`${parent.key} is already with ${target.handle}; hand it off to another agent.`, 'handle');
    if (parent.waitingOn) throw invalidState(`${parent.key} already waits on ${parent.waitingOn}; resolve that first.`);
    const limit = deps.handoffDepthLimit ?? DEFAULT_HANDOFF_DEPTH_LIMIT;
    const lineage = await lineageOf(uow.tx, parent.key, limit + 1);
    const loop = handoffLoop(lineage, target?.handle ?? null, limit);
    if (loop) throw new HandoffLoopRefused(parent.key, loop, lineageText(lineage, target?.handle ?? `skill:${(ref as { skill: string }).skill}`));

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
    await editCard(uow, parent, id, 'waiting');
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

/** The first refused loop of a ticket: in its trail, and in the managers' channel. Later ones only answer the caller. */
async function reportLoop(deps: Deps, e: HandoffLoopRefused): Promise<void> {
  await inTransaction(deps, async (uow) => {
    const t = await getTicket(uow.tx, e.ticketKey, { lock: true });
    if (!t || (await countEvents(uow.tx, t.key, 'handoff_loop')) > 0) return;
    await uow.audit({ ticketKey: t.key, actor: 'baton', action: 'handoff_loop', fromStatus: t.status, toStatus: t.status, note: e.message, data: { lineage: e.lineage } });
    if (deps.escalationsChannel) {
      uow.send({
        ticketKey: t.key,
        idempotencyKey: `${t.key}:handoff-loop`,
        channel: deps.escalationsChannel,
        ...deps.render.threadUpdate(t, [{ raw: ':repeat: *Handoff loop refused.* ' }, e.message]),
      });
    }
  });
}
