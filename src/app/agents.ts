// The roster: add, update, remove agents; busy and available. Roster events are kept in the audit trail
// under the subject `agent:<handle>`.
import type { AgentOptions, AgentRef } from '../core/commands.js';
import { DomainError, invalid, unknownAgent } from '../core/errors.js';
import { escalationLoop } from '../core/escalation.js';
import { actorName, assertCanActAsAgent, assertCanManageRoster, type Principal } from '../core/permissions.js';
import { unassign } from '../core/ticketState.js';
import type { A2aLink, Agent } from '../core/types.js';
import { LIMITS } from '../core/types.js';
import { addBusinessSeconds, businessSeconds, normalizeScheduleOptions, scheduleOf } from '../core/hours.js';
import { capacityText, checkAgentOptions, checkHandle, requireChange, requireSkills, validateText } from '../core/validate.js';
import { agentByUser, agentsEscalatingTo, agentsWithEndedBusy, agentsWithRoomAndWaitingWork, deleteAgent, getAgent, insertAgent, listAgents, lockAgents, saveAgent } from '../storage/agents.js';
import { lastAssignmentTo } from '../storage/audit.js';
import { a2aFailures, type A2aFailing } from '../storage/home.js';
import { anyTicketPinnedTo, countActive, lockIntake, openTicketsOf, saveTicket } from '../storage/tickets.js';
import { findAgent, releaseHeld, routeTicket } from './assignment.js';
import { makeResponsive, setAck, setHeartbeat } from '../core/routing.js';
import { A2aCallError } from './a2aPort.js';
import { inTransaction, type Deps, type UnitOfWork } from './context.js';
import { changeWebhook, webhookStatuses, type WebhookStatus } from './webhooks.js';

/** `iris`, `iris and maya`, `felix, iris and maya`. */
function andList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** The roster handle closest to a mistyped one (at most two edits away), for "did you mean". */
function closestHandle(handles: readonly string[], typed: string): string | null {
  const distance = (a: string, b: string) => {
    let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const cur = [i];
      for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
    return prev[b.length]!;
  };
  const best = handles.map((h) => ({ h, d: distance(h, typed) })).filter((x) => x.d <= 2).sort((x, y) => x.d - y.d || x.h.localeCompare(y.h))[0];
  return best ? best.h : null;
}

/**
 * The handle `escalates-to:` names, and what to tell the admin about it: an agent not on the roster yet
 * is accepted (escalations skip it until it is added), and a link that closes a loop is named.
 */
async function resolveEscalatesTo(
  uow: UnitOfWork,
  handle: string,
  ref: AgentRef | null | undefined,
  ownUser: string | null | undefined,
): Promise<{ escalatesTo: string | null | undefined; warnings: string[] }> {
  if (ref === undefined || ref === null) return { escalatesTo: ref, warnings: [] };
  const itself = () => invalid(`${handle} can't escalate to itself.`, 'escalates-to');
  // Checked before the lookup: an agent being added is not on the roster yet.
  if ('handle' in ref ? ref.handle === handle : !!ownUser && ref.user === ownUser) throw itself();
  const roster = await listAgents(uow.tx);
  const byHandle = new Map(roster.map((a) => [a.handle, a]));
  let target: string;
  const warnings: string[] = [];
  if ('handle' in ref) {
    target = ref.handle;
    if (!byHandle.has(target)) {
      const near = closestHandle(roster.map((a) => a.handle).filter((h) => h !== handle), target);
      warnings.push(
        `\`escalates-to:${target}\`: ${target} is not on the roster yet; escalations skip it until it is added.` + (near ? ` Did you mean ${near}?` : ''),
      );
    }
  } else {
    const a = roster.find((x) => x.user === ref.user);
    if (!a) {
      throw new DomainError('unknown_agent', `\`escalates-to:\` <@${ref.user}> is not the user of any agent. Name the agent by its handle, e.g. \`escalates-to:felix\` (it may be one not added yet).`, 'escalates-to');
    }
    target = a.handle;
  }
  if (target === handle) throw itself();
  const loop = escalationLoop(byHandle, handle, target);
  if (loop) warnings.push(`${loop.join(' → ')}: escalations stop at the end of the loop.`);
  return { escalatesTo: target, warnings };
}

async function checkUserFree(uow: UnitOfWork, user: string | null | undefined, handle: string) {
  if (!user) return;
  const other = await agentByUser(uow.tx, user);
  if (other && other.handle !== handle) throw new DomainError('conflict', `<@${user}> is already the user of agent ${other.handle}.`, 'user');
}

/** The agent's A2A card, read with the SDK; a clear refusal saying what failed when it cannot be read or is not a card. */
async function readAgentCard(deps: Deps, handle: string, url: string): Promise<A2aLink> {
  if (!deps.a2a) throw invalid('This Baton cannot talk to A2A agents.', 'a2a');
  try {
    return await deps.a2a.readCard(url);
  } catch (e) {
    const why = e instanceof A2aCallError ? e.message : String(e);
    throw invalid(`Can't connect ${handle} to \`${url.slice(0, 200)}\`: ${why.slice(0, 500)}. Nothing changed.`, 'a2a');
  }
}

export async function addAgent(
  deps: Deps,
  by: Principal,
  input: { handle: string; channel: string } & AgentOptions,
  o: { requestKey?: string } = {},
): Promise<{ agent: Agent; assigned: string[]; warnings: string[] }> {
  assertCanManageRoster(by, deps.policy);
  checkHandle(input.handle);
  requireSkills(input.handle, input.skills);
  checkAgentOptions(input);
  input = normalizeScheduleOptions(input);
  return inTransaction(
    deps,
    async (uow) => {
      if (await getAgent(uow.tx, input.handle)) throw new DomainError('agent_exists', `There is already an agent \`${input.handle}\`; use \`/agent update\` to change it.`, 'handle');
      await checkUserFree(uow, input.user, input.handle);
      const { escalatesTo, warnings } = await resolveEscalatesTo(uow, input.handle, input.escalatesTo, input.user);
      const agent: Agent = {
        handle: input.handle,
        skills: [...new Set(input.skills!)],
        channel: input.channel,
        user: input.user ?? null,
        capacity: input.capacity ?? 5,
        escalatesTo: escalatesTo ?? null,
        busy: false,
        busyUntil: null,
        busyReason: null,
        lastAssignedAt: null,
        createdAt: uow.now,
        ackAfterSec: input.ackAfterSec ?? null,
        ackSince: input.ackAfterSec ? uow.now : null,
        heartbeatSec: input.heartbeatSec ?? null,
        heartbeatSince: input.heartbeatSec ? uow.now : null,
        lastHeardAt: null,
        unresponsive: null,
        unresponsiveReason: null,
        unresponsiveSince: null,
        hours: input.hours ?? null,
        timeZone: input.timeZone ?? 'UTC',
        a2a: null,
      };
      await insertAgent(uow.tx, agent);
      await uow.audit({ ticketKey: `agent:${agent.handle}`, actor: actorName(by), action: 'agent_added', data: { skills: agent.skills, channel: agent.channel, user: agent.user, capacity: agent.capacity, escalatesTo: agent.escalatesTo, ackAfterSec: agent.ackAfterSec, heartbeatSec: agent.heartbeatSec, hours: agent.hours, timeZone: agent.timeZone } });
      const waiting = await agentsEscalatingTo(uow.tx, agent.handle);
      if (waiting.length) warnings.push(`${andList(waiting)} ${waiting.length === 1 ? 'escalates' : 'escalate'} to ${agent.handle} again.`);
      const assigned = await releaseHeld(uow, agent.handle);
      return { agent, assigned, warnings };
    },
    o,
  );
}

export async function updateAgent(
  deps: Deps,
  by: Principal,
  input: { handle: string } & AgentOptions,
  o: { requestKey?: string } = {},
): Promise<{ agent: Agent; assigned: string[]; warnings: string[]; webhookSecret?: string; webhookRemoved?: boolean }> {
  assertCanManageRoster(by, deps.policy);
  checkAgentOptions(input);
  requireChange(input.handle, input);
  input = normalizeScheduleOptions(input);
  // Reading the card is a read, not a change: done before the transaction, which only stores what was read.
  const a2a = typeof input.a2a === 'string' ? await readAgentCard(deps, input.handle, input.a2a) : input.a2a;
  return inTransaction(
    deps,
    async (uow) => {
      const [agent] = await lockAgents(uow.tx, [input.handle]);
      if (!agent) throw unknownAgent(input.handle);
      await checkUserFree(uow, input.user, input.handle);
      const { escalatesTo, warnings } = await resolveEscalatesTo(uow, input.handle, input.escalatesTo, input.user === undefined ? agent.user : input.user);
      const before = { ...agent };
      if (input.skills) agent.skills = [...new Set(input.skills)];
      if (input.channel) agent.channel = input.channel;
      if (input.user !== undefined) agent.user = input.user;
      if (input.capacity !== undefined) agent.capacity = input.capacity;
      if (escalatesTo !== undefined) agent.escalatesTo = escalatesTo;
      if (input.ackAfterSec !== undefined) setAck(agent, input.ackAfterSec, uow.now);
      if (input.heartbeatSec !== undefined) setHeartbeat(agent, input.heartbeatSec, uow.now);
      if (input.hours !== undefined) agent.hours = input.hours;
      if (input.timeZone !== undefined) agent.timeZone = input.timeZone;
      if (a2a !== undefined) agent.a2a = a2a;
      await saveAgent(uow.tx, agent);
      const changed: Record<string, unknown> = Object.fromEntries(
        (['skills', 'channel', 'user', 'capacity', 'escalatesTo', 'ackAfterSec', 'heartbeatSec', 'hours', 'timeZone'] as const)
          .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(agent[k]))
          .map((k) => [k, { from: before[k], to: agent[k] }]),
      );
      // The trail names the URL, never the secret.
      const hook = input.webhook !== undefined ? await changeWebhook(uow, agent.handle, input.webhook, actorName(by)) : null;
      if (hook?.change) changed.webhook = hook.change;
      if (a2a !== undefined) changed.a2a = { from: before.a2a?.url ?? null, to: a2a ? { url: a2a.url, name: a2a.name, skills: a2a.skills } : null };
      await uow.audit({ ticketKey: `agent:${agent.handle}`, actor: actorName(by), action: 'agent_updated', data: changed });
      if ('hours' in changed || 'timeZone' in changed) await moveDueTimes(uow, before, agent);
      if (input.capacity !== undefined) {
        const active = (await countActive(uow.tx, [agent.handle])).get(agent.handle) ?? 0;
        if (active > agent.capacity) {
          warnings.push(
            `${agent.handle} has ${active} active tickets, more than its new capacity of ${capacityText(agent.capacity)}: they stay with it, and new work waits until it is under capacity.`,
          );
        }
      }
      const assigned = await releaseHeld(uow, agent.handle);
      if (input.webhook === null && !hook?.change) warnings.push(`${agent.handle} has no webhook; nothing to remove.`);
      return { agent, assigned, warnings, ...(hook?.secret ? { webhookSecret: hook.secret } : {}), ...(hook?.change && input.webhook === null ? { webhookRemoved: true } : {}) };
    },
    o,
  );
}

/** Its hours changed: the clocks of its active tickets keep the working time they had left, counted in the new hours. */
async function moveDueTimes(uow: UnitOfWork, before: Agent, after: Agent): Promise<void> {
  const [was, now] = [scheduleOf(before), scheduleOf(after)];
  for (const t of await openTicketsOf(uow.tx, after.handle, { lock: true })) {
    if (t.status !== 'active' || !t.escalateDueAt) continue;
    t.escalateDueAt = addBusinessSeconds(now, uow.now, businessSeconds(was, uow.now, t.escalateDueAt));
    await saveTicket(uow.tx, t);
  }
}

/**
 * Remove an agent: its open tickets go back to intake and are routed again (their cards in its channel
 * lose their buttons and say so in their threads). Agents that escalated to it keep the link as a
 * dangling reference, skipped by escalations until an agent of that handle is added again.
 */
export async function removeAgent(deps: Deps, by: Principal, ref: AgentRef, o: { requestKey?: string } = {}) {
  assertCanManageRoster(by, deps.policy);
  return inTransaction(
    deps,
    async (uow) => {
      const found = await findAgent(uow.tx, ref);
      const [agent] = await lockAgents(uow.tx, [found.handle]);
      if (!agent) throw unknownAgent(found.handle);
      const open = await openTicketsOf(uow.tx, agent.handle, { lock: true });
      const pinned = await anyTicketPinnedTo(uow.tx, agent.handle);
      const chainsChanged = (await agentsEscalatingTo(uow.tx, agent.handle)).filter((h) => h !== agent.handle);
      await deleteAgent(uow.tx, agent.handle);
      await uow.audit({ ticketKey: `agent:${agent.handle}`, actor: actorName(by), action: 'agent_removed', data: { openTickets: open.map((t) => t.key), escalatedToIt: chainsChanged } });
      const rerouted: Array<{ key: string; to: string | null }> = [];
      for (const t of open) {
        const card = { home: t.home, assignment: await lastAssignmentTo(uow.tx, t.key, agent.handle) };
        const id = await uow.audit({ ticketKey: t.key, actor: actorName(by), action: 'unassigned', fromStatus: 'active', toStatus: 'intake', note: `${agent.handle} left the roster` });
        unassign(t);
        await saveTicket(uow.tx, t);
        const r = await routeTicket(uow, t, 'baton');
        const to = r.agent?.handle ?? null;
        rerouted.push({ key: t.key, to });
        if (card.home) {
          const where = to ? [{ raw: `it is now with @${to}` }] : ['it waits in intake: ', r.reason];
          uow.send({
            ticketKey: t.key,
            idempotencyKey: `${id}:removed-note`,
            channel: card.home.channel,
            threadTs: card.home.ts,
            ...deps.render.threadUpdate(t, [{ raw: `:wave: @${agent.handle} left the roster; this card no longer acts, and ` }, ...where]),
          });
          if (card.assignment !== null) {
            uow.send({ ticketKey: t.key, idempotencyKey: `${id}:removed-card`, channel: card.home.channel, updates: `${card.assignment}:card`, ...deps.render.cardOfRemovedAgent(t, agent.handle, to) });
          }
        }
      }
      const held = pinned ? await lockIntake(uow.tx, { limit: 1000 }) : [];
      for (const t of held.filter((x) => x.pinnedAgent === agent.handle)) {
        t.pinnedAgent = null;
        await saveTicket(uow.tx, t);
        const r = await routeTicket(uow, t, 'baton');
        rerouted.push({ key: t.key, to: r.agent?.handle ?? null });
      }
      return { agent, rerouted, chainsChanged };
    },
    o,
  );
}

export async function setBusy(
  deps: Deps,
  by: Principal,
  ref: AgentRef,
  input: { until?: Date | null; reason?: string },
  o: { requestKey?: string } = {},
) {
  validateText(input.reason, 'reason', LIMITS.reason);
  return inTransaction(
    deps,
    async (uow) => {
      const found = await findAgent(uow.tx, ref);
      assertCanActAsAgent(by, found, deps.policy, 'set its availability');
      const [agent] = await lockAgents(uow.tx, [found.handle]);
      agent!.busy = true;
      agent!.busyUntil = input.until ?? null;
      agent!.busyReason = input.reason?.trim() || null;
      await saveAgent(uow.tx, agent!);
      await uow.audit({ ticketKey: `agent:${agent!.handle}`, actor: actorName(by), action: 'busy', note: agent!.busyReason, data: { until: agent!.busyUntil?.toISOString() ?? null } });
      return { agent: agent! };
    },
    o,
  );
}

async function makeAvailable(uow: UnitOfWork, handle: string, actor: string) {
  const [agent] = await lockAgents(uow.tx, [handle]);
  if (!agent) throw unknownAgent(handle);
  const wasBusy = agent.busy || agent.unresponsive !== null;
  agent.busy = false;
  agent.busyUntil = null;
  agent.busyReason = null;
  // An admin making it available ends an unresponsive spell too, and a heartbeat's silence clock starts again.
  makeResponsive(agent, uow.now);
  await saveAgent(uow.tx, agent);
  if (wasBusy) await uow.audit({ ticketKey: `agent:${handle}`, actor, action: 'available' });
  const assigned = await releaseHeld(uow, handle);
  return { agent, assigned, wasBusy };
}

export async function setAvailable(deps: Deps, by: Principal, ref: AgentRef, o: { requestKey?: string } = {}) {
  return inTransaction(
    deps,
    async (uow) => {
      const found = await findAgent(uow.tx, ref);
      assertCanActAsAgent(by, found, deps.policy, 'set its availability');
      return makeAvailable(uow, found.handle, actorName(by));
    },
    o,
  );
}

/** Busy windows that have ended make their agents available, and held work flows to them. */
export async function endBusyWindows(deps: Deps): Promise<Array<{ handle: string; assigned: string[] }>> {
  const due = await agentsWithEndedBusy(deps.database.db, deps.clock.now());
  const out: Array<{ handle: string; assigned: string[] }> = [];
  for (const handle of due) {
    const r = await inTransaction(deps, async (uow) => {
      const [a] = await lockAgents(uow.tx, [handle]);
      if (!a || !a.busy || !a.busyUntil || a.busyUntil > uow.now) return null;
      return makeAvailable(uow, handle, 'baton');
    });
    if (r) out.push({ handle, assigned: r.assigned });
  }
  return out;
}

/** The roster with each agent's load, webhook health and, for an A2A agent, whether its messages are failing. */
export async function rosterWithLoad(deps: Deps): Promise<Array<Agent & { active: number; webhook?: WebhookStatus; a2aFailing?: A2aFailing }>> {
  const all = await listAgents(deps.database.db);
  const counts = await countActive(deps.database.db, all.map((a) => a.handle));
  const hooks = await webhookStatuses(deps, all.map((a) => a.handle));
  const failing = await a2aFailures(deps.database.db, all.filter((a) => a.a2a).map((a) => a.handle));
  return all.map((a) => ({
    ...a,
    active: counts.get(a.handle) ?? 0,
    ...(hooks.has(a.handle) ? { webhook: hooks.get(a.handle)! } : {}),
    ...(failing.has(a.handle) ? { a2aFailing: failing.get(a.handle)! } : {}),
  }));
}


export async function agentExists(deps: Deps, handle: string): Promise<boolean> {
  return (await getAgent(deps.database.db, handle)) !== null;
}

/**
 * The sweep's safety net: any available agent with room while work it could take waits in intake gets
 * that work (held tickets are normally released the moment an agent frees up; this catches a filing
 * that decided to hold at the very instant an agent freed up).
 */
export async function releaseWaitingWork(deps: Deps): Promise<string[]> {
  const handles = await agentsWithRoomAndWaitingWork(deps.database.db, deps.clock.now());
  const assigned: string[] = [];
  for (const handle of handles) assigned.push(...(await inTransaction(deps, (uow) => releaseHeld(uow, handle))));
  return assigned;
}
