// Shared steps of the use cases: finding agents, routing a ticket, assigning it, releasing held work.
import type { AgentRef } from '../core/commands.js';
import { DomainError, unknownAgent } from '../core/errors.js';
import { decide, unavailability, type Candidate, type Verdict } from '../core/routing.js';
import { scheduleOf } from '../core/hours.js';
import { assign } from '../core/ticketState.js';
import { mentionParts } from '../core/words.js';
import type { Agent, Ticket } from '../core/types.js';
import { agentByUser, agentsWithSkill, getAgent, listAgents, lockAgents, lockAgentsWithAnySkill, lockAgentsWithSkill, markAssigned } from '../storage/agents.js';
import type { Queryable } from '../storage/db.js';
import { countActive, customerOwners, getTicket, lockIntake, saveTicket } from '../storage/tickets.js';
import type { UnitOfWork } from './context.js';
import { dispatchToA2a } from './a2aDispatch.js';
import { cardLinks } from './cards.js';
import { messageLink } from './links.js';

export async function findAgent(q: Queryable, ref: AgentRef): Promise<Agent> {
  if ('handle' in ref) {
    const a = await getAgent(q, ref.handle);
    if (!a) throw unknownAgent(ref.handle);
    return a;
  }
  const a = await agentByUser(q, ref.user);
  if (!a) throw new DomainError('unknown_agent', `<@${ref.user}> is not an agent. \`/agent list\` shows the roster.`, 'handle');
  return a;
}

async function candidatesFor(uow: UnitOfWork, t: Ticket, o: { skipLocked?: boolean; read?: boolean } = {}): Promise<Candidate[]> {
  const q = uow.tx;
  const agents: Agent[] = o.read
    ? await agentsWithSkill(q, t.type)
    : t.pinnedAgent
      ? await lockAgents(q, [t.pinnedAgent])
      : await lockAgentsWithSkill(q, t.type, o);
  const counts = await countActive(q, agents.map((a) => a.handle));
  const owners = t.context.customer ? await customerOwners(q, t.context.customer) : new Set<string>();
  return agents.map((agent) => ({ agent, active: counts.get(agent.handle) ?? 0, ownsCustomer: owners.has(agent.handle) }));
}

export interface RouteResult {
  agent: Agent | null;
  reason: string;
}

/**
 * Route a ticket that is in intake: assign it, or record why it waits. `previous`: a reopened ticket's
 * assignee before it was resolved; it gets the ticket back when it can, in the same home thread (no new card).
 * The assignment's audit event keeps every candidate's verdict (`/ticket why`).
 */
export async function routeTicket(uow: UnitOfWork, t: Ticket, actor: string, o: { previous?: string | null } = {}): Promise<RouteResult> {
  const previousAssignee = o.previous ?? null;
  const followsAssignee = t.follows ? ((await getTicket(uow.tx, t.follows))?.assignee ?? null) : null;
  // A handoff to a skill never goes back to its sender (the parent's assignee), nor to an agent that declined it.
  const sender = t.parentKey && !t.pinnedAgent ? ((await getTicket(uow.tx, t.parentKey))?.assignee ?? null) : null;
  const excluded = [...t.declinedBy, ...(sender ? [sender] : [])];
  const request = { type: t.type, pinned: t.pinnedAgent, followsAssignee, previousAssignee, excluded, declined: t.declinedBy, now: uow.now, timeZone: uow.deps.timeZone };
  const assignOpts = { agentLocked: true, continueHomeOf: previousAssignee };
  if (!t.pinnedAgent && !t.context.customer && !followsAssignee && !previousAssignee) {
    // Fast path: lock the candidates no other transaction holds right now (SKIP LOCKED) and choose among
    // them, so concurrent filings of one type use disjoint agents instead of queueing on all of them. Their
    // loads and the whole roster of the type (for `why`) are read together (pipelined).
    const locked = await lockAgentsWithSkill(uow.tx, t.type, { skipLocked: true });
    const [counts, everyone] = await Promise.all([countActive(uow.tx, locked.map((a) => a.handle)), agentsWithSkill(uow.tx, t.type)]);
    const free: Candidate[] = locked.map((agent) => ({ agent, active: counts.get(agent.handle) ?? 0, ownsCustomer: false }));
    const quick = free.length ? decide(request, free) : null;
    if (quick?.decision.kind === 'assign') {
      const { handle, reason } = quick.decision;
      const agent = free.find((c) => c.agent.handle === handle)!.agent;
      // Those held by another transaction were not offered it: said so, so that `why` names every candidate.
      const seen = new Set(free.map((c) => c.agent.handle));
      const skipped = everyone
        .filter((a) => !seen.has(a.handle))
        .map((a): Verdict => ({ handle: a.handle, chosen: false, why: 'was being given another ticket at that moment' }));
      await assignTo(uow, t, agent, actor, reason, { ...assignOpts, verdicts: [...quick.verdicts, ...skipped] });
      return { agent, reason };
    }
    // Nobody free among those: if the whole roster, read without locks, agrees, hold without taking
    // locks either. (Should an agent free up at this very instant and miss this ticket, the sweep's
    // release of held work assigns it.)
    const allCounts = await countActive(uow.tx, everyone.map((a) => a.handle));
    const all: Candidate[] = everyone.map((agent) => ({ agent, active: allCounts.get(agent.handle) ?? 0, ownsCustomer: false }));
    const { decision, verdicts } = decide(request, all);
    if (decision.kind === 'hold') return hold(uow, t, actor, decision.reason, verdicts);
  }
  // Routing decides under the locks of every candidate (in handle order): loads are exact, capacity holds,
  // two filings for one customer cannot race to two agents, and a ticket is never held while an agent that
  // is freeing up at this moment misses it (that agent's transaction commits first, or waits for ours).
  const candidates = await candidatesFor(uow, t);
  const { decision, verdicts } = decide(request, candidates);
  if (decision.kind === 'assign') {
    const agent = candidates.find((c) => c.agent.handle === decision.handle)!.agent;
    await assignTo(uow, t, agent, actor, decision.reason, { ...assignOpts, verdicts });
    return { agent, reason: decision.reason };
  }
  return hold(uow, t, actor, decision.reason, verdicts);
}

/**
 * Every candidate's verdict for a ticket as it stands now (read without locks): what keeps a held ticket
 * from each agent with its type. The same `decide` routing runs.
 */
export async function verdictsNow(uow: UnitOfWork, t: Ticket): Promise<{ reason: string; verdicts: Verdict[] }> {
  const followsAssignee = t.follows ? ((await getTicket(uow.tx, t.follows))?.assignee ?? null) : null;
  const sender = t.parentKey && !t.pinnedAgent ? ((await getTicket(uow.tx, t.parentKey))?.assignee ?? null) : null;
  const excluded = [...t.declinedBy, ...(sender ? [sender] : [])];
  const request = { type: t.type, pinned: t.pinnedAgent, followsAssignee, excluded, declined: t.declinedBy, now: uow.now, timeZone: uow.deps.timeZone };
  const { decision, verdicts } = decide(request, await candidatesFor(uow, t, { read: true }));
  return { reason: decision.reason, verdicts };
}

async function hold(uow: UnitOfWork, t: Ticket, actor: string, reason: string, verdicts: Verdict[]): Promise<RouteResult> {
  if (t.holdReason !== reason) {
    t.holdReason = reason;
    await saveTicket(uow.tx, t);
    await uow.audit({ ticketKey: t.key, actor, action: 'held', fromStatus: t.status, toStatus: 'intake', note: reason, data: { verdicts } });
  }
  return { agent: null, reason };
}

/** Check that an agent can take one more ticket now (explicit assignment, claim, take-over). */
export async function assertCanTake(uow: UnitOfWork, agent: Agent): Promise<void> {
  // Lock the agent before counting: concurrent assignments to it (routing, claims, take-overs) wait
  // here, so the count is current and capacity holds. Its availability is re-read under the lock too.
  const [fresh] = await lockAgents(uow.tx, [agent.handle]);
  if (!fresh) throw unknownAgent(agent.handle);
  Object.assign(agent, fresh);
  const counts = await countActive(uow.tx, [agent.handle]);
  const why = unavailability({ agent, active: counts.get(agent.handle) ?? 0, ownsCustomer: false }, uow.now, uow.deps.timeZone);
  if (why) throw new DomainError('agent_unavailable', `Can't give it to ${agent.handle}: ${why}.`, 'handle');
}

/**
 * Make `agent` the assignee and post the assignment card, which becomes the ticket's home message. A ticket
 * that was held: its requester hears who has it now. `continueHomeOf`: when the ticket goes back to this
 * agent and its home thread is in the agent's channel, no new card is posted (the caller replies in that thread).
 */
export async function assignTo(
  uow: UnitOfWork,
  t: Ticket,
  agent: Agent,
  actor: string,
  reason: string,
  o: {
    takenOverFrom?: string;
    action?: string;
    /** `agent` was read under its lock in this transaction. */
    agentLocked?: boolean;
    continueHomeOf?: string | null;
    /** Every candidate's verdict, when routing chose the agent (kept in the audit event for `why`). */
    verdicts?: Verdict[];
    /** The agent took it itself (a claim): accepted by this actor at once, so no acknowledgement is awaited. */
    acceptedBy?: string;
  } = {},
): Promise<number> {
  const from = t.status;
  const previous = t.assignee;
  const oldHome = t.home;
  const wasHeld = from === 'intake' && t.holdReason !== null;
  assign(t, agent.handle, uow.now, scheduleOf(agent));
  if (o.acceptedBy) {
    t.acceptedAt = uow.now;
    t.acceptedBy = o.acceptedBy;
    uow.record({ kind: 'accepted', ticket: t });
  }
  // The agent under its lock (capacity is decided under it), as it is now.
  if (!o.agentLocked) {
    const [fresh] = await lockAgents(uow.tx, [agent.handle]);
    if (fresh) Object.assign(agent, fresh);
  }
  agent.lastAssignedAt = uow.now;
  // Three independent writes sent together (pipelined on the transaction's connection): one round trip.
  const [, , id] = await Promise.all([
    saveTicket(uow.tx, t),
    markAssigned(uow.tx, agent.handle, uow.now),
    uow.audit({
      ticketKey: t.key,
      actor,
      action: o.action ?? (previous && previous !== agent.handle ? 'reassigned' : 'assigned'),
      fromStatus: from,
      toStatus: 'active',
      note: reason,
      data: { agent: agent.handle, previous, ...(o.verdicts ? { verdicts: o.verdicts } : {}) },
    }),
  ]);
  uow.notify('ticket.assigned', agent.handle, t.key);
  if (previous && previous !== agent.handle) uow.notify('ticket.taken_back', previous, t.key);
  if (previous && previous !== agent.handle && oldHome) {
    uow.send({
      ticketKey: t.key,
      idempotencyKey: `${id}:old-thread`,
      channel: oldHome.channel,
      threadTs: oldHome.ts,
      ...uow.deps.render.threadUpdate(t, [{ raw: `:arrow_right: Now with @${agent.handle}: ` }, ...mentionParts(reason, [actor])]),
    });
  }
  if (wasHeld) tellRequesterHeldAssigned(uow, t, agent, actor, id);
  await dispatchToA2a(uow, t, agent, id);
  if (o.continueHomeOf === agent.handle && oldHome && oldHome.channel === agent.channel) return id;
  uow.send({
    ticketKey: t.key,
    idempotencyKey: `${id}:card`,
    channel: agent.channel,
    recordsHomeOf: t.key,
    ...uow.deps.render.assignment(t, agent, {
      ...(await cardLinks(uow, t)),
      takenOverFrom: o.takenOverFrom ? { agent: o.takenOverFrom, link: oldHome ? messageLink(oldHome) : undefined } : undefined,
    }),
  });
  return id;
}

/**
 * A held ticket was assigned: one line in the intake thread it came from, or a DM to its requester
 * (unless the requester assigned it and already has the answer).
 */
function tellRequesterHeldAssigned(uow: UnitOfWork, t: Ticket, agent: Agent, actor: string, id: number): void {
  const where = t.origin
    ? { channel: t.origin.channel, threadTs: t.origin.ts }
    : t.requester && t.requester !== actor
      ? { channel: t.requester }
      : null;
  if (!where) return;
  uow.send({ ticketKey: t.key, idempotencyKey: `${id}:held-assigned`, ...where, ...uow.deps.render.heldAssigned(t, agent) });
}

/**
 * Offer held tickets to an agent that gained room (available again, capacity freed, joined),
 * most urgent and oldest first, until it is full or nothing it can take is waiting.
 */
export async function releaseHeld(uow: UnitOfWork, handle: string): Promise<string[]> {
  const assigned: string[] = [];
  const stillHeld: string[] = [];
  // Routing a held ticket locks every agent with its type. Lock all agents sharing a skill with this one
  // up front, in handle order (the order routing uses), so that concurrent resolves and filings queue up
  // instead of deadlocking on each other's agents.
  const current = await getAgent(uow.tx, handle);
  if (!current) return assigned;
  await lockAgentsWithAnySkill(uow.tx, current.skills);
  for (let i = 0; i < 100; i++) {
    const [agent] = await lockAgents(uow.tx, [handle]);
    if (!agent) return assigned;
    const counts = await countActive(uow.tx, [handle]);
    if (unavailability({ agent, active: counts.get(handle) ?? 0, ownsCustomer: false }, uow.now) !== null) return assigned;
    const [next] = await lockIntake(uow.tx, { types: agent.skills, pinnedTo: handle, exclude: stillHeld, limit: 1 });
    if (!next) return assigned;
    const result = await routeTicket(uow, next, 'baton');
    if (result.agent) assigned.push(next.key);
    else stillHeld.push(next.key); // waits for a reason this agent cannot change
  }
  return assigned;
}

/** Names for a trail summary: agents' Slack users shown by handle. */
export async function trailNames(uow: UnitOfWork): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const a of await listAgents(uow.tx)) if (a.user) names.set(a.user, a.handle);
  return names;
}
