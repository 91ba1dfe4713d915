// Escalation policy: when a ticket is due, and who is next up the chain. Pure: the roster and the time are passed in.
import { isAvailable } from './routing.js';
import type { Agent, Ticket } from './types.js';
import { thresholdSec } from './types.js';

/** When the sweep should escalate a ticket whose clock (re)starts at `from`; null when its clock is stopped. */
export function dueAt(t: Ticket, from: Date): Date | null {
  if (t.status !== 'active' || t.waitingOn || t.chainExhausted) return null;
  return new Date(from.getTime() + thresholdSec(t) * 1000);
}

/** The next agent up the chain from `start`, skipping busy agents; null when the chain runs out. */
export function nextInChain(byHandle: Map<string, Agent>, start: string | null, exclude: string | null, now: Date): Agent | null {
  const seen = new Set<string>();
  let cur = start ? byHandle.get(start)?.escalatesTo ?? null : null;
  while (cur && !seen.has(cur)) {
    seen.add(cur);
    const a = byHandle.get(cur);
    if (!a) return null;
    if (a.handle !== exclude && isAvailable(a, now)) return a;
    cur = a.escalatesTo;
  }
  return null;
}

export interface EscalationStep {
  /** The agent pinged; null when the chain ran out. */
  target: Agent | null;
  /** Who had it before this step: the last agent pinged, else the assignee. */
  from: string | null;
}

/**
 * One step up the chain, applied to `t`: the level rises, the next available agent past the last one
 * pinged is chosen (or the chain is marked exhausted), and the escalation clock restarts.
 */
export function escalationStep(t: Ticket, byHandle: Map<string, Agent>, now: Date): EscalationStep {
  const from = t.escalatedTo ?? t.assignee;
  const target = nextInChain(byHandle, from, t.assignee, now);
  t.escalationLevel += 1;
  t.clockStartedAt = now;
  if (target) t.escalatedTo = target.handle;
  else t.chainExhausted = true;
  t.escalateDueAt = dueAt(t, now);
  return { target, from };
}
