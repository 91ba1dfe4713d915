// GET /metrics after some activity: filings from Slack and the API, an acceptance, a resolution, an escalation,
// a held ticket, a Slack 429 and API calls beyond a token's budget — each shows in the Prometheus text, with
// low-cardinality labels only (no ticket keys, no user IDs). Real HTTP into Bolt, fake Slack on loopback.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/batonHarness.js';
import { DEVIN, IRIS } from '../support/cast.js';
import { E2E_KINDS } from '../support/db.js';
import { addAgent, agent, fileTicket, outboxIdle, ticket } from '../support/e2eHelpers.js';

const TOKEN = /bat_[A-Za-z0-9_-]{32,}/;

/** The value of the series `name{labels}` (labels in the order prom-client writes them), or undefined. */
function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe.each(E2E_KINDS)('GET /metrics on %s', { timeout: 120_000 }, (kind) => {
  let h: Harness;
  let iris: string;
  const base = () => `http://127.0.0.1:${h.baton.port}`;
  const api = (path: string, method = 'POST', body: unknown = {}) =>
    fetch(`${base()}${path}`, { method, headers: { authorization: `Bearer ${iris}`, 'content-type': 'application/json' }, ...(method === 'GET' ? {} : { body: JSON.stringify(body) }) });

  beforeAll(async () => {
    h = await startHarness(kind, { env: { API_RATE_LIMIT: '1/s:6' } });
    await addAgent(h, 'devin', `skills:engineering user:<@${DEVIN}>`, 'CDEVIN01');
    await addAgent(h, 'iris', `skills:support user:<@${IRIS}> escalates-to:devin`, 'CIRIS001');
    iris = TOKEN.exec(await agent(h, 'token iris'))![0];
  });
  afterAll(async () => h?.close());

  it('when tickets are filed, accepted, resolved, escalated and held, Slack answers a 429 and a token runs past its budget, then a scrape shows each in its series', async () => {
    const high = await fileTicket(h, 'type:support priority:high Printer on fire');
    const normal = await fileTicket(h, 'type:support Second printer');
    await fileTicket(h, 'type:design Logo refresh'); // no one has the skill: held in intake
    h.fake.fail('chat.postMessage', { status: 429, retryAfter: 1 }, 1);
    await outboxIdle(h, 15_000);

    expect((await api(`/api/v1/tickets/${high}/accept`)).status).toBe(200);
    expect((await api(`/api/v1/tickets/${high}/resolve`, 'POST', { note: 'unplugged it' })).status).toBe(200);
    expect(await ticket(h, `escalate ${normal}`, IRIS)).toContain('devin');
    // Past the budget (a burst of 6, 1 a second): refused with 429.
    let refused = 0;
    for (let i = 0; i < 12; i++) if ((await api('/api/v1/me', 'GET')).status === 429) refused++;
    expect(refused).toBeGreaterThan(0);
    await outboxIdle(h, 15_000);

    const res = await fetch(`${base()}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();

    expect(value(text, 'baton_tickets_filed_total{type="support",priority="high"}')).toBe(1);
    expect(value(text, 'baton_tickets_filed_total{type="support",priority="normal"}')).toBe(1);
    expect(value(text, 'baton_tickets_filed_total{type="design",priority="normal"}')).toBe(1);
    expect(value(text, 'baton_tickets_resolved_total{type="support",priority="high"}')).toBe(1);
    expect(value(text, 'baton_time_to_accept_seconds_count{priority="high"}')).toBe(1);
    expect(value(text, 'baton_time_to_resolve_seconds_count{type="support",priority="high"}')).toBe(1);
    expect(value(text, 'baton_time_to_resolve_seconds_bucket{le="+Inf",type="support",priority="high"}')).toBe(1);
    expect(value(text, 'baton_escalations_total{level="1"}')).toBe(1);

    // Gauges come from the database: what it holds now.
    const [db] = await h.baton.database.rows<{ intake: number; active: number }>(
      h.baton.database.db,
      sql`select count(*) filter (where status = 'intake')::int as intake, count(*) filter (where status = 'active')::int as active from tickets`,
    );
    expect(value(text, 'baton_queue_tickets{queue="intake"}')).toBe(Number(db!.intake));
    expect(value(text, 'baton_queue_tickets{queue="active"}')).toBe(Number(db!.active));
    expect(value(text, 'baton_held_tickets')).toBe(1);
    expect(value(text, 'baton_outbox_messages{status="pending"}')).toBe(0);
    expect(value(text, 'baton_outbox_messages{status="failed"}')).toBe(0);
    expect(value(text, 'baton_outbox_oldest_pending_age_seconds')).toBe(0);

    // Calls to Slack by method, the 429 apart.
    expect(value(text, 'baton_outbound_calls_total{destination="slack",method="chat.postMessage",outcome="ok"}')).toBeGreaterThanOrEqual(3);
    expect(value(text, 'baton_outbound_calls_total{destination="slack",method="chat.postMessage",outcome="rate_limited"}')).toBe(1);
    expect(value(text, 'baton_api_rate_limited_total{via="api"}')).toBe(refused);

    // HTTP latency by route template, never by raw path.
    expect(value(text, 'baton_http_request_duration_seconds_count{route="/api/v1/tickets/{key}/accept",method="POST",status="200"}')).toBe(1);
    expect(value(text, 'baton_http_request_duration_seconds_count{route="/api/v1/tickets/{key}/resolve",method="POST",status="200"}')).toBe(1);
    expect(value(text, 'baton_http_request_duration_seconds_count{route="/api/v1/me",method="GET",status="429"}')).toBe(refused);
    expect(value(text, 'baton_http_request_duration_seconds_count{route="/slack/events",method="POST",status="200"}')).toBeGreaterThanOrEqual(5);

    // Low cardinality: no ticket key, no Slack user, no token anywhere in the text.
    expect(text).not.toMatch(/T-\d{4}-\d+/);
    expect(text).not.toContain(IRIS);
    expect(text).not.toContain('bat_');
  });
});
