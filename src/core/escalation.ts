// Escalation policy: when a ticket is due, and who is next up the chain. Pure: the roster and the time are passed in.
import { isAvailable } from './routing.js';
import type { Agent, Ticket } from './types.js';
import { thresholdSec } from './types.js';

/** When the sweep should escalate a ticket whose clock (re)starts at `from`; null when its clock is stopped. */
export function dueAt(t: Ticket, from: Date): Date | null {
  if (t.status !== 'active' || t.waitingOn || t.chainExhausted) return null;
  return new Date(from.getTime() + thresholdSec(t) * 1000);
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
 * yet): the first available agent of the assignee's chain after `lastPinged`, skipping busy agents;
 * null when the round has nobody left. When `lastPinged` is no longer on the chain (the roster changed),
 * the round starts again from the assignee, past `lastPinged`.
 */
export function nextInChain(byHandle: Map<string, Agent>, assignee: string, lastPinged: string | null, now: Date): Agent | null {
  const chain = escalationChain(byHandle, assignee);
  const at = lastPinged ? chain.findIndex((a) => a.handle === lastPinged) : -1;
  return chain.slice(at + 1).find((a) => a.handle !== lastPinged && isAvailable(a, now)) ?? null;
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
 * chain past the last one pinged is chosen (or the chain is marked exhausted), and the escalation clock
 * restarts.
 */
export function escalationStep(t: Ticket, byHandle: Map<string, Agent>, now: Date): EscalationStep {
  const from = t.escalatedTo ?? t.assignee;
  const target = t.assignee ? nextInChain(byHandle, t.assignee, t.escalatedTo, now) : null;
  t.escalationLevel += 1;
  t.clockStartedAt = now;
  if (target) t.escalatedTo = target.handle;
  else t.chainExhausted = true;
  t.escalateDueAt = dueAt(t, now);
  return { target, from };
}
