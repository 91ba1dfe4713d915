// Delivers the outbox through a destination: in order per ticket, each row once in normal operation
// (claimed with FOR UPDATE SKIP LOCKED and leased, so several copies can run), retrying what the
// destination says may work later with backoff, honouring its Retry-After, pacing each channel, and
// keeping failed rows visible. Time is the injected clock's; the waits are real timers.
import type { Logger } from '../logger.js';
import { claimDue, markFailed, releaseClaims, scheduleRetry, type ClaimedMessage } from '../storage/outbox.js';
import type { Destination, SendOutcome } from './destination.js';
import { backoffMs, ROUND_BUDGET_MS, withDefaults, type DeliveryLoopOptions, type DeliverySettings } from './options.js';
import { DeliveryInstance } from './instance.js';
import { ChannelPacer } from './pacer.js';
import { Poller } from './poller.js';
import { SentLedger } from './sentLedger.js';

export type { DeliveryLoopOptions };

/** `done`: sent, or kept as failed; the channel goes on. `pause`: this row is rescheduled and the channel's later rows are handed back due at `restAt`. `defer`: not sent; this row and the later ones are handed back due at `at`. */
type Step = { kind: 'done' } | { kind: 'pause'; restAt: number } | { kind: 'defer'; at: number };
const DONE: Step = { kind: 'done' };
/** How long a row waits for the message it depends on (its original, its thread's parent) to be delivered. */
const DEPENDENCY_WAIT_MS = 1000;

/** One channel's share of a round: when it began, and how long it slept on pacing (which a clock standing still would not show). */
interface Round { start: number; slept: number }

const outcomeOf = (out: SendOutcome) => (out.kind === 'sent' ? 'ok' : out.kind === 'retry' && out.afterMs !== undefined ? 'rate_limited' : 'error');

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class DeliveryLoop {
  private readonly o: DeliverySettings;
  private readonly pacer: ChannelPacer;
  private readonly poller: Poller;
  private readonly ledger: SentLedger;
  /** Who this loop is to the other copies: its claims name it, its heartbeat keeps them its own. */
  readonly instance: DeliveryInstance;
  /** Rows retried or failed by this copy. */
  failures = 0;
  /** The one clock (ms): due times, leases, pacing and the round budget all read it. */
  private readonly now = () => this.o.clock.now().getTime();

  constructor(opts: DeliveryLoopOptions) {
    this.o = withDefaults(opts);
    this.pacer = new ChannelPacer(this.o.perChannel.perSecond, this.o.perChannel.burst);
    this.poller = new Poller({ round: () => this.deliverOnce(), pollMs: this.o.pollMs, now: this.now, logger: this.o.logger });
    this.ledger = new SentLedger({ database: this.o.database, now: this.now, logger: this.o.logger });
    this.instance = new DeliveryInstance({ database: this.o.database, logger: this.o.logger, now: this.now, ...this.o.instance });
  }

  /** Rows delivered and recorded as sent by this copy. */
  get delivered(): number {
    return this.ledger.delivered;
  }

  start(): void {
    this.instance.start();
    this.poller.start();
  }

  /** Stop claiming; finish what is in flight; leave (what is still held goes to the other copies at once). */
  async stop(): Promise<void> {
    await this.poller.stop();
    await this.instance.stop();
  }

  /** Look for work now (called after a use case commits). */
  kick(): void {
    this.poller.kick();
  }

  /** One round: claim due rows (the oldest pending row of each ticket) and deliver them. Returns rows handled. */
  async deliverOnce(): Promise<number> {
    await this.ledger.flush();
    // A copy that cannot renew its heartbeat claims nothing: the others may soon take it for dead.
    if (!(await this.instance.ready())) return 0;
    const now = this.now();
    const rows = await claimDue(this.o.database.db, { now: new Date(now), leaseUntil: new Date(now + this.o.leaseMs), limit: this.o.batch, instance: this.instance.id });
    // Channels are paced independently: each channel's rows in order, channels in parallel, and every
    // channel finishes (or fails) before the round ends, so that nothing of it is still in flight.
    const byChannel = new Map<string, ClaimedMessage[]>();
    for (const r of rows) {
      const key = `${r.destination}:${r.target ?? r.channel}`;
      byChannel.set(key, [...(byChannel.get(key) ?? []), r]);
    }
    const start = this.now();
    const results = await Promise.allSettled([...byChannel.values()].map((list) => this.deliverChannel(list, { start, slept: 0 })));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    return rows.length;
  }

  private elapsed(round: Round, now = this.now()): number {
    return Math.max(now - round.start, round.slept);
  }

  private async deliverChannel(list: ClaimedMessage[], round: Round): Promise<void> {
    for (let i = 0; i < list.length; i++) {
      // Slow answers: past the round's budget, the rest goes back (due now) rather than risk the lease.
      if (i > 0 && this.elapsed(round) > ROUND_BUDGET_MS) return this.release(list.slice(i), this.now());
      const step = await this.deliver(list[i]!, round);
      if (step.kind === 'done') continue;
      // Later rows of the same channel wait for a later round (their order matters within a ticket).
      const rest = list.slice(step.kind === 'defer' ? i : i + 1);
      if (rest.length) await this.release(rest, step.kind === 'defer' ? step.at : step.restAt);
      return;
    }
  }

  /** Hand claimed rows back, due at `at`, without counting the claim as an attempt. */
  private async release(rows: ClaimedMessage[], at: number): Promise<void> {
    this.poller.dueAt(at);
    await releaseClaims(this.o.database.db, rows.map((r) => r.id), new Date(at));
  }

  /** Deliver one row; anything but `done` pauses the channel for this round. */
  private async deliver(row: ClaimedMessage, round: Round, again = false): Promise<Step> {
    if (this.ledger.has(row)) {
      // Sent already (the lease ran out while the database was away): record, never send again.
      await this.ledger.record(row);
      return DONE;
    }
    // Heard from too long ago: another copy may be taking this row over; hand it back instead of racing it.
    if (!this.instance.alive()) return { kind: 'defer', at: this.now() };
    const destination = this.o.destinations[row.destination];
    if (!destination) return this.fail(row, `unknown_destination: no destination '${row.destination}'`);
    const route = await destination.route(row);
    if ('failed' in route) return this.fail(row, route.failed, destination);
    if ('wait' in route) {
      // Only this row waits: its ticket's later rows are not claimed before it, other tickets' rows go on.
      await this.release([row], this.now() + DEPENDENCY_WAIT_MS);
      return DONE;
    }
    for (;;) {
      const now = this.now();
      const wait = this.pacer.take(route.lane, now);
      if (wait === 0) break;
      if (this.elapsed(round, now) + wait > ROUND_BUDGET_MS) return { kind: 'defer', at: now + wait };
      round.slept += wait;
      await sleep(wait);
    }
    const start = this.now();
    const out = await destination.send(row, route.target, again);
    this.o.onCall(row.destination, row.destination === 'slack' ? (row.updatesKey ? 'chat.update' : 'chat.postMessage') : row.destination, outcomeOf(out));
    if (out.kind === 'retry' && !out.reached) this.pacer.refund(route.lane);
    else this.pacer.answered(route.lane, start, this.now());
    const log = this.o.logger.child({ outbox: row.id, ticket: row.ticketKey ?? undefined });
    switch (out.kind) {
      case 'again':
        return this.deliver(row, round, true);
      case 'retry':
        return this.retry(row, route.lane, out, log, destination);
      case 'failed':
        log.error({ error: out.error, channel: route.lane }, 'delivery refused; kept as failed');
        return this.fail(row, out.error, destination);
      case 'sent':
        await this.ledger.record(row, out.receipt);
        return DONE;
    }
  }

  private async retry(row: ClaimedMessage, lane: string, out: Extract<SendOutcome, { kind: 'retry' }>, log: Logger, destination: Destination): Promise<Step> {
    const now = this.now();
    if (out.afterMs !== undefined) {
      this.pacer.block(lane, now + out.afterMs);
      log.warn({ retryAfter: out.afterMs / 1000 }, 'rate limited; retrying after Retry-After');
      await this.reschedule(row, now + out.afterMs, out.error, false);
      return { kind: 'pause', restAt: now + out.afterMs };
    }
    if (row.attempts >= this.o.maxAttempts) return this.fail(row, `gave up after ${row.attempts} attempts: ${out.error}`, destination);
    log.warn({ err: out.error, attempt: row.attempts }, 'delivery failed; will retry');
    const wait = destination.backoffMs ? destination.backoffMs(row.attempts) : backoffMs(row.attempts, this.o.retryBaseMs, this.o.retryMaxMs);
    await this.reschedule(row, now + wait, out.error, true);
    return { kind: 'pause', restAt: this.now() };
  }

  private async reschedule(row: ClaimedMessage, at: number, error: string, countAttempt: boolean): Promise<void> {
    this.failures++;
    this.poller.dueAt(at);
    await scheduleRetry(this.o.database.db, row.id, { dueAt: new Date(at), error, countAttempt });
  }

  /** Kept as failed for good: by the destination when it acts on that (with what follows, in one transaction), else here. */
  private async fail(row: ClaimedMessage, error: string, destination?: Destination): Promise<Step> {
    this.failures++;
    if (destination?.gaveUp) await destination.gaveUp(row, error);
    else await markFailed(this.o.database.db, row.id, error);
    return DONE;
  }
}
