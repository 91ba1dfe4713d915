// Agents outside Slack: tokens from `/agent token`, and every route of /api/v1 through real HTTP into the running
// Baton (the same port as Slack), with Slack (the fake Web API) and the audit trail kept in step.
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_USER, startHarness, type Harness } from '../support/batonHarness.js';
import { DEVIN, FELIX, IRIS, OTHER } from '../support/cast.js';
import { E2E_KINDS, HAS_POSTGRES } from '../support/db.js';
import { ManualClock } from '../support/deps.js';
import { addAgent, agent, cardOf, json, outboxIdle, waitThreadPost } from '../support/e2eHelpers.js';
import { auditOf, countEvents, snapshot } from '../support/inspect.js';

const TOKEN = /bat_[A-Za-z0-9_-]{32,}/;
const MINUTE = 60_000;

type Reply = { status: number; body: any; headers: Headers };

function apiClient(h: Harness) {
  return async (method: string, path: string, o: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {}): Promise<Reply> => {
    const headers: Record<string, string> = { ...o.headers };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    let body: string | undefined = o.raw;
    if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers['content-type'] = 'application/json';
    }
    const r = await fetch(`http://127.0.0.1:${h.baton.port}${path}`, { method, headers, body });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null, headers: r.headers };
  };
}

async function issueToken(h: Harness, handle: string, user: string): Promise<string> {
  const body = await agent(h, `token ${handle}`, user);
  const m = TOKEN.exec(body);
  if (!m) throw new Error(`no token in ${body}`);
  return m[0];
}

describe.each(E2E_KINDS)('the HTTP API on %s', (kind) => {
  let h: Harness;
  let api: ReturnType<typeof apiClient>;
  const clock = new ManualClock('2026-03-02T10:00:00Z');
  const logLines: string[] = [];
  const tokens: string[] = [];
  let iris: string;
  let devin: string;
  let felix: string;

  beforeAll(async () => {
    const logger = pino({ level: 'trace' }, { write: (s: string) => void logLines.push(s) });
    h = await startHarness(kind, { clock, logger });
    api = apiClient(h);
    await addAgent(h, 'iris', `skills:support user:<@${IRIS}>`, 'CIRIS001');
    await addAgent(h, 'devin', `skills:engineering user:<@${DEVIN}> escalates-to:iris`, 'CDEVIN01');
    await addAgent(h, 'felix', `skills:engineering user:<@${FELIX}>`, 'CFELIX01');
    await addAgent(h, 'tess', 'skills:testing', 'CTESS001');
    iris = await issueToken(h, 'iris', IRIS);
    devin = await issueToken(h, 'devin', ADMIN_USER);
    felix = await issueToken(h, 'felix', ADMIN_USER);
    tokens.push(iris, devin, felix);
  });
  afterAll(async () => h?.close());

  describe('item 1: tokens', () => {
    it('item 1: when an agent’s own user asks for a token, then it is `bat_` and 43 URL-safe characters, shown once and ephemerally, and only its SHA-256 hash is stored', async () => {
      const r = await h.slack.command('/agent', 'token iris', { user: IRIS });
      expect((r.body as { response_type?: string }).response_type).toBe('ephemeral');
      const token = TOKEN.exec(json(r.body))![0];
      tokens.push(token);
      expect(token).toMatch(/^bat_[A-Za-z0-9_-]{43}$/);
      const rows = await h.baton.database.rows<{ handle: string; token_hash: string; created_by: string }>(h.baton.database.db, sql`select * from agent_tokens where handle = 'iris'`);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
      expect(json(rows)).not.toContain(token.slice(4));
      // The new token replaced the previous one.
      expect((await api('GET', '/api/v1/me', { token: iris })).status).toBe(401);
      expect((await api('GET', '/api/v1/me', { token })).status).toBe(200);
      iris = token;
      const trail = await auditOf(h.baton.database, 'agent:iris');
      expect(trail.filter((e) => e.action === 'token_issued')).toHaveLength(2);
      expect(trail.at(-1)).toMatchObject({ action: 'token_issued', actor: IRIS });
    });

    it('item 1: when someone who is neither an admin nor the agent’s own user asks for a token or a revocation, then it is refused and nothing changes', async () => {
      const before = await h.baton.database.rows(h.baton.database.db, sql`select * from agent_tokens order by handle`);
      expect(await agent(h, 'token iris', OTHER)).toContain('Only iris');
      expect(await agent(h, 'token iris revoke', OTHER)).toContain('Only iris');
      expect(await agent(h, 'token nobody', ADMIN_USER)).toContain('There is no agent');
      expect(await agent(h, 'token iris please', ADMIN_USER)).toContain('Usage: `/agent token HANDLE [revoke]`');
      expect(await h.baton.database.rows(h.baton.database.db, sql`select * from agent_tokens order by handle`)).toEqual(before);
      expect((await api('GET', '/api/v1/me', { token: iris })).status).toBe(200);
    });

    it('item 1: when a token is revoked, then it gets 401 and the trail says "token revoked" without the value', async () => {
      const tess = await issueToken(h, 'tess', ADMIN_USER);
      tokens.push(tess);
      expect((await api('GET', '/api/v1/me', { token: tess })).status).toBe(200);
      expect(await agent(h, 'token tess revoke', ADMIN_USER)).toContain('revoked');
      const r = await api('GET', '/api/v1/me', { token: tess });
      expect(r.status).toBe(401);
      expect(r.body.error).toMatchObject({ code: 'unauthorized', message: expect.stringContaining('revoked') });
      expect(await agent(h, 'token tess revoke', ADMIN_USER)).toContain('no API token');
      const trail = await auditOf(h.baton.database, 'agent:tess');
      expect(trail.map((e) => e.action)).toEqual(['agent_added', 'token_issued', 'token_revoked']);
    });

    it('item 1: when a request has no token or an unknown one, then it gets 401 and the body says how to get one', async () => {
      const none = await api('GET', '/api/v1/me');
      expect(none.status).toBe(401);
      expect(none.body.error.message).toContain('/agent token HANDLE');
      expect((await api('GET', '/api/v1/tickets', { token: 'bat_' + 'x'.repeat(43) })).status).toBe(401);
      expect((await api('POST', '/api/v1/tickets', { token: 'not-a-token', body: { title: 'x' } })).status).toBe(401);
    });
  });

  describe('item 3: every route', () => {
    let key: string;
    let claimed: string;

    it('item 3: GET /me answers the agent with its load and capacity', async () => {
      const r = await api('GET', '/api/v1/me', { token: iris });
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ handle: 'iris', skills: ['support'], available: true, busyReason: null, busyUntil: null, active: 0, capacity: 5 });
    });

    it('item 3: POST /tickets files a ticket as the agent (201), routed and posted in Slack, the trail saying agent:iris via api', async () => {
      const r = await api('POST', '/api/v1/tickets', { token: iris, body: { type: 'support', title: 'Printer on fire', priority: 'high', context: { customer: 'acme' } } });
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ type: 'support', title: 'Printer on fire', priority: 'high', status: 'active', assignee: 'iris', requester: 'agent:iris', context: { customer: 'acme' }, packet: null, parent: null, children: [] });
      key = r.body.key;
      await cardOf(h, 'CIRIS001', key);
      const filed = (await auditOf(h.baton.database, key))[0]!;
      expect(filed).toMatchObject({ actor: 'agent:iris', action: 'filed', data: expect.objectContaining({ via: 'api' }) });
    });

    it('item 3: POST /tickets/{key}/accept, /updates (a reply in the home thread) and GET /tickets/{key} with its trail', async () => {
      const acc = await api('POST', `/api/v1/tickets/${key}/accept`, { token: iris });
      expect(acc.status).toBe(200);
      expect(acc.body.acceptedAt).toBe(clock.now().toISOString());
      const up = await api('POST', `/api/v1/tickets/${key}/updates`, { token: iris, body: { text: 'Toner replaced, <!channel> testing now' } });
      expect(up.status).toBe(200);
      const card = await cardOf(h, 'CIRIS001', key);
      const reply = await waitThreadPost(h, 'CIRIS001', card.ts, 'Toner replaced');
      expect(json(reply.args)).not.toContain('<!channel>');
      const got = await api('GET', `/api/v1/tickets/${key}`, { token: devin });
      expect(got.status).toBe(200);
      expect(got.body.routing).toContain('iris');
      expect(got.body.trail.map((e: { action: string }) => e.action)).toEqual(['filed', 'assigned', 'accepted', 'progress']);
      expect(got.body.trail[2]).toMatchObject({ actor: 'agent:iris', via: 'api' });
      expect(got.body.trail[3]).toMatchObject({ actor: 'agent:iris', via: 'api', note: 'Toner replaced, <!channel> testing now' });
    });

    it('item 3: POST /tickets/next claims the most urgent intake ticket (200), then 204 when none; PUT /me/availability and POST /me/heartbeat', async () => {
      const busy = await api('PUT', '/api/v1/me/availability', { token: iris, body: { status: 'busy', for: '30m', reason: 'lunch' } });
      expect(busy.status).toBe(200);
      expect(busy.body).toMatchObject({ available: false, busyReason: 'lunch', busyUntil: new Date(clock.now().getTime() + 30 * MINUTE).toISOString() });
      const held = await api('POST', '/api/v1/tickets', { token: devin, body: { type: 'support', title: 'Refund please' } });
      expect(held.body).toMatchObject({ status: 'intake', assignee: null, requester: 'agent:devin' });
      expect(held.body.holdReason).toContain('iris is busy');
      // The busy window is over but no sweep has run: the ticket still waits, and iris pulls it.
      clock.advance(31 * MINUTE);
      const next = await api('POST', '/api/v1/tickets/next', { token: iris });
      expect(next.status).toBe(200);
      expect(next.body).toMatchObject({ key: held.body.key, status: 'active', assignee: 'iris' });
      claimed = next.body.key;
      expect((await api('POST', '/api/v1/tickets/next', { token: iris })).status).toBe(204);
      const avail = await api('PUT', '/api/v1/me/availability', { token: iris, body: { status: 'available' } });
      expect(avail.body).toMatchObject({ available: true, active: 2 });
      expect((await api('POST', '/api/v1/me/heartbeat', { token: iris })).status).toBe(204);
      expect((await auditOf(h.baton.database, claimed)).map((e) => [e.actor, e.action])).toContainEqual(['agent:iris', 'claimed']);
    });

    it('item 3: GET /tickets lists a queue by priority then age, a page at a time', async () => {
      const mine = await api('GET', '/api/v1/tickets?queue=mine&limit=1', { token: iris });
      expect(mine.status).toBe(200);
      expect(mine.body.tickets.map((t: { key: string }) => t.key)).toEqual([key]);
      const page2 = await api('GET', `/api/v1/tickets?queue=mine&limit=1&cursor=${mine.body.nextCursor}`, { token: iris });
      expect(page2.body).toEqual({ tickets: [expect.objectContaining({ key: claimed })], nextCursor: null });
      const filedByDevin = await api('GET', '/api/v1/tickets', { token: devin });
      expect(filedByDevin.body.tickets.map((t: { key: string }) => t.key)).toEqual([claimed]);
    });

    it('item 3: POST /tickets/{key}/handoff to a skill with a packet answers the child (201), which carries the packet and never goes back to the sender', async () => {
      const own = await api('POST', '/api/v1/tickets', { token: devin, body: { type: 'engineering', title: 'Paper jam sensor', assign: 'devin' } });
      expect(own.body.assignee).toBe('devin');
      const packet = { summary: 'Sensor reads jam on empty tray', done: ['replaced tray'], open_questions: ['firmware version?'], acceptance_criteria: ['no false jams for a day'], links: ['https://example.com/log/1'] };
      // With felix busy, devin is the only free engineer: the child waits rather than go back to devin.
      expect((await api('PUT', '/api/v1/me/availability', { token: felix, body: { status: 'busy', reason: 'deploying' } })).status).toBe(200);
      const r = await api('POST', `/api/v1/tickets/${own.body.key}/handoff`, { token: devin, body: { to: 'skill:engineering', packet } });
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ parent: own.body.key, packet, assignee: null, status: 'intake', type: 'engineering', holdReason: 'no `engineering` agent is free: felix is busy (deploying)' });
      expect((await api('PUT', '/api/v1/me/availability', { token: felix, body: { status: 'available' } })).status).toBe(200);
      expect((await api('GET', `/api/v1/tickets/${r.body.key}`, { token: devin })).body).toMatchObject({ assignee: 'felix', packet });
      const parent = await api('GET', `/api/v1/tickets/${own.body.key}`, { token: devin });
      expect(parent.body).toMatchObject({ waitingOn: r.body.key, children: [r.body.key] });
      await cardOf(h, 'CFELIX01', r.body.key);
      // Resolving the child tells the parent's thread.
      const done = await api('POST', `/api/v1/tickets/${r.body.key}/resolve`, { token: felix, body: { note: 'firmware updated' } });
      expect(done.status).toBe(200);
      const parentCard = await cardOf(h, 'CDEVIN01', own.body.key);
      await waitThreadPost(h, 'CDEVIN01', parentCard.ts, 'firmware updated');
    });

    it('POST /tickets/{key}/resolve of a ticket waiting on an open handoff is refused (409, naming the handoff and force); with "force": true both close', async () => {
      const parent = await api('POST', '/api/v1/tickets', { token: iris, body: { type: 'support', title: 'Invoice totals are off' } });
      expect(parent.body.assignee).toBe('iris');
      const child = await api('POST', `/api/v1/tickets/${parent.body.key}/handoff`, { token: iris, body: { to: 'skill:engineering', packet: { summary: 'Rounding in the tax line' } } });
      expect(child.status).toBe(201);
      const refused = await api('POST', `/api/v1/tickets/${parent.body.key}/resolve`, { token: iris, body: { note: 'done' } });
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toContain(`waits on its handoff ${child.body.key}`);
      expect(refused.body.error.message).toContain('"force": true');
      expect((await api('GET', `/api/v1/tickets/${parent.body.key}`, { token: iris })).body.status).toBe('active');
      expect((await api('POST', `/api/v1/tickets/${parent.body.key}/resolve`, { token: iris, body: { force: 'yes' } })).status).toBe(422);
      const forced = await api('POST', `/api/v1/tickets/${parent.body.key}/resolve`, { token: iris, body: { note: 'done', force: true } });
      expect(forced.status).toBe(200);
      expect(forced.body.status).toBe('completed');
      const closed = await api('GET', `/api/v1/tickets/${child.body.key}`, { token: iris });
      expect(closed.body).toMatchObject({ status: 'completed', resolution: `closed with ${parent.body.key}: done` });
    });

    it('item 3: POST /tickets/{key}/decline sends a handed-off ticket to another eligible agent, never back to one that declined it, and the sender’s thread hears why', async () => {
      const tokenOf = (h: string) => (h === 'devin' ? devin : felix);
      const t = await api('POST', '/api/v1/tickets', { token: iris, body: { type: 'support', title: 'Customer sees 500s' } });
      expect(t.body.assignee).toBe('iris');
      const irisCard = await cardOf(h, 'CIRIS001', t.body.key);
      const child = await api('POST', `/api/v1/tickets/${t.body.key}/handoff`, { token: iris, body: { to: 'skill:engineering', packet: { summary: 'Checkout 500s since 09:00' } } });
      const first = child.body.assignee as string;
      expect(['devin', 'felix']).toContain(first);
      const second = first === 'devin' ? 'felix' : 'devin';
      // Someone else's token may not decline it.
      expect((await api('POST', `/api/v1/tickets/${child.body.key}/decline`, { token: tokenOf(second), body: { reason: 'mine now' } })).status).toBe(403);
      const d1 = await api('POST', `/api/v1/tickets/${child.body.key}/decline`, { token: tokenOf(first), body: { reason: 'not my area' } });
      expect(d1.status).toBe(200);
      expect(d1.body).toMatchObject({ status: 'active', assignee: second, packet: { summary: 'Checkout 500s since 09:00' } });
      await waitThreadPost(h, 'CIRIS001', irisCard.ts, 'not my area');
      const d2 = await api('POST', `/api/v1/tickets/${child.body.key}/decline`, { token: tokenOf(second), body: { reason: 'on call elsewhere' } });
      expect(d2.body).toMatchObject({ status: 'intake', assignee: null });
      expect(d2.body.holdReason).toContain('other than');
      await waitThreadPost(h, 'CIRIS001', irisCard.ts, 'on call elsewhere');
      const trail = (await api('GET', `/api/v1/tickets/${child.body.key}`, { token: iris })).body.trail;
      expect(trail.filter((e: { action: string }) => e.action === 'declined').map((e: { actor: string; via: string }) => [e.actor, e.via])).toEqual([
        [`agent:${first}`, 'api'],
        [`agent:${second}`, 'api'],
      ]);
      // Declining what was not handed off is refused.
      const own = await api('POST', `/api/v1/tickets/${t.body.key}/decline`, { token: iris, body: { reason: 'no' } });
      expect(own.status).toBe(422);
    });

    it('item 3: POST /tickets/{key}/escalate and /resolve; resolving it again is 409', async () => {
      const t = await api('POST', '/api/v1/tickets', { token: devin, body: { type: 'engineering', title: 'Server slow', assign: 'devin' } });
      const esc = await api('POST', `/api/v1/tickets/${t.body.key}/escalate`, { token: devin, body: { note: 'need help' } });
      expect(esc.status).toBe(200);
      expect(esc.body.escalationLevel).toBe(1);
      const res = await api('POST', `/api/v1/tickets/${t.body.key}/resolve`, { token: devin, body: { note: 'fixed' } });
      expect(res.body).toMatchObject({ status: 'completed', resolution: 'fixed' });
      const again = await api('POST', `/api/v1/tickets/${t.body.key}/resolve`, { token: devin, body: {} });
      expect(again.status).toBe(409);
      expect(again.body.error).toMatchObject({ code: 'invalid_state', message: `${t.body.key} is already completed.` });
    });

    it('item 3: GET /openapi.json is an OpenAPI 3 document generated from the schemas that validate requests', async () => {
      const r = await api('GET', '/api/v1/openapi.json');
      expect(r.status).toBe(200);
      expect(r.body.openapi).toMatch(/^3\./);
      const paths = Object.entries(r.body.paths as Record<string, Record<string, unknown>>).flatMap(([p, ms]) => Object.keys(ms).map((m) => `${m.toUpperCase()} ${p}`));
      expect(paths.sort()).toEqual(
        [
          'GET /api/v1/me',
          'PUT /api/v1/me/availability',
          'POST /api/v1/me/heartbeat',
          'GET /api/v1/tickets',
          'POST /api/v1/tickets',
          'POST /api/v1/tickets/next',
          'GET /api/v1/tickets/{key}',
          'POST /api/v1/tickets/{key}/accept',
          'POST /api/v1/tickets/{key}/updates',
          'POST /api/v1/tickets/{key}/handoff',
          'POST /api/v1/tickets/{key}/decline',
          'POST /api/v1/tickets/{key}/resolve',
          'POST /api/v1/tickets/{key}/escalate',
          'POST /api/v1/tickets/{key}/wait',
          'POST /api/v1/tickets/{key}/resume',
        ].sort(),
      );
      const file = r.body.paths['/api/v1/tickets'].post.requestBody.content['application/json'].schema;
      expect(file.required).toEqual(['title']);
      expect(file.properties.title.maxLength).toBe(200);
      expect(file.properties.priority.enum).toEqual(['urgent', 'high', 'normal', 'low']);
    });
  });

  describe('refusals change nothing', () => {
    it('item 3: when a request is refused (403, 404, 409, 413, 422 naming each field, 400), then nothing changes in the database', async () => {
      const t = await api('POST', '/api/v1/tickets', { token: iris, body: { type: 'support', title: 'Only for iris' } });
      await outboxIdle(h);
      const before = await snapshot(h.baton.database);
      const refusals: Array<[number, string, Reply, string?]> = [];
      const expectRefused = async (status: number, method: string, path: string, o: NonNullable<Parameters<typeof api>[2]>, field?: string) => {
        refusals.push([status, `${method} ${path} ${json(o.body ?? o.raw ?? '').slice(0, 60)}`, await api(method, path, o), field]);
      };
      const K = t.body.key;
      await expectRefused(403, 'POST', `/api/v1/tickets/${K}/resolve`, { token: felix, body: {} });
      await expectRefused(403, 'POST', `/api/v1/tickets/${K}/updates`, { token: felix, body: { text: 'hi' } });
      await expectRefused(404, 'GET', '/api/v1/tickets/T-2026-999', { token: felix });
      await expectRefused(404, 'POST', '/api/v1/tickets/T-2026-999/accept', { token: felix });
      await expectRefused(404, 'POST', `/api/v1/tickets/${K}/handoff`, { token: iris, body: { to: 'nobody' } });
      await expectRefused(413, 'POST', '/api/v1/tickets', { token: iris, raw: JSON.stringify({ title: 'x', description: 'y'.repeat(1_100_000) }), headers: { 'content-type': 'application/json' } });
      await expectRefused(400, 'POST', '/api/v1/tickets', { token: iris, raw: '{"title": "unterminated', headers: { 'content-type': 'application/json' } });
      await expectRefused(400, 'POST', '/api/v1/tickets', { token: iris, raw: '[1,2]' });
      const file = (body: unknown, field: string) => expectRefused(422, 'POST', '/api/v1/tickets', { token: iris, body }, field);
      await file({}, 'title');
      await file({ title: '' }, 'title');
      await file({ title: 'x'.repeat(201) }, 'title');
      await file({ title: 'x', priority: 'whenever' }, 'priority');
      await file({ title: 'x', type: 'Bad Type!' }, 'type');
      await file({ title: 'x', context: { customer: 42 } }, 'context.customer');
      await file({ title: 'x', escalate: 'soon' }, 'escalate');
      await file({ title: 'x', assign: 'Bad Handle!' }, 'assign');
      await file({ title: 'x', handoff: ['???'] }, 'handoff');
      await expectRefused(404, 'POST', '/api/v1/tickets', { token: iris, body: { title: 'x', follows: 'T-2026-999' } });
      await file({ title: 'x', colour: 'red' }, 'colour');
      await expectRefused(422, 'POST', `/api/v1/tickets/${K}/updates`, { token: iris, body: { text: '   ' } }, 'text');
      await expectRefused(422, 'POST', `/api/v1/tickets/${K}/handoff`, { token: iris, body: { to: 'Not A Handle' } }, 'to');
      await expectRefused(422, 'POST', `/api/v1/tickets/${K}/handoff`, { token: iris, body: { to: 'felix', packet: { links: ['ftp://example.com/x'] } } }, 'packet.links.0');
      await expectRefused(422, 'POST', `/api/v1/tickets/${K}/handoff`, { token: iris, body: { to: 'felix', packet: { done: Array(21).fill('x') } } }, 'packet.done');
      await expectRefused(422, 'POST', `/api/v1/tickets/${K}/resolve`, { token: iris, body: { note: 'n'.repeat(2001) } }, 'note');
      await expectRefused(422, 'PUT', '/api/v1/me/availability', { token: iris, body: { status: 'sleeping' } }, 'status');
      await expectRefused(422, 'PUT', '/api/v1/me/availability', { token: iris, body: { status: 'busy', for: 'forever' } }, 'for');
      await expectRefused(422, 'GET', '/api/v1/tickets?queue=everything', { token: iris }, 'queue');
      await expectRefused(422, 'GET', '/api/v1/tickets?cursor=bogus', { token: iris }, 'cursor');
      await expectRefused(401, 'POST', `/api/v1/tickets/${K}/resolve`, { body: {} });

      for (const [status, what, r, field] of refusals) {
        expect(r.status, what).toBe(status);
        expect(r.body.error.message, what).toBeTruthy();
        expect(json(r.body), what).not.toMatch(/at .*\.ts:\d+|Error:/);
        if (field) expect(r.body.error.field, `${what}: ${r.body.error.message}`).toBe(field);
      }
      expect(await snapshot(h.baton.database)).toEqual(before);
    });
  });

  it('item 3: when a POST carries an Idempotency-Key three times, then it acts once and each repeat answers what the first did', async () => {
    const send = () => api('POST', '/api/v1/tickets', { token: devin, body: { type: 'engineering', title: 'Exactly once please' }, headers: { 'idempotency-key': 'file-once-1' } });
    const [a, b, c] = [await send(), await send(), await send()];
    expect([a.status, b.status, c.status]).toEqual([201, 201, 201]);
    expect(b.body).toEqual(a.body);
    expect(c.body).toEqual(a.body);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    const filed = await h.baton.database.rows<{ n: number }>(h.baton.database.db, sql`select count(*)::int as n from tickets where title = 'Exactly once please'`);
    expect(Number(filed[0]!.n)).toBe(1);
    const other = await api('POST', '/api/v1/tickets', { token: devin, body: { title: 'Another request' }, headers: { 'idempotency-key': 'file-once-1' } });
    expect(other.status).toBe(422);
    expect(other.body.error.field).toBe('Idempotency-Key');
    // The same key from another agent is another request.
    const byIris = await api('POST', '/api/v1/tickets', { token: iris, body: { type: 'support', title: 'Same key, another agent' }, headers: { 'idempotency-key': 'file-once-1' } });
    expect(byIris.status).toBe(201);
    expect(byIris.body.key).not.toBe(a.body.key);
    // A resolve repeated with its key resolves once.
    const resolve = () => api('POST', `/api/v1/tickets/${byIris.body.key}/resolve`, { token: iris, body: { note: 'ok' }, headers: { 'idempotency-key': 'resolve-once' } });
    expect((await Promise.all([resolve(), resolve(), resolve()])).map((r) => r.status)).toEqual([200, 200, 200]);
    expect(await countEvents(h.baton.database, 'resolved', byIris.body.key)).toBe(1);
  });

  it('item 3: when Baton stopped between a request’s commit and storing its answer, then a repeat with the key answers what it acted on, as it is now, and nothing acted twice', async () => {
    const db = h.baton.database;
    /** What a stop right after the commit leaves: the row the request's own transaction wrote, its answer never stored. */
    const stopAfterCommit = async (handle: string, key: string) => {
      const rows = await db.rows<{ subject: unknown }>(db.db, sql`update api_idempotency set status = null, body = null where handle = ${handle} and key = ${key} returning subject`);
      expect(rows, key).toHaveLength(1);
      return rows[0]!.subject;
    };
    const filing = { type: 'engineering', title: 'Filed right before a crash' };
    const file = (body: unknown = filing) => api('POST', '/api/v1/tickets', { token: devin, body, headers: { 'idempotency-key': 'crash-file-1' } });
    const filed = await file();
    expect(filed.status).toBe(201);
    const key = filed.body.key as string;
    expect(await stopAfterCommit('devin', 'crash-file-1')).toEqual({ ticket: key });
    // The same key with another request is still refused in that state.
    const other = await file({ type: 'engineering', title: 'Another request' });
    expect(other.status).toBe(422);
    expect(other.body.error.field).toBe('Idempotency-Key');

    // The ticket moves on (resolved through the API, whose answer is lost the same way), and an agent with nothing to claim.
    const resolve = () => api('POST', `/api/v1/tickets/${key}/resolve`, { token: devin, body: { note: 'done before the crash' }, headers: { 'idempotency-key': 'crash-resolve-1' } });
    expect((await resolve()).status).toBe(200);
    expect(await stopAfterCommit('devin', 'crash-resolve-1')).toEqual({ ticket: key });
    await addAgent(h, 'quinn', 'skills:crashtest', 'CQUINN01');
    const quinn = await issueToken(h, 'quinn', ADMIN_USER);
    const claim = () => api('POST', '/api/v1/tickets/next', { token: quinn, headers: { 'idempotency-key': 'crash-claim-1' } });
    expect((await claim()).status).toBe(204);
    expect(await stopAfterCommit('quinn', 'crash-claim-1')).toBeNull();
    // A handoff answers the child it created.
    const parent = await api('POST', '/api/v1/tickets', { token: devin, body: { type: 'engineering', title: 'Handed off before a crash', assign: 'devin' } });
    expect(parent.body.assignee).toBe('devin');
    const handoff = () => api('POST', `/api/v1/tickets/${parent.body.key}/handoff`, { token: devin, body: { to: 'felix', note: 'yours' }, headers: { 'idempotency-key': 'crash-handoff-1' } });
    const child = await handoff();
    expect(child.status).toBe(201);
    expect(await stopAfterCommit('devin', 'crash-handoff-1')).toEqual({ ticket: child.body.key });

    // Repeats (two at once for the filing): each answers with the route's success status, the ticket as it is now.
    const [fileAgain, fileAgain2, resolveAgain, claimAgain, handoffAgain] = await Promise.all([file(), file(), resolve(), claim(), handoff()]);
    expect([handoffAgain.status, handoffAgain.headers.get('idempotent-replayed'), handoffAgain.body]).toEqual([201, 'true', child.body]);
    expect(await countEvents(db, 'handed_off', parent.body.key)).toBe(1);
    // The ticket as an action answers it: what GET shows, without the trail and what is read from it.
    const { trail: _trail, routing: _routing, ...now } = (await api('GET', `/api/v1/tickets/${key}`, { token: devin })).body;
    expect(now.status).toBe('completed');
    expect(Object.keys(fileAgain.body).sort()).toEqual(Object.keys(filed.body).sort());
    for (const [r, status] of [[fileAgain, 201], [fileAgain2, 201], [resolveAgain, 200], [claimAgain, 204]] as const) {
      expect(r.status).toBe(status);
      expect(r.headers.get('idempotent-replayed')).toBe('true');
      if (status !== 204) expect(r.body).toEqual(now);
    }
    // Acted once: one ticket, filed once, resolved once.
    const tickets = await db.rows<{ n: number }>(db.db, sql`select count(*)::int as n from tickets where title = ${filing.title}`);
    expect(Number(tickets[0]!.n)).toBe(1);
    expect(await countEvents(db, 'filed', key)).toBe(1);
    expect(await countEvents(db, 'resolved', key)).toBe(1);
    // The rebuilt answer is stored: later repeats get it at once; another request with the key is still refused.
    const stored = await db.rows<{ status: number }>(db.db, sql`select status from api_idempotency where handle = 'devin' and key in ('crash-file-1', 'crash-resolve-1') order by key`);
    expect(stored.map((r) => r.status)).toEqual([201, 200]);
    const started = Date.now();
    const later = await file();
    expect(Date.now() - started).toBeLessThan(1500);
    expect([later.status, later.body]).toEqual([201, now]);
    expect((await file({ type: 'engineering', title: 'Another request' })).status).toBe(422);
  });

  it('item 1: a token never appears in the logs, the trail, or any Slack message but the ephemeral answer that shows it', async () => {
    await outboxIdle(h);
    expect(tokens.length).toBeGreaterThanOrEqual(5);
    const logs = logLines.join('\n');
    expect(logs).toContain('api request');
    const trail = json(await h.baton.database.rows(h.baton.database.db, sql`select * from audit_events`));
    const outbox = json(await h.baton.database.rows(h.baton.database.db, sql`select * from outbox`));
    const slack = json(h.fake.calls.map((c) => c.args)) + json(h.fake.responses);
    for (const t of tokens) {
      const secret = t.slice(4);
      expect(logs).not.toContain(secret);
      expect(trail).not.toContain(secret);
      expect(outbox).not.toContain(secret);
      expect(slack).not.toContain(secret);
    }
  });
});

describe.skipIf(!HAS_POSTGRES)('the HTTP API under concurrency on PostgreSQL', () => {
  let h: Harness;
  const clock = new ManualClock('2026-03-02T10:00:00Z');
  beforeAll(async () => {
    h = await startHarness('postgres', { clock });
  });
  afterAll(async () => h?.close());

  it('item 3: when 8 agents claim through the API at once, then no two get the same ticket', async () => {
    const api = apiClient(h);
    const handles = Array.from({ length: 8 }, (_, i) => `worker${i}`);
    const tokens: string[] = [];
    for (const handle of handles) {
      await addAgent(h, handle, 'skills:batch', `CW${handle.slice(-1)}00000`);
      tokens.push(await issueToken(h, handle, ADMIN_USER));
    }
    for (const token of tokens) expect((await api('PUT', '/api/v1/me/availability', { token, body: { status: 'busy', for: '1m' } })).status).toBe(200);
    const filed: string[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await api('POST', '/api/v1/tickets', { token: tokens[0], body: { type: 'batch', title: `Batch job ${i}` } });
      expect(r.body.status).toBe('intake');
      filed.push(r.body.key);
    }
    clock.advance(2 * MINUTE);
    const claims = await Promise.all(tokens.map((token) => api('POST', '/api/v1/tickets/next', { token })));
    const got = claims.filter((r) => r.status === 200).map((r) => r.body.key as string);
    expect(claims.every((r) => r.status === 200 || r.status === 204)).toBe(true);
    expect(new Set(got).size).toBe(got.length);
    expect(got.sort()).toEqual([...filed].sort());
  });
});
