// The daily briefing: what each agent hears and what the managers' overview says. Pure: the facts are
// read by the caller; this decides who gets what, and stays quiet when there is nothing to say.
import type { Agent, Ticket } from './types.js';

/** An escalation (or an exhausted chain) recorded since the last briefing. */
export interface EscalationSince {
  key: string;
  title: string;
  /** The ticket's assignee now. */
  assignee: string | null;
  /** The agent it was escalated to; null when the chain ran out. */
  to: string | null;
  level: number;
}

/** What happened since the last briefing, for the whole roster. */
export interface BriefingFacts {
  /** Active tickets of the roster's agents, most urgent and oldest first. */
  open: Ticket[];
  /** Tickets completed since, in the order they were. */
  completed: Ticket[];
  escalations: EscalationSince[];
}

export interface AgentBriefing {
  agent: Agent;
  open: Ticket[];
  completed: Ticket[];
  escalated: Array<{ key: string; title: string; level: number }>;
}

/** The queue as it stands now. */
export interface QueueState {
  intake: number;
  active: number;
  held: number;
  /** Past their escalation threshold, most overdue first. */
  stale: Ticket[];
  oldest: Ticket | null;
}

export interface Overview extends QueueState {
  since: Date;
  escalated: number;
  completed: number;
}

/** Without a previous briefing, one covers the last day. */
const FIRST_BRIEFING_SPAN_MS = 24 * 3600_000;

/** What a briefing covers: since the previous one, or the last day. */
export function briefingSince(previous: Date | null, now: Date): Date {
  return previous ?? new Date(now.getTime() - FIRST_BRIEFING_SPAN_MS);
}

/** A schedule slot name: the minute it fired in, the same in every copy. */
export function slotOf(d: Date): string {
  return d.toISOString().slice(0, 16);
}

/** Each agent's briefing, in roster order; agents with nothing open, completed or escalated get none. */
export function agentBriefings(agents: Agent[], facts: BriefingFacts): AgentBriefing[] {
  return agents.map((agent) => briefingOf(agent, facts)).filter(hasNews);
}

function briefingOf(agent: Agent, facts: BriefingFacts): AgentBriefing {
  return {
    agent,
    open: facts.open.filter((t) => t.assignee === agent.handle),
    completed: facts.completed.filter((t) => t.assignee === agent.handle),
    escalated: facts.escalations
      .filter((e) => e.assignee === agent.handle || e.to === agent.handle)
      .map((e) => ({ key: e.key, title: e.title, level: e.level })),
  };
}

function hasNews(b: AgentBriefing): boolean {
  return b.open.length > 0 || b.completed.length > 0 || b.escalated.length > 0;
}

/** The managers' overview; null when nothing waits, runs, escalated or completed. */
export function overview(since: Date, queue: QueueState, facts: BriefingFacts): Overview | null {
  const o: Overview = { since, ...queue, escalated: facts.escalations.length, completed: facts.completed.length };
  return o.intake || o.active || o.escalated || o.completed ? o : null;
}
