// Baton's Home tab: what it shows a user, published when they open it and, debounced per user, when
// something it shows changes. Each publish is an outbox row for the 'home' destination, rendered from
// the database when it is delivered: the changes of a few seconds become one publish of the latest state.
import { isAdmin, user as userPrincipal } from '../core/permissions.js';
import { inZone } from '../core/zone.js';
import type { Agent, Ticket } from '../core/types.js';
import { agentsByUser } from '../storage/agents.js';
import {
  activeOf,
  filedBy,
  heldFor,
  heldTickets,
  HOME_DESTINATION,
  queueFigures,
  recordHomeOpened,
  type A2aFailing,
  type Cut,
  type QueueFigures,
} from '../storage/home.js';
import { enqueue } from '../storage/outbox.js';
import { countActive } from '../storage/tickets.js';
import { noteHomeUser } from './homeRefresh.js';
import { rosterWithLoad } from './agents.js';
import { inTransaction, type Deps } from './context.js';
import type { WebhookStatus } from './webhooks.js';

export { HOME_DESTINATION };

/** How many of each list the Home shows before "and N more" (its 100 blocks are the limit). */
export const HOME_LIMITS = { active: 8, held: 10, filed: 10, team: 40, queue: 10 } as const;

export interface TeamMember extends Agent {
  active: number;
  webhook?: WebhookStatus;
  /** Its A2A messages are failing: the last error, and whether it was refused for good. */
  a2aFailing?: A2aFailing;
}

export interface HomeData {
  user: string;
  /** The agents that are this user (their work is "Your work"). */
  agents: Array<Agent & { active: number }>;
  work: { active: Cut<Ticket>; held: Cut<Ticket> } | null;
  filed: { open: Cut<Ticket>; resolved: Cut<Ticket> };
  /** For admins only. */
  team: TeamMember[] | null;
  queues: { figures: QueueFigures; held: Cut<Ticket>; days: Date[] } | null;
}

/** Days the Queues sparklines cover. */
export const SPARK_DAYS = 14;

/** The boundaries of the last `n` days in `timeZone` (local midnights, oldest first), ending just after `now`. */
export function dayBoundaries(now: Date, timeZone: string, n: number): Date[] {
  const today = inZone(now, timeZone).startOf('day');
  const out: Date[] = [];
  for (let i = n - 1; i >= 0; i--) out.push(today.minus({ days: i }).toJSDate());
  out.push(new Date(now.getTime() + 1));
  return out;
}

/** What `user`'s Home shows now. */
export async function homeOf(deps: Deps, user: string): Promise<HomeData> {
  const db = deps.database.db;
  const now = deps.clock.now();
  const mine = await agentsByUser(db, user);
  const handles = mine.map((a) => a.handle);
  const active = await activeOf(db, handles, HOME_LIMITS.active);
  // An admin's Team has every agent's load already: their own agents' load is read from it.
  const team: TeamMember[] | null = isAdmin(userPrincipal(user), deps.policy) ? await rosterWithLoad(deps) : null;
  const load = team ? new Map(team.map((a) => [a.handle, a.active])) : handles.length ? await countActive(db, handles) : new Map<string, number>();
  const work = handles.length
    ? { active, held: await heldFor(db, handles, [...new Set(mine.flatMap((a) => a.skills))], HOME_LIMITS.held) }
    : null;
  const weekAgo = new Date(now.getTime() - 7 * 86_400_000);
  const filed = await filedBy(db, user, weekAgo, HOME_LIMITS.filed);
  let queues: HomeData['queues'] = null;
  const agents = mine.map((a) => ({ ...a, active: load.get(a.handle) ?? 0 }));
  if (team) {
    const days = dayBoundaries(now, deps.timeZone, SPARK_DAYS);
    const today = days[days.length - 2]!;
    queues = { figures: await queueFigures(db, { today, weekAgo, days }), held: await heldTickets(db, HOME_LIMITS.queue), days };
  }
  return { user, agents, work, filed, team, queues };
}

/** `user` opened the Home tab: remember them (their Home follows changes from now on) and publish it now. */
export async function openHome(deps: Deps, user: string, o: { requestKey?: string } = {}): Promise<void> {
  await inTransaction(
    deps,
    async (uow) => {
      await recordHomeOpened(uow.tx, user, uow.now);
      noteHomeUser(deps.database, uow.now);
      await enqueue(
        uow.tx,
        [{ ticketKey: null, idempotencyKey: `home:${user}:open:${uow.now.getTime()}`, channel: user, text: 'Home', destination: HOME_DESTINATION, target: user }],
        uow.now,
      );
    },
    o.requestKey ? { requestKey: o.requestKey } : {},
  );
}

