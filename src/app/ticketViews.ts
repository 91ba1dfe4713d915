// Read-only views for the API and MCP: a ticket with its children and trail, lists with children, an agent with its load.
import type { ListFilter } from '../core/commands.js';
import { unknownAgent } from '../core/errors.js';
import type { Principal } from '../core/permissions.js';
import type { Agent } from '../core/types.js';
import { getAgent } from '../storage/agents.js';
import { childKeysOf, countActive } from '../storage/tickets.js';
import type { Deps } from './context.js';
import { listFor } from './queries.js';
import { showTicket } from './ticketActions.js';

export async function ticketWithFamily(deps: Deps, key: string) {
  const { ticket, trail } = await showTicket(deps, key);
  const children = (await childKeysOf(deps.database.db, [ticket.key])).get(ticket.key) ?? [];
  return { ticket, trail, children };
}

/** A page of a list, in the order `list` shows it; `offset` counts tickets already seen. */
export async function ticketPage(deps: Deps, by: Principal, filter: ListFilter, offset: number, limit: number) {
  const all = (await listFor(deps, by, filter, offset + limit + 1)).tickets;
  const tickets = all.slice(offset, offset + limit);
  const children = await childKeysOf(deps.database.db, tickets.map((t) => t.key));
  return { tickets: tickets.map((t) => ({ ticket: t, children: children.get(t.key) ?? [] })), more: all.length > offset + limit };
}

export async function agentWithLoad(deps: Deps, handle: string): Promise<Agent & { active: number }> {
  const db = deps.database.db;
  const agent = await getAgent(db, handle);
  if (!agent) throw unknownAgent(handle);
  const counts = await countActive(db, [handle]);
  return { ...agent, active: counts.get(handle) ?? 0 };
}
