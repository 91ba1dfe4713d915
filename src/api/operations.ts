// One function per operation an agent can do through the HTTP API (and MCP): each takes the deps, the agent's
// principal and validated input, calls one use case, and returns JSON. Transports only authenticate, validate
// and render.
import type { z } from 'zod';
import { setAvailable, setBusy } from '../app/agents.js';
import type { Deps, TxOptions } from '../app/context.js';
import type { AnswerSubject } from '../app/idempotency.js';
import { declineTicket as declineUseCase } from '../app/decline.js';
import { escalateTicket as escalateUseCase } from '../app/escalation.js';
import { resumeTicket as resumeUseCase, waitOnRequesterTicket as waitUseCase } from '../app/waiting.js';
import { fileTicket as fileUseCase } from '../app/fileTicket.js';
import { handoffTicket } from '../app/handoff.js';
import { postUpdate as postUpdateUseCase } from '../app/progress.js';
import { acceptTicket as acceptUseCase, claimNext, resolveTicket as resolveUseCase } from '../app/ticketActions.js';
import { agentWithLoad, ticketPage, ticketWithFamily } from '../app/ticketViews.js';
import type { ListFilter } from '../core/commands.js';
import { busyUntil, parseClockTime, parseDuration } from '../core/duration.js';
import { DomainError, invalid, isDomainError } from '../core/errors.js';
import { parseHandle, parseTicketType } from '../core/parse/values.js';
import type { Principal } from '../core/permissions.js';
import type { Ticket } from '../core/types.js';
import { checkDedupKey } from '../core/validate.js';
import { agentToJson, ticketToJson, type AgentJson, type TicketJson } from './json.js';
import type { availabilityBody, fileBody, handoffBody, listQuery } from './schemas.js';

/** The principal of an agent's token. */
export type AgentPrincipal = Extract<Principal, { kind: 'agent' }>;

const self = (p: AgentPrincipal) => ({ handle: p.handle });
/**
 * The use case's options: the door the agent came through and, for a request with an Idempotency-Key, what its
 * answer shows (`about`, from the use case's result), kept with the pending answer in the same transaction.
 */
function opts<R>(p: AgentPrincipal, o: TxOptions, about?: (result: R) => AnswerSubject | null): TxOptions {
  const idempotency = o.idempotency && about ? { ...o.idempotency, subjectOf: (r: unknown) => about(r as R) } : o.idempotency;
  return { ...o, via: p.via, ...(idempotency ? { idempotency } : {}) };
}
/** The ticket of a use case's result. */
const theTicket = (r: { ticket: Ticket | null }): AnswerSubject | null => (r.ticket ? { ticket: r.ticket.key } : null);
const normKey = (key: string) => key.trim().toUpperCase();

/** A value parsed by the rules Slack uses, its refusal naming the API's field. */
function asField<T>(field: string, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (isDomainError(e) && e.code === 'invalid_input') throw new DomainError('invalid_input', e.message, field);
    throw e;
  }
}

async function ticketOut(deps: Deps, t: Ticket): Promise<TicketJson> {
  const { children } = await ticketWithFamily(deps, t.key);
  return ticketToJson(t, children);
}

/** A ticket as an action answers it (without its trail), as it is now. */
export async function ticketNow(deps: Deps, key: string): Promise<TicketJson> {
  const { ticket, children } = await ticketWithFamily(deps, key);
  return ticketToJson(ticket, children);
}

export async function whoami(deps: Deps, p: AgentPrincipal): Promise<AgentJson> {
  return agentToJson(await agentWithLoad(deps, p.handle), deps.clock.now());
}

export async function setAvailability(deps: Deps, p: AgentPrincipal, input: z.infer<typeof availabilityBody>, o: TxOptions = {}): Promise<AgentJson> {
  if (input.status === 'available') {
    if (input.for !== undefined || input.until !== undefined || input.reason !== undefined) {
      throw invalid('`for`, `until` and `reason` go with `"status":"busy"` only.', input.for !== undefined ? 'for' : input.until !== undefined ? 'until' : 'reason');
    }
    await setAvailable(deps, p, self(p), opts(p, o));
  } else {
    if (input.for !== undefined && input.until !== undefined) throw invalid('Give either `for` (a duration) or `until` (a time of day), not both.', 'until');
    const window = {
      forSec: input.for !== undefined ? asField('for', () => parseDuration(input.for!, 'for')) : undefined,
      until: input.until !== undefined ? asField('until', () => parseClockTime(input.until!, 'until')) : undefined,
    };
    await setBusy(deps, p, self(p), { until: busyUntil(deps.clock.now(), window, deps.timeZone), reason: input.reason }, opts(p, o));
  }
  return whoami(deps, p);
}

/** The cursor is the number of tickets already returned, opaque to clients. */
const encodeCursor = (offset: number) => Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  try {
    const o = (JSON.parse(Buffer.from(cursor, 'base64url').toString()) as { o?: unknown }).o;
    if (typeof o === 'number' && Number.isInteger(o) && o >= 0 && o <= 10_000) return o;
  } catch {
    /* refused below */
  }
  throw invalid('`cursor` is not one Baton gave (use `nextCursor` of the previous page).', 'cursor');
}

export async function listTickets(deps: Deps, p: AgentPrincipal, input: z.infer<typeof listQuery>): Promise<{ tickets: TicketJson[]; nextCursor: string | null }> {
  const queue = input.queue ?? 'mine';
  const filter: ListFilter = queue === 'mine' ? { kind: 'mine' } : { kind: 'queue', status: queue };
  const offset = decodeCursor(input.cursor);
  const limit = input.limit ?? 50;
  const page = await ticketPage(deps, p, filter, offset, limit);
  return { tickets: page.tickets.map((x) => ticketToJson(x.ticket, x.children)), nextCursor: page.more ? encodeCursor(offset + limit) : null };
}

export async function getTicket(deps: Deps, _p: AgentPrincipal, input: { key: string }): Promise<TicketJson> {
  const { ticket, trail, children } = await ticketWithFamily(deps, normKey(input.key));
  return ticketToJson(ticket, children, trail);
}

export async function fileTicket(deps: Deps, p: AgentPrincipal, input: z.infer<typeof fileBody>, o: TxOptions = {}): Promise<TicketJson> {
  const filed = await fileUseCase(
    deps,
    p,
    {
      type: input.type !== undefined ? asField('type', () => parseTicketType(input.type!, '`type`')) : undefined,
      priority: input.priority,
      escalateAfterSec: input.escalate !== undefined ? asField('escalate', () => parseDuration(input.escalate!, 'escalate')) : undefined,
      assign: input.assign !== undefined ? { handle: asField('assign', () => parseHandle(input.assign!, '`assign`')) } : undefined,
      handoff: (input.handoff ?? []).map((h) => ({ handle: asField('handoff', () => parseHandle(h, 'Each handle in `handoff`')) })),
      follows: input.follows !== undefined ? normKey(input.follows) : undefined,
      dedupKey: input.dedupKey !== undefined ? asField('dedupKey', () => (checkDedupKey(input.dedupKey!, '`dedupKey`'), input.dedupKey!)) : undefined,
      context: input.context ?? {},
      title: input.title,
      description: input.description ?? input.title,
    },
    opts(p, o, (r: { ticket: Ticket; duplicate?: boolean }) => ({ ticket: r.ticket.key, ...(r.duplicate ? { duplicate: true } : {}) })),
  );
  const out = await ticketOut(deps, filed.ticket);
  return filed.duplicate ? { ...out, duplicate: true } : out;
}

/** The most urgent intake ticket this agent can take, assigned to it; null when there is none. */
export async function claimNextTicket(deps: Deps, p: AgentPrincipal, o: TxOptions = {}): Promise<TicketJson | null> {
  const r = await claimNext(deps, p, self(p), opts(p, o, theTicket));
  return r.ticket ? ticketOut(deps, r.ticket) : null;
}

export async function acceptTicket(deps: Deps, p: AgentPrincipal, input: { key: string }, o: TxOptions = {}): Promise<TicketJson> {
  return ticketOut(deps, (await acceptUseCase(deps, p, normKey(input.key), opts(p, o, theTicket))).ticket);
}

export async function postUpdate(deps: Deps, p: AgentPrincipal, input: { key: string; text: string }, o: TxOptions = {}): Promise<TicketJson> {
  return ticketOut(deps, (await postUpdateUseCase(deps, p, normKey(input.key), input.text, opts(p, o, theTicket))).ticket);
}

/** Hand a ticket off to an agent or a skill; answers the child ticket. */
export async function handOffTicket(deps: Deps, p: AgentPrincipal, input: { key: string } & z.infer<typeof handoffBody>, o: TxOptions = {}): Promise<TicketJson> {
  const to = input.to.trim();
  const ref = asField('to', () => (/^skill:/i.test(to) ? { skill: parseTicketType(to.slice(6), '`to`', 'to') } : { handle: parseHandle(to.replace(/^@/, ''), '`to`') }));
  const note = input.note ?? input.packet?.summary;
  const r = await handoffTicket(deps, p, normKey(input.key), ref, note, { ...opts(p, o, (x: { child: Ticket }) => ({ ticket: x.child.key })), packet: input.packet ?? null });
  return ticketOut(deps, r.child);
}

export async function resolveTicket(deps: Deps, p: AgentPrincipal, input: { key: string; note?: string; force?: boolean }, o: TxOptions = {}): Promise<TicketJson> {
  return ticketOut(deps, (await resolveUseCase(deps, p, normKey(input.key), input.note, { ...opts(p, o, theTicket), force: input.force === true })).ticket);
}

export async function escalateTicket(deps: Deps, p: AgentPrincipal, input: { key: string; note?: string }, o: TxOptions = {}): Promise<TicketJson> {
  return ticketOut(deps, (await escalateUseCase(deps, p, normKey(input.key), input.note, opts(p, o, theTicket))).ticket);
}

/** Wait on the requester: the question reaches them and the ticket's escalation clock stops until they reply or it is resumed. */
export async function waitOnRequester(deps: Deps, p: AgentPrincipal, input: { key: string; question?: string }, o: TxOptions = {}): Promise<TicketJson> {
  return ticketOut(deps, (await waitUseCase(deps, p, normKey(input.key), input.question, opts(p, o, theTicket))).ticket);
}

/** Start the escalation clock of a ticket waiting on its requester again, with the time it had left. */
export async function resumeTicket(deps: Deps, p: AgentPrincipal, input: { key: string }, o: TxOptions = {}): Promise<TicketJson> {
  return ticketOut(deps, (await resumeUseCase(deps, p, normKey(input.key), opts(p, o, theTicket))).ticket);
}

/** Decline a ticket handed to this agent: it goes to another eligible agent or waits in intake. */
export async function declineTicket(deps: Deps, p: AgentPrincipal, input: { key: string; reason: string }, o: TxOptions = {}): Promise<TicketJson> {
  return ticketOut(deps, (await declineUseCase(deps, p, normKey(input.key), input.reason, opts(p, o, theTicket))).ticket);
}
