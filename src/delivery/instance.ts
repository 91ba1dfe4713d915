// This process's delivery instance: registered when the loop first runs, its heartbeat renewed on its own
// timer (a slow send never delays it), and, on each beat, the rows of instances that stopped beating
// handed back to the queue. A process restarted on the same host and port (or any process on the
// embedded database, which allows one) takes its predecessor's rows back as it registers.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Logger } from '../logger.js';
import type { Database } from '../storage/db.js';
import { heartbeat, reclaimOrphans, registerInstance, unregisterInstance } from '../storage/deliveryInstances.js';

export interface InstanceOptions {
  database: Database;
  logger: Logger;
  /** The clock (ms) that outbox due times are written in. */
  now: () => number;
  /** Host and port, stable across restarts (default: host and the instance id, which never repeats). */
  name?: string;
  /** How often the heartbeat is renewed. */
  heartbeatMs?: number;
  /** An instance not heard from for this long is dead: its rows are handed back. */
  staleMs?: number;
}

/** The instances of this process (several loops may share one embedded database in one process). */
const inThisProcess = new Set<string>();

export const HEARTBEAT_MS = 2000;
export const STALE_MS = 8000;

export class DeliveryInstance {
  readonly id = randomUUID();
  readonly name: string;
  private readonly heartbeatMs: number;
  private readonly staleMs: number;
  private registered: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private beating: Promise<void> | null = null;
  /** When the heartbeat was last written (monotonic ms), -Infinity before. */
  private lastBeat = Number.NEGATIVE_INFINITY;

  constructor(private readonly o: InstanceOptions) {
    this.name = o.name ?? `${os.hostname()}:${this.id}`;
    this.heartbeatMs = o.heartbeatMs ?? HEARTBEAT_MS;
    this.staleMs = o.staleMs ?? STALE_MS;
  }

  /** Renew the heartbeat on a timer (and reclaim the rows of dead instances) until `stop()`. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.beat(), this.heartbeatMs);
    this.timer.unref();
  }

  /**
   * Ready to claim: registered, and heard from recently enough that no other copy can take this one
   * for dead while it sends (half the stale time). Without the timer (a loop driven round by round),
   * beats here when a beat is due.
   */
  async ready(): Promise<boolean> {
    try {
      this.registered ??= this.register();
      await this.registered;
    } catch (e) {
      this.registered = null;
      throw e;
    }
    if (!this.timer && performance.now() - this.lastBeat >= this.heartbeatMs) await this.beat();
    return this.alive();
  }

  /** Whether this instance's claims are still its own (its heartbeat is fresh). */
  alive(): boolean {
    return performance.now() - this.lastBeat < this.staleMs / 2;
  }

  /** Stop beating and leave; what this instance still held is due at once for the others. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.beating;
    inThisProcess.delete(this.id);
    if (!this.registered) return;
    await unregisterInstance(this.o.database.db, { id: this.id, dueAt: new Date(this.o.now()) }).catch((e: unknown) =>
      this.o.logger.warn({ err: String(e) }, 'could not unregister the delivery instance; its rows return after its heartbeat goes stale'),
    );
  }

  private async register(): Promise<void> {
    const started = performance.now();
    inThisProcess.add(this.id);
    const alongside = [...inThisProcess].filter((id) => id !== this.id);
    await registerInstance(this.o.database.db, { id: this.id, name: this.name, alone: this.o.database.kind === 'pglite', alongside });
    this.lastBeat = started;
    const n = await reclaimOrphans(this.o.database.db, { staleMs: this.staleMs, dueAt: new Date(this.o.now()) });
    if (n) this.o.logger.info({ rows: n }, 'took over outbox rows left in flight by a stopped process');
  }

  private beat(): Promise<void> {
    this.beating ??= (async () => {
      const started = performance.now();
      try {
        await heartbeat(this.o.database.db, { id: this.id, name: this.name });
        this.lastBeat = started;
        const n = await reclaimOrphans(this.o.database.db, { staleMs: this.staleMs, dueAt: new Date(this.o.now()) });
        if (n) this.o.logger.warn({ rows: n }, 'took over outbox rows of a copy that stopped answering');
      } catch (e) {
        this.o.logger.warn({ err: String(e) }, 'delivery heartbeat failed');
      } finally {
        this.beating = null;
      }
    })();
    return this.beating;
  }
}
