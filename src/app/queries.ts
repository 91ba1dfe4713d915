// Read-only use cases: lists, lookups and the checks that need the roster before anything is written.
import type { AgentRef, ListFilter } from '../core/commands.js';
import { DomainError, isDomainError } from '../core/errors.js';
import { assertCanManageRoster, type Principal } from '../core/permissions.js';
import { PRIORITY_RANK, type Ticket } from '../core/types.js';
import { agentByUser, agentsByUser, getAgent } from '../storage/agents.js';
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
      if (by.kind === 'agent') return { title: `Open tickets of ${by.handle} (filed by it or assigned to it)`, tickets: await listTickets(db, { requesterOrAssignee: { user: `agent:${by.handle}`, handles: [by.handle] } }, limit) };
      if (by.kind !== 'user') return { title: 'Your open tickets', tickets: [] };
      const mine = await agentsByUser(db, by.user);
      return {
        title: 'Your open tickets (filed by you or assigned to you)',
        tickets: await listTickets(db, { requesterOrAssignee: { user: by.user, handles: mine.map((a) => a.handle) } }, limit),
      };
    }
  }
}

/** Most urgent first, then oldest first; the key breaks ties. */
function byPriorityThenAge(x: Ticket, y: Ticket): number {
  return PRIORITY_RANK[x.priority] - PRIORITY_RANK[y.priority] || x.createdAt.getTime() - y.createdAt.getTime() || x.key.localeCompare(y.key);
}

/**
 * A list as `/ticket list` shows it: every list by priority, then age (PRODUCT.md), completed
 * tickets too (`listFor` gives those most recently resolved first).
 */
export async function ticketListing(deps: Deps, by: Principal, filter: ListFilter): Promise<{ title: string; tickets: Ticket[] }> {
  const r = await listFor(deps, by, filter);
  return { title: r.title, tickets: [...r.tickets].sort(byPriorityThenAge) };
}

export function ticketForThread(deps: Deps, channel: string, ts: string): Promise<Ticket | null> {
  return ticketByThread(deps.database.db, channel, ts);
}

export function agentByUserId(deps: Deps, userId: string) {
  return agentByUser(deps.database.db, userId);
}

/**
 * The refusal a use case would give for an agent reference that names nobody on the roster, or
 * null when it names an agent. Null too when the roster cannot be read: the use case will then
 * fail and say so.
 */
export async function unknownAgentError(deps: Deps, ref: AgentRef): Promise<DomainError | null> {
  try {
    await findAgent(deps.database.db, ref);
    return null;
  } catch (e) {
    return isDomainError(e) && e.code === 'unknown_agent' ? e : null;
  }
}

/**
 * The refusals of `addAgent` that need the roster, checked before Baton creates the agent's
 * Slack channel (which would otherwise be left over).
 */
export async function checkAddable(
  deps: Deps,
  by: Principal,
  input: { handle: string; user?: string | null; escalatesTo?: AgentRef | null },
): Promise<void> {
  assertCanManageRoster(by, deps.policy);
  const db = deps.database.db;
  if (await getAgent(db, input.handle)) {
    throw new DomainError('agent_exists', `There is already an agent \`${input.handle}\`; use \`/agent update\` to change it.`, 'handle');
  }
  if (input.user) {
    const other = await agentByUser(db, input.user);
    if (other) throw new DomainError('conflict', `<@${input.user}> is already the user of agent ${other.handle}.`, 'user');
  }
  if (input.escalatesTo) await findAgent(db, input.escalatesTo);
}
