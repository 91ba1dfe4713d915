// How use cases turn domain facts into Slack messages. Implemented by the Slack layer's Block Kit builders;
// the use cases store what it returns in the outbox.
import type { Agent, AuditEvent, Ticket } from '../core/types.js';
import type { AgentBriefing, Overview } from '../core/briefing.js';
import type { RoutingExplanation } from '../core/routing.js';

/** Where a reopened ticket went, as told in a home thread (see the Slack layer's `reopenedNotice`). */
export type ReopenedWhere =
  | { kind: 'back'; agent: Agent }
  | { kind: 'moved'; agent: Agent }
  | { kind: 'arrived'; previousLink?: string }
  | { kind: 'held' };

export interface Rendered {
  text: string;
  blocks?: unknown[];
}

export interface Renderer {
  /** The card in the agent's channel; edited in place later, it shows the ticket's state (accepted, waiting, escalated, resolved). */
  assignment(t: Ticket, agent: Agent, o: { originLink?: string; parentLink?: string; takenOverFrom?: { agent: string; link?: string }; resolvedBy?: string }): Rendered;
  intakeReply(t: Ticket, agent: Agent | null): Rendered;
  /** Plain strings are user text (escaped); `{ raw }` parts are trusted mrkdwn. */
  threadUpdate(t: Ticket, parts: Array<string | { raw: string }>): Rendered;
  handoffNotice(parent: Ticket, child: Ticket, to: Agent, note?: string): Rendered;
  childResolved(parent: Ticket, child: Ticket, note: string | undefined, assigneeUser: string | null): Rendered;
  resolution(t: Ticket, note: string | undefined, by: string | null): Rendered;
  /** To the requester: a held ticket now has an assignee. */
  heldAssigned(t: Ticket, agent: Agent): Rendered;
  /** In a reopened ticket's home thread (old or new): who reopened it, the note, where it went and why. */
  reopened(t: Ticket, o: { by: string | null; note?: string; reason: string; where: ReopenedWhere }): Rendered;
  escalationPing(t: Ticket, target: Agent, o: { level: number; fromAgent: string | null; homeLink?: string; note?: string; /** Accepted, or its assignee wrote in it, since assignment. */ heard?: boolean }): Rendered;
  escalationPingTakenOver(t: Ticket, taker: Agent): Rendered;
  /** The card of an agent removed from the roster, edited: no buttons, and where the ticket went. */
  cardOfRemovedAgent(t: Ticket, removed: string, to: string | null): Rendered;
  /** The card of an agent a ticket was taken back from (it did not acknowledge it, or went silent), edited: no buttons, why, and where it went. */
  cardTakenBack(t: Ticket, from: string, why: string, to: string | null): Rendered;
  /** The card of an agent that declined a handed-off ticket, edited: no buttons, the reason, and where it went. */
  cardDeclined(t: Ticket, by: string, reason: string, to: string | null): Rendered;
  escalationHomeReply(t: Ticket, target: Agent | null, level: number, note?: string): Rendered;
  escalationsNotice(
    t: Ticket,
    o: { level: number; fromAgent: string | null; toAgent: string | null; homeLink?: string; reason: 'stale' | 'manual'; exhausted?: boolean },
  ): Rendered;
  /** The ticket's own message in the managers' channel (posted once, then edited). */
  managersMessage(t: Ticket, latest: Rendered): Rendered;
  /** One message for several tickets escalated in one sweep. */
  managersSummary(tickets: Ticket[]): Rendered;
  /** `dueZone`: the zone its due time reads in (its assignee's); `why`: the routing explanation, shown as its own part. */
  ticketDetail(t: Ticket, trail: AuditEvent[], o?: { dueZone?: string | null; why?: RoutingExplanation }): Rendered;
  agentBriefing(b: AgentBriefing, since: Date): Rendered;
  managersBriefing(o: Overview): Rendered;
}
