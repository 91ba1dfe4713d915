// Escalation policy: when a ticket is due, and who is next up the chain. Pure: the roster and the time are passed in.
import { isAvailable } from './routing.js';
import { addBusinessSeconds, ALWAYS, outsideHours, scheduleOf, type Schedule } from './hours.js';
import type { Agent, Ticket } from './types.js';
import { thresholdSec } from './types.js';

/**
 * When the sweep should escalate a ticket whose clock (re)starts at `from` with `sec` seconds to run
 * (its threshold, or what was left when it stopped), counted in its assignee's working hours; null when
 * its clock is stopped (not active, waiting on a handoff or on its requester, chain exhausted).
 */
export function dueAt(t: Ticket, from: Date, schedule: Schedule = ALWAYS, sec: number = thresholdSec(t)): Date | null {
  if (t.status !== 'active' || t.waitingOn || t.awaitingRequesterSince || t.chainExhausted) return null;
  return addBusinessSeconds(schedule, from, Math.max(0, sec));
}

/** The working hours the escalation clock of `t` runs in: its assignee's (always when it has none). */
export function clockScheduleOf(t: Pick<Ticket, 'assignee'>, byHandle: Map<string, Agent> | Agent | null): Schedule {
  const a = byHandle instanceof Map ? (t.assignee ? byHandle.get(t.assignee) : undefined) : byHandle;
  return a ? scheduleOf(a) : ALWAYS;
}

/**
 * The chain of `assignee`: the agents its escalations reach, in order, each once. The walk follows
 * `escalatesTo` from the assignee (which counts as visited) and stops where a link loops back to an
 * agent already visited, or names an agent not on the roster (a dangling or forward reference: that
 * agent is skipped, and its own link is unknown).
 */
export function escalationChain(byHandle: Map<string, Agent>, assignee: string): Agent[] {
  const visited = new Set<string>([assignee]);
  const chain: Agent[] = [];
  let cur = byHandle.get(assignee)?.escalatesTo ?? null;
  while (cur && !visited.has(cur)) {
    visited.add(cur);
    const a = byHandle.get(cur);
    if (!a) break;
    chain.push(a);
    cur = a.escalatesTo;
  }
  return chain;
}

/**
 * The next agent to ping for a ticket of `assignee` whose last ping went to `lastPinged` (null: none
 * yet): the first available agent of the assignee's chain after `lastPinged`, skipping busy, unresponsive
 * agents and those outside their working hours (they take no new work, so they are not asked to take over);
 * null when the round has nobody left. When `lastPinged` is no longer on the chain (the roster changed),
 * the round starts again from the assignee, past `lastPinged`.
 */
export function nextInChain(byHandle: Map<string, Agent>, assignee: string, lastPinged: string | null, now: Date): Agent | null {
  const chain = escalationChain(byHandle, assignee);
  const at = lastPinged ? chain.findIndex((a) => a.handle === lastPinged) : -1;
  return chain.slice(at + 1).find((a) => a.handle !== lastPinged && isAvailable(a, now) && outsideHours(scheduleOf(a), now) === null) ?? null;
}

/**
 * The loop `handle`'s escalations run into when its link is `escalatesTo`, as the handles in order from
 * `handle` back to it (`['felix', 'iris', 'felix']`); null when its chain does not come back to it.
 */
export function escalationLoop(byHandle: Map<string, Agent>, handle: string, escalatesTo: string | null): string[] | null {
  const path = [handle];
  let cur = escalatesTo;
  while (cur && !path.includes(cur)) {
    path.push(cur);
    cur = byHandle.get(cur)?.escalatesTo ?? null;
  }
  return cur === handle ? [...path, handle] : null;
}

export interface EscalationStep {
  /** The agent pinged; null when the chain ran out. */
  target: Agent | null;
  /** Who had it before this step: the last agent pinged, else the assignee. */
  from: string | null;
}

/**
 * One step up the chain, applied to `t`: the level rises, the next available agent of the assignee's
 * chain past the last one pinged is chosen; when the chain has run out and fewer than `repeat` rounds were
 * started again, the chain starts again from its first step; otherwise the chain is marked exhausted.
 * The escalation clock restarts in the assignee's working hours.
 */
export function escalationStep(t: Ticket, byHandle: Map<string, Agent>, now: Date, o: { repeat?: number } = {}): EscalationStep {
  const from = t.escalatedTo ?? t.assignee;
  let target = t.assignee ? nextInChain(byHandle, t.assignee, t.escalatedTo, now) : null;
  if (!target && t.assignee && t.escalationRound < (o.repeat ?? 0)) {
    target = nextInChain(byHandle, t.assignee, null, now);
    if (target) t.escalationRound += 1;
  }
  t.escalationLevel += 1;
  t.clockStartedAt = now;
  // A step that finds someone (a manual escalate after the chain ran out, when an agent of it is free again)
  // starts the clock again for the sweep; one that finds nobody stops it.
  if (target) t.escalatedTo = target.handle;
  t.chainExhausted = target === null;
  t.escalateDueAt = dueAt(t, now, clockScheduleOf(t, byHandle));
  return { target, from };
}
