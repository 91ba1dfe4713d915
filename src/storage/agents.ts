// Agent repository: returns core types, never rows.
import { and, asc, eq, getTableColumns, isNotNull, lte, sql } from 'drizzle-orm';
import type { Agent } from '../core/types.js';
import { Compiled, inOrder, textArray } from './compiled.js';
import { rowsOf, type Queryable } from './db.js';
import { loadsOf, toLoads } from './tickets.js';
import { agentLoads, agents, tickets } from './schema.js';

type Row = typeof agents.$inferSelect;

// The row is the agent, with its Slack user in the `slack_user` column.
function toAgent({ slackUser, unresponsive, ...same }: Row): Agent {
  return { ...same, user: slackUser, unresponsive: unresponsive as Agent['unresponsive'] };
}

function toRow({ user, a2a, ...same }: Agent): Row {
  return { ...same, slackUser: user, a2a: a2a ?? null };
}

// Built once: the statements routing runs for every filing (see compiled.ts).
const agentColumns = getTableColumns(agents);
const getAgentQ = new Compiled<{ handle: string }>((q) => q.select().from(agents).where(eq(agents.handle, sql.placeholder('handle'))), { columns: agentColumns });
const lockAgentsQ = new Compiled<{ handles: string }>(
  (q) =>
    q
      .select()
      .from(agents)
      .where(sql`${agents.handle} = any(${sql.placeholder('handles')}::text[])`)
      .orderBy(asc(agents.handle))
      .for('update'),
  { columns: agentColumns },
);
const lockFirstFreeQ = new Compiled<{ handles: string }>(
  (q) =>
    q
      .select()
      .from(agents)
      .where(sql`${agents.handle} = any(${sql.placeholder('handles')}::text[])`)
      .orderBy(sql`array_position(${sql.placeholder('handles')}::text[], ${agents.handle})`)
      .limit(1)
      .for('update', { skipLocked: true }),
  { columns: agentColumns },
);
const withSkillAndLoadsQ = new Compiled<{ skill: string }>(
  (q) =>
    q
      .select({ ...agentColumns, active: sql<number | null>`(select l.active from agent_loads l where l.handle = "agents"."handle")`.as('active') })
      .from(agents)
      .where(sql`${sql.placeholder('skill')}::text = any(${agents.skills})`)
      .orderBy(asc(agents.handle)),
  { columns: agentColumns, extra: ['active'] },
);
const markAssignedQ = new Compiled<{ at: Date; handle: string }>((q) =>
  q
    .update(agents)
    .set({ lastAssignedAt: sql.placeholder('at') as never })
    .where(eq(agents.handle, sql.placeholder('handle'))),
);

const assigneeZoneQ = new Compiled<{ key: string }>(
  (q) =>
    q
      .select({ timeZone: agents.timeZone })
      .from(agents)
      .where(sql`${agents.handle} = (select ${tickets.assignee} from ${tickets} where ${tickets.key} = ${sql.placeholder('key')})`),
  { columns: { timeZone: agents.timeZone } },
);

/** The time zone of the ticket's assignee, read by the ticket's key (null: no assignee, or no such ticket). */
export async function assigneeTimeZone(q: Queryable, ticketKey: string): Promise<string | null> {
  const rows = await assigneeZoneQ.run(q, { key: ticketKey });
  return (rows[0]?.timeZone as string | undefined) ?? null;
}

export async function getAgent(q: Queryable, handle: string): Promise<Agent | null> {
  const rows = await getAgentQ.run(q, { handle });
  return rows[0] ? toAgent(rows[0] as Row) : null;
}

export async function agentByUser(q: Queryable, user: string): Promise<Agent | null> {
  const rows = await q.select().from(agents).where(eq(agents.slackUser, user));
  return rows[0] ? toAgent(rows[0]) : null;
}

export async function agentsByUser(q: Queryable, user: string): Promise<Agent[]> {
  return (await q.select().from(agents).where(eq(agents.slackUser, user))).map(toAgent);
}

export async function listAgents(q: Queryable): Promise<Agent[]> {
  return (await q.select().from(agents).orderBy(asc(agents.handle))).map(toAgent);
}

/** Lock agents in handle order (a fixed order keeps concurrent transactions from deadlocking). */
export async function lockAgents(q: Queryable, handles: string[]): Promise<Agent[]> {
  if (handles.length === 0) return [];
  return (await lockAgentsQ.run(q, { handles: textArray(handles) })).map((r) => toAgent(r as Row));
}

/** Waits for one agent's lock, then reads the loads of \`handles\`: one round trip, the loads read after the lock. */
export async function lockAgentWithLoads(q: Queryable, handle: string, handles: string[]): Promise<[Agent | null, Map<string, number>]> {
  const [locked, loads] = await inOrder(q, [lockAgentsQ, { handles: textArray([handle]) }], loadsOf(handles));
  return [locked[0] ? toAgent(locked[0] as Row) : null, toLoads(handles, loads)];
}

/** Agents with one of these skills, locked in handle order. */
export async function lockAgentsWithSkill(q: Queryable, skill: string): Promise<Agent[]> {
  const rows = await q
    .select()
    .from(agents)
    .where(sql`${skill} = any(${agents.skills})`)
    .orderBy(asc(agents.handle))
    .for('update');
  return rows.map(toAgent);
}

/** Agents sharing at least one of these skills, locked in handle order. */
export async function lockAgentsWithAnySkill(q: Queryable, skills: string[]): Promise<Agent[]> {
  if (skills.length === 0) return [];
  const rows = await q
    .select()
    .from(agents)
    .where(sql`${agents.skills} && array[${sql.join(skills.map((s) => sql`${s}`), sql`, `)}]::text[]`)
    .orderBy(asc(agents.handle))
    .for('update');
  return rows.map(toAgent);
}

/** Agents with this skill and their active tickets, read without locking, in handle order: one statement. */
export async function agentsWithSkillAndLoads(q: Queryable, skill: string): Promise<Array<{ agent: Agent; active: number }>> {
  const rows = await withSkillAndLoadsQ.run(q, { skill });
  return rows.map(({ active, ...agent }) => ({ agent: toAgent(agent as Row), active: Number(active ?? 0) }));
}

/**
 * The first of these agents, in the order given, that no other transaction holds, locked; null when every
 * one is held (SKIP LOCKED: it never waits). Locks one row only. Then, in the same round trip, the loads of
 * \`handles\` read after that lock.
 */
export async function lockFirstFreeWithLoads(q: Queryable, order: string[], handles: string[]): Promise<[Agent | null, Map<string, number>]> {
  if (order.length === 0) return [null, toLoads(handles, [])];
  const [locked, loads] = await inOrder(q, [lockFirstFreeQ, { handles: textArray(order) }], loadsOf(handles));
  return [locked[0] ? toAgent(locked[0] as Row) : null, toLoads(handles, loads)];
}

/**
 * A savepoint routing can roll back to, letting go of the agent locks it took since (\`mark\`), or keep
 * (\`release\`). One name: routing never nests it.
 */
export const routingSavepoint = {
  mark: (q: Queryable) => q.execute(sql`savepoint baton_routing`),
  rollback: (q: Queryable) => q.execute(sql`rollback to savepoint baton_routing`),
  release: (q: Queryable) => q.execute(sql`release savepoint baton_routing`),
};

export async function insertAgent(q: Queryable, a: Agent): Promise<void> {
  await q.insert(agents).values(toRow(a));
}

export async function saveAgent(q: Queryable, a: Agent): Promise<void> {
  const { handle: _h, createdAt: _c, ...rest } = toRow(a);
  await q.update(agents).set(rest).where(eq(agents.handle, a.handle));
}

/** The agent was just given a ticket (routing's tie-break reads when): one narrow update, not the whole row. */
export async function markAssigned(q: Queryable, handle: string, at: Date): Promise<void> {
  await markAssignedQ.run(q, { at, handle });
}

export async function deleteAgent(q: Queryable, handle: string): Promise<void> {
  await q.delete(agents).where(eq(agents.handle, handle));
}

/** Handles of the agents whose `escalatesTo` names `handle`, in handle order. */
export async function agentsEscalatingTo(q: Queryable, handle: string): Promise<string[]> {
  const rows = await q.select({ handle: agents.handle }).from(agents).where(eq(agents.escalatesTo, handle)).orderBy(asc(agents.handle));
  return rows.map((r) => r.handle);
}

/** Agents whose busy window has ended. */
export async function agentsWithEndedBusy(q: Queryable, now: Date): Promise<string[]> {
  const rows = await q
    .select({ handle: agents.handle })
    .from(agents)
    .where(and(eq(agents.busy, true), isNotNull(agents.busyUntil), lte(agents.busyUntil, now)));
  return rows.map((r) => r.handle);
}

/** Agents with this skill, read without locking. */
export async function agentsWithSkill(q: Queryable, skill: string): Promise<Agent[]> {
  const rows = await q.select().from(agents).where(sql`${skill} = any(${agents.skills})`).orderBy(asc(agents.handle));
  return rows.map(toAgent);
}

/** Available agents (or whose busy window has ended) with room, for which work they could take waits in intake. */
export async function agentsWithRoomAndWaitingWork(q: Queryable, now: Date): Promise<string[]> {
  const rows = await rowsOf<{ handle: string }>(
    q,
    sql`select a.handle from agents a
        where (not a.busy or (a.busy_until is not null and a.busy_until <= ${now.toISOString()}::timestamptz))
          and a.unresponsive is null
          and coalesce((select l.active from agent_loads l where l.handle = a.handle), 0) < a.capacity
          and exists (select 1 from tickets t where t.status = 'intake'
                      and (t.pinned_agent = a.handle or (t.pinned_agent is null and t.type = any(a.skills))))
        order by a.handle`,
  );
  return rows.map((r) => r.handle);
}
