// Read-only use cases: lists and lookups.
import type { ListFilter } from '../core/commands.js';
import type { Principal } from '../core/permissions.js';
import type { Ticket } from '../core/types.js';
import { agentByUser, agentsByUser } from '../storage/agents.js';
import { listTickets, ticketByThread } from '../storage/tickets.js';
import { findAgent } from './assignment.js';
import type { Deps } from './context.js';

export async function listFor(deps: Deps, by: Principal, filter: ListFilter, limit = 100): Promise<{ title: string; tickets: Ticket[] }> {
  const db = deps.database.db;
  switch (filter.kind) {
    case 'queue':
      return { title: `${filter.status[0]!.toUpperCase()}${filter.status.slice(1)} tickets`, tickets: await listTickets(db, { status: filter.status }, limit) };
    case 'agent': {
      const agent = await findAgent(db, filter.agent);
      return { title: `Open tickets of ${agent.handle}`, tickets: await listTickets(db, { assignee: agent.handle }, limit) };
    }
    case 'mine': {
      if (by.kind !== 'user') return { title: 'Your open tickets', tickets: [] };
      const mine = await agentsByUser(db, by.user);
      return {
        title: 'Your open tickets (filed by you or assigned to you)',
        tickets: await listTickets(db, { requesterOrAssignee: { user: by.user, handles: mine.map((a) => a.handle) } }, limit),
      };
    }
  }
}

export function ticketForThread(deps: Deps, channel: string, ts: string): Promise<Ticket | null> {
  return ticketByThread(deps.database.db, channel, ts);
}

export function agentByUserId(deps: Deps, userId: string) {
  return agentByUser(deps.database.db, userId);
}
