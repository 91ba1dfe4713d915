// What a test makes go wrong: queued failures per method, the whole API down, a per-channel rate limit on
// chat.postMessage, and delayed answers that closing the fake cuts short.
import type { FailureSpec, RateLimitSpec } from './types.js';

interface PendingFailure {
  spec: FailureSpec;
  remaining: number;
}

interface Bucket {
  tokens: number;
  updated: number;
}

export class Faults {
  isDown = false;
  private failures = new Map<string, PendingFailure[]>();
  private limit: Required<RateLimitSpec> | undefined;
  private buckets = new Map<string, Bucket>();
  private sleepers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();

  /** Queue `spec` for the next `times` calls of `method` (`'*'` any API method, `'response_url'`). */
  fail(method: string, spec: FailureSpec, times: number): void {
    const queue = this.failures.get(method) ?? [];
    queue.push({ spec, remaining: times });
    this.failures.set(method, queue);
  }

  clearFailures(): void {
    this.failures.clear();
  }

  /** The failure for this call of `method`, if one is queued (uses it up). */
  take(method: string): FailureSpec | undefined {
    const queue = this.failures.get(method);
    const head = queue?.[0];
    if (!queue || !head) return undefined;
    head.remaining -= 1;
    if (head.remaining <= 0) queue.shift();
    return head.spec;
  }

  rateLimit(spec: RateLimitSpec | undefined): void {
    this.limit = spec ? { perSecond: spec.perSecond, burst: spec.burst ?? 1 } : undefined;
    this.buckets.clear();
  }

  /** Empty every channel's token bucket history. */
  resetBuckets(): void {
    this.buckets.clear();
  }

  /** Undefined when a chat.postMessage into `channel` is allowed now, else the Retry-After seconds. */
  retryAfter(channel: string): number | undefined {
    const limit = this.limit;
    if (!limit) return undefined;
    const now = Date.now();
    const bucket = this.buckets.get(channel) ?? { tokens: limit.burst, updated: now };
    bucket.tokens = Math.min(limit.burst, bucket.tokens + ((now - bucket.updated) / 1000) * limit.perSecond);
    bucket.updated = now;
    this.buckets.set(channel, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / limit.perSecond));
  }

  /** A delay that {@link wakeAll} ends early. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const sleeper = {
        resolve,
        timer: setTimeout(() => {
          this.sleepers.delete(sleeper);
          resolve();
        }, ms),
      };
      this.sleepers.add(sleeper);
    });
  }

  wakeAll(): void {
    for (const sleeper of this.sleepers) {
      clearTimeout(sleeper.timer);
      sleeper.resolve();
    }
    this.sleepers.clear();
  }
}
