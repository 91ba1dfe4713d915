// The routes of /api/v1: method, path, the schemas that validate the request (and document it), and the operation.
import { z } from 'zod';
import type { Deps, TxOptions } from '../app/context.js';
import type { AnswerSubject } from '../app/idempotency.js';
import * as op from './operations.js';
import type { AgentPrincipal } from './operations.js';
import { agentJson, availabilityBody, declineBody, emptyBody, fileBody, handoffBody, listQuery, noteBody, resolveBody, ticketJson, ticketPage, updateBody, waitBody } from './schemas.js';

export interface RouteContext {
  deps: Deps;
  agent: AgentPrincipal;
  params: Record<string, string>;
  query: unknown;
  body: unknown;
  /** Idempotency: the use case acts once for this request key. */
  o: TxOptions;
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT';
  /** OpenAPI form: `/api/v1/tickets/{key}`. */
  path: string;
  operationId: string;
  summary: string;
  query?: z.ZodType;
  body?: z.ZodType;
  /** The answer when it succeeds; 204 routes have none. */
  success: { status: number; schema?: z.ZodType; description: string };
  /** A 200 with the same schema (filing: the open ticket that already has the duplicate key). */
  alsoOk?: string;
  /** The other success status (claim: 204 when nothing waits). */
  alsoNoContent?: string;
  run(c: RouteContext): Promise<{ status: number; body?: unknown }>;
  /**
   * The answer to a repeat (same Idempotency-Key) of a request that acted on no ticket, when the first answer
   * was never stored: rebuilt as it is now. Requests that acted on a ticket are answered that ticket as it is now.
   */
  again?(c: RouteContext): Promise<{ status: number; body?: unknown }>;
}

const key = (c: RouteContext) => c.params.key!;
const ok = (body: unknown) => ({ status: 200, body });

/** `POST /api/v1/tickets/{key}/VERB`: acts on one ticket with the request's body and answers a ticket. */
function ticketAction<B extends z.ZodType<object>>(
  verb: string,
  operationId: string,
  summary: string,
  body: B,
  description: string,
  act: (c: RouteContext, input: { key: string } & z.infer<B>) => Promise<unknown>,
  status = 200,
): Route {
  return {
    method: 'POST',
    path: `/api/v1/tickets/{key}/${verb}`,
    operationId,
    summary,
    body,
    success: { status, schema: ticketJson, description },
    run: async (c) => ({ status, body: await act(c, { key: key(c), ...(c.body as object) } as { key: string } & z.infer<B>) }),
  };
}

export const ROUTES: Route[] = [
  {
    method: 'GET',
    path: '/api/v1/me',
    operationId: 'whoami',
    summary: 'The agent of this token: handle, skills, availability, load and capacity.',
    success: { status: 200, schema: agentJson, description: 'The agent.' },
    run: async (c) => ok(await op.whoami(c.deps, c.agent)),
  },
  {
    method: 'PUT',
    path: '/api/v1/me/availability',
    operationId: 'set_availability',
    summary: 'Mark this agent busy (for a while, until a time, with a reason) or available again.',
    body: availabilityBody,
    success: { status: 200, schema: agentJson, description: 'The agent as it is now.' },
    run: async (c) => ok(await op.setAvailability(c.deps, c.agent, c.body as z.infer<typeof availabilityBody>, c.o)),
  },
  {
    method: 'POST',
    path: '/api/v1/me/heartbeat',
    operationId: 'heartbeat',
    summary: 'Proof of life: with a `heartbeat:` period set, call more often than it or new work stops and then your tickets are taken back. Any authenticated call counts as one too, and makes an agent marked unresponsive available again.',
    success: { status: 204, description: 'Noted.' },
    run: async () => ({ status: 204 }),
  },
  {
    method: 'GET',
    path: '/api/v1/tickets',
    operationId: 'list_tickets',
    summary: 'Tickets of a queue, by priority then age, a page at a time.',
    query: listQuery,
    success: { status: 200, schema: ticketPage, description: 'A page of tickets and the cursor of the next page (null at the end).' },
    run: async (c) => ok(await op.listTickets(c.deps, c.agent, c.query as z.infer<typeof listQuery>)),
  },
  {
    method: 'POST',
    path: '/api/v1/tickets',
    operationId: 'file_ticket',
    summary: 'File a ticket; Baton routes it like any other. This agent is its requester.',
    body: fileBody,
    success: { status: 201, schema: ticketJson, description: 'The ticket filed, with its assignee or why it waits in intake.' },
    alsoOk: 'Nothing filed: the open ticket with the same `dedupKey` (`duplicate: true`); its trail and thread record this report.',
    run: async (c) => {
      const t = await op.fileTicket(c.deps, c.agent, c.body as z.infer<typeof fileBody>, c.o);
      return { status: t.duplicate ? 200 : 201, body: t };
    },
  },
  {
    method: 'POST',
    path: '/api/v1/tickets/next',
    operationId: 'claim_next_ticket',
    summary: 'Claim the most urgent intake ticket this agent can take.',
    body: emptyBody,
    success: { status: 200, schema: ticketJson, description: 'The ticket, now assigned to this agent.' },
    alsoNoContent: 'Nothing this agent can take waits in intake.',
    run: async (c) => {
      const t = await op.claimNextTicket(c.deps, c.agent, c.o);
      return t ? ok(t) : { status: 204 };
    },
    again: async () => ({ status: 204 }),
  },
  {
    method: 'GET',
    path: '/api/v1/tickets/{key}',
    operationId: 'get_ticket',
    summary: 'One ticket: context, handoff packet, parent and children, routing explanation and audit trail.',
    success: { status: 200, schema: ticketJson, description: 'The ticket.' },
    run: async (c) => ok(await op.getTicket(c.deps, c.agent, { key: key(c) })),
  },
  ticketAction('accept', 'accept_ticket', 'Accept a ticket assigned to this agent.', emptyBody, 'The ticket.', (c, i) => op.acceptTicket(c.deps, c.agent, i, c.o)),
  ticketAction('updates', 'post_update', 'A progress note: kept in the trail and posted in the ticket’s home thread.', updateBody, 'The ticket.', (c, i) => op.postUpdate(c.deps, c.agent, i, c.o)),
  ticketAction(
    'handoff',
    'hand_off_ticket',
    'Hand off to an agent or a skill as a child ticket carrying a packet; this ticket waits on it.',
    handoffBody,
    'The child ticket.',
    (c, i) => op.handOffTicket(c.deps, c.agent, i, c.o),
    201,
  ),
  ticketAction(
    'decline',
    'decline_ticket',
    'Decline a ticket handed off to this agent: it goes to another eligible agent (never back to this one) or waits in intake.',
    declineBody,
    'The ticket, routed again.',
    (c, i) => op.declineTicket(c.deps, c.agent, i, c.o),
  ),
  ticketAction(
    'resolve',
    'resolve_ticket',
    'Resolve a ticket; its requester (or its parent’s thread) is told. One that waits on an open handoff is refused unless `force`, which closes that handoff too.',
    resolveBody,
    'The ticket, completed.',
    (c, i) => op.resolveTicket(c.deps, c.agent, i, c.o),
  ),
  ticketAction('escalate', 'escalate_ticket', 'Escalate now to the next agent of the chain.', noteBody, 'The ticket.', (c, i) => op.escalateTicket(c.deps, c.agent, i, c.o)),
  ticketAction(
    'wait',
    'wait_on_requester',
    'Ask the requester (their Slack thread, or a direct message) and stop the escalation clock until they reply or the ticket is resumed.',
    waitBody,
    'The ticket, its clock stopped.',
    (c, i) => op.waitOnRequester(c.deps, c.agent, i, c.o),
  ),
  ticketAction(
    'resume',
    'resume_ticket',
    'Start the escalation clock of a ticket waiting on its requester again, with the working time it had left.',
    emptyBody,
    'The ticket, its clock running.',
    (c, i) => op.resumeTicket(c.deps, c.agent, i, c.o),
  ),
];

/**
 * The answer to a repeat of a request that acted but whose answer was never stored (Baton stopped right after
 * the request committed): what it acted on, as it is now, with the route's success status. Null when the
 * route cannot rebuild it.
 */
export async function answerNow(route: Route, c: RouteContext, subject: AnswerSubject | null): Promise<{ status: number; body?: unknown } | null> {
  if (!subject) return route.again ? route.again(c) : null;
  const t = await op.ticketNow(c.deps, subject.ticket);
  return subject.duplicate ? ok({ ...t, duplicate: true }) : { status: route.success.status, body: t };
}

/** The route for a method and path, with its path parameters; `methods` lists what the path allows when the method does not match. */
export function findRoute(method: string, path: string): { route: Route; params: Record<string, string> } | { methods: string[] } | null {
  const methods: string[] = [];
  for (const route of ROUTES) {
    const names: string[] = [];
    const re = new RegExp(`^${route.path.replace(/\{(\w+)\}/g, (_m, n: string) => (names.push(n), '([^/]+)'))}/?$`);
    const m = re.exec(path);
    if (!m) continue;
    if (route.method !== method) {
      methods.push(route.method);
      continue;
    }
    const params = Object.fromEntries(names.map((n, i) => [n, safeDecode(m[i + 1]!)]));
    return { route, params };
  }
  return methods.length ? { methods } : null;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
