// What the acknowledgement and heartbeat checks read and write: when an agent was last heard from, the tickets
// not accepted in time, the agents gone silent and their tickets. Returns core types, never rows.
import { and, asc, eq, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import type { Ticket } from '../core/types.js';
import { Compiled } from './compiled.js';
import type { Queryable } from './db.js';
import { agents, tickets } from './schema.js';
import { toTicket } from './tickets.js';

/**
 * Heard from now: one statement, whoever is asking (a token's agent, or every agent of a Slack user). Answers the
 * agents touched and whether each was marked unresponsive, so only those pay for a transaction.
 */
export async function touchAgents(q: Queryable, who: { handle: string } | { user: string }, now: Date): Promise<Array<{ handle: string; unresponsive: boolean }>> {
  const rows = 'handle' in who ? await touchByHandleQ.run(q, { now, handle: who.handle }) : await touchByUserQ.run(q, { now, user: who.user });
  return rows.map((r) => ({ handle: r.handle as string, unresponsive: r.unresponsive !== null }));
}
// Built once: every Slack action and API call runs one of them (see compiled.ts).
const touch = (where: SQL) => (q: Queryable) =>
  q
    .update(agents)
    .set({ lastHeardAt: sql.placeholder('now') as never })
    .where(where)
    .returning({ handle: agents.handle, unresponsive: agents.unresponsive });
const touchByHandleQ = new Compiled<{ now: Date; handle: string }>(touch(eq(agents.handle, sql.placeholder('handle'))));
const touchByUserQ = new Compiled<{ now: Date; user: string }>(touch(eq(agents.slackUser, sql.placeholder('user'))));

/** Seconds since the agent's silence clock started (when `heartbeat:` was set, or last heard from if later). */
const silentFor = (now: Date): SQL =>
  sql`extract(epoch from (${now.toISOString()}::timestamptz - greatest(${agents.heartbeatSince}, coalesce(${agents.lastHeardAt}, ${agents.heartbeatSince}))))`;

/** Agents with a heartbeat not heard from for one period and not yet marked unresponsive. */
export async function agentsGoneSilent(q: Queryable, now: Date): Promise<string[]> {
  const rows = await q
    .select({ handle: agents.handle })
    .from(agents)
    .where(and(isNotNull(agents.heartbeatSec), isNotNull(agents.heartbeatSince), isNull(agents.unresponsive), sql`${silentFor(now)} >= ${agents.heartbeatSec}`))
    .orderBy(asc(agents.handle));
  return rows.map((r) => r.handle);
}

/**
 * Active tickets whose assignee has not been heard from for two heartbeat periods, locked (SKIP LOCKED: a ticket
 * another copy is taking back is left to it).
 */
export async function lockTicketsOfGoneAgents(q: Queryable, now: Date, limit: number): Promise<Ticket[]> {
  const rows = await q
    .select({ t: tickets })
    .from(tickets)
    .innerJoin(agents, eq(agents.handle, tickets.assignee))
    .where(and(eq(tickets.status, 'active'), isNotNull(agents.heartbeatSec), isNotNull(agents.heartbeatSince), sql`${silentFor(now)} >= 2 * ${agents.heartbeatSec}`))
    .orderBy(asc(tickets.key))
    .limit(limit)
    .for('update', { of: tickets, skipLocked: true });
  return rows.map((r) => toTicket(r.t));
}

/**
 * Active tickets not accepted within their assignee's `ack:` (timed from their assignment, or from when `ack:` was set
 * if later; and not waiting on a handoff, which the assignee
 * made, so it did act on them), oldest assignment first, locked with SKIP LOCKED.
 */
export async function lockUnacknowledged(q: Queryable, now: Date, limit: number): Promise<Ticket[]> {
  const rows = await q
    .select({ t: tickets })
    .from(tickets)
    .innerJoin(agents, eq(agents.handle, tickets.assignee))
    .where(
      and(
        eq(tickets.status, 'active'),
        isNull(tickets.acceptedAt),
        isNull(tickets.waitingOn),
        isNotNull(agents.ackAfterSec),
        // Timed from the assignment, or from when `ack:` was set if later.
        sql`greatest(${tickets.assignedAt}, coalesce(${agents.ackSince}, ${tickets.assignedAt})) + ${agents.ackAfterSec} * interval '1 second' <= ${now.toISOString()}::timestamptz`,
      ),
    )
    .orderBy(asc(tickets.assignedAt), asc(tickets.key))
    .limit(limit)
    .for('update', { of: tickets, skipLocked: true });
  return rows.map((r) => toTicket(r.t));
}
