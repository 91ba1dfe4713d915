// Shared steps of the use cases: finding agents, routing a ticket, assigning it, releasing held work.
import type { AgentRef } from '../core/commands.js';
import { DomainError, unknownAgent } from '../core/errors.js';
import { decide, preference, unavailability, type Candidate, type RoutingRequest, type Verdict } from '../core/routing.js';
import { scheduleOf } from '../core/hours.js';
import { assign } from '../core/ticketState.js';
import { mentionParts } from '../core/words.js';
import type { Agent, Ticket } from '../core/types.js';
import { agentByUser, agentsWithSkill, agentsWithSkillAndLoads, getAgent, listAgents, lockAgents, lockAgentsWithAnySkill, lockAgentsWithSkill, lockAgentWithLoads, lockFirstFreeWithLoads, markAssigned, routingSavepoint } from '../storage/agents.js';
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

async function candidatesFor(uow: UnitOfWork, t: Ticket, o: { read?: boolean } = {}): Promise<Candidate[]> {
  const q = uow.tx;
  const agents: Agent[] = o.read
    ? await agentsWithSkill(q, t.type)
    : t.pinnedAgent
      ? await lockAgents(q, [t.pinnedAgent])
      : await lockAgentsWithSkill(q, t.type);
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
    const routed = await routeOnLoad(uow, t, actor, request, assignOpts);
    if (routed) return routed;
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

/** Said of an agent routing preferred but another transaction was giving a ticket at that moment. */
const IN_FLIGHT = 'was being given another ticket at that moment';

/**
 * Routing on load alone (no pin, customer, reopening or \`follows:\`), holding one agent's lock, not every
 * candidate's: concurrent filings of one type lock different agents instead of queueing on all of them.
 * - Loads come from \`agent_loads\` (kept by triggers in the transaction that changes a ticket): read once
 *   without locks to rank the candidates, and again right after the lock, so the locked agent's load is
 *   exact (every assignment to an agent holds its lock).
 * - It locks the first agent of the ranking that no other transaction holds (SKIP LOCKED, one row). Those it
 *   skipped are being given a ticket at that moment: the locked agent is taken when no free agent comes
 *   before it and each skipped one has at least as many active tickets. So the chosen agent has the fewest
 *   active tickets, and capacity holds.
 * - When every one is held, it waits for the first one's lock (holding none), then checks the same way.
 * - Otherwise it lets go of its lock (a savepoint), waits for the one with fewer, and looks again. Waiting only while holding no agent
 *   keeps it free of deadlocks. Returns null when it cannot settle in a few rounds (the caller then decides
 *   under every candidate's lock).
 */
async function routeOnLoad(
  uow: UnitOfWork,
  t: Ticket,
  actor: string,
  request: RoutingRequest,
  assignOpts: { agentLocked: boolean; continueHomeOf: string | null },
): Promise<RouteResult | null> {
  const tx = uow.tx;
  const [, roster] = await Promise.all([routingSavepoint.mark(tx), agentsWithSkillAndLoads(tx, t.type)]);
  const handles = roster.map((r) => r.agent.handle);
  let loads = new Map(roster.map((r) => [r.agent.handle, r.active]));
  let mine: Agent | null = null;
  const candidates = (): Candidate[] =>
    roster.map(({ agent }) => ({ agent: mine?.handle === agent.handle ? mine : agent, active: loads.get(agent.handle) ?? 0, ownsCustomer: false }));
  const load = (h: string) => loads.get(h) ?? 0;
  let waitFor: string | null = null;
  for (let round = 0; round < 8; round++) {
    const order = preference(request, candidates()).map((c) => c.agent.handle);
    if (order.length === 0) {
      // Nobody can take it now: it waits, with every candidate's reason. (An agent freeing up at this very
      // instant gets it from the sweep's release of held work.)
      const { decision, verdicts } = decide(request, candidates());
      await routingSavepoint.release(tx);
      return decision.kind === 'hold' ? hold(uow, t, actor, decision.reason, verdicts) : null;
    }
    // The lock, then every load read again after it (sent together: one round trip). Those it passes over
    // are held by other transactions; when every one is, it waits for the first (holding none).
    let got: Agent | null = null;
    let wasHeld = order;
    if (waitFor === null || !order.includes(waitFor)) {
      [got, loads] = await lockFirstFreeWithLoads(tx, order, handles);
      if (got) wasHeld = order.slice(0, order.indexOf(got.handle));
    }
    if (!got) {
      const target: string = waitFor !== null && order.includes(waitFor) ? waitFor : order[0]!;
      [got, loads] = await lockAgentWithLoads(tx, target, handles);
    }
    mine = got;
    waitFor = null;
    if (mine) {
      const chosen: string = mine.handle;
      // Ahead of it on the loads read now: it is taken when each of those has as many active tickets and is
      // held by another transaction (being given one at this moment). One with fewer: wait for it, look again.
      const ranking: string[] = preference(request, candidates()).map((c) => c.agent.handle);
      const ahead: string[] | null = ranking.includes(chosen) ? ranking.slice(0, ranking.indexOf(chosen)) : null;
      if (ahead && ahead.every((h) => wasHeld.includes(h) && load(h) >= load(chosen))) {
        const rest = decide(request, candidates().filter((c) => !ahead.includes(c.agent.handle)));
        if (rest.decision.kind === 'assign' && rest.decision.handle === chosen) {
          const verdicts = [...rest.verdicts, ...ahead.map((h): Verdict => ({ handle: h, chosen: false, why: IN_FLIGHT }))];
          const released = routingSavepoint.release(tx);
          await assignTo(uow, t, mine, actor, rest.decision.reason, { ...assignOpts, verdicts });
          await released;
          return { agent: mine, reason: rest.decision.reason };
        }
      }
      waitFor = ahead?.find((h) => wasHeld.includes(h) && load(h) < load(chosen)) ?? null;
    }
    await routingSavepoint.rollback(tx);
    mine = null;
  }
  await routingSavepoint.release(tx);
  return null;
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
  // Noted first: whether they have webhooks is asked along with the writes below.
  uow.notify('ticket.assigned', agent.handle, t.key);
  if (previous && previous !== agent.handle) uow.notify('ticket.taken_back', previous, t.key);
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
 * Lock, in handle order, every agent sharing a skill with this one (what \`releaseHeld\` routes among); false
 * when it is not on the roster. A use case that frees an agent calls it before changing the ticket: changing
 * a ticket's status changes its agent's load row (\`agent_loads\`), and routing holds an agent's lock while it
 * changes that agent's load — so agent locks always come first, and the two never wait on each other in a circle.
 */
export async function lockForRelease(uow: UnitOfWork, handle: string): Promise<boolean> {
  const current = await getAgent(uow.tx, handle);
  if (!current) return false;
  await lockAgentsWithAnySkill(uow.tx, current.skills);
  return true;
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
  if (!(await lockForRelease(uow, handle))) return assigned;
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
