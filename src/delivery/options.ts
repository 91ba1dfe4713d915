// The delivery loop's settings and their defaults.
import type { Clock } from '../core/clock.js';
import type { Logger } from '../logger.js';
import type { Database } from '../storage/db.js';
import type { Destination } from './destination.js';

export interface DeliveryLoopOptions {
  database: Database;
  /** Destinations by kind (the outbox row's `destination`): 'slack' → the Slack destination, … */
  destinations: Record<string, Destination>;
  clock: Clock;
  logger: Logger;
  /** Rows claimed per round. */
  batch?: number;
  /** How long a claimed row is reserved for this copy before another may retry it. */
  leaseMs?: number;
  /** Idle poll interval. */
  pollMs?: number;
  /** Per-channel pacing: steady rate and burst. */
  perChannel?: { perSecond: number; burst: number };
  /** Give up after this many attempts (the row stays, status failed). Default: never — a message is retried until the destination accepts or refuses it for good. */
  maxAttempts?: number;
  /** Backoff of retries: retryBaseMs × 2^attempt (±25 %), at most retryMaxMs. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /**
   * This process's delivery instance: `name` stable across restarts (host and port), so a restarted
   * process takes back its predecessor's rows at once; its heartbeat period and how long a silent
   * instance is still taken for alive.
   */
  instance?: { name?: string; heartbeatMs?: number; staleMs?: number };
  /** Told of every call to a destination: its kind, the method (Slack: chat.postMessage or chat.update) and what came of it. */
  onCall?: (destination: string, method: string, outcome: 'ok' | 'error' | 'rate_limited') => void;
}

export type DeliverySettings = Required<DeliveryLoopOptions>;

export function withDefaults(o: DeliveryLoopOptions): DeliverySettings {
  return {
    batch: 20,
    leaseMs: 60_000,
    pollMs: 250,
    maxAttempts: Number.POSITIVE_INFINITY,
    retryBaseMs: 500,
    retryMaxMs: 60_000,
    instance: {},
    onCall: () => {},
    ...o,
    perChannel: o.perChannel ?? { perSecond: 1, burst: 3 },
  };
}

/**
 * How long one round may spend on a channel, waiting on pacing included. Rows of a channel that would
 * wait longer are handed back with their due time, so one busy (or rate-limited) channel never holds up
 * the rounds that deliver every other channel, and a round never outlives its lease.
 */
export const ROUND_BUDGET_MS = 1000;

/** The wait before retry number `attempts`; `jitter` in [0, 1) spreads it ±25 %. */
export function backoffMs(attempts: number, baseMs: number, maxMs: number, jitter = Math.random()): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(attempts, 7)) * (0.75 + jitter * 0.5);
}
