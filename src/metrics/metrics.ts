// GET /metrics in the Prometheus text format, on a registry of Baton's own (prom-client). Counters and
// histograms are this process's (sum them across copies); the queue and outbox gauges are read from the
// database at scrape time, so every copy reports the same. Labels are few and bounded: ticket type and
// priority, escalation level, destination and API method, route templates — never a ticket key or a user.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Happening } from '../app/context.js';
import type { Database } from '../storage/db.js';
import { queueSnapshot } from '../storage/metrics.js';

/** What a delivery attempt came to, as counted: answered, refused or failed, or rate limited (429). */
export type CallOutcome = 'ok' | 'error' | 'rate_limited';

const DURATION_BUCKETS = [10, 30, 60, 300, 900, 1800, 3600, 4 * 3600, 8 * 3600, 24 * 3600, 3 * 24 * 3600, 7 * 24 * 3600];
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class Metrics {
  readonly registry = new Registry();
  private readonly filed: Counter<'type' | 'priority'>;
  private readonly resolved: Counter<'type' | 'priority'>;
  private readonly escalations: Counter<'level'>;
  private readonly toAccept: Histogram<'priority'>;
  private readonly toResolve: Histogram<'type' | 'priority'>;
  private readonly calls: Counter<'destination' | 'method' | 'outcome'>;
  private readonly http: Histogram<'route' | 'method' | 'status'>;
  private readonly rateLimited: Counter<'via'>;
  private readonly queue: Gauge<'queue'>;
  private readonly held: Gauge;
  private readonly outbox: Gauge<'status'>;
  private readonly outboxOldest: Gauge;

  constructor() {
    const registers = [this.registry];
    this.filed = new Counter({ name: 'baton_tickets_filed_total', help: 'Tickets filed (by this process), by type and priority.', labelNames: ['type', 'priority'], registers });
    this.resolved = new Counter({ name: 'baton_tickets_resolved_total', help: 'Tickets resolved (by this process), by type and priority.', labelNames: ['type', 'priority'], registers });
    this.escalations = new Counter({ name: 'baton_escalations_total', help: 'Escalations to the next agent of a chain (by this process), by the level reached.', labelNames: ['level'], registers });
    this.toAccept = new Histogram({ name: 'baton_time_to_accept_seconds', help: 'From assignment to acceptance, by priority.', labelNames: ['priority'], buckets: DURATION_BUCKETS, registers });
    this.toResolve = new Histogram({ name: 'baton_time_to_resolve_seconds', help: 'From filing to resolution, by type and priority.', labelNames: ['type', 'priority'], buckets: DURATION_BUCKETS, registers });
    this.calls = new Counter({
      name: 'baton_outbound_calls_total',
      help: 'Calls to Slack, webhooks and A2A agents by the delivery loop, by destination, method and outcome (ok, error, rate_limited for a 429).',
      labelNames: ['destination', 'method', 'outcome'],
      registers,
    });
    this.http = new Histogram({ name: 'baton_http_request_duration_seconds', help: 'HTTP requests served, by route template, method and status.', labelNames: ['route', 'method', 'status'], buckets: HTTP_BUCKETS, registers });
    this.rateLimited = new Counter({ name: 'baton_api_rate_limited_total', help: 'API and MCP calls refused by the per-token rate limit, by door.', labelNames: ['via'], registers });
    this.queue = new Gauge({ name: 'baton_queue_tickets', help: 'Open tickets by queue (intake, active), across all copies.', labelNames: ['queue'], registers });
    this.held = new Gauge({ name: 'baton_held_tickets', help: 'Tickets waiting in intake with a hold reason, across all copies.', registers });
    this.outbox = new Gauge({ name: 'baton_outbox_messages', help: 'Outbox rows pending or failed, across all copies.', labelNames: ['status'], registers });
    this.outboxOldest = new Gauge({ name: 'baton_outbox_oldest_pending_age_seconds', help: 'Age of the oldest pending outbox row (0 when none).', registers });
  }

  /** What committed use cases did. */
  observe(happenings: Happening[]): void {
    for (const h of happenings) {
      if (h.kind === 'rate_limited') {
        this.rateLimited.inc({ via: h.via });
        continue;
      }
      const t = h.ticket;
      const labels = { type: t.type, priority: t.priority };
      if (h.kind === 'filed') this.filed.inc(labels);
      else if (h.kind === 'resolved') {
        this.resolved.inc(labels);
        if (t.resolvedAt) this.toResolve.observe(labels, seconds(t.createdAt, t.resolvedAt));
      } else if (h.kind === 'accepted') {
        if (t.assignedAt && t.acceptedAt) this.toAccept.observe({ priority: t.priority }, seconds(t.assignedAt, t.acceptedAt));
      } else if (h.kind === 'escalated') this.escalations.inc({ level: String(h.level) });
    }
  }

  /** One call of the delivery loop to a destination. */
  call(destination: string, method: string, outcome: CallOutcome): void {
    this.calls.inc({ destination, method, outcome });
  }

  /** Times every request `server` answers, under its route template. */
  instrument(server: Server): void {
    server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
      const start = process.hrtime.bigint();
      res.once('finish', () => {
        const s = Number(process.hrtime.bigint() - start) / 1e9;
        this.http.observe({ route: routeOf(req.url ?? '/'), method: req.method ?? 'GET', status: String(res.statusCode) }, s);
      });
    });
  }

  /** The text a scrape gets, with the gauges read from the database now. */
  async render(database: Database, now: Date): Promise<{ contentType: string; body: string }> {
    const q = await queueSnapshot(database.db, now);
    this.queue.set({ queue: 'intake' }, q.intake);
    this.queue.set({ queue: 'active' }, q.active);
    this.held.set(q.held);
    this.outbox.set({ status: 'pending' }, q.outboxPending);
    this.outbox.set({ status: 'failed' }, q.outboxFailed);
    this.outboxOldest.set(q.outboxOldestAgeSec);
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

const seconds = (from: Date, to: Date) => Math.max(0, (to.getTime() - from.getTime()) / 1000);

const FIXED = new Set(['/slack/events', '/healthz', '/metrics', '/mcp', '/api/v1/me', '/api/v1/me/availability', '/api/v1/me/heartbeat', '/api/v1/tickets', '/api/v1/tickets/next', '/api/v1/openapi.json']);
const TICKET_ACTION = /^\/api\/v1\/tickets\/[^/]+\/(accept|updates|handoff|decline|resolve|escalate)$/;

/** The route template of a request path: a ticket key becomes `{key}`; anything unknown is `other`. */
export function routeOf(url: string): string {
  const path = url.split('?')[0]!.replace(/\/+$/, '') || '/';
  if (FIXED.has(path)) return path;
  const action = TICKET_ACTION.exec(path);
  if (action) return `/api/v1/tickets/{key}/${action[1]}`;
  if (/^\/api\/v1\/tickets\/[^/]+$/.test(path)) return '/api/v1/tickets/{key}';
  return 'other';
}
