// Plain domain objects for unit tests.
import type { Agent, Ticket } from '../../src/core/types.js';
import type { Candidate } from '../../src/core/routing.js';

export function makeAgent(handle: string, o: Partial<Agent> = {}): Agent {
  return {
    handle,
    skills: ['billing'],
    channel: `C${handle.toUpperCase()}1`,
    user: null,
    capacity: 5,
    escalatesTo: null,
    busy: false,
    busyUntil: null,
    busyReason: null,
    lastAssignedAt: null,
    hours: null,
    timeZone: 'UTC',
    createdAt: new Date('2026-01-01T00:00:00Z'),
    ackAfterSec: null,
    ackSince: null,
    heartbeatSec: null,
    heartbeatSince: null,
    lastHeardAt: null,
    unresponsive: null,
    unresponsiveReason: null,
    unresponsiveSince: null,
    ...o,
  };
}

export function makeTicket(o: Partial<Ticket> = {}): Ticket {
  return {
    key: 'T-2026-001',
    type: 'billing',
    title: 'Refund',
    description: 'Refund',
    priority: 'normal',
    status: 'active',
    assignee: null,
    requester: null,
    context: {},
    escalateAfterSec: null,
    escalationLevel: 0,
    escalatedTo: null,
    chainExhausted: false,
    requiresHandoff: [],
    parentKey: null,
    waitingOn: null,
    follows: null,
    pinnedAgent: null,
    holdReason: null,
    origin: null,
    home: null,
    createdAt: new Date('2026-03-02T09:00:00Z'),
    assignedAt: null,
    clockStartedAt: null,
    escalateDueAt: null,
    resolvedAt: null,
    resolution: null,
    acceptedAt: null,
    acceptedBy: null,
    managers: null,
    managersKey: null,
    packet: null,
    declinedBy: [],
    dedupKey: null,
    awaitingRequesterSince: null,
    clockLeftSec: null,
    escalationRound: 0,
    ...o,
  };
}

/** A routing candidate: the agent, its active tickets and whether it owns the ticket's customer. */
export function makeCandidate(handle: string, o: Partial<Agent> & { active?: number; ownsCustomer?: boolean } = {}): Candidate {
  const { active = 0, ownsCustomer = false, ...a } = o;
  return { agent: makeAgent(handle, a), active, ownsCustomer };
}
