// Scheduled work: node-cron jobs that only call use cases. Every copy runs them; the database makes each
// act once: the escalation sweep claims due tickets with FOR UPDATE SKIP LOCKED and raises the level in
// the same transaction as its messages; the briefing claims its slot (job, minute) in the schedule_runs
// table in the same transaction that writes the briefing; retention claims its hour the same way, then
// deletes in small batches.
import cron, { type ScheduledTask } from 'node-cron';
import { endBusyWindows, releaseWaitingWork } from '../app/agents.js';
import type { Deps } from '../app/context.js';
import { escalateDue } from '../app/escalation.js';
import { checkHeartbeats, takeBackUnacknowledged } from '../app/liveness.js';
import { followA2aTasks } from '../app/a2aFollow.js';
import { sendBriefing } from '../app/briefing.js';
import { pruneExpired, type Pruned, type RetentionOptions } from '../app/retention.js';
import { slotOf } from '../core/briefing.js';
import type { Logger } from '../logger.js';

export interface Scheduler {
  /** One sweep now: ended busy windows, assignments not acknowledged in time, silent agents, stale tickets, then retention (once an hour across copies). */
  tick(): Promise<{ released: number; escalated: number; takenBack: number; pruned: Pruned | null }>;
  /** The briefing for the slot of this minute (sent once across copies). */
  brief(): Promise<{ sent: boolean; agents: string[] }>;
  stop(): Promise<void>;
}

export function startScheduler(o: {
  deps: Deps;
  logger: Logger;
  escalationCron: string;
  briefingCron: string;
  timeZone: string;
  after?: () => void;
  retention?: RetentionOptions;
}): Scheduler {
  const { deps, logger } = o;
  let running: Promise<unknown> | null = null;

  async function tick() {
    const released = await endBusyWindows(deps);
    const caughtUp = await releaseWaitingWork(deps);
    const unacknowledged = await takeBackUnacknowledged(deps);
    const heartbeats = await checkHeartbeats(deps);
    const escalated = await escalateDue(deps);
    // A2A tasks are read (tasks/get) on every sweep: the only news without BATON_PUBLIC_URL, a safety net with it.
    const followed = await followA2aTasks(deps, { onError: (row, e) => logger.warn({ err: String(e), ticket: row.ticketKey, agent: row.agent }, 'reading an A2A task failed; next sweep retries') });
    if (followed) o.after?.();
    const n = released.reduce((s, r) => s + r.assigned.length, 0) + caughtUp.length;
    const takenBack = unacknowledged.length + heartbeats.takenBack.length;
    if (escalated.length || released.length || caughtUp.length || takenBack || heartbeats.silent.length) {
      logger.info({ escalated: escalated.length, released: released.map((r) => r.handle), assigned: n, unacknowledged, silent: heartbeats.silent, takenBack: heartbeats.takenBack }, 'sweep');
      o.after?.();
    }
    const pruned = await pruneExpired(deps, o.retention);
    if (pruned && Object.values(pruned).some((c) => c > 0)) logger.info({ pruned }, 'retention');
    return { released: n, escalated: escalated.length, takenBack, pruned };
  }

  async function brief() {
    const r = await sendBriefing(deps, slotOf(deps.clock.now()));
    if (r.sent) {
      logger.info({ agents: r.agents }, 'daily briefing');
      o.after?.();
    }
    return r;
  }

  const tasks: ScheduledTask[] = [
    cron.schedule(
      o.escalationCron,
      async () => {
        if (running) return; // a slow sweep is not run twice at once
        running = tick().catch((e) => logger.warn({ err: String(e) }, 'sweep failed; next run retries'));
        try {
          await running;
        } finally {
          running = null;
        }
      },
      { timezone: o.timeZone, name: 'escalation-sweep', noOverlap: true },
    ),
    cron.schedule(
      o.briefingCron,
      async () => {
        await brief().catch((e) => logger.warn({ err: String(e) }, 'briefing failed'));
      },
      { timezone: o.timeZone, name: 'daily-briefing', noOverlap: true },
    ),
  ];

  return {
    tick,
    brief,
    async stop() {
      for (const t of tasks) await t.stop();
      await running;
    },
  };
}
