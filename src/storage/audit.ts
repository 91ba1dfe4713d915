// Audit-trail repository: events appended, never changed; read back as core types.
import { and, asc, desc, eq, getTableColumns, gte, inArray, sql } from 'drizzle-orm';
import type { EscalationSince } from '../core/briefing.js';
import type { AuditEvent, TicketStatus } from '../core/types.js';
import { Compiled, placeholdersOf } from './compiled.js';
import type { Queryable } from './db.js';
import { auditEvents, tickets } from './schema.js';

export interface NewAuditEvent {
  ticketKey: string;
  at: Date;
  actor: string;
  action: string;
  fromStatus?: TicketStatus | null;
  toStatus?: TicketStatus | null;
  note?: string | null;
  data?: Record<string, unknown>;
}

export async function appendAudit(q: Queryable, e: NewAuditEvent): Promise<number> {
  const [id] = await appendAudits(q, [e]);
  return id!;
}

type EventRow = Omit<typeof auditEvents.$inferInsert, 'id'>;
const eventRow = (e: NewAuditEvent): EventRow => ({
  ticketKey: e.ticketKey,
  at: e.at,
  actor: e.actor,
  action: e.action,
  fromStatus: e.fromStatus ?? null,
  toStatus: e.toStatus ?? null,
  note: e.note ?? null,
  data: e.data ?? {},
});
// Built once: one event, the trail of every use case (see compiled.ts).
const appendOneQ = new Compiled<EventRow>((q) => q.insert(auditEvents).values(placeholdersOf(auditEvents, ['id']) as never).returning({ id: auditEvents.id }));
const trailQ = new Compiled<{ key: string }>((q) => q.select().from(auditEvents).where(eq(auditEvents.ticketKey, sql.placeholder('key'))).orderBy(asc(auditEvents.id)), {
  columns: getTableColumns(auditEvents),
});

/** Several events in one statement; their ids in the order given (a bigserial is drawn row by row). */
export async function appendAudits(q: Queryable, es: NewAuditEvent[]): Promise<number[]> {
  if (es.length === 0) return [];
  if (es.length === 1) return (await appendOneQ.run(q, eventRow(es[0]!))).map((r) => Number(r.id));
  const rows = await q.insert(auditEvents).values(es.map(eventRow)).returning({ id: auditEvents.id });
  return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
}

export async function trailOf(q: Queryable, key: string): Promise<AuditEvent[]> {
  const rows = (await trailQ.run(q, { key })) as Array<typeof auditEvents.$inferSelect>;
  return rows.map((r) => ({
    id: r.id,
    ticketKey: r.ticketKey,
    at: r.at,
    actor: r.actor,
    action: r.action,
    fromStatus: r.fromStatus as TicketStatus | null,
    toStatus: r.toStatus as TicketStatus | null,
    note: r.note,
    data: r.data ?? {},
  }));
}

/** How many events of this action the ticket's trail holds. */
export async function countEvents(q: Queryable, ticketKey: string, action: string): Promise<number> {
  const [row] = await q
    .select({ n: sql<number>`count(*)::int` })
    .from(auditEvents)
    .where(and(eq(auditEvents.ticketKey, ticketKey), eq(auditEvents.action, action)));
  return Number(row?.n ?? 0);
}

/** The id of the latest escalation of this ticket that pinged `handle`; null when none did. */
export async function lastEscalationTo(q: Queryable, ticketKey: string, handle: string): Promise<number | null> {
  const [ping] = await q
    .select({ id: auditEvents.id })
    .from(auditEvents)
    .where(and(eq(auditEvents.ticketKey, ticketKey), eq(auditEvents.action, 'escalated'), sql`${auditEvents.data}->>'to' = ${handle}`))
    .orderBy(desc(auditEvents.id))
    .limit(1);
  return ping ? ping.id : null;
}

/** When the ticket last went up a level (escalated, or its chain ran out); null if never. */
export async function lastEscalatedAt(q: Queryable, ticketKey: string): Promise<Date | null> {
  const [row] = await q
    .select({ at: auditEvents.at })
    .from(auditEvents)
    .where(and(eq(auditEvents.ticketKey, ticketKey), inArray(auditEvents.action, ['escalated', 'escalation_exhausted'])))
    .orderBy(desc(auditEvents.id))
    .limit(1);
  return row ? row.at : null;
}

/** The id of the event that last gave the ticket to `handle` (its card's outbox key is `<id>:card`); null if none. */
export async function lastAssignmentTo(q: Queryable, ticketKey: string, handle: string): Promise<number | null> {
  const [row] = await q
    .select({ id: auditEvents.id })
    .from(auditEvents)
    .where(and(eq(auditEvents.ticketKey, ticketKey), sql`${auditEvents.data}->>'agent' = ${handle}`))
    .orderBy(desc(auditEvents.id))
    .limit(1);
  return row ? row.id : null;
}

/** Escalations and exhausted chains recorded since `since`, in the order they happened. */
export async function escalationsSince(q: Queryable, since: Date): Promise<EscalationSince[]> {
  const rows = await q
    .select({ key: auditEvents.ticketKey, data: auditEvents.data, title: tickets.title, assignee: tickets.assignee })
    .from(auditEvents)
    .innerJoin(tickets, eq(tickets.key, auditEvents.ticketKey))
    .where(and(inArray(auditEvents.action, ['escalated', 'escalation_exhausted']), gte(auditEvents.at, since)))
    .orderBy(asc(auditEvents.id));
  return rows.map((r) => {
    const data = r.data as { to?: string | null; level?: number };
    return { key: r.key, title: r.title, assignee: r.assignee, to: data.to ?? null, level: Number(data.level ?? 0) };
  });
}

/**
 * Of these tickets, the ones whose assignee has written in them since they were assigned (a reply in the
 * thread by the agent's user, a progress note through the API or MCP): one statement for a sweep's batch.
 */
export async function heardFromAssignees(q: Queryable, items: Array<{ key: string; since: Date; actors: string[] }>): Promise<Set<string>> {
  const wanted = items.filter((i) => i.actors.length > 0);
  if (wanted.length === 0) return new Set();
  const rows = await q
    .select({ key: auditEvents.ticketKey, actor: auditEvents.actor, at: sql<Date>`max(${auditEvents.at})` })
    .from(auditEvents)
    .where(and(inArray(auditEvents.ticketKey, wanted.map((i) => i.key)), inArray(auditEvents.action, ['commented', 'progress'])))
    .groupBy(auditEvents.ticketKey, auditEvents.actor);
  const heard = new Set<string>();
  for (const i of wanted) {
    const since = i.since.getTime();
    if (rows.some((r) => r.key === i.key && i.actors.includes(r.actor) && new Date(r.at).getTime() >= since)) heard.add(i.key);
  }
  return heard;
}
