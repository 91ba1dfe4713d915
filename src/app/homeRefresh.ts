// Which Homes a committed change makes stale, and when they are published again: at the end of the
// change's debounce window, once per user however many changes that window saw (see home.ts).
import type { AgentEventNote } from '../core/agentEvents.js';
import type { Tx } from '../storage/db.js';
import { anyHomeUsers, queueHomeRefresh, type HomeTouch } from '../storage/home.js';
import type { OutboundMessage } from '../storage/outbox.js';

/** At most one publish of a user's Home per this many milliseconds when things change (default 3 s). */
export const HOME_DEBOUNCE_MS = 3000;

/** The end of the debounce window `now` falls in: every change of that window is published then, once. */
export function debouncedDue(now: Date, windowMs: number): Date {
  const w = Math.max(1, windowMs);
  return new Date((Math.floor(now.getTime() / w) + 1) * w);
}

/**
 * Whether anyone has opened the Home, as last read, per database: while nobody has, commits skip the refresh
 * statement. Read again every `HOME_USERS_RECHECK_MS`; set at once when someone opens it through this process.
 */
const homeUsersSeen = new WeakMap<object, { any: boolean; at: number }>();
export const HOME_USERS_RECHECK_MS = 5000;

/** Someone opened the Home through this process: refreshes start at once. */
export function noteHomeUser(database: object, now: Date): void {
  homeUsersSeen.set(database, { any: true, at: now.getTime() });
}

async function anyoneHasHome(tx: Tx, database: object, now: Date): Promise<boolean> {
  const seen = homeUsersSeen.get(database);
  if (seen?.any) return true; // users who opened the Home are never forgotten
  if (seen && now.getTime() - seen.at < HOME_USERS_RECHECK_MS) return false;
  const any = await anyHomeUsers(tx);
  homeUsersSeen.set(database, { any, at: now.getTime() });
  return any;
}

/** What a use case did that App Home may show: its messages, its agents' events, what its trail touched. */
export interface HomeChanges {
  messages: readonly OutboundMessage[];
  agentEvents: readonly AgentEventNote[];
  touched: { tickets: readonly string[]; handles: readonly string[]; everyAdmin: boolean };
}

/**
 * Called at the end of every use case's transaction: the Homes that show what it touched (its tickets,
 * the agents it posted to or told, the roster) are published again at the end of the debounce window.
 * `now`: the clock as the transaction ends; `at`: the transaction's time.
 */
export async function refreshHomes(tx: Tx, c: HomeChanges, o: { database: object; admins: readonly string[]; now: Date; at: Date; debounceMs?: number }): Promise<void> {
  const tickets = new Set<string>(c.touched.tickets);
  const channels = new Set<string>();
  const handles = new Set<string>(c.touched.handles);
  for (const m of c.messages) {
    if (m.ticketKey) tickets.add(m.ticketKey);
    if (m.editsHomeOf) tickets.add(m.editsHomeOf);
    if (m.channel) channels.add(m.channel);
  }
  for (const n of c.agentEvents) {
    tickets.add(n.ticketKey);
    handles.add(n.agent);
  }
  const touch: HomeTouch = { tickets: [...tickets], channels: [...channels], handles: [...handles], admins: o.admins, everyAdmin: c.touched.everyAdmin };
  if (!touch.tickets.length && !touch.channels.length && !touch.handles.length && !touch.everyAdmin) return;
  if (!(await anyoneHasHome(tx, o.database, o.now))) return;
  await queueHomeRefresh(tx, touch, { due: debouncedDue(o.now, o.debounceMs ?? HOME_DEBOUNCE_MS), now: o.at });
}
