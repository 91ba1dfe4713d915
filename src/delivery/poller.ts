// Runs rounds one after another: at once while a round finds work, otherwise after an idle wait that
// ends at the poll interval, at the earliest time something was said to fall due, or on a kick.
import type { Logger } from '../logger.js';

export class Poller {
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  /** Earliest due time (clock ms) announced with `dueAt`. */
  private wakeAt = Infinity;

  constructor(private readonly o: { round: () => Promise<number>; pollMs: number; now: () => number; logger: Logger }) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stop starting rounds; finish the one in flight. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /** Look for work now. */
  kick(): void {
    this.wake?.();
  }

  /** Something falls due at `at` (clock ms): the idle wait ends there at the latest. */
  dueAt(at: number): void {
    this.wakeAt = Math.min(this.wakeAt, at);
  }

  private async run(): Promise<void> {
    while (this.running) {
      let n = 0;
      const roundAt = this.o.now();
      try {
        n = await this.o.round();
      } catch (e) {
        this.o.logger.warn({ err: String(e) }, 'outbox round failed');
      }
      if (n === 0 && this.running) {
        if (this.wakeAt <= roundAt) this.wakeAt = Infinity;
        const idle = Math.min(this.o.pollMs, Math.max(0, this.wakeAt - this.o.now()));
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, idle);
          this.wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        this.wake = null;
      }
    }
  }
}
