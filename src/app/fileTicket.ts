// Filing a ticket: from a slash command, a modal, an intake-channel message, a handoff or a briefing.
import type { NewTicketInput } from '../core/commands.js';
import { invalid, unknownTicket } from '../core/errors.js';
import { actorName, principalMention, type Principal } from '../core/permissions.js';
import { yearOf } from '../core/ticketKey.js';
import type { Agent, HandoffPacket, MessageRef, Priority, Ticket } from '../core/types.js';
import { LIMITS } from '../core/types.js';
import { checkContextEntry, checkDedupKey, checkTicketType, validateText } from '../core/validate.js';
import { requestSeen } from '../storage/requests.js';
import { getAgent } from '../storage/agents.js';
import { getTicket, insertTicket, isDedupConflict, isOriginConflict, nextTicketKey, openTicketByDedupKey, ticketByThread } from '../storage/tickets.js';
import { findAgent, routeTicket } from './assignment.js';
import { DuplicateRequest, inTransaction, type Deps, type TxOptions, type UnitOfWork } from './context.js';

export interface FileTicketInput extends NewTicketInput {
  /** The intake message it came from; Baton answers in its thread. */
  origin?: MessageRef | null;
  /** Filed by a `:ticket:` reaction of this user (kept in the trail; the requester is the message's author). */
  reactor?: string;
}

export interface FiledTicket {
  ticket: Ticket;
  agent: Agent | null;
  reason: string;
  /** Filed before with the same duplicate key and still open: nothing new was created. */
  duplicate?: boolean;
  /** With `duplicate`: the message it came from was filed already (its origin); no report was recorded. */
  sameMessage?: boolean;
}

export interface NewTicketSpec {
  type: string;
  title: string;
  description: string;
  priority: Priority;
  requester: string | null;
  context: Record<string, string>;
  escalateAfterSec?: number | null;
  requiresHandoff?: string[];
  parentKey?: string | null;
  follows?: string | null;
  pinnedAgent?: string | null;
  origin?: MessageRef | null;
  packet?: HandoffPacket | null;
  dedupKey?: string | null;
  /** The user whose `:ticket:` reaction filed it. */
  reactor?: string;
}

/** Insert a ticket in intake with its first audit event, then route it. */
export async function createTicket(uow: UnitOfWork, spec: NewTicketSpec, actor: string, action = 'filed', preallocatedKey?: string): Promise<FiledTicket> {
  const key = preallocatedKey ?? (await nextTicketKey(uow.tx, yearOf(uow.now, uow.deps.timeZone)));
  const ticket: Ticket = {
    key,
    type: spec.type,
    title: spec.title,
    description: spec.description,
    priority: spec.priority,
    status: 'intake',
    assignee: null,
    requester: spec.requester,
    context: spec.context,
    escalateAfterSec: spec.escalateAfterSec ?? null,
    escalationLevel: 0,
    escalatedTo: null,
    chainExhausted: false,
    requiresHandoff: spec.requiresHandoff ?? [],
    parentKey: spec.parentKey ?? null,
    waitingOn: null,
    follows: spec.follows ?? null,
    pinnedAgent: spec.pinnedAgent ?? null,
    holdReason: null,
    origin: spec.origin ?? null,
    home: null,
    createdAt: uow.now,
    assignedAt: null,
    clockStartedAt: null,
    escalateDueAt: null,
    resolvedAt: null,
    resolution: null,
    acceptedAt: null,
    acceptedBy: null,
    managers: null,
    managersKey: null,
    packet: spec.packet ?? null,
    awaitingRequesterSince: null,
    clockLeftSec: null,
    escalationRound: 0,
    declinedBy: [],
    dedupKey: spec.dedupKey ?? null,
  };
  // Sent together (pipelined on the transaction's connection): one round trip instead of two.
  await Promise.all([
    insertTicket(uow.tx, ticket),
    uow.audit({
      ticketKey: key,
      actor,
      action,
      toStatus: 'intake',
      note: spec.title,
      data: { type: spec.type, priority: spec.priority, parent: spec.parentKey ?? undefined, reactor: spec.reactor },
    }),
  ]);
  if (action === 'filed') uow.record({ kind: 'filed', ticket });
  const routed = await routeTicket(uow, ticket, 'baton');
  return { ticket, ...routed };
}

export async function fileTicket(
  deps: Deps,
  by: Principal,
  input: FileTicketInput,
  opts: TxOptions = {},
): Promise<FiledTicket> {
  validateText(input.title, 'title', LIMITS.title, { required: true });
  validateText(input.description, 'description', LIMITS.description);
  const type = input.type ?? deps.defaultTicketType;
  checkTicketType(type);
  for (const [k, v] of Object.entries(input.context)) checkContextEntry(k, v);
  if (Object.keys(input.context).length > LIMITS.contextEntries) throw invalid(`At most ${LIMITS.contextEntries} context values (\`name:value\`) per ticket.`, 'context');
  const requester = by.kind === 'baton' ? null : actorName(by);
  const db = deps.database.db;

  // Everything that can refuse the filing is checked before a key is taken.
  const pinned = input.assign ? (await findAgent(db, input.assign)).handle : null;
  const requiresHandoff: string[] = [];
  for (const ref of input.handoff) {
    const h = (await findAgent(db, ref)).handle;
    if (!requiresHandoff.includes(h)) requiresHandoff.push(h);
  }
  let follows: string | null = null;
  if (input.follows) {
    const prev = await getTicket(db, input.follows);
    if (!prev) throw unknownTicket(input.follows);
    follows = prev.key;
  }
  if (input.dedupKey !== undefined) checkDedupKey(input.dedupKey);
  if (opts.requestKey && (await requestSeen(db, opts.requestKey))) throw new DuplicateRequest(opts.requestKey);
  if (input.dedupKey) {
    const open = await openTicketByDedupKey(db, input.dedupKey);
    if (open) {
      const again = await alsoReported(deps, by, input, opts);
      if (again) return again;
    }
  }
  // The key is taken in its own short statement, not inside the filing's transaction: concurrent filings
  // then never queue behind each other on the year's counter. Keys stay unique and are never reused; a
  // filing that fails after this point leaves a gap.
  const key = await nextTicketKey(db, yearOf(deps.clock.now(), deps.timeZone));

  try {
    return await inTransaction(
    deps,
    async (uow) => {
      const filed = await createTicket(
        uow,
        {
          type,
          title: input.title.trim(),
          description: input.description,
          priority: input.priority ?? 'normal',
          requester,
          context: input.context,
          escalateAfterSec: input.escalateAfterSec ?? null,
          requiresHandoff,
          follows,
          pinnedAgent: pinned,
          origin: input.origin ?? null,
          dedupKey: input.dedupKey ?? null,
          ...(input.reactor ? { reactor: input.reactor } : {}),
        },
        requester ?? 'baton',
        'filed',
        key,
      );
      if (filed.ticket.origin) {
        uow.send({
          ticketKey: filed.ticket.key,
          idempotencyKey: `${filed.ticket.key}:intake-reply`,
          channel: filed.ticket.origin.channel,
          threadTs: filed.ticket.origin.ts,
          ...deps.render.intakeReply(filed.ticket, filed.agent),
        });
      }
      return filed;
    },
    opts,
  );
  } catch (e) {
    // Another filing with the same key committed first (another copy, at the same moment): it answers.
    if (input.dedupKey && isDedupConflict(e)) {
      const again = await alsoReported(deps, by, input, opts);
      if (again) return again;
    }
    // The message was filed already (a :ticket: reaction and the intake channel at once, a shortcut): one ticket.
    if (input.origin && isOriginConflict(e)) {
      const filed = await ticketByThread(db, input.origin.channel, input.origin.ts);
      if (filed) return { ticket: filed, agent: filed.assignee ? await getAgent(db, filed.assignee) : null, reason: `already filed as ${filed.key}`, duplicate: true, sameMessage: true };
    }
    throw e;
  }
}

/**
 * Filing again while a ticket with the same duplicate key is open: nothing is created; the open ticket's
 * trail and thread record who reported it again. Null when that ticket was completed meanwhile.
 */
async function alsoReported(deps: Deps, by: Principal, input: FileTicketInput, opts: TxOptions): Promise<FiledTicket | null> {
  try {
    return await alsoReportedOnce(deps, by, input, opts);
  } catch (e) {
    if (e instanceof NoneOpen) return null;
    throw e;
  }
}

/** The open ticket was completed meanwhile: its transaction rolls back, so the request key stays free for the filing. */
class NoneOpen extends Error {}

async function alsoReportedOnce(deps: Deps, by: Principal, input: FileTicketInput, opts: TxOptions): Promise<FiledTicket> {
  return inTransaction(
    deps,
    async (uow) => {
      const t = await openTicketByDedupKey(uow.tx, input.dedupKey!, { lock: true });
      if (!t) throw new NoneOpen();
      const reporter = by.kind === 'baton' ? 'baton' : actorName(by);
      const id = await uow.audit({
        ticketKey: t.key,
        actor: reporter,
        action: 'also_reported',
        fromStatus: t.status,
        toStatus: t.status,
        note: input.title.trim(),
        data: { dedupKey: input.dedupKey, origin: input.origin ?? undefined },
      });
      if (t.home || t.origin) {
        const who = principalMention(by);
        uow.send({
          ticketKey: t.key,
          idempotencyKey: `${id}:also-reported`,
          channel: (t.home ?? t.origin)!.channel,
          threadOf: { ticket: t.key, which: t.home ? 'home' : 'origin' },
          ...deps.render.threadUpdate(t, [{ raw: `:repeat: Also reported by ${who}: ` }, input.title.trim()]),
        });
      }
      if (input.origin) {
        uow.send({
          ticketKey: t.key,
          idempotencyKey: `${id}:also-reported-origin`,
          channel: input.origin.channel,
          threadTs: input.origin.ts,
          ...deps.render.threadUpdate(t, [{ raw: `:repeat: Already tracked as *${t.key}*${t.assignee ? ` (@${t.assignee})` : ''}.` }]),
        });
      }
      const agent = t.assignee ? await getAgent(uow.tx, t.assignee) : null;
      return { ticket: t, agent, reason: 'already tracked', duplicate: true };
    },
    opts,
  );
}
