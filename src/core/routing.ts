// Who gets a ticket, and why. Pure: candidates and their loads are passed in.
import { formatDuration } from './duration.js';
import { outsideHours, scheduleOf } from './hours.js';
import type { Agent, AuditEvent, Ticket } from './types.js';

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
  /** Those of `excluded` that declined it (the others sent it). */
  declined?: readonly string[];
  now: Date;
  /** IANA zone for times in reasons. */
  timeZone?: string;
}

export type RoutingDecision =
  | { kind: 'assign'; handle: string; reason: string }
  | { kind: 'hold'; reason: string };

/** Not marked busy, or its busy window has ended. */
function notBusy(agent: Agent, now: Date): boolean {
  if (!agent.busy) return true;
  return agent.busyUntil !== null && agent.busyUntil.getTime() <= now.getTime();
}

/** Not busy, and not unresponsive (it acknowledged in time and has not gone silent). */
export function isAvailable(agent: Agent, now: Date): boolean {
  return notBusy(agent, now) && unresponsiveness(agent, now) === null;
}

// --- Acknowledgement and heartbeat ------------------------------------------------------------

/** The reason an agent that did not accept a ticket in time is unavailable. */
export const ackReason = (key: string, sec: number) => `did not acknowledge ${key} within ${formatDuration(sec)}`;
/** The reason an agent not heard from for its heartbeat period is unavailable. */
export const silentReason = (since: Date, timeZone = 'UTC') => `silent since ${clockTime(since, timeZone)}`;

/** Where its silence clock starts: when `heartbeat:` was set, or when it was last heard from if later; null without a heartbeat. */
export function silentSince(a: Agent): Date | null {
  if (a.heartbeatSec === null || a.heartbeatSince === null) return null;
  return a.lastHeardAt && a.lastHeardAt > a.heartbeatSince ? a.lastHeardAt : a.heartbeatSince;
}

/** Not heard from for one heartbeat period: it gets no new work. */
export function isSilent(a: Agent, now: Date): boolean {
  const since = silentSince(a);
  return since !== null && now.getTime() - since.getTime() >= a.heartbeatSec! * 1000;
}

/** Not heard from for two heartbeat periods: its active tickets are taken back. */
export function isGone(a: Agent, now: Date): boolean {
  const since = silentSince(a);
  return since !== null && now.getTime() - since.getTime() >= 2 * a.heartbeatSec! * 1000;
}

/** Why an agent is unresponsive (`did not acknowledge T-… within 2m`, `silent since 10:42 UTC`), or null. */
export function unresponsiveness(a: Agent, now: Date, timeZone = 'UTC'): string | null {
  if (a.unresponsive !== null) return a.unresponsiveReason ?? a.unresponsive;
  return isSilent(a, now) ? silentReason(silentSince(a)!, timeZone) : null;
}

/** Mark an agent unresponsive with its reason (it gets no work until heard from). */
export function markUnresponsive(a: Agent, kind: NonNullable<Agent['unresponsive']>, reason: string, now: Date): void {
  Object.assign(a, { unresponsive: kind, unresponsiveReason: reason, unresponsiveSince: now });
}

/** Responsive again (an admin made it available): no reason on it, and its silence clock starts again. */
export function makeResponsive(a: Agent, now: Date): void {
  Object.assign(a, { unresponsive: null, unresponsiveReason: null, unresponsiveSince: null });
  if (a.heartbeatSec !== null) a.heartbeatSince = now;
}

/** Heard from (a call with its token, a heartbeat, an action in Slack): responsive again. */
export function markHeard(a: Agent, now: Date): void {
  Object.assign(a, { lastHeardAt: now, unresponsive: null, unresponsiveReason: null, unresponsiveSince: null });
}

/** `ack:` set (assignments already waiting are timed from now) or cleared (null). */
export function setAck(a: Agent, sec: number | null, now: Date): void {
  a.ackAfterSec = sec;
  a.ackSince = sec === null ? null : now;
}

/** `heartbeat:` set (its clock starts now) or cleared (null: a silent spell ends with it). */
export function setHeartbeat(a: Agent, sec: number | null, now: Date): void {
  a.heartbeatSec = sec;
  a.heartbeatSince = sec === null ? null : now;
  if (sec === null && a.unresponsive === 'silent') Object.assign(a, { unresponsive: null, unresponsiveReason: null, unresponsiveSince: null });
}

/** Why an agent cannot take work now, or null when it can: `is busy (reason) until 11:00 UTC`. */
function whyNot(c: Candidate, now: Date, timeZone: string): string | null {
  const quiet = unresponsiveness(c.agent, now, timeZone);
  if (notBusy(c.agent, now) && quiet) return `is unavailable: ${quiet}`;
  if (!notBusy(c.agent, now)) {
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

/** One candidate as routing saw it: chosen, or why not (`is busy until 11:00 UTC`, `declined it`, …). */
export interface Verdict {
  handle: string;
  chosen: boolean;
  /** Said after the handle: `has the fewest active tickets: 0`, `is at capacity (5/5)`. */
  why: string;
}

/** What `/ticket why` shows: how the ticket came to its assignee, or why it waits. */
export interface RoutingExplanation {
  ticket: Ticket;
  /** `routed`: routing chose the assignee; `manual`: someone chose it (assign, claim, take-over); `held`: waits in intake. */
  kind: 'routed' | 'manual' | 'held' | 'never';
  /** The rule that chose, the reason it waits, or the note of the manual assignment. */
  reason: string;
  /** The event that gave the ticket to its assignee (who, when, how). */
  event: AuditEvent | null;
  /** Every candidate: the chosen one first, then why each other one was not chosen. */
  verdicts: Verdict[];
}

/** A routing decision and every candidate's verdict, from one pass over the candidates. */
export interface RoutingOutcome {
  decision: RoutingDecision;
  verdicts: Verdict[];
}

export function route(req: RoutingRequest, candidates: Candidate[]): RoutingDecision {
  return decide(req, candidates).decision;
}

/**
 * Who gets the ticket and why, and for every candidate why it was or was not chosen: `why`, hold
 * reasons and the API show these verdicts, so an explanation never drifts from what routing did.
 */
export function decide(req: RoutingRequest, candidates: Candidate[]): RoutingOutcome {
  const tz = req.timeZone ?? 'UTC';
  const verdicts = new Map<string, Verdict>();
  const judge = (c: Candidate, why: string, chosen = false) => {
    if (!verdicts.has(c.agent.handle)) verdicts.set(c.agent.handle, { handle: c.agent.handle, chosen, why });
  };
  const done = (decision: RoutingDecision, rest: (c: Candidate) => string): RoutingOutcome => {
    for (const c of candidates) judge(c, rest(c));
    const order = candidates.map((c) => c.agent.handle);
    const list = [...verdicts.values()].sort((a, b) => Number(b.chosen) - Number(a.chosen) || order.indexOf(a.handle) - order.indexOf(b.handle));
    return { decision, verdicts: list };
  };
  const lacksSkill = (c: Candidate) => `does not take \`${req.type}\` tickets`;

  if (req.pinned) {
    const c = candidates.find((x) => x.agent.handle === req.pinned);
    const notAsked = () => `was not asked for (\`assign:${req.pinned}\`)`;
    if (!c) return done({ kind: 'hold', reason: `waiting for ${req.pinned}, who is not on the roster` }, notAsked);
    // Pinned as asked even to an agent without the ticket's type, but said so.
    const lacks = c.agent.skills.includes(req.type) ? '' : `, though ${c.agent.handle} does not take \`${req.type}\` tickets`;
    const why = whyNot(c, req.now, tz);
    if (why) {
      judge(c, why);
      return done({ kind: 'hold', reason: `waiting for ${c.agent.handle}, who ${why}${lacks}` }, notAsked);
    }
    judge(c, `was asked for${lacks}`, true);
    return done({ kind: 'assign', handle: c.agent.handle, reason: `assigned to ${c.agent.handle} as asked${lacks}` }, notAsked);
  }

  const withSkill = candidates.filter((c) => c.agent.skills.includes(req.type));
  for (const c of candidates) if (!withSkill.includes(c)) judge(c, lacksSkill(c));
  if (withSkill.length === 0) return done({ kind: 'hold', reason: `no agent takes \`${req.type}\` tickets` }, lacksSkill);
  const skilled = withSkill.filter((c) => !req.excluded?.includes(c.agent.handle));
  for (const c of withSkill) {
    if (skilled.includes(c)) continue;
    judge(c, req.declined?.includes(c.agent.handle) ? 'declined it' : 'handed it off (a handoff never goes back to its sender)');
  }
  if (skilled.length === 0) return done({ kind: 'hold', reason: `no \`${req.type}\` agent other than ${req.excluded!.join(', ')}` }, lacksSkill);

  const eligible: Candidate[] = [];
  for (const c of skilled) {
    const why = whyNot(c, req.now, tz);
    if (why) judge(c, why);
    else eligible.push(c);
  }
  if (eligible.length === 0) {
    const why = skilled.map((c) => unavailability(c, req.now, req.timeZone)).join('; ');
    return done({ kind: 'hold', reason: `no \`${req.type}\` agent is free: ${why}` }, lacksSkill);
  }

  const owner = eligible.find((c) => c.ownsCustomer);
  if (owner) {
    judge(owner, 'already works this customer', true);
    return done({ kind: 'assign', handle: owner.agent.handle, reason: `${owner.agent.handle} already works this customer` }, () => `does not work this customer (${owner.agent.handle} does)`);
  }

  // Reopened: why it does not go back to the agent that had it, said before the reason it went elsewhere.
  let moved = '';
  if (req.previousAssignee) {
    const prev = eligible.find((c) => c.agent.handle === req.previousAssignee);
    if (prev) {
      judge(prev, 'had it before it was reopened', true);
      return done({ kind: 'assign', handle: prev.agent.handle, reason: `reopened: back to its previous assignee ${prev.agent.handle}` }, () => `is not its previous assignee (${prev.agent.handle})`);
    }
    const was = skilled.find((c) => c.agent.handle === req.previousAssignee);
    const why = was ? unavailability(was, req.now, req.timeZone) : `${req.previousAssignee} no longer takes \`${req.type}\` tickets`;
    moved = `reopened, but its previous assignee ${why}; `;
  }

  if (req.followsAssignee) {
    const prev = eligible.find((c) => c.agent.handle === req.followsAssignee);
    if (prev) {
      judge(prev, 'handled the ticket it follows', true);
      return done({ kind: 'assign', handle: prev.agent.handle, reason: `${moved}${prev.agent.handle} handled the ticket it follows` }, () => `did not handle the ticket it follows (${prev.agent.handle} did)`);
    }
  }

  const sorted = [...eligible].sort(compareLoad);
  const best = sorted[0]!;
  const reason =
    eligible.length === 1
      ? `${best.agent.handle} is the only free \`${req.type}\` agent`
      : `${best.agent.handle} has the fewest active tickets: ${best.active}`;
  judge(best, eligible.length === 1 ? `is the only free \`${req.type}\` agent` : `has the fewest active tickets: ${best.active}`, true);
  for (const c of sorted.slice(1)) judge(c, loadVerdict(c, best));
  return done({ kind: 'assign', handle: best.agent.handle, reason: `${moved}${reason}` }, lacksSkill);
}

/**
 * The agents a ticket can go to on load alone, best first: those with its type, not excluded, free now, in
 * the order `decide` prefers them when no pin, customer, reopening or `follows:` rule applies (fewest active,
 * then the longest since last assignment, then by handle). Routing locks the first of these it can.
 */
export function preference(req: RoutingRequest, candidates: Candidate[]): Candidate[] {
  const tz = req.timeZone ?? 'UTC';
  return candidates
    .filter((c) => c.agent.skills.includes(req.type) && !req.excluded?.includes(c.agent.handle) && whyNot(c, req.now, tz) === null)
    .sort(compareLoad);
}

/** Why a free agent lost to `best` on load. */
function loadVerdict(c: Candidate, best: Candidate): string {
  if (c.active > best.active) return `has more active tickets: ${c.active} (${best.agent.handle} has ${best.active})`;
  const tc = c.agent.lastAssignedAt?.getTime() ?? -Infinity;
  const tb = best.agent.lastAssignedAt?.getTime() ?? -Infinity;
  if (tc !== tb) return `as many active tickets (${c.active}), but was given one more recently than ${best.agent.handle}`;
  return `as many active tickets (${c.active}) and as long since its last one; ${best.agent.handle} comes first by name`;
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
