// A runaway agent: a client filing in a loop through the API (and MCP) is slowed to its token's budget, with 429,
// Retry-After and the error body; other agents and every Slack user carry on. Real time, real HTTP.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/batonHarness.js';
import { DEVIN, IRIS } from '../support/cast.js';
import { E2E_KINDS } from '../support/db.js';
import { addAgent, agent, fileTicket } from '../support/e2eHelpers.js';

const TOKEN = /bat_[A-Za-z0-9_-]{32,}/;
const RATE = 1;
const BURST = 10;

describe.each(E2E_KINDS)('per-token rate limits on %s', { timeout: 120_000 }, (kind) => {
  let h: Harness;
  let iris: string;
  let devin: string;
  const post = (token: string, path: string, body: unknown) =>
    fetch(`http://127.0.0.1:${h.baton.port}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  beforeAll(async () => {
    h = await startHarness(kind, { env: { API_RATE_LIMIT: `${RATE}/s:${BURST}` } });
    await addAgent(h, 'iris', `skills:support user:<@${IRIS}> capacity:unlimited`, 'CIRIS001');
    await addAgent(h, 'devin', `skills:engineering user:<@${DEVIN}>`, 'CDEVIN01');
    iris = TOKEN.exec(await agent(h, 'token iris'))![0];
    devin = TOKEN.exec(await agent(h, 'token devin'))![0];
  });
  afterAll(async () => h?.close());

  it('a client looping POST /api/v1/tickets gets 429 with Retry-After after its burst and files at most the allowed number; others are unaffected', async () => {
    const count = async () => (await h.baton.database.rows<{ n: number }>(h.baton.database.db, sql`select count(*)::int as n from tickets where requester = 'agent:iris'`))[0]!.n;
    const before = await count();
    const start = Date.now();
    let created = 0;
    const limited: Array<{ retryAfter: string | null; body: any }> = [];
    let i = 0;
    let others = start;
    while (Date.now() - start < 10_000) {
      const r = await post(iris, '/api/v1/tickets', { type: 'support', title: `loop ${i++}` });
      if (r.status === 201) created++;
      else if (r.status === 429) limited.push({ retryAfter: r.headers.get('retry-after'), body: await r.json() });
      else throw new Error(`unexpected ${r.status}: ${await r.text()}`);
      if (Date.now() - others > 1000) {
        others = Date.now();
        // Meanwhile, another agent and a Slack user are served as usual.
        expect((await post(devin, '/api/v1/tickets', { type: 'engineering', title: `devin ${i}` })).status).toBe(201);
        expect(await fileTicket(h, `type:support From Slack ${i}`)).toMatch(/^T-/);
      }
    }
    const elapsed = (Date.now() - start) / 1000;
    expect(created).toBeGreaterThanOrEqual(BURST);
    expect(created).toBeLessThanOrEqual(BURST + Math.ceil(RATE * elapsed) + 1);
    expect(await count()).toBe(before + created);
    expect(limited.length).toBeGreaterThan(0);
    for (const l of limited) {
      expect(Number(l.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(l.body).toEqual({ error: { code: 'rate_limited', message: expect.stringContaining(`Too many calls with iris's token (at most ${RATE}/s with a burst of ${BURST}); retry after`) } });
    }
  });

  it('over MCP, a tool call beyond the budget is a tool error saying when to retry', async () => {
    // A client calling a tool in a loop runs out of its budget within a burst and a little.
    const client = new Client({ name: 'loop', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${h.baton.port}/mcp`), { requestInit: { headers: { authorization: `Bearer ${iris}` } } }));
    type ToolAnswer = { isError?: boolean; content: Array<{ text: string }>; _meta?: Record<string, unknown> };
    let r: ToolAnswer | undefined;
    let calls = 0;
    while (calls < 4 * BURST) {
      calls++;
      r = (await client.callTool({ name: 'whoami', arguments: {} })) as ToolAnswer;
      if (r.isError) break;
    }
    expect(r!.isError).toBe(true);
    expect(r!.content[0]!.text).toMatch(/^Too many calls with iris's token \(at most 1\/s with a burst of 10\); retry after \d+ s\.$/);
    expect(Number(r!._meta?.['baton/retryAfter'])).toBeGreaterThanOrEqual(1);
    await client.close();
  });
});
