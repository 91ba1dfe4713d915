// The one way a use case acts on one ticket: in a transaction, the ticket locked, the actor's permission and the
// state transition checked first.
import { unknownTicket } from '../core/errors.js';
import { assertCanActOnTicket, type Principal, type TicketAction } from '../core/permissions.js';
import { assertTransition } from '../core/ticketState.js';
import type { Agent, Ticket } from '../core/types.js';
import { getAgent } from '../storage/agents.js';
import { getTicket } from '../storage/tickets.js';
import { inTransaction, type Deps, type TxOptions, type UnitOfWork } from './context.js';

/**
 * Runs `action` on one ticket in one transaction: the ticket is locked, `by` must be allowed to act on it,
 * and the action allowed from the ticket's state.
 */
export function actOnTicket<T>(
  deps: Deps,
  by: Principal,
  key: string,
  action: TicketAction,
  o: TxOptions,
  fn: (uow: UnitOfWork, t: Ticket, assignee: Agent | null) => Promise<T>,
): Promise<T> {
  return inTransaction(
    deps,
    async (uow) => {
      const t = await getTicket(uow.tx, key, { lock: true });
      if (!t) throw unknownTicket(key);
      const assignee = t.assignee ? await getAgent(uow.tx, t.assignee) : null;
      assertCanActOnTicket(by, t, assignee, deps.policy, action);
      assertTransition(t, action);
      return fn(uow, t, assignee);
    },
    o,
  );
}
