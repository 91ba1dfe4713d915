// Ticket repository: returns core types, never rows.
import { and, asc, desc, eq, getTableColumns, inArray, isNotNull, lte, ne, notInArray, or, sql } from 'drizzle-orm';
import type { HandoffPacket, Priority, Ticket, TicketStatus } from '../core/types.js';
import { ticketKey } from '../core/ticketKey.js';
import { PRIORITY_RANK } from '../core/types.js';
import type { LineageStep } from '../core/handoff.js';
import { Compiled, placeholdersOf, textArray } from './compiled.js';
import { rowsOf, type Queryable } from './db.js';
import { agentLoads, tickets, ticketSequences } from './schema.js';

type Row = typeof tickets.$inferSelect;

// The row is the ticket, with the priority's rank (for ordering) and message references in two columns each.
export function toTicket({ priorityRank: _rank, originChannel, originTs, homeChannel, homeTs, managersChannel, managersTs, ...same }: Row): Ticket {
  return {
    ...same,
    priority: same.priority as Priority,
    status: same.status as TicketStatus,
    context: same.context ?? {},
    origin: originChannel && originTs ? { channel: originChannel, ts: originTs } : null,
    home: homeChannel && homeTs ? { channel: homeChannel, ts: homeTs } : null,
    managers: managersChannel && managersTs ? { channel: managersChannel, ts: managersTs } : null,
    packet: (same.packet as HandoffPacket | null) ?? null,
  };
}

function toRow({ origin, home, managers, ...same }: Ticket): Row {
  return {
    ...same,
    priorityRank: PRIORITY_RANK[same.priority],
    originChannel: origin?.channel ?? null,
    originTs: origin?.ts ?? null,
    homeChannel: home?.channel ?? null,
    homeTs: home?.ts ?? null,
    managersChannel: managers?.channel ?? null,
    managersTs: managers?.ts ?? null,
    packet: (same.packet as Record<string, unknown> | null) ?? null,
  };
}

// Built once: the statements every filing, assignment and `show` runs (see compiled.ts).
const ticketColumns = getTableColumns(tickets);
const nextKeyQ = new Compiled<{ year: number }>((q) =>
  q
    .insert(ticketSequences)
    .values({ year: sql.placeholder('year'), last: 1 })
    .onConflictDoUpdate({ target: ticketSequences.year, set: { last: sql`${ticketSequences.last} + 1` } })
    .returning({ last: ticketSequences.last }),
);
const insertTicketQ = new Compiled<Row>((q) => q.insert(tickets).values(placeholdersOf(tickets) as never));
const saveTicketQ = new Compiled<Row>((q) =>
  q
    .update(tickets)
    .set(placeholdersOf(tickets, ['key', 'createdAt']) as never)
    .where(eq(tickets.key, sql.placeholder('key'))),
);
const getTicketQ = new Compiled<{ key: string }>((q) => q.select().from(tickets).where(eq(tickets.key, sql.placeholder('key'))), { columns: ticketColumns });
const lockTicketQ = new Compiled<{ key: string }>((q) => q.select().from(tickets).where(eq(tickets.key, sql.placeholder('key'))).for('update'), { columns: ticketColumns });
const loadsQ = new Compiled<{ handles: string }>((q) =>
  q
    .select({ handle: agentLoads.handle, active: agentLoads.active })
    .from(agentLoads)
    .where(sql`${agentLoads.handle} = any(${sql.placeholder('handles')}::text[])`),
);

/** Next key of the year: the row lock on the year's counter serialises concurrent filings; a rollback returns the number unused. */
export async function nextTicketKey(q: Queryable, year: number): Promise<string> {
  const [row] = await nextKeyQ.run(q, { year });
  return ticketKey(year, Number(row!.last));
}

export async function insertTicket(q: Queryable, t: Ticket): Promise<void> {
  await insertTicketQ.run(q, toRow(t));
}

export async function saveTicket(q: Queryable, t: Ticket): Promise<void> {
  await saveTicketQ.run(q, toRow(t));
}

export async function getTicket(q: Queryable, key: string, opts: { lock?: boolean } = {}): Promise<Ticket | null> {
  const rows = await (opts.lock ? lockTicketQ : getTicketQ).run(q, { key });
  return rows[0] ? toTicket(rows[0] as Row) : null;
}

/** The open ticket filed with this duplicate key, if any (locked when asked). */
export async function openTicketByDedupKey(q: Queryable, dedupKey: string, opts: { lock?: boolean } = {}): Promise<Ticket | null> {
  const base = q.select().from(tickets).where(and(eq(tickets.dedupKey, dedupKey), ne(tickets.status, 'completed')));
  const rows = opts.lock ? await base.for('update') : await base;
  return rows[0] ? toTicket(rows[0]) : null;
}

/** The handoff chain that ends at this ticket, root first: each ticket and the agent it is with. */
export async function lineageOf(q: Queryable, key: string, max = 200): Promise<LineageStep[]> {
  const rows = await rowsOf<{ key: string; assignee: string | null; depth: number }>(
    q,
    sql`with recursive chain(key, parent_key, assignee, depth) as (
          select key, parent_key, assignee, 0 from tickets where key = ${key}
          union all
          select t.key, t.parent_key, t.assignee, c.depth + 1 from tickets t join chain c on t.key = c.parent_key where c.depth < ${max}
        )
        select key, assignee, depth from chain order by depth desc`,
  );
  return rows.map((r) => ({ key: r.key, agent: r.assignee }));
}

/** True when the error is the unique violation of `constraint`. */
function isUniqueViolation(e: unknown, constraint: string): boolean {
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur; i++) {
    const c = cur as { code?: unknown; constraint_name?: unknown; constraint?: unknown; message?: unknown };
    if (c.code === '23505') return c.constraint_name === constraint || c.constraint === constraint || String(c.message).includes(constraint);
    cur = (cur as { cause?: unknown }).cause;
  }
  return false;
}

/** True when the error is the unique violation of one open ticket per duplicate key. */
export const isDedupConflict = (e: unknown): boolean => isUniqueViolation(e, 'tickets_dedup_open_key');

/** True when the error is the unique violation of one ticket per Slack message (its origin). */
export const isOriginConflict = (e: unknown): boolean => isUniqueViolation(e, 'tickets_origin_key');

/** Active tickets waiting on this requester's answer (`/ticket wait`), at most `limit`. */
export async function ticketsAwaiting(q: Queryable, requester: string, limit = 2): Promise<Ticket[]> {
  const rows = await q
    .select()
    .from(tickets)
    .where(and(eq(tickets.requester, requester), eq(tickets.status, 'active'), isNotNull(tickets.awaitingRequesterSince)))
    .orderBy(asc(tickets.awaitingRequesterSince))
    .limit(limit);
  return rows.map(toTicket);
}

/** The ticket whose home or origin message is this thread. */
export async function ticketByThread(q: Queryable, channel: string, ts: string): Promise<Ticket | null> {
  const rows = await q
    .select()
    .from(tickets)
    .where(
      or(
        and(eq(tickets.homeChannel, channel), eq(tickets.homeTs, ts)),
        and(eq(tickets.originChannel, channel), eq(tickets.originTs, ts)),
      ),
    )
    .orderBy(desc(tickets.createdAt))
    .limit(1);
  return rows[0] ? toTicket(rows[0]) : null;
}

/** Each agent's active tickets (0 for an agent with none), read from the counts the triggers keep. */
export async function countActive(q: Queryable, handles: string[]): Promise<Map<string, number>> {
  if (handles.length === 0) return new Map();
  const [statement, values] = loadsOf(handles);
  return toLoads(handles, await statement.run(q, values));
}

/** The statement of \`countActive\`, to send together with another (\`inOrder\`), and what its rows mean. */
export const loadsOf = (handles: string[]): [typeof loadsQ, { handles: string }] => [loadsQ, { handles: textArray(handles) }];
export function toLoads(handles: string[], rows: Array<Record<string, unknown>>): Map<string, number> {
  const out = new Map<string, number>(handles.map((h) => [h, 0]));
  for (const r of rows) out.set(r.handle as string, Number(r.active));
  return out;
}

/** Agents that own an open ticket for this customer. */
export async function customerOwners(q: Queryable, customer: string): Promise<Set<string>> {
  const rows = await q
    .selectDistinct({ assignee: tickets.assignee })
    .from(tickets)
    .where(and(sql`${tickets.context}->>'customer' = ${customer}`, ne(tickets.status, 'completed'), isNotNull(tickets.assignee)));
  return new Set(rows.map((r) => r.assignee!).filter(Boolean));
}

/** Intake tickets in serving order, locked, skipping ones another transaction holds. */
export async function lockIntake(
  q: Queryable,
  opts: { types?: string[]; pinnedTo?: string; exclude?: string[]; limit: number },
): Promise<Ticket[]> {
  const conds = [eq(tickets.status, 'intake')];
  if (opts.exclude?.length) conds.push(notInArray(tickets.key, opts.exclude));
  if (opts.types && opts.pinnedTo) {
    conds.push(
      or(
        and(inArray(tickets.type, opts.types.length ? opts.types : ['\u0001']), sql`${tickets.pinnedAgent} is null`),
        eq(tickets.pinnedAgent, opts.pinnedTo),
      )!,
    );
  } else if (opts.types) {
    conds.push(inArray(tickets.type, opts.types.length ? opts.types : ['\u0001']));
  }
  const rows = await q
    .select()
    .from(tickets)
    .where(and(...conds))
    .orderBy(asc(tickets.priorityRank), asc(tickets.createdAt), asc(tickets.key))
    .limit(opts.limit)
    .for('update', { skipLocked: true });
  return rows.map(toTicket);
}

export type ListQuery =
  | { status: TicketStatus }
  | { assignee: string; open?: boolean }
  | { requesterOrAssignee: { user: string; handles: string[] } };

function listWhere(query: ListQuery) {
  if ('status' in query) return eq(tickets.status, query.status);
  if ('assignee' in query) return and(eq(tickets.assignee, query.assignee), ne(tickets.status, 'completed'));
  const { user, handles } = query.requesterOrAssignee;
  return and(
    ne(tickets.status, 'completed'),
    handles.length ? or(eq(tickets.requester, user), inArray(tickets.assignee, handles)) : eq(tickets.requester, user),
  );
}

export async function listTickets(q: Queryable, query: ListQuery, limit = 100): Promise<Ticket[]> {
  const order =
    'status' in query && query.status === 'completed'
      ? [desc(tickets.resolvedAt)]
      : [asc(tickets.priorityRank), asc(tickets.createdAt)];
  const rows = await q.select().from(tickets).where(listWhere(query)).orderBy(...order).limit(limit);
  return rows.map(toTicket);
}

/** One page of a list by priority, then age (the key breaks ties), and how many tickets the whole list has. */
export async function listTicketPage(q: Queryable, query: ListQuery, page: { offset: number; limit: number }): Promise<{ tickets: Ticket[]; total: number }> {
  const where = listWhere(query);
  const [count] = await q.select({ n: sql<number>`count(*)::int` }).from(tickets).where(where);
  const rows = await q
    .select()
    .from(tickets)
    .where(where)
    .orderBy(asc(tickets.priorityRank), asc(tickets.createdAt), asc(tickets.key))
    .offset(page.offset)
    .limit(page.limit);
  return { tickets: rows.map(toTicket), total: Number(count?.n ?? 0) };
}

export async function openTicketsOf(q: Queryable, handle: string, opts: { lock?: boolean } = {}): Promise<Ticket[]> {
  const base = q
    .select()
    .from(tickets)
    .where(and(eq(tickets.assignee, handle), eq(tickets.status, 'active')))
    .orderBy(asc(tickets.priorityRank), asc(tickets.createdAt));
  const rows = opts.lock ? await base.for('update') : await base;
  return rows.map(toTicket);
}

/** Whether a ticket waits for this agent (`assign:`). */
export async function anyTicketPinnedTo(q: Queryable, handle: string): Promise<boolean> {
  const rows = await q.select({ key: tickets.key }).from(tickets).where(eq(tickets.pinnedAgent, handle)).limit(1);
  return rows.length > 0;
}

/** Tickets due for escalation, locked, skipping those another copy is escalating. */
export async function lockDueTickets(q: Queryable, now: Date, limit: number): Promise<Ticket[]> {
  const rows = await q
    .select()
    .from(tickets)
    .where(and(isNotNull(tickets.escalateDueAt), lte(tickets.escalateDueAt, now)))
    .orderBy(asc(tickets.escalateDueAt))
    .limit(limit)
    .for('update', { skipLocked: true });
  return rows.map(toTicket);
}

/** Write the escalation fields of several tickets in one statement (the sweep's batch). */
export async function saveEscalations(q: Queryable, ts: Ticket[]): Promise<void> {
  if (ts.length === 0) return;
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  const values = sql.join(
    ts.map((t) => sql`(${t.key}::text, ${t.escalationLevel}::int, ${t.escalatedTo}::text, ${t.chainExhausted}::boolean, ${iso(t.clockStartedAt)}::timestamptz, ${iso(t.escalateDueAt)}::timestamptz, ${t.escalationRound}::int)`),
    sql`, `,
  );
  await q.execute(sql`update tickets set escalation_level = v.level, escalated_to = v.escalated_to, chain_exhausted = v.exhausted,
      clock_started_at = v.clock, escalate_due_at = v.due, escalation_round = v.round
    from (values ${values}) as v(key, level, escalated_to, exhausted, clock, due, round)
    where tickets.key = v.key`);
}

/** The keys of the child (handoff) tickets of each of `keys`, oldest first. */
export async function childKeysOf(q: Queryable, keys: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(keys.map((k) => [k, []]));
  if (!keys.length) return out;
  const rows = await q.select({ key: tickets.key, parent: tickets.parentKey }).from(tickets).where(inArray(tickets.parentKey, keys)).orderBy(asc(tickets.createdAt), asc(tickets.key));
  for (const r of rows) out.get(r.parent!)?.push(r.key);
  return out;
}

/** The tickets whose managers' message is one of `keys` (a summary lists several), by that message's key. */
export async function ticketsByManagersKey(q: Queryable, keys: string[]): Promise<Map<string, Ticket[]>> {
  const out = new Map<string, Ticket[]>(keys.map((k) => [k, []]));
  if (keys.length === 0) return out;
  const rows = await q.select().from(tickets).where(inArray(tickets.managersKey, keys)).orderBy(asc(tickets.key));
  for (const r of rows) out.get(r.managersKey!)?.push(toTicket(r));
  return out;
}

/** Remember which managers' message each ticket is on (written with that message, in the same transaction). */
export async function saveManagersKey(q: Queryable, ticketKeys: string[], managersKey: string): Promise<void> {
  if (ticketKeys.length === 0) return;
  await q.update(tickets).set({ managersKey }).where(inArray(tickets.key, ticketKeys));
}
