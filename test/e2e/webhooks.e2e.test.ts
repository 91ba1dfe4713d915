// Agents' webhooks end to end: `/agent update … webhook:` through signed Slack requests, the events Baton writes
// with each change, and a real HTTP receiver in this process that verifies every signature with the recipe the
// README gives, fails and rate-limits on purpose, and answers `{"accept":true}`. Baton's clock is a manual one
// moved on in the background, so that retries and Retry-After fall due without waiting for them in real time.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ADMIN_USER, startHarness, type Harness } from '../support/batonHarness.js';
import { DEVIN, FELIX, IRIS, OTHER } from '../support/cast.js';
import { E2E_KINDS } from '../support/db.js';
import { ManualClock } from '../support/deps.js';
import { freePort } from '../support/slackRequests.js';
import { addAgent, agent, fileTicket, json, outboxIdle, ticket } from '../support/e2eHelpers.js';

const SECRET = /whsec_[A-Za-z0-9_-]{32,}/;
const TOKEN = /bat_[A-Za-z0-9_-]{32,}/;

/** The README's recipe: `v1=` + hex HMAC-SHA256 of `v1:` + timestamp + `:` + the raw body, compared in constant time. */
function verify(secret: string, headers: IncomingMessage['headers'], body: string): boolean {
  const timestamp = String(headers['x-baton-timestamp'] ?? '');
  const given = Buffer.from(String(headers['x-baton-signature'] ?? ''));
  const expected = Buffer.from('v1=' + createHmac('sha256', secret).update(`v1:${timestamp}:${body}`).digest('hex'));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

interface Delivery {
  agent: string;
  id: string;
  event: string;
  timestamp: number;
  body: any;
  raw: string;
  verified: boolean;
  status: number;
  /** Baton's clock (ms) when it arrived. */
  at: number;
}

type Answer = { status: number; headers?: Record<string, string>; body?: string };

/** A webhook receiver: one path per agent (`/iris`), answers from a script first, then per agent. */
class Receiver {
  readonly secrets = new Map<string, string>();
  readonly deliveries: Delivery[] = [];
  /** Answers for the next requests, whatever the agent, in order. */
  script: Answer[] = [];
  /** An agent's usual answer (default 200 with an empty JSON object). */
  readonly answers = new Map<string, Answer>();
  private server!: Server;
  port = 0;

  constructor(private readonly clock: ManualClock) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const name = (req.url ?? '/').slice(1);
        const answer = this.script.shift() ?? this.answers.get(name) ?? { status: 200, body: '{}' };
        this.deliveries.push({
          agent: name,
          id: String(req.headers['x-baton-delivery']),
          event: String(req.headers['x-baton-event']),
          timestamp: Number(req.headers['x-baton-timestamp']),
          body: JSON.parse(raw),
          raw,
          verified: verify(this.secrets.get(name) ?? '', req.headers, raw),
          status: answer.status,
          at: this.clock.now().getTime(),
        });
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        res.end(answer.body ?? '');
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
  }

  url(name: string): string {
    return `http://127.0.0.1:${this.port}/${name}`;
  }

  /** Deliveries answered 2xx, one per id (the first). */
  accepted(): Delivery[] {
    const seen = new Set<string>();
    return this.deliveries.filter((d) => d.status < 300 && !seen.has(d.id) && seen.add(d.id));
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}

describe.each(E2E_KINDS)('agent webhooks on %s', (kind) => {
  let h: Harness;
  let receiver: Receiver;
  const clock = new ManualClock('2026-03-02T10:00:00Z');
  let ticking: ReturnType<typeof setInterval>;
  const tokens = new Map<string, string>();

  const rows = <T extends Record<string, unknown>>(q: ReturnType<typeof sql>) => h.baton.database.rows<T>(h.baton.database.db, q);
  const api = async (method: string, path: string, handle: string, body?: unknown) => {
    const r = await fetch(`http://127.0.0.1:${h.baton.port}${path}`, {
      method,
      headers: { authorization: `Bearer ${tokens.get(handle)}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${text}`);
    return JSON.parse(text);
  };

  /** `/agent update HANDLE webhook:<URL>` as Slack sends a typed URL (a link); answers the secret shown. */
  async function setWebhook(handle: string): Promise<string> {
    const r = await h.slack.command('/agent', `update ${handle} webhook:<${receiver.url(handle)}>`, { user: ADMIN_USER });
    expect((r.body as { response_type?: string }).response_type).toBe('ephemeral');
    const secret = SECRET.exec(json(r.body))?.[0];
    if (!secret) throw new Error(`no secret in ${json(r.body)}`);
    receiver.secrets.set(handle, secret);
    return secret;
  }

  beforeAll(async () => {
    h = await startHarness(kind, { clock, env: { BATON_SECRET_KEY: 'an-e2e-key-of-at-least-32-characters!' } });
    receiver = new Receiver(clock);
    await receiver.start();
    // Baton's time runs ten times faster than real time: backoffs of seconds pass in a fraction of one.
    ticking = setInterval(() => clock.advance(100), 10);
    await addAgent(h, 'iris', `skills:support user:<@${IRIS}>`, 'CIRIS001');
    await addAgent(h, 'devin', `skills:engineering user:<@${DEVIN}> escalates-to:felix`, 'CDEVIN01');
    await addAgent(h, 'felix', `skills:operations user:<@${FELIX}>`, 'CFELIX01');
    await addAgent(h, 'tess', 'skills:testing', 'CTESS001');
    await addAgent(h, 'gone', 'skills:legacy', 'CGONE001');
    await addAgent(h, 'moved', 'skills:moving', 'CMOVED01');
    await addAgent(h, 'nora', 'skills:network', 'CNORA001');
    for (const handle of ['iris', 'devin', 'felix']) {
      const r = await agent(h, `token ${handle}`, ADMIN_USER);
      tokens.set(handle, TOKEN.exec(r)![0]);
    }
  });
  afterAll(async () => {
    clearInterval(ticking);
    await h?.close();
    await receiver?.close();
  });

  it('when an admin sets a webhook, then the signing secret is `whsec_` and 43 URL-safe characters, shown once and only to them, stored encrypted, and the trail names the URL only', async () => {
    const secret = await setWebhook('iris');
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const [row] = await rows<{ url: string; secret: string; created_by: string }>(sql`select url, secret, created_by from agent_webhooks where handle = 'iris'`);
    expect(row).toMatchObject({ url: receiver.url('iris'), created_by: ADMIN_USER });
    expect(row!.secret).toMatch(/^gcm:/);
    expect(row!.secret).not.toContain(secret.slice(6));
    const trail = json(await rows(sql`select data from audit_events where ticket_key = 'agent:iris'`));
    expect(trail).toContain(receiver.url('iris'));
    expect(trail).not.toContain(secret.slice(6));
    // Nothing Baton sent anywhere carries the secret, only the ephemeral answer did.
    expect(json(h.fake.calls)).not.toContain(secret.slice(6));
  });

  it('when a webhook URL is not http(s), too long, unreadable, or set by a non-admin, then it is refused with the reason and nothing changes', async () => {
    const before = await rows(sql`select * from agent_webhooks order by handle`);
    expect(await agent(h, 'update iris webhook:ftp://files.example.com/in')).toContain('`webhook:` must be an http:// or https:// URL; `ftp:` is not allowed.');
    expect(await agent(h, 'update iris webhook:not-a-url')).toContain('`webhook:` is not a URL Baton can read: `not-a-url`.');
    expect(await agent(h, `update iris webhook:https://example.com/${'x'.repeat(1990)}`)).toContain('`webhook:` is 2010 characters long; the limit is 2000.');
    expect(await agent(h, 'add nova skills:x webhook:https://example.com/hook')).toContain('`/agent add` has no option `webhook:`.');
    expect(await agent(h, `update iris webhook:${receiver.url('elsewhere')}`, OTHER)).toMatch(/admin/i);
    expect(await rows(sql`select * from agent_webhooks order by handle`)).toEqual(before);
  });

  it('when the receiver fails five times with 500, then answers 429 with Retry-After: 2, then accepts: every event of assignment, handoff with packet, escalation, child resolved, take-back, decline and reopen arrives signed, in order per ticket, none lost, repeats only of one delivery id', async () => {
    await setWebhook('devin');
    await setWebhook('felix');
    receiver.script = [...Array.from({ length: 5 }, () => ({ status: 500, body: 'down' })), { status: 429, headers: { 'retry-after': '2' } }];

    // Assignment: routed to iris.
    const parent = await fileTicket(h, 'type:support Checkout fails for acme');
    // Handoff with a packet, through the API: devin gets the child.
    const packet = { summary: 'Checkout 500s since 09:00', done: ['restarted the pod'], acceptance_criteria: ['checkout works'] };
    const child = (await api('POST', `/api/v1/tickets/${parent}/handoff`, 'iris', { to: 'devin', packet })).key as string;
    // Escalation of the child: devin's chain pings felix.
    expect(await ticket(h, `escalate ${child} customer is angry`, ADMIN_USER)).toContain('felix');
    // Child resolved: iris hears of it on the parent.
    await api('POST', `/api/v1/tickets/${child}/resolve`, 'devin', { note: 'fixed the config' });
    // Take-back: the parent goes to felix; iris loses it.
    expect(await ticket(h, `assign ${parent} felix`, ADMIN_USER)).toContain('felix');
    // Decline: felix hands the parent off to devin, who declines; felix (the sender) hears of it.
    const second = (await api('POST', `/api/v1/tickets/${parent}/handoff`, 'felix', { to: 'devin', packet: { summary: 'second look' } })).key as string;
    await api('POST', `/api/v1/tickets/${second}/decline`, 'devin', { reason: 'not my area' });
    // Reopen: devin, who resolved the child, hears of it (and gets it again).
    expect(await ticket(h, `reopen ${child} still broken`, ADMIN_USER)).toContain(child);

    const written = await rows<{ id: number; ticket_key: string; target: string; text: string; idempotency_key: string }>(
      sql`select id, ticket_key, target, text, idempotency_key from outbox where destination = 'webhook' order by id`,
    );
    const expected = [
      ['iris', 'ticket.assigned', parent],
      ['devin', 'ticket.assigned', child],
      ['felix', 'ticket.escalated', child],
      ['iris', 'ticket.child_resolved', parent],
      ['felix', 'ticket.assigned', parent],
      ['iris', 'ticket.taken_back', parent],
      ['devin', 'ticket.assigned', second],
      ['felix', 'ticket.declined', second],
      ['devin', 'ticket.reopened', child],
      ['devin', 'ticket.assigned', child],
    ];
    expect(written.map((r) => [r.target, r.text, r.ticket_key])).toEqual(expected);

    await vi.waitFor(async () => expect(await rows(sql`select id from outbox where destination = 'webhook' and status <> 'sent'`)).toEqual([]), { timeout: 30_000, interval: 50 });
    await outboxIdle(h);

    // Every request, failed ones included, carried a valid signature and the four headers.
    expect(receiver.deliveries.every((d) => d.verified)).toBe(true);
    expect(receiver.deliveries.every((d) => d.event === d.body.type && d.id === d.body.id && /^evt_/.test(d.id) && Number.isInteger(d.timestamp))).toBe(true);
    expect(receiver.deliveries.map((d) => d.status).slice(0, 6)).toEqual([500, 500, 500, 500, 500, 429]);
    // None lost, none invented: what arrived is what was written, each id once among the accepted answers.
    const got = receiver.accepted();
    expect(got.map((d) => d.id).sort()).toEqual(written.map((r) => r.idempotency_key).sort());
    // Repeats are only of the same delivery: the same id, type and body.
    for (const d of receiver.deliveries) {
      const first = got.find((g) => g.id === d.id)!;
      expect([d.event, d.raw]).toEqual([first.event, first.raw]);
    }
    // In order per ticket and agent: arrival order is the order written.
    for (const [agentName, key] of [...new Set(expected.map(([a, , k]) => `${a} ${k}`))].map((s) => s.split(' '))) {
      const sent = written.filter((r) => r.target === agentName && r.ticket_key === key).map((r) => r.idempotency_key);
      expect(got.filter((d) => d.agent === agentName && d.body.ticket.key === key).map((d) => d.id)).toEqual(sent);
    }
    // After the 429 nothing is sent to that agent for 2 s (Retry-After), by Baton's clock. (How soon the first
    // retry comes is the backoff's, checked in test/unit/webhooks.test.ts.)
    const limited = receiver.deliveries[5]!;
    const next = receiver.deliveries.slice(6).find((d) => d.agent === limited.agent)!;
    expect(next.at - limited.at).toBeGreaterThanOrEqual(2000);

    // The body: the event, the agent, and the ticket as GET /api/v1/tickets/{key} shows it.
    const handoff = got.find((d) => d.agent === 'devin' && d.event === 'ticket.assigned' && d.body.ticket.key === child)!;
    expect(Object.keys(handoff.body)).toEqual(['id', 'type', 'at', 'agent', 'ticket']);
    expect(handoff.body).toMatchObject({ type: 'ticket.assigned', agent: 'devin', ticket: { key: child, parent, assignee: 'devin', status: 'active', packet } });
    expect(new Date(handoff.body.at).toISOString()).toBe(handoff.body.at);
    expect(handoff.body.ticket.trail.map((e: { action: string }) => e.action)).toContain('assigned');
    const childResolved = got.find((d) => d.event === 'ticket.child_resolved')!;
    expect(childResolved.body.ticket).toMatchObject({ key: parent, assignee: 'iris', children: [child] });
    const takenBack = got.find((d) => d.event === 'ticket.taken_back')!;
    expect(takenBack.body).toMatchObject({ agent: 'iris', ticket: { key: parent, assignee: 'felix' } });
    // The webhooks are healthy again.
    expect(await agent(h, 'list')).not.toContain('webhook failing');
  });

  it('when the receiver answers a ticket.assigned with {"accept":true}, then the ticket is accepted by the agent', async () => {
    await setWebhook('tess');
    receiver.answers.set('tess', { status: 200, body: '{"accept":true}' });
    const key = await fileTicket(h, 'type:testing Flaky login test');
    await vi.waitFor(
      async () => expect(await rows(sql`select accepted_by from tickets where key = ${key}`)).toEqual([{ accepted_by: 'agent:tess' }]),
      { timeout: 10_000, interval: 50 },
    );
    await outboxIdle(h);
    expect(await rows(sql`select actor, data from audit_events where ticket_key = ${key} and action = 'accepted'`)).toEqual([{ actor: 'agent:tess', data: { via: 'webhook' } }]);
    expect(await ticket(h, `show ${key}`, OTHER)).toMatch(/accepted/);
  });

  it('when an agent with ack: does not accept in time, then its webhook hears ticket.taken_back, signed', async () => {
    await addAgent(h, 'ana', 'skills:acking', 'CANA0001');
    await agent(h, 'update ana ack:2s', ADMIN_USER);
    await setWebhook('ana');
    const key = await fileTicket(h, 'type:acking Not acknowledged in time');
    await addAgent(h, 'bea', 'skills:acking', 'CBEA0001');
    const start = clock.now().getTime();
    await vi.waitFor(() => expect(clock.now().getTime() - start).toBeGreaterThan(3000), { timeout: 10_000, interval: 20 });
    await h.baton.scheduler.tick();
    const back = await vi.waitFor(
      () => {
        const d = receiver.deliveries.find((x) => x.agent === 'ana' && x.event === 'ticket.taken_back' && x.body.ticket.key === key);
        expect(d).toBeDefined();
        return d!;
      },
      { timeout: 10_000, interval: 50 },
    );
    expect(back.verified).toBe(true);
    expect(back.body.agent).toBe('ana');
    expect(back.body.ticket.assignee).toBe('bea');
  });

  it('when the receiver answers 410, then the event fails for good, and /agent list and /healthz show the failing webhook; webhook:none removes it', async () => {
    await setWebhook('gone');
    receiver.answers.set('gone', { status: 410, body: 'no such hook' });
    await fileTicket(h, 'type:legacy Old report export broken');
    await vi.waitFor(
      async () => expect(await rows(sql`select status, last_error from outbox where destination = 'webhook' and target = 'gone'`)).toEqual([{ status: 'failed', last_error: 'HTTP 410: no such hook' }]),
      { timeout: 10_000, interval: 50 },
    );
    expect(receiver.deliveries.filter((d) => d.agent === 'gone')).toHaveLength(1);
    expect(await agent(h, 'list')).toContain('webhook refused an event for good');
    const health = await (await fetch(`http://127.0.0.1:${h.baton.port}/healthz`)).json();
    expect(health.webhooks.failing).toEqual([{ agent: 'gone', error: 'HTTP 410: no such hook', gaveUp: true, at: expect.any(String) }]);
    expect(json(health)).not.toContain(receiver.url('gone'));

    expect(await agent(h, 'update gone webhook:none')).toContain('no longer sends');
    expect(await rows(sql`select handle from agent_webhooks where handle = 'gone'`)).toEqual([]);
    expect(await agent(h, 'update gone webhook:none')).toContain('has no webhook; nothing to remove');
  });

  it('when the receiver answers with a redirect, then it is not followed and the event fails for good, saying so', async () => {
    await setWebhook('moved');
    receiver.answers.set('moved', { status: 302, headers: { location: receiver.url('elsewhere') } });
    await fileTicket(h, 'type:moving New office network');
    await vi.waitFor(
      async () => expect(await rows(sql`select status, last_error from outbox where destination = 'webhook' and target = 'moved'`)).toEqual([
        { status: 'failed', last_error: `HTTP 302 (redirects are not followed; Location: ${receiver.url('elsewhere')})` },
      ]),
      { timeout: 10_000, interval: 50 },
    );
    expect(receiver.deliveries.filter((d) => d.agent === 'elsewhere')).toEqual([]);
    expect(await agent(h, 'list')).toContain('webhook refused an event for good');
  });

  it('when nothing listens at the webhook, then its events are retried and it shows as failing; once it points at a live receiver, the waiting event arrives signed with the new secret', async () => {
    const dead = `http://127.0.0.1:${await freePort()}/nora`;
    expect(await agent(h, `update nora webhook:<${dead}>`)).toMatch(SECRET);
    const key = await fileTicket(h, 'type:network VPN drops every hour');
    await vi.waitFor(
      async () => {
        const [row] = await rows<{ status: string; attempts: number; last_error: string }>(sql`select status, attempts, last_error from outbox where destination = 'webhook' and target = 'nora'`);
        expect(row).toMatchObject({ status: 'pending', last_error: 'network error ECONNREFUSED' });
        expect(row!.attempts).toBeGreaterThanOrEqual(2);
      },
      { timeout: 10_000, interval: 50 },
    );
    expect(await agent(h, 'list')).toContain('webhook failing, retrying');
    const health = await (await fetch(`http://127.0.0.1:${h.baton.port}/healthz`)).json();
    expect(health.webhooks.failing).toContainEqual({ agent: 'nora', error: 'network error ECONNREFUSED', gaveUp: false, at: expect.any(String) });

    await setWebhook('nora');
    await vi.waitFor(() => expect(receiver.accepted().filter((d) => d.agent === 'nora').map((d) => [d.event, d.body.ticket.key, d.verified])).toEqual([['ticket.assigned', key, true]]), {
      timeout: 20_000,
      interval: 50,
    });
    await vi.waitFor(async () => expect(await agent(h, 'list')).not.toContain('webhook failing'), { timeout: 5000, interval: 50 });
  });
});
