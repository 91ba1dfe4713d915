// Scheduled work: node-cron jobs that only call use cases. The escalation sweep and the release of ended
// busy windows are safe to run in every copy at once (rows are claimed with FOR UPDATE SKIP LOCKED and the
// level is raised in the same transaction), so no leader election is needed for them.
import cron, { type ScheduledTask } from 'node-cron';
import { endBusyWindows } from '../app/agents.js';
import type { Deps } from '../app/context.js';
import { escalateDue } from '../app/escalation.js';
import type { Logger } from '../logger.js';

export interface Scheduler {
  /** One sweep now: ended busy windows, then stale tickets. */
  tick(): Promise<{ released: number; escalated: number }>;
  stop(): Promise<void>;
}

export function startScheduler(o: { deps: Deps; logger: Logger; escalationCron: string; timeZone: string; after?: () => void }): Scheduler {
  const { deps, logger } = o;
  let running: Promise<unknown> | null = null;

  async function tick() {
    const released = await endBusyWindows(deps);
    const escalated = await escalateDue(deps);
    const n = released.reduce((s, r) => s + r.assigned.length, 0);
    if (escalated.length || released.length) {
      logger.info({ escalated: escalated.length, released: released.map((r) => r.handle), assigned: n }, 'sweep');
      o.after?.();
    }
    return { released: n, escalated: escalated.length };
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
  ];

  return {
    tick,
    async stop() {
      for (const t of tasks) await t.stop();
      await running;
    },
  };
}
