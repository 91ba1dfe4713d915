// Tickets and agents as the API (and MCP) return them: the fields PRODUCT.md lists, times in ISO 8601.
import { UNLIMITED_CAPACITY } from '../core/validate.js';
import type { z } from 'zod';
import { isAvailable, unresponsiveness } from '../core/routing.js';
import type { Agent, AuditEvent, Ticket } from '../core/types.js';
import type { agentJson, ticketJson } from './schemas.js';

export type TicketJson = z.infer<typeof ticketJson>;
export type AgentJson = z.infer<typeof agentJson>;

const iso = (d: Date | null) => (d ? d.toISOString() : null);


export function agentToJson(a: Agent & { active: number }, now: Date): AgentJson {
  const available = isAvailable(a, now);
  return {
    handle: a.handle,
    skills: a.skills,
    available,
    busyReason: available ? null : (a.busyReason ?? unresponsiveness(a, now)),
    busyUntil: available ? null : iso(a.busyUntil),
    active: a.active,
    capacity: a.capacity >= UNLIMITED_CAPACITY ? 'unlimited' : a.capacity,
  };
}

const ROUTING_ACTIONS = new Set(['assigned', 'reassigned', 'claimed', 'held', 'taken_over']);

export function ticketToJson(t: Ticket, children: string[], trail?: AuditEvent[]): TicketJson {
  const out: TicketJson = {
    key: t.key,
    type: t.type,
    title: t.title,
    description: t.description,
    priority: t.priority,
    status: t.status,
    assignee: t.assignee,
    requester: t.requester,
    context: t.context,
    packet: t.packet,
    parent: t.parentKey,
    children,
    waitingOn: t.waitingOn,
    escalationLevel: t.escalationLevel,
    escalationDueAt: iso(t.escalateDueAt),
    waitingOnRequesterSince: iso(t.awaitingRequesterSince),
    holdReason: t.holdReason,
    createdAt: t.createdAt.toISOString(),
    assignedAt: iso(t.assignedAt),
    acceptedAt: iso(t.acceptedAt),
    resolvedAt: iso(t.resolvedAt),
    resolution: t.resolution,
    dedupKey: t.dedupKey,
  };
  if (trail) {
    out.routing = [...trail].reverse().find((e) => ROUTING_ACTIONS.has(e.action))?.note ?? null;
    out.trail = trail.map((e) => ({
      at: e.at.toISOString(),
      actor: e.actor,
      action: e.action,
      note: e.note,
      via: e.data.via === 'api' || e.data.via === 'mcp' || e.data.via === 'webhook' || e.data.via === 'a2a' ? e.data.via : null,
    }));
  }
  return out;
}
