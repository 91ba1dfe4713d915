// Waiting on the requester through the HTTP API and the official MCP client: the question reaches the
// requester by direct message, the ticket's clock stops, and resume starts it again; refusals say why.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_USER, startHarness, type Harness } from '../support/batonHarness.js';
import { E2E_KINDS } from '../support/db.js';
import { ManualClock } from '../support/deps.js';
import { addAgent, agent, cardOf, fileTicket, json, showWhen, ticket, waitThreadPost } from '../support/e2eHelpers.js';

const REQ = 'UREQ0009';
const TOKEN = /bat_[A-Za-z0-9_-]{32,}/;

describe.each(E2E_KINDS)('waiting on the requester through the API and MCP on %s', (kind) => {
  let h: Harness;
  let token = '';
  let mcp: Client;
  const clock = new ManualClock('2026-03-02T10:00:00Z');
  const api = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`http://127.0.0.1:${h.baton.port}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null };
  };
  const tool = async (name: string, args: Record<string, unknown>) => (await mcp.callTool({ name, arguments: args })) as CallToolResult & { structuredContent?: any };

  beforeAll(async () => {
    h = await startHarness(kind, { clock });
    await addAgent(h, 'iris', 'skills:support user:<@UIRIS001>', 'CIRIS001');
    token = TOKEN.exec(await agent(h, 'token iris', ADMIN_USER))![0];
    mcp = new Client({ name: 'iris-agent', version: '1.0.0' });
    await mcp.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${h.baton.port}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
  });
  afterAll(async () => {
    await mcp?.close().catch(() => {});
    await h?.close();
  });

  it('when iris asks through the API, then the requester gets the question by DM, the clock stops, and /resume starts it again', async () => {
    const key = await fileTicket(h, 'type:support The VPN drops every hour', REQ);
    const home = await cardOf(h, 'CIRIS001', key);
    const waited = await api('POST', `/api/v1/tickets/${key}/wait`, { question: 'Which VPN client version? <!channel>' });
    expect(waited.status).toBe(200);
    expect(waited.body.key).toBe(key);
    // the ticket in JSON says it waits, and since when; its clock is stopped: no due time
    expect(waited.body.waitingOnRequesterSince).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(waited.body.escalationDueAt).toBeNull();
    const dm = await h.fake.waitFor(() => h.fake.posts(REQ).find((p) => json(p.args).includes('Which VPN client version')), 5000, 'the question by DM');
    expect(json(dm.args)).not.toContain('<!channel>'); // user text never pings
    await waitThreadPost(h, 'CIRIS001', home.ts, 'Waiting on the requester');
    // the card says so too
    const cardEdits = () => h.fake.callsTo('chat.update').filter((c) => c.ok && c.args.ts === home.ts);
    await h.fake.waitFor(() => cardEdits().find((c) => json(c.args).includes('Waiting on the requester*')), 5000, 'the card showing the wait');
    expect(await showWhen(h, key, 'waiting on the requester')).toContain('clock stopped, waiting on the requester');
    const again = await api('POST', `/api/v1/tickets/${key}/wait`, {});
    expect(again.status).toBe(409);
    expect(json(again.body)).toContain('already waits on its requester');
    const resumed = await api('POST', `/api/v1/tickets/${key}/resume`, {});
    expect(resumed.status).toBe(200);
    expect(resumed.body.waitingOnRequesterSince).toBeNull();
    expect(new Date(resumed.body.escalationDueAt).getTime()).toBeGreaterThan(Date.parse(resumed.body.assignedAt));
    await waitThreadPost(h, 'CIRIS001', home.ts, 'Resumed by @iris');
    // and the card no longer says it waits, its buttons still there
    const resumedCard = await h.fake.waitFor(() => (cardEdits().length >= 2 ? cardEdits().at(-1) : undefined), 5000, 'the card after the resume');
    expect(json(resumedCard.args)).not.toContain('Waiting on the requester*');
    expect(json(resumedCard.args)).toContain('ticket_resolve');
    expect(await ticket(h, `show ${key}`)).toContain('due Mon 14:00 UTC');
  });

  it('when iris uses the MCP tools, then wait_on_requester and resume_ticket do the same, and a second resume is a tool error saying why', async () => {
    const key = await fileTicket(h, 'type:support Printer prints blank pages', REQ);
    await cardOf(h, 'CIRIS001', key);
    const w = await tool('wait_on_requester', { key, question: 'Which printer?' });
    expect(w.isError).toBeFalsy();
    expect(w.structuredContent.key).toBe(key);
    await h.fake.waitFor(() => h.fake.posts(REQ).find((p) => json(p.args).includes('Which printer?')), 5000, 'the MCP question by DM');
    const r = await tool('resume_ticket', { key });
    expect(r.isError).toBeFalsy();
    const r2 = await tool('resume_ticket', { key });
    expect(r2.isError).toBe(true);
    expect(json(r2.content)).toContain('is not waiting on its requester');
  });
});
