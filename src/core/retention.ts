// How long what only exists to make things happen once is kept. Tickets and the audit trail are kept for good.

/** Slack retries a request for minutes and API clients for hours at most: a week is far past any of them. */
export const REQUEST_KEY_RETENTION_SEC = 7 * 86400;
/** Schedule runs (which copy sent which briefing): long past any "since the last briefing". */
export const SCHEDULE_RUN_RETENTION_SEC = 90 * 86400;
/** Delivered messages, unless `OUTBOX_RETENTION` says otherwise. */
export const DEFAULT_OUTBOX_RETENTION_SEC = 30 * 86400;

export interface RetentionCutoffs {
  /** Processed Slack request keys and API idempotency answers recorded before this go. */
  requestKeys: Date;
  /** Delivered outbox rows sent before this go. */
  messages: Date;
  /** Schedule runs before this go. */
  scheduleRuns: Date;
}

export function retentionCutoffs(now: Date, outboxRetentionSec: number = DEFAULT_OUTBOX_RETENTION_SEC): RetentionCutoffs {
  const ago = (sec: number) => new Date(now.getTime() - sec * 1000);
  return { requestKeys: ago(REQUEST_KEY_RETENTION_SEC), messages: ago(outboxRetentionSec), scheduleRuns: ago(SCHEDULE_RUN_RETENTION_SEC) };
}

/** Retention runs once an hour across every copy: the slot of the hour `now` is in (UTC). */
export function retentionSlot(now: Date): string {
  return now.toISOString().slice(0, 13);
}
