// The reads and writes of Baton's Home tab: who opened it (their Home is published again when what it
// shows changes), the lists it shows and the team's figures.
import { and, asc, count, desc, eq, gte, inArray, isNotNull, isNull, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Ticket } from '../core/types.js';
import { rowsOf, type Queryable } from './db.js';
import { homeUsers, tickets } from './schema.js';
import { toTicket } from './tickets.js';

/** The destination of the outbox rows that publish a user's Home (`target`: the user ID). */
export const HOME_DESTINATION = 'home';

/** Whether anyone has opened Baton's Home tab (when nobody has, no Home is ever published again). */
export async function anyHomeUsers(q: Queryable): Promise<boolean> {
  const [r] = await rowsOf<{ any: boolean }>(q, sql`select exists (select 1 from home_users) as any`);
  return r?.any === true;
}

/** `user` opened Baton's Home tab. */
export async function recordHomeOpened(q: Queryable, user: string, now: Date): Promise<void> {
  await q.insert(homeUsers).values({ userId: user, openedAt: now }).onConflictDoUpdate({ target: homeUsers.userId, set: { openedAt: now } });
}

const at = (d: Date) => sql`${d.toISOString()}::timestamptz`;
const list = (xs: readonly string[]) => sql.join(xs.map((x) => sql`${x}`), sql`, `);

/** What a committed change touched: the tickets, the channels posted to, the agents (by handle), and whether the roster changed. */
export interface HomeTouch {
  tickets: readonly string[];
  channels: readonly string[];
  handles: readonly string[];
  admins: readonly string[];
  /** The roster or the queue changed in a way every admin's Home shows. */
  everyAdmin: boolean;
}

/**
 * One publish of the Home of every user who opened it and sees something touched — the requesters and
 * assignees' users of the tickets, the users of the agents posted to or named, and the admins — due at
 * `due`. Rows are keyed by user and due time, so the changes of one window are published once (debounce).
 */
export async function queueHomeRefresh(q: Queryable, touch: HomeTouch, o: { due: Date; now: Date }): Promise<void> {
  const who: SQL[] = [];
  if (touch.tickets.length) {
    who.push(sql`select requester from tickets where key in (${list(touch.tickets)}) and requester is not null`);
    who.push(sql`select a.slack_user from agents a join tickets t on t.assignee = a.handle where t.key in (${list(touch.tickets)}) and a.slack_user is not null`);
  }
  const agentsWhere: SQL[] = [];
  if (touch.channels.length) agentsWhere.push(sql`channel in (${list(touch.channels)})`);
  if (touch.handles.length) agentsWhere.push(sql`handle in (${list(touch.handles)})`);
  if (agentsWhere.length) who.push(sql`select slack_user from agents where slack_user is not null and (${sql.join(agentsWhere, sql` or `)})`);
  // Every ticket change moves the admins' Queues figures.
  const admins = touch.admins.length && (touch.everyAdmin || touch.tickets.length) ? touch.admins : [];
  if (admins.length) who.push(sql`select unnest(array[${list(admins)}]::text[])`);
  if (!who.length) return;
  const dueMs = o.due.getTime();
  await q.execute(sql`
    insert into outbox (ticket_key, idempotency_key, channel, text, destination, target, next_attempt_at, created_at)
    select null, 'home:' || h.user_id || ':' || ${String(dueMs)}::text, h.user_id, 'Home', ${HOME_DESTINATION}::text, h.user_id, ${at(o.due)}, ${at(o.now)}
    from home_users h
    where h.user_id in (${sql.join(who, sql` union `)})
    on conflict (idempotency_key) do nothing`);
}

/** A list cut to `limit`, with how many there are in all. */
export interface Cut<T> {
  items: T[];
  total: number;
}

async function cutList(q: Queryable, where: SQL | undefined, order: SQL[], limit: number): Promise<Cut<Ticket>> {
  const rows = await q.select().from(tickets).where(where).orderBy(...order).limit(limit);
  if (rows.length < limit) return { items: rows.map(toTicket), total: rows.length };
  const [c] = await q.select({ n: count() }).from(tickets).where(where);
  return { items: rows.map(toTicket), total: Number(c?.n ?? rows.length) };
}

const byUrgency = [asc(tickets.priorityRank), asc(tickets.createdAt)];

/** The active tickets of these agents, most urgent first. */
export function activeOf(q: Queryable, handles: readonly string[], limit: number): Promise<Cut<Ticket>> {
  if (!handles.length) return Promise.resolve({ items: [], total: 0 });
  return cutList(q, and(eq(tickets.status, 'active'), inArray(tickets.assignee, [...handles])), byUrgency, limit);
}

/** Held tickets these agents could take: pinned to one of them, or unpinned of a type one of them takes. */
export function heldFor(q: Queryable, handles: readonly string[], skills: readonly string[], limit: number): Promise<Cut<Ticket>> {
  if (!handles.length) return Promise.resolve({ items: [], total: 0 });
  const mine = or(
    inArray(tickets.pinnedAgent, [...handles]),
    skills.length ? and(isNull(tickets.pinnedAgent), inArray(tickets.type, [...skills])) : undefined,
  );
  return cutList(q, and(eq(tickets.status, 'intake'), isNotNull(tickets.holdReason), mine), byUrgency, limit);
}

/** What `user` filed that is open, and what of theirs was resolved since `since` (newest first). */
export async function filedBy(q: Queryable, user: string, since: Date, limit: number): Promise<{ open: Cut<Ticket>; resolved: Cut<Ticket> }> {
  const open = await cutList(q, and(eq(tickets.requester, user), ne(tickets.status, 'completed')), byUrgency, limit);
  const resolved = await cutList(
    q,
    and(eq(tickets.requester, user), eq(tickets.status, 'completed'), gte(tickets.resolvedAt, since)),
    [desc(tickets.resolvedAt)],
    limit,
  );
  return { open, resolved };
}

/** The intake queue's held tickets, most urgent first. */
export function heldTickets(q: Queryable, limit: number): Promise<Cut<Ticket>> {
  return cutList(q, and(eq(tickets.status, 'intake'), isNotNull(tickets.holdReason)), byUrgency, limit);
}

/** The team's figures: the queue now, and what happened since each of the given times. */
export interface QueueFigures {
  intake: number;
  held: number;
  active: number;
  escalatedToday: number;
  week: { filed: number; resolved: number; escalations: number; medianAcceptSec: number | null; medianResolveSec: number | null };
  /** Filed and resolved per day: one count per interval between consecutive `days` boundaries. */
  filedPerDay: number[];
  resolvedPerDay: number[];
}

/**
 * `today`: the start of today; `weekAgo`: seven days ago; `days`: the boundaries of the days the
 * sparklines count (oldest first, the last one now).
 */
export async function queueFigures(q: Queryable, o: { today: Date; weekAgo: Date; days: Date[] }): Promise<QueueFigures> {
  const [now] = await rowsOf<{ intake: number; held: number; active: number }>(
    q,
    sql`select count(*) filter (where status = 'intake')::int as intake,
               count(*) filter (where status = 'intake' and hold_reason is not null)::int as held,
               count(*) filter (where status = 'active')::int as active
        from tickets where status <> 'completed'`,
  );
  const [esc] = await rowsOf<{ today: number; week: number }>(
    q,
    sql`select count(*) filter (where at >= ${at(o.today)})::int as today, count(*)::int as week
        from audit_events where action in ('escalated', 'escalation_exhausted') and at >= ${at(o.weekAgo)}`,
  );
  const [filed] = await rowsOf<{ n: number }>(q, sql`select count(*)::int as n from tickets where created_at >= ${at(o.weekAgo)}`);
  const [resolved] = await rowsOf<{ n: number; resolve: number | null }>(
    q,
    sql`select count(*)::int as n,
               percentile_cont(0.5) within group (order by extract(epoch from (resolved_at - created_at)))::float8 as resolve
        from tickets where resolved_at >= ${at(o.weekAgo)}`,
  );
  const [accepted] = await rowsOf<{ accept: number | null }>(
    q,
    sql`select percentile_cont(0.5) within group (order by extract(epoch from (accepted_at - assigned_at)))::float8 as accept
        from tickets where accepted_at >= ${at(o.weekAgo)} and assigned_at is not null and accepted_at >= assigned_at`,
  );
  const perDay = async (column: 'created_at' | 'resolved_at') => {
    const counts = new Array<number>(Math.max(0, o.days.length - 1)).fill(0);
    if (o.days.length < 2) return counts;
    const bounds = sql`array[${sql.join(o.days.map(at), sql`, `)}]::timestamptz[]`;
    const rows = await rowsOf<{ b: number; n: number }>(
      q,
      sql`select width_bucket(${sql.raw(column)}, ${bounds})::int as b, count(*)::int as n from tickets
          where ${sql.raw(column)} >= ${at(o.days[0]!)} and ${sql.raw(column)} < ${at(o.days[o.days.length - 1]!)}
          group by 1`,
    );
    for (const r of rows) if (r.b >= 1 && r.b <= counts.length) counts[r.b - 1] = Number(r.n);
    return counts;
  };
  const num = (x: unknown) => (x === null || x === undefined ? null : Number(x));
  return {
    intake: Number(now?.intake ?? 0),
    held: Number(now?.held ?? 0),
    active: Number(now?.active ?? 0),
    escalatedToday: Number(esc?.today ?? 0),
    week: {
      filed: Number(filed?.n ?? 0),
      resolved: Number(resolved?.n ?? 0),
      escalations: Number(esc?.week ?? 0),
      medianAcceptSec: num(accepted?.accept),
      medianResolveSec: num(resolved?.resolve),
    },
    filedPerDay: await perDay('created_at'),
    resolvedPerDay: await perDay('resolved_at'),
  };
}

/** An A2A agent's messages are failing: the last error, and whether that message was refused for good. */
export interface A2aFailing {
  error: string;
  gaveUp: boolean;
}

/**
 * The last undelivered error of each of these agents' A2A messages (`gaveUp`: failed for good); a message
 * delivered to the agent after it clears it.
 */
export async function a2aFailures(q: Queryable, handles: readonly string[]): Promise<Map<string, A2aFailing>> {
  const out = new Map<string, A2aFailing>();
  if (!handles.length) return out;
  const rows = await rowsOf<{ target: string; status: string; last_error: string }>(
    q,
    sql`select distinct on (o.target) o.target, o.status, o.last_error from outbox o
        where o.destination = 'a2a' and o.status <> 'sent' and o.target in (${list(handles)}) and o.last_error is not null
          and not exists (select 1 from outbox s where s.destination = 'a2a' and s.target = o.target and s.status = 'sent' and s.id > o.id)
        order by o.target, o.id desc`,
  );
  for (const r of rows) out.set(r.target, { error: r.last_error, gaveUp: r.status === 'failed' });
  return out;
}
