// The reads of the daily briefing: what happened since the last one, and the queue as it stands.
import { and, asc, eq, gte, inArray, isNotNull, lte, ne, sql } from 'drizzle-orm';
import type { BriefingFacts, QueueState } from '../core/briefing.js';
import { escalationsSince } from './audit.js';
import type { Queryable } from './db.js';
import { tickets } from './schema.js';
import { toTicket } from './tickets.js';

/** Open work of these agents, and what completed or escalated since `since`. */
export async function briefingFacts(q: Queryable, handles: string[], since: Date): Promise<BriefingFacts> {
  const open = handles.length
    ? (await q.select().from(tickets).where(and(eq(tickets.status, 'active'), inArray(tickets.assignee, handles))).orderBy(asc(tickets.priorityRank), asc(tickets.createdAt))).map(toTicket)
    : [];
  const completed = (await q.select().from(tickets).where(and(eq(tickets.status, 'completed'), gte(tickets.resolvedAt, since))).orderBy(asc(tickets.resolvedAt))).map(toTicket);
  const escalations = await escalationsSince(q, since);
  return { open, completed, escalations };
}

/** Counts of open tickets, the (at most 20) most overdue ones, and the oldest. */
export async function queueState(q: Queryable, now: Date): Promise<QueueState> {
  const [counts] = await q
    .select({
      intake: sql<number>`count(*) filter (where ${tickets.status} = 'intake')::int`,
      active: sql<number>`count(*) filter (where ${tickets.status} = 'active')::int`,
      held: sql<number>`count(*) filter (where ${tickets.status} = 'intake' and ${tickets.holdReason} is not null)::int`,
    })
    .from(tickets)
    .where(ne(tickets.status, 'completed'));
  const stale = (await q.select().from(tickets).where(and(isNotNull(tickets.escalateDueAt), lte(tickets.escalateDueAt, now))).orderBy(asc(tickets.escalateDueAt)).limit(20)).map(toTicket);
  const [oldest] = await q.select().from(tickets).where(ne(tickets.status, 'completed')).orderBy(asc(tickets.createdAt)).limit(1);
  return {
    intake: Number(counts?.intake ?? 0),
    active: Number(counts?.active ?? 0),
    held: Number(counts?.held ?? 0),
    stale,
    oldest: oldest ? toTicket(oldest) : null,
  };
}
