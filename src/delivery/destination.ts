// A destination knows how to send one outbox row and what its answer means; claiming, leasing,
// ordering per ticket, pacing, backoff and recording are the delivery loop's, the same for every
// destination. The Slack Web API is the first (slackDestination.ts), agents' webhooks the second (webhookDestination.ts).
//
// Each outbox row names its destination (`destination` column, default 'slack'; `target` and `payload`
// for what is not a Slack message) and the loop picks it from its `destinations` map by that kind. A row
// whose kind the loop does not know is kept as failed. Rows of one ticket are delivered in order per
// destination and target; each destination paces its own lanes (Slack: a channel; a webhook: an agent).
import type { ClaimedMessage, Receipt } from '../storage/outbox.js';

export type { ClaimedMessage, Receipt };

/**
 * Where a row goes now. `lane` is paced on its own (for Slack, the channel posted to). `wait`: it depends on a
 * message not delivered yet (an edit of it, a reply in its thread): it alone is handed back for a later
 * round, without counting an attempt.
 */
export type Route<T> = { lane: string; target: T } | { failed: string } | { wait: string };

export type SendOutcome =
  | { kind: 'sent'; receipt: Receipt }
  /**
   * Not sent; try again later. `afterMs` when the destination said how long to wait (a 429's
   * Retry-After): the lane waits that long too and the try is not counted as an attempt; otherwise
   * the loop backs off. `reached: false` when the try never reached the destination's rate limiter.
   */
  | { kind: 'retry'; error: string; afterMs?: number; reached: boolean }
  /** Refused for good: kept as failed with this error. */
  | { kind: 'failed'; error: string }
  /** The destination fixed what stood in the way (Slack: joined the channel): send once more, now. */
  | { kind: 'again' };

export interface Destination<T = unknown> {
  route(row: ClaimedMessage): Promise<Route<T>>;
  /** Sends once. `again` is true on the second try after an `again` outcome, which must not ask for a third. */
  send(row: ClaimedMessage, target: T, again: boolean): Promise<SendOutcome>;
  /** The wait before retrying a row after its `attempts`-th try failed; the loop's backoff when absent. */
  backoffMs?(attempts: number): number;
  /**
   * The row failed for good (refused, or retried until the loop or the destination gave up): the destination keeps
   * it as failed with `error` itself, in one transaction with what follows from it (an A2A agent's ticket is taken
   * back). Absent: the loop marks it failed.
   */
  gaveUp?(row: ClaimedMessage, error: string): Promise<void>;
}
