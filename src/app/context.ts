// What every use case receives, and the unit of work that keeps state, audit and outbound messages in one transaction.
import type { Clock } from '../core/clock.js';
import type { AgentEventNote, AgentEventType } from '../core/agentEvents.js';
import type { Policy } from '../core/permissions.js';
import type { Database, Tx } from '../storage/db.js';
import { appendAudit, type NewAuditEvent } from '../storage/audit.js';
import { enqueue, type OutboundMessage } from '../storage/outbox.js';
import { recordRequest } from '../storage/requests.js';
import { storePending, type AnswerSubject } from '../storage/idempotency.js';
import { hasWebhook } from '../storage/webhooks.js';
import { agentEventMessages } from './agentEvents.js';
import type { A2aPort } from './a2aPort.js';
import type { Ticket } from '../core/types.js';
import type { Renderer } from './renderer.js';
import { refreshHomes } from './homeRefresh.js';

/** What a committed use case did that operators count (metrics): the ticket as it stands after it. */
export type Happening =
  | { kind: 'filed' | 'accepted' | 'resolved'; ticket: Ticket }
  | { kind: 'escalated'; ticket: Ticket; level: number }
  | { kind: 'rate_limited'; via: 'api' | 'mcp' };

export interface Deps {
  database: Database;
  clock: Clock;
  policy: Policy;
  render: Renderer;
  timeZone: string;
  defaultTicketType: string;
  escalationsChannel: string | null;
  /** At most this many handoffs in a row from one ticket (`HANDOFF_DEPTH_LIMIT`, default 8). */
  handoffDepthLimit?: number;
  /** How many times an exhausted escalation chain starts again (`ESCALATION_REPEAT`, default 0). */
  escalationRepeat?: number;
  /** Per-token budget of API and MCP calls (`API_RATE_LIMIT`); absent or null: not limited. */
  apiRateLimit?: { perSecond: number; burst: number } | null;
  /** Encrypts webhook signing secrets at rest (`BATON_SECRET_KEY`); absent or null: stored as they are. */
  secretKey?: string | null;
  /** How long delivered outbox rows are kept, in seconds (`OUTBOX_RETENTION`, default 30 days). */
  outboxRetentionSec?: number;
  /** Talks to A2A agents (reads cards); absent: `a2a:` is refused. */
  a2a?: A2aPort;
  /** Baton's public base URL (`BATON_PUBLIC_URL`): A2A agents push task updates to it; absent: tasks are polled. */
  publicUrl?: string | null;
  /** At most one publish of a user's Home per this many ms when what it shows changes (default 3000). */
  homeDebounceMs?: number;
  /** Told what each use case did, once its transaction has committed (metrics). */
  observe?: (h: Happening[]) => void;
  /** Use cases running now: a graceful stop waits for them before it closes the database. */
  inFlight?: InFlight;
}

/** Counts the use cases running, so that a stop can wait until none is (each one's transaction commits or rolls back whole). */
export class InFlight {
  private running = 0;
  private waiters: Array<() => void> = [];

  async run<T>(fn: () => Promise<T>): Promise<T> {
    this.running++;
    try {
      return await fn();
    } finally {
      this.running--;
      if (this.running === 0) for (const w of this.waiters.splice(0)) w();
    }
  }

  /** Resolves when nothing runs, or after `ms` at most; true when nothing runs. */
  async idle(ms: number): Promise<boolean> {
    if (this.running === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const done = await Promise.race([
      new Promise<boolean>((r) => this.waiters.push(() => r(true))),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms))),
    ]);
    clearTimeout(timer);
    return done;
  }
}

/** How a use case runs: the Slack request or API idempotency key it acts on once, and the door an agent came through. */
export interface TxOptions {
  requestKey?: string;
  via?: 'api' | 'mcp' | 'webhook' | 'a2a';
  /** More to write in the same transaction, after the use case (what an A2A task's state change records). */
  also?: (uow: UnitOfWork) => Promise<void>;
  /** An API request sent with an Idempotency-Key: its answer is written pending in the same transaction. */
  idempotency?: PendingAnswer;
}

/**
 * The pending answer of an API request with an Idempotency-Key, written in the use case's transaction: should
 * the answer itself never be stored (the process died right after the commit), a repeat still finds that the
 * request acted, on what, and with which request (a reused key is refused).
 */
export interface PendingAnswer {
  handle: string;
  key: string;
  fingerprint: string;
  /** What the answer shows, from the use case's result; absent or null: no ticket (a claim that found none). */
  subjectOf?: (result: unknown) => AnswerSubject | null;
}

export class UnitOfWork {
  readonly messages: OutboundMessage[] = [];
  /** Events for agents' webhooks, written at commit (see agentEvents.ts). */
  readonly agentEvents: AgentEventNote[] = [];
  /** Told to `deps.observe` once the transaction commits. */
  readonly happened: Happening[] = [];
  /** What App Home shows that this use case changed beyond the tickets and agents it sends messages about. */
  readonly homeTouched: { tickets: string[]; handles: string[]; everyAdmin: boolean } = { tickets: [], handles: [], everyAdmin: false };

  constructor(
    readonly tx: Tx,
    readonly deps: Deps,
    readonly now: Date,
    readonly via?: 'api' | 'mcp' | 'webhook' | 'a2a',
  ) {}

  /** An event by an agent through the API or MCP says so (`via`) in its data. */
  audit(e: Omit<NewAuditEvent, 'at'>): Promise<number> {
    const data = this.via && e.actor.startsWith('agent:') ? { ...e.data, via: this.via } : e.data;
    // What App Home shows follows the trail: a ticket's event touches the ticket, an agent's the roster.
    if (e.ticketKey.startsWith('agent:')) this.rosterChanged(e.ticketKey.slice(6));
    else this.homeTouched.tickets.push(e.ticketKey);
    return appendAudit(this.tx, { ...e, data, at: this.now });
  }

  /** Counted once the transaction commits (never if it rolls back). */
  record(h: Happening): void {
    this.happened.push(h);
  }

  send(msg: Omit<OutboundMessage, 'idempotencyKey'> & { idempotencyKey: string }): void {
    this.messages.push(msg);
  }

  /** The roster changed (an agent added, updated, removed, busy or available): admins' Team shows it, and the agent's user's Home. */
  rosterChanged(handle: string): void {
    this.homeTouched.handles.push(handle);
    this.homeTouched.everyAdmin = true;
  }

  /** Whether each agent noted has a webhook: asked when it is first noted, sent with the statements sent then. */
  private readonly hooks = new Map<string, Promise<boolean>>();

  /** Tell `agent` (through its webhook, if it has one) of `type` about the ticket. */
  notify(type: AgentEventType, agent: string | null | undefined, ticketKey: string): void {
    if (!agent) return;
    this.agentEvents.push({ type, agent, ticketKey });
    if (!this.hooks.has(agent)) {
      const asked = hasWebhook(this.tx, agent);
      asked.catch(() => {}); // awaited at commit (\`hooked\`); a failure then fails the use case
      this.hooks.set(agent, asked);
    }
  }

  /** The agents noted that have a webhook. */
  async hooked(): Promise<Set<string>> {
    const out = new Set<string>();
    for (const [agent, asked] of this.hooks) if (await asked) out.add(agent);
    return out;
  }
}

/** How much of the work a sweep step takes at once, and how many times it goes on while it finds a full batch. */
export interface BatchOptions {
  batch?: number;
  maxBatches?: number;
}

/**
 * A sweep's shape: `step` claims up to `batch` due items (FOR UPDATE SKIP LOCKED) in its own transaction and acts
 * on them; it runs again while it found a full batch, at most `maxBatches` times. Answers every item's key.
 */
export async function inBatches(deps: Deps, o: BatchOptions, defaults: Required<BatchOptions>, step: (uow: UnitOfWork, batch: number) => Promise<string[]>): Promise<string[]> {
  const batch = o.batch ?? defaults.batch;
  const done: string[] = [];
  for (let i = 0; i < (o.maxBatches ?? defaults.maxBatches); i++) {
    const keys = await inTransaction(deps, (uow) => step(uow, batch));
    done.push(...keys);
    if (keys.length < batch) break;
  }
  return done;
}

const RETRYABLE = new Set(['40001', '40P01']);

function pgCode(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur; i++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

export class DuplicateRequest extends Error {
  constructor(readonly key: string) {
    super(`request ${key} was already processed`);
    this.name = 'DuplicateRequest';
  }
}

/**
 * Runs one use case in one transaction: state, audit events and outbox rows commit together.
 * With `requestKey`, a request seen before (a Slack retry) throws DuplicateRequest and changes nothing.
 * Deadlocks and serialisation failures are retried.
 */
export async function inTransaction<T>(
  deps: Deps,
  fn: (uow: UnitOfWork) => Promise<T>,
  opts: TxOptions = {},
): Promise<T> {
  return deps.inFlight ? deps.inFlight.run(() => runTransaction(deps, fn, opts)) : runTransaction(deps, fn, opts);
}

async function runTransaction<T>(deps: Deps, fn: (uow: UnitOfWork) => Promise<T>, opts: TxOptions): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      let done: UnitOfWork | null = null;
      const result = await deps.database.db.transaction(async (tx) => {
        const uow = new UnitOfWork(tx as unknown as Tx, deps, deps.clock.now(), opts.via);
        if (opts.requestKey && !(await recordRequest(uow.tx, opts.requestKey, uow.now))) throw new DuplicateRequest(opts.requestKey);
        const r = await fn(uow);
        if (opts.also) await opts.also(uow);
        const pending = opts.idempotency;
        if (pending) await storePending(uow.tx, { handle: pending.handle, key: pending.key, fingerprint: pending.fingerprint, subject: pending.subjectOf?.(r) ?? null, at: uow.now });
        const events = await agentEventMessages(uow.tx, uow.agentEvents, uow.now, await uow.hooked());
        // Independent writes, sent together (pipelined on the transaction's connection).
        await Promise.all([
          enqueue(tx as unknown as Tx, [...uow.messages, ...events], uow.now),
          refreshHomes(uow.tx, { messages: uow.messages, agentEvents: uow.agentEvents, touched: uow.homeTouched }, { database: deps.database, admins: deps.policy.admins, now: deps.clock.now(), at: uow.now, debounceMs: deps.homeDebounceMs }),
        ]);
        done = uow;
        return r;
      });
      const happened = (done as UnitOfWork | null)?.happened;
      if (happened?.length) deps.observe?.(happened);
      return result;
    } catch (e) {
      const code = pgCode(e);
      if (code && RETRYABLE.has(code) && attempt < 5) {
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * (attempt + 1)));
        continue;
      }
      throw e;
    }
  }
}
