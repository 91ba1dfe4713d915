// Tickets sent to A2A agents: one row per assignment to an A2A agent, the task it became and how far
// Baton has followed it.
import { and, asc, desc, eq, isNotNull, sql } from 'drizzle-orm';
import type { Queryable } from './db.js';
import { a2aTasks } from './schema.js';

export type A2aTaskRow = typeof a2aTasks.$inferSelect;

export async function insertA2aTask(q: Queryable, r: { id: string; ticketKey: string; agent: string; now: Date }): Promise<void> {
  await q.insert(a2aTasks).values({ id: r.id, ticketKey: r.ticketKey, agent: r.agent, createdAt: r.now, updatedAt: r.now });
}

export async function getA2aTask(q: Queryable, id: string, o: { lock?: boolean } = {}): Promise<A2aTaskRow | null> {
  const query = q.select().from(a2aTasks).where(eq(a2aTasks.id, id));
  const rows = o.lock ? await query.for('update') : await query;
  return rows[0] ?? null;
}

/** The ticket's task still followed, if any (the latest). */
export async function openA2aTaskOf(q: Queryable, ticketKey: string, o: { lock?: boolean } = {}): Promise<A2aTaskRow | null> {
  const query = q.select().from(a2aTasks).where(and(eq(a2aTasks.ticketKey, ticketKey), eq(a2aTasks.done, false))).orderBy(desc(a2aTasks.createdAt)).limit(1);
  const rows = o.lock ? await query.for('update') : await query;
  return rows[0] ?? null;
}

/** Tasks to poll: delivered, still followed, least recently looked at first. */
export async function a2aTasksToFollow(q: Queryable, limit: number): Promise<A2aTaskRow[]> {
  return q.select().from(a2aTasks).where(and(eq(a2aTasks.done, false), isNotNull(a2aTasks.taskId))).orderBy(asc(a2aTasks.updatedAt)).limit(limit);
}

export async function updateA2aTask(
  q: Queryable,
  id: string,
  set: Partial<Pick<A2aTaskRow, 'taskId' | 'state' | 'awaitingInput' | 'pushTokenHash' | 'done'>> & { updatedAt: Date },
): Promise<void> {
  await q.update(a2aTasks).set(set).where(eq(a2aTasks.id, id));
}

/** Records the state Baton acts on, only if the row is still at `from`: false when another copy got there first. */
export async function moveA2aTask(
  q: Queryable,
  id: string,
  from: string,
  set: Partial<Pick<A2aTaskRow, 'state' | 'awaitingInput' | 'done' | 'statusAt'>> & { updatedAt: Date },
): Promise<boolean> {
  const rows = await q.update(a2aTasks).set(set).where(and(eq(a2aTasks.id, id), eq(a2aTasks.state, from), eq(a2aTasks.done, false))).returning({ id: a2aTasks.id });
  return rows.length > 0;
}

/** Stops following every task of a ticket (it left the agent, or was closed). */
export async function closeA2aTasksOf(q: Queryable, ticketKey: string, now: Date): Promise<void> {
  await q.update(a2aTasks).set({ done: true, updatedAt: now }).where(and(eq(a2aTasks.ticketKey, ticketKey), eq(a2aTasks.done, false), sql`true`));
}
