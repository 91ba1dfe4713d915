// Read-only use cases: lists, lookups and the checks that need the roster before anything is written.
import type { AgentRef, ListFilter } from '../core/commands.js';
import { DomainError, invalid, isDomainError } from '../core/errors.js';
import { assertCanManageRoster, type Principal } from '../core/permissions.js';
import type { Ticket } from '../core/types.js';
import { quoteValue } from '../core/validate.js';
import { agentByUser, agentsByUser, getAgent } from '../storage/agents.js';
import { getTicket, listTicketPage, listTickets, ticketByThread, ticketsAwaiting, type ListQuery } from '../storage/tickets.js';
import { ticketOfQuestion } from '../storage/outbox.js';
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

/** Lines per page of `/ticket list`. */
export const LIST_PAGE_SIZE = 50;

export interface TicketListing {
  title: string;
  tickets: Ticket[];
  /** Tickets in the whole list. */
  total: number;
  page: number;
  pages: number;
  /** The filter as typed in `/ticket list FILTER page:N` (`mine`, `active`, a handle). */
  filterWord: string;
}

const FILTERS = '`mine`, `intake`, `active`, `completed` or an agent’s handle';

/**
 * A page of a list as `/ticket list` shows it: by priority, then age (PRODUCT.md), completed tickets too.
 * A filter naming no agent is refused with the filters there are; a page past the end with the last page.
 */
export async function ticketListing(deps: Deps, by: Principal, filter: ListFilter, page = 1): Promise<TicketListing> {
  const db = deps.database.db;
  let title: string;
  let filterWord: string;
  let query: ListQuery | null;
  switch (filter.kind) {
    case 'queue':
      title = `${filter.status[0]!.toUpperCase()}${filter.status.slice(1)} tickets`;
      filterWord = filter.status;
      query = { status: filter.status };
      break;
    case 'agent': {
      let agent;
      try {
        agent = await findAgent(db, filter.agent);
      } catch (e) {
        if (isDomainError(e) && e.code === 'unknown_agent' && 'handle' in filter.agent) {
          throw invalid(`\`/ticket list\` takes ${FILTERS}; there is no filter or agent ${quoteValue(filter.agent.handle)}. Add \`page:2\` for the next page.`, 'filter');
        }
        throw e;
      }
      title = `Open tickets of ${agent.handle}`;
      filterWord = agent.handle;
      query = { assignee: agent.handle };
      break;
    }
    case 'mine': {
      title = 'Your open tickets (filed by you or assigned to you)';
      filterWord = 'mine';
      query = by.kind === 'user' ? { requesterOrAssignee: { user: by.user, handles: (await agentsByUser(db, by.user)).map((a) => a.handle) } } : null;
      break;
    }
  }
  const r = query ? await listTicketPage(db, query, { offset: (page - 1) * LIST_PAGE_SIZE, limit: LIST_PAGE_SIZE }) : { tickets: [], total: 0 };
  const pages = Math.max(1, Math.ceil(r.total / LIST_PAGE_SIZE));
  if (page > pages) {
    const count = `${r.total} ticket${r.total === 1 ? '' : 's'} on ${pages} page${pages === 1 ? '' : 's'}`;
    throw invalid(`${title}: ${count}; there is no page ${page}.`, 'page');
  }
  return { title, tickets: r.tickets, total: r.total, page, pages, filterWord };
}

export function ticketForThread(deps: Deps, channel: string, ts: string): Promise<Ticket | null> {
  return ticketByThread(deps.database.db, channel, ts);
}

/**
 * The ticket a direct message to Baton answers: a reply in the thread of the question Baton asked by DM, or,
 * outside a thread, the one ticket waiting on this requester (none when several are: it cannot tell which).
 */
export async function ticketForDirectMessage(deps: Deps, channel: string, threadTs: string | undefined, author: string): Promise<Ticket | null> {
  const db = deps.database.db;
  if (threadTs) {
    const key = await ticketOfQuestion(db, channel, threadTs);
    return key ? getTicket(db, key) : null;
  }
  const waiting = await ticketsAwaiting(db, author, 2);
  return waiting.length === 1 ? waiting[0]! : null;
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
  // A handle may name an agent not on the roster yet; a user must be an agent's.
  if (input.escalatesTo && 'user' in input.escalatesTo && !(await agentByUser(db, input.escalatesTo.user))) {
    throw new DomainError('unknown_agent', `\`escalates-to:\` <@${input.escalatesTo.user}> is not the user of any agent. Name the agent by its handle, e.g. \`escalates-to:felix\` (it may be one not added yet).`, 'escalates-to');
  }
}
