// The events Baton POSTs to an agent's webhook, and the body they carry.

export const AGENT_EVENT_TYPES = [
  /** The ticket is now the agent's: routed, assigned, claimed, handed off to it (with the packet), taken over. */
  'ticket.assigned',
  /** The agent was pinged by an escalation of the ticket. */
  'ticket.escalated',
  /** A handoff of the agent's ticket was resolved (the ticket is the parent, its `children` name the child). */
  'ticket.child_resolved',
  /** The agent's handoff was declined by its receiver (the ticket is the declined child). */
  'ticket.declined',
  /** A ticket the agent resolved was reopened. */
  'ticket.reopened',
  /** The ticket is no longer the agent's (given to another agent, taken over, or taken back by Baton). */
  'ticket.taken_back',
] as const;

export type AgentEventType = (typeof AGENT_EVENT_TYPES)[number];

/** An event for one agent about one ticket, noted by a use case and written to the outbox at commit. */
export interface AgentEventNote {
  type: AgentEventType;
  agent: string;
  ticketKey: string;
}

/** The body POSTed: `ticket` is the ticket as `GET /api/v1/tickets/{key}` returns it, when the event was written. */
export interface AgentEventBody {
  id: string;
  type: AgentEventType;
  at: string;
  agent: string;
  ticket: unknown;
}
