// Per-channel pacing, kept apart from time: every method is told the time (ms), nothing reads a clock.

/**
 * Per-channel pacing as a GCRA (the token bucket Slack applies: `burst` at once, then `perSecond`).
 * A slot is reserved when a post starts (so concurrent posts to one channel are counted), and the
 * post is counted as late as its answer came back: Slack saw it somewhere between the two, so the
 * pace never runs ahead of Slack's bucket whatever the latency.
 */
export class ChannelPacer {
  private channels = new Map<string, { tat: number; blockedUntil: number }>();
  private readonly interval: number;
  private readonly tolerance: number;
  constructor(perSecond: number, burst: number) {
    this.interval = 1000 / perSecond;
    this.tolerance = (Math.max(1, burst) - 1) * this.interval;
  }

  private state(channel: string) {
    let c = this.channels.get(channel);
    if (!c) {
      c = { tat: -Infinity, blockedUntil: 0 };
      this.channels.set(channel, c);
    }
    return c;
  }

  /** ms to wait before the next post in this channel (0 = go now, and the slot is reserved). */
  take(channel: string, now: number): number {
    const c = this.state(channel);
    const at = Math.max(c.blockedUntil, c.tat - this.tolerance);
    if (now < at) return Math.ceil(at - now);
    c.tat = Math.max(c.tat, now) + this.interval;
    return 0;
  }

  /** The post reserved at `start` was answered at `end`. */
  answered(channel: string, start: number, end: number): void {
    this.state(channel).tat += Math.max(0, end - start);
  }

  /** The post never reached Slack's limiter (network error, 5xx): give its slot back. */
  refund(channel: string): void {
    this.state(channel).tat -= this.interval;
  }

  /** Slack said 429: nothing before `until`, then one post, then the steady rate. */
  block(channel: string, until: number): void {
    const c = this.state(channel);
    c.blockedUntil = Math.max(c.blockedUntil, until);
    c.tat = Math.max(c.tat, until + this.tolerance);
  }
}
