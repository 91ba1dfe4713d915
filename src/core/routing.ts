// Who gets a ticket, and why. Pure: candidates and their loads are passed in.
import { outsideHours, scheduleOf } from './hours.js';
import type { Agent } from './types.js';

export interface Candidate {
  agent: Agent;
  /** Active tickets assigned to it now. */
  active: number;
  /** It already owns an open ticket for the ticket's customer. */
  ownsCustomer: boolean;
}

export interface RoutingRequest {
  type: string;
  /** Last assignee of the `follows:` ticket. */
  followsAssignee?: string | null;
  /** A reopened ticket's assignee before it was resolved: it gets the ticket back when it can take it. */
  previousAssignee?: string | null;
  /** Agent asked for with `assign:`; only it may take the ticket. */
  pinned?: string | null;
  /** Agents never offered it: those that declined it, the sender of a handoff to a skill. */
  excluded?: readonly string[];
  now: Date;
  /** IANA zone for times in reasons. */
  timeZone?: string;
}

export type RoutingDecision =
  | { kind: 'assign'; handle: string; reason: string }
  | { kind: 'hold'; reason: string };

export function isAvailable(agent: Agent, now: Date): boolean {
  if (!agent.busy) return true;
  return agent.busyUntil !== null && agent.busyUntil.getTime() <= now.getTime();
}

/** Why an agent cannot take work now, or null when it can: `is busy (reason) until 11:00 UTC`. */
function whyNot(c: Candidate, now: Date, timeZone: string): string | null {
  if (!isAvailable(c.agent, now)) {
    const parts = ['is busy'];
    if (c.agent.busyReason) parts.push(`(${c.agent.busyReason})`);
    if (c.agent.busyUntil) parts.push(`until ${clockTime(c.agent.busyUntil, timeZone)}`);
    return parts.join(' ');
  }
  const closed = outsideHours(scheduleOf(c.agent), now);
  if (closed) return `is ${closed}`;
  if (c.active >= c.agent.capacity) return `is at capacity (${c.active}/${c.agent.capacity})`;
  return null;
}

/** Why an agent cannot take work now (`iris is busy …`), or null when it can. */
export function unavailability(c: Candidate, now: Date, timeZone = 'UTC'): string | null {
  const why = whyNot(c, now, timeZone);
  return why === null ? null : `${c.agent.handle} ${why}`;
}

export function route(req: RoutingRequest, candidates: Candidate[]): RoutingDecision {
  if (req.pinned) {
    const c = candidates.find((x) => x.agent.handle === req.pinned);
    if (!c) return { kind: 'hold', reason: `waiting for ${req.pinned}, who is not on the roster` };
    // Pinned as asked even to an agent without the ticket's type, but said so.
    const lacks = c.agent.skills.includes(req.type) ? '' : `, though ${c.agent.handle} does not take \`${req.type}\` tickets`;
    const why = whyNot(c, req.now, req.timeZone ?? 'UTC');
    if (why) return { kind: 'hold', reason: `waiting for ${c.agent.handle}, who ${why}${lacks}` };
    return { kind: 'assign', handle: c.agent.handle, reason: `assigned to ${c.agent.handle} as asked${lacks}` };
  }

  const withSkill = candidates.filter((c) => c.agent.skills.includes(req.type));
  if (withSkill.length === 0) return { kind: 'hold', reason: `no agent takes \`${req.type}\` tickets` };
  const skilled = withSkill.filter((c) => !req.excluded?.includes(c.agent.handle));
  if (skilled.length === 0) return { kind: 'hold', reason: `no \`${req.type}\` agent other than ${req.excluded!.join(', ')}` };

  const eligible = skilled.filter((c) => unavailability(c, req.now, req.timeZone) === null);
  if (eligible.length === 0) {
    const why = skilled.map((c) => unavailability(c, req.now, req.timeZone)).join('; ');
    return { kind: 'hold', reason: `no \`${req.type}\` agent is free: ${why}` };
  }

  const owner = eligible.find((c) => c.ownsCustomer);
  if (owner) return { kind: 'assign', handle: owner.agent.handle, reason: `${owner.agent.handle} already works this customer` };

  // Reopened: why it does not go back to the agent that had it, said before the reason it went elsewhere.
  let moved = '';
  if (req.previousAssignee) {
    const prev = eligible.find((c) => c.agent.handle === req.previousAssignee);
    if (prev) return { kind: 'assign', handle: prev.agent.handle, reason: `reopened: back to its previous assignee ${prev.agent.handle}` };
    const was = skilled.find((c) => c.agent.handle === req.previousAssignee);
    const why = was ? unavailability(was, req.now, req.timeZone) : `${req.previousAssignee} no longer takes \`${req.type}\` tickets`;
    moved = `reopened, but its previous assignee ${why}; `;
  }

  if (req.followsAssignee) {
    const prev = eligible.find((c) => c.agent.handle === req.followsAssignee);
    if (prev) return { kind: 'assign', handle: prev.agent.handle, reason: `${moved}${prev.agent.handle} handled the ticket it follows` };
  }

  const best = [...eligible].sort(compareLoad)[0]!;
  const reason =
    eligible.length === 1
      ? `${best.agent.handle} is the only free \`${req.type}\` agent`
      : `${best.agent.handle} has the fewest active tickets: ${best.active}`;
  return { kind: 'assign', handle: best.agent.handle, reason: `${moved}${reason}` };
}

/** The type of a ticket made for `agent` from one of `type` (a handoff, a briefing): kept when the agent takes it, else the agent's first skill. */
export function ticketTypeFor(agent: Agent, type: string): string {
  return agent.skills.includes(type) ? type : agent.skills[0] ?? type;
}

/** Fewest active first; then the longest since last assignment (never assigned first); then by handle. */
export function compareLoad(a: Candidate, b: Candidate): number {
  if (a.active !== b.active) return a.active - b.active;
  const ta = a.agent.lastAssignedAt?.getTime() ?? -Infinity;
  const tb = b.agent.lastAssignedAt?.getTime() ?? -Infinity;
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.agent.handle < b.agent.handle ? -1 : a.agent.handle > b.agent.handle ? 1 : 0;
}

function clockTime(d: Date, timeZone: string): string {
  const f = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' });
  return f.format(d);
}
