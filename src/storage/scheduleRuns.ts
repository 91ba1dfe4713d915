// Scheduled runs: a (job, slot) row claimed once across every copy of Baton.
import { and, desc, eq, ne } from 'drizzle-orm';
import type { Queryable } from './db.js';
import { scheduleRuns } from './schema.js';

/** Claim the slot of a job; false when another copy (or an earlier run) already has it. */
export async function claimSlot(q: Queryable, job: string, slot: string, at: Date): Promise<boolean> {
  const claimed = await q.insert(scheduleRuns).values({ job, slot, at }).onConflictDoNothing().returning();
  return claimed.length > 0;
}

/** When the job last ran in another slot than this one; null when it never did. */
export async function previousRunAt(q: Queryable, job: string, slot: string): Promise<Date | null> {
  const [prev] = await q
    .select({ at: scheduleRuns.at })
    .from(scheduleRuns)
    .where(and(eq(scheduleRuns.job, job), ne(scheduleRuns.slot, slot)))
    .orderBy(desc(scheduleRuns.at))
    .limit(1);
  return prev?.at ?? null;
}
