// The home card shows the ticket's state: each change that the card shows (accepted, waiting on a child,
// escalated, resolved) edits it in place through the outbox (chat.update of the ticket's home message,
// resolved when delivered, after the card itself in the ticket's order).
import type { Agent, Ticket } from '../core/types.js';
import { getAgent } from '../storage/agents.js';
import { getTicket } from '../storage/tickets.js';
import type { UnitOfWork } from './context.js';
import { messageLink } from './links.js';

/** The links a card shows: the message the ticket was filed from, and its parent's home when it was handed off. */
export async function cardLinks(uow: UnitOfWork, t: Ticket): Promise<{ originLink?: string; parentLink?: string }> {
  const parent = t.parentKey ? await getTicket(uow.tx, t.parentKey) : null;
  return { originLink: t.origin ? messageLink(t.origin) : undefined, parentLink: parent?.home ? messageLink(parent.home) : undefined };
}

/**
 * Queue an edit of `t`'s home card showing it as it is now. `eventId` and `what` make the row's key (one edit
 * per event). `agent`: the assignee when the caller has it at hand. `resolvedBy`: the actor who resolved it.
 */
export async function editCard(uow: UnitOfWork, t: Ticket, eventId: number, what: string, o: { agent?: Agent | null; resolvedBy?: string } = {}): Promise<void> {
  if (!t.assignee) return;
  const agent = o.agent && o.agent.handle === t.assignee ? o.agent : await getAgent(uow.tx, t.assignee);
  if (!agent) return;
  uow.send({
    ticketKey: t.key,
    idempotencyKey: `${eventId}:card-${what}`,
    channel: t.home?.channel ?? agent.channel,
    editsHomeOf: t.key,
    ...uow.deps.render.assignment(t, agent, {
      ...(await cardLinks(uow, t)),
      ...(o.resolvedBy ? { resolvedBy: o.resolvedBy } : {}),
    }),
  });
}
