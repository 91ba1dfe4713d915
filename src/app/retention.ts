// Retention: once an hour, across every copy, the sweep deletes processed request keys, stored API answers,
// delivered messages and schedule runs past their time. Not one transaction like the other use cases, on
// purpose: each batch is its own short statement, so filings never wait behind a long delete.
import { retentionCutoffs, retentionSlot } from '../core/retention.js';
import { pruneBatch, type PrunedKind } from '../storage/retention.js';
import { claimSlot } from '../storage/scheduleRuns.js';
import type { Deps } from './context.js';

export interface RetentionOptions {
  /** Rows per statement (default 500). */
  batchSize?: number;
  /** Statements per kind in one pass (default 1,000); what is left goes in the next hour's pass. */
  maxBatches?: number;
}

export type Pruned = Record<PrunedKind, number>;

/** One retention pass, if no copy ran it this hour; null when another copy (or an earlier sweep) has. */
export async function pruneExpired(deps: Deps, o: RetentionOptions = {}): Promise<Pruned | null> {
  const now = deps.clock.now();
  if (!(await claimSlot(deps.database.db, 'retention', retentionSlot(now), now))) return null;
  const cut = retentionCutoffs(now, deps.outboxRetentionSec);
  const batchSize = o.batchSize ?? 500;
  const maxBatches = o.maxBatches ?? 1000;
  const plan: Array<[PrunedKind, Date]> = [
    ['requestKeys', cut.requestKeys],
    ['apiAnswers', cut.requestKeys],
    ['messages', cut.messages],
    ['scheduleRuns', cut.scheduleRuns],
  ];
  const pruned: Pruned = { requestKeys: 0, apiAnswers: 0, messages: 0, scheduleRuns: 0 };
  for (const [kind, before] of plan) {
    for (let i = 0; i < maxBatches; i++) {
      const n = await pruneBatch(deps.database.db, kind, before, batchSize);
      pruned[kind] += n;
      if (n < batchSize) break;
      // Let waiting work (a filing, a delivery) in between two batches.
      await new Promise((r) => setImmediate(r));
    }
  }
  return pruned;
}
