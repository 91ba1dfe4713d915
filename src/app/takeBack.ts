// Taking a ticket back from its assignee and routing it to someone else: the one step the acknowledgement timeout,
// the heartbeat and A2A agents (a task that ended `failed`, `rejected` or `canceled`, or a message that could not be
// delivered for good) all go through, so whatever else must hear of a take-back (`ticket.taken_back`) is added here.
import { unassign } from '../core/ticketState.js';
import type { Agent, Ticket } from '../core/types.js';
import { lastAssignmentTo } from '../storage/audit.js';
import { saveTicket } from '../storage/tickets.js';
import { routeTicket, type RouteResult } from './assignment.js';
import type { UnitOfWork } from './context.js';
import { messageLink } from './links.js';

/**
 * Why a ticket is taken back: not acknowledged within `ack:`, its agent went silent past `heartbeat:`, its A2A task
 * ended without doing it (`a2a_ended`), or its A2A agent could not be reached for good (`a2a_unreachable`).
 */
export type TakeBackCause = 'unacknowledged' | 'silent' | 'a2a_ended' | 'a2a_unreachable';

export interface TakeBackOptions {
  /** Who the trail says took it back: `baton` (default), or the agent itself (`agent:HANDLE`) when its A2A task ended. */
  actor?: string;
  /** More kept with the trail event (an A2A task's state). */
  data?: Record<string, unknown>;
}

const ICON: Record<TakeBackCause, string> = {
  unacknowledged: ':hourglass:',
  silent: ':hourglass:',
  a2a_ended: ':leftwards_arrow_with_hook:',
  a2a_unreachable: ':warning:',
};

/**
 * Take `t` back from `from` (its assignee, locked with it by the caller) and route it again: to another eligible
 * agent, or into intake with the reason. Except when the agent merely went silent, the ticket never goes back to
 * `from` (it joins the agents routing never offers it to). The trail records the take-back and the new routing;
 * the agent hears `ticket.taken_back`; the old card loses its buttons and its thread says why and where it went;
 * the new card's thread links the old thread and carries the handoff packet's summary.
 */
export async function takeBack(uow: UnitOfWork, t: Ticket, from: Agent, cause: TakeBackCause, why: string, o: TakeBackOptions = {}): Promise<RouteResult> {
  const oldHome = t.home;
  const assignment = await lastAssignmentTo(uow.tx, t.key, from.handle);
  const id = await uow.audit({ ticketKey: t.key, actor: o.actor ?? 'baton', action: 'taken_back', fromStatus: t.status, toStatus: 'intake', note: why, data: { ...o.data, from: from.handle, cause } });
  uow.notify('ticket.taken_back', from.handle, t.key);
  unassign(t);
  if (cause !== 'silent') t.declinedBy = [...new Set([...t.declinedBy, from.handle])];
  await saveTicket(uow.tx, t);
  const routed = await routeTicket(uow, t, 'baton');
  const to = routed.agent?.handle ?? null;
  const render = uow.deps.render;
  if (oldHome) {
    const where = to ? [{ raw: ` It is now with @${to}.` }] : [{ raw: ' It waits in intake: ' }, routed.reason];
    uow.send({
      ticketKey: t.key,
      idempotencyKey: `${id}:taken-back`,
      channel: oldHome.channel,
      threadTs: oldHome.ts,
      ...render.threadUpdate(t, [{ raw: `${ICON[cause]} Taken back from @${from.handle}: ` }, why, { raw: '.' }, ...where]),
    });
    if (assignment !== null) {
      uow.send({ ticketKey: t.key, idempotencyKey: `${id}:taken-back-card`, channel: oldHome.channel, updates: `${assignment}:card`, ...render.cardTakenBack(t, from.handle, why, to) });
    }
  }
  if (routed.agent) {
    const packet = t.packet?.summary ? [{ raw: '\nHandoff packet: ' }, t.packet.summary] : [];
    uow.send({
      ticketKey: t.key,
      idempotencyKey: `${id}:taken-back-here`,
      channel: routed.agent.channel,
      threadOf: { ticket: t.key, which: 'home' },
      ...render.threadUpdate(t, [
        { raw: `:inbox_tray: Taken back from @${from.handle} (` },
        why,
        { raw: `) and routed here: ` },
        routed.reason,
        { raw: oldHome ? `. Its trail so far: <${messageLink(oldHome)}|previous thread>, \`/ticket show ${t.key}\`.` : `. Its trail: \`/ticket show ${t.key}\`.` },
        ...packet,
      ]),
    });
  }
  return routed;
}
