// The daily briefing: each agent channel gets its open tickets and what completed or escalated since the
// last briefing; the escalations channel gets the overview. Sent once per scheduled slot however many
// copies run: the slot is claimed in the same transaction that writes the messages.
import { and, asc, desc, eq, gte, inArray, isNotNull, lte, ne, sql } from 'drizzle-orm';
import type { Agent, Ticket } from '../core/types.js';
import { listAgents } from '../storage/agents.js';
import { auditEvents, scheduleRuns, tickets } from '../storage/schema.js';
import { toTicket } from '../storage/tickets.js';
import { inTransaction, type Deps } from './context.js';

export interface AgentBriefing {
  agent: Agent;
  open: Ticket[];
  completed: Ticket[];
  escalated: Array<{ key: string; title: string; level: number }>;
}

export interface Overview {
  since: Date;
  intake: number;
  active: number;
  held: number;
  stale: Ticket[];
  escalated: number;
  completed: number;
  oldest: Ticket | null;
}

export async function sendBriefing(deps: Deps, slot: string): Promise<{ sent: boolean; agents: string[] }> {
  return inTransaction(deps, async (uow) => {
    const q = uow.tx;
    const claimed = await q.insert(scheduleRuns).values({ job: 'briefing', slot, at: uow.now }).onConflictDoNothing().returning();
    if (claimed.length === 0) return { sent: false, agents: [] };
    const [prev] = await q
      .select({ at: scheduleRuns.at })
      .from(scheduleRuns)
      .where(and(eq(scheduleRuns.job, 'briefing'), ne(scheduleRuns.slot, slot)))
      .orderBy(desc(scheduleRuns.at))
      .limit(1);
    const since = prev?.at ?? new Date(uow.now.getTime() - 24 * 3600_000);

    const agents = await listAgents(q);
    const handles = agents.map((a) => a.handle);
    const open = handles.length
      ? (await q.select().from(tickets).where(and(eq(tickets.status, 'active'), inArray(tickets.assignee, handles))).orderBy(asc(tickets.priorityRank), asc(tickets.createdAt))).map(toTicket)
      : [];
    const completed = (await q.select().from(tickets).where(and(eq(tickets.status, 'completed'), gte(tickets.resolvedAt, since))).orderBy(asc(tickets.resolvedAt))).map(toTicket);
    const escalations = await q
      .select({ key: auditEvents.ticketKey, data: auditEvents.data, title: tickets.title, assignee: tickets.assignee })
      .from(auditEvents)
      .innerJoin(tickets, eq(tickets.key, auditEvents.ticketKey))
      .where(and(inArray(auditEvents.action, ['escalated', 'escalation_exhausted']), gte(auditEvents.at, since)))
      .orderBy(asc(auditEvents.id));

    const briefed: string[] = [];
    for (const agent of agents) {
      const b: AgentBriefing = {
        agent,
        open: open.filter((t) => t.assignee === agent.handle),
        completed: completed.filter((t) => t.assignee === agent.handle),
        escalated: escalations
          .filter((e) => e.assignee === agent.handle || (e.data as { to?: string }).to === agent.handle)
          .map((e) => ({ key: e.key, title: e.title, level: Number((e.data as { level?: number }).level ?? 0) })),
      };
      if (!b.open.length && !b.completed.length && !b.escalated.length) continue; // quiet when there is nothing to say
      uow.send({ ticketKey: null, idempotencyKey: `briefing:${slot}:${agent.handle}`, channel: agent.channel, ...deps.render.agentBriefing(b, since) });
      briefed.push(agent.handle);
    }

    if (deps.escalationsChannel) {
      const [counts] = await q
        .select({
          intake: sql<number>`count(*) filter (where ${tickets.status} = 'intake')::int`,
          active: sql<number>`count(*) filter (where ${tickets.status} = 'active')::int`,
          held: sql<number>`count(*) filter (where ${tickets.status} = 'intake' and ${tickets.holdReason} is not null)::int`,
        })
        .from(tickets)
        .where(ne(tickets.status, 'completed'));
      const stale = (await q.select().from(tickets).where(and(isNotNull(tickets.escalateDueAt), lte(tickets.escalateDueAt, uow.now))).orderBy(asc(tickets.escalateDueAt)).limit(20)).map(toTicket);
      const [oldestRow] = await q.select().from(tickets).where(ne(tickets.status, 'completed')).orderBy(asc(tickets.createdAt)).limit(1);
      const o: Overview = {
        since,
        intake: Number(counts?.intake ?? 0),
        active: Number(counts?.active ?? 0),
        held: Number(counts?.held ?? 0),
        stale,
        escalated: escalations.length,
        completed: completed.length,
        oldest: oldestRow ? toTicket(oldestRow) : null,
      };
      if (o.intake || o.active || o.escalated || o.completed) {
        uow.send({ ticketKey: null, idempotencyKey: `briefing:${slot}:managers`, channel: deps.escalationsChannel, ...deps.render.managersBriefing(o) });
      }
    }
    return { sent: true, agents: briefed };
  });
}

/** A schedule slot name: the minute it fired in, the same in every copy. */
export function slotOf(d: Date): string {
  return d.toISOString().slice(0, 16);
}
