// Agents on MCP clients: the official MCP client over Streamable HTTP drives a running Baton at /mcp (the same port
// as Slack and /api/v1) with agents' tokens, and Slack (the fake Web API) and the audit trail stay in step.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_USER, startHarness, type Harness } from '../support/batonHarness.js';
import { DEVIN, FELIX, IRIS } from '../support/cast.js';
import { E2E_KINDS } from '../support/db.js';
import { ManualClock } from '../support/deps.js';
import { addAgent, agent, cardOf, json, outboxIdle, waitThreadPost } from '../support/e2eHelpers.js';
import { auditOf, snapshot } from '../support/inspect.js';

const TOKEN = /bat_[A-Za-z0-9_-]{32,}/;
const MINUTE = 60_000;
const CHANNELS: Record<'iris' | 'devin' | 'felix', string> = { iris: 'CIRIS001', devin: 'CDEVIN01', felix: 'CFELIX01' };

async function issueToken(h: Harness, handle: string, user: string): Promise<string> {
  const m = TOKEN.exec(await agent(h, `token ${handle}`, user));
  if (!m) throw new Error(`no token for ${handle}`);
  return m[0];
}

/** The official MCP client, connected to Baton's /mcp with a bearer token. */
async function connect(h: Harness, token: string | undefined, name = 'test-agent'): Promise<Client> {
  const client = new Client({ name, version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${h.baton.port}/mcp`), {
    requestInit: token ? { headers: { Authorization: `Bearer ${token}` } } : {},
  });
  await client.connect(transport);
  return client;
}

type Tool = (name: string, args?: Record<string, unknown>) => Promise<CallToolResult & { structuredContent?: any }>;
const toolOf =
  (c: Client): Tool =>
  async (name, args = {}) =>
    (await c.callTool({ name, arguments: args })) as CallToolResult & { structuredContent?: any };
const textOf = (r: CallToolResult) => r.content.map((p) => (p.type === 'text' ? p.text : '')).join('\n');

describe.each(E2E_KINDS)('the MCP server on %s', (kind) => {
  let h: Harness;
  const clock = new ManualClock('2026-03-02T10:00:00Z');
  const clients: Client[] = [];
  const tokens: Record<string, string> = {};
  const tool: Record<string, Tool> = {};

  beforeAll(async () => {
    h = await startHarness(kind, { clock });
    await addAgent(h, 'iris', `skills:support,engineering user:<@${IRIS}>`, CHANNELS.iris);
    await addAgent(h, 'devin', `skills:engineering user:<@${DEVIN}>`, CHANNELS.devin);
    await addAgent(h, 'felix', `skills:engineering user:<@${FELIX}>`, CHANNELS.felix);
    for (const handle of ['iris', 'devin', 'felix']) {
      tokens[handle] = await issueToken(h, handle, ADMIN_USER);
      const c = await connect(h, tokens[handle], `${handle}-agent`);
      clients.push(c);
      tool[handle] = toolOf(c);
    }
  });
  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => {});
    await h?.close();
  });

  it('item 3: when an MCP client has no token or an unknown one, then /mcp refuses it with 401 and says how to get one', async () => {
    const url = `http://127.0.0.1:${h.baton.port}/mcp`;
    const init = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } };
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const none = await fetch(url, { method: 'POST', headers, body: JSON.stringify(init) });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect((await none.json()).error.message).toContain('/agent token HANDLE');
    const unknown = await fetch(url, { method: 'POST', headers: { ...headers, authorization: `Bearer bat_${'x'.repeat(43)}` }, body: JSON.stringify(init) });
    expect(unknown.status).toBe(401);
    expect((await unknown.json()).error.message).toContain('unknown or was revoked');
    await expect(connect(h, undefined)).rejects.toThrow(/401|agent token/);
    await expect(connect(h, `bat_${'y'.repeat(43)}`)).rejects.toThrow(/401|revoked/);
  });

  it('item 3: the tools are listed for a model, each with a description and an input schema, and tickets are resources baton://tickets/{key}', async () => {
    const { tools } = await clients[0]!.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(
      ['whoami', 'list_tickets', 'get_ticket', 'claim_next_ticket', 'accept_ticket', 'post_update', 'hand_off_ticket', 'decline_ticket', 'resolve_ticket', 'escalate_ticket', 'wait_on_requester', 'resume_ticket', 'file_ticket', 'set_availability', 'heartbeat'].sort(),
    );
    for (const t of tools) {
      expect(t.description!.length, t.name).toBeGreaterThan(80);
      expect(t.inputSchema.type, t.name).toBe('object');
      expect(t.outputSchema?.type, t.name).toBe('object');
    }
    const handoff = tools.find((t) => t.name === 'hand_off_ticket')!;
    expect(Object.keys(handoff.inputSchema.properties!).sort()).toEqual(['key', 'note', 'packet', 'to']);
    expect(handoff.inputSchema.required).toEqual(['key', 'to']);
    const { resourceTemplates } = await clients[0]!.listResourceTemplates();
    expect(resourceTemplates.map((r) => r.uriTemplate)).toEqual(['baton://tickets/{key}']);
  });

  it('item 3: an agent drives a ticket through MCP: whoami, claim, update in the home thread, hand off to a skill with a packet, the receiver declines, a third agent accepts and resolves, and the trail says via mcp', async () => {
    const me = await tool.iris!('whoami');
    expect(me.isError).toBeFalsy();
    expect(me.structuredContent).toEqual({ handle: 'iris', skills: ['support', 'engineering'], available: true, busyReason: null, busyUntil: null, active: 0, capacity: 5 });
    expect(textOf(me)).toContain('You are iris');

    // A ticket waits in intake while iris is busy; once the window is over she claims it.
    const busy = await tool.iris!('set_availability', { status: 'busy', for: '30m', reason: 'standup' });
    expect(busy.structuredContent).toMatchObject({ available: false, busyReason: 'standup' });
    const filed = await tool.felix!('file_ticket', { type: 'support', title: 'Checkout returns 500', priority: 'high', context: { customer: 'acme' } });
    expect(filed.structuredContent).toMatchObject({ status: 'intake', assignee: null, requester: 'agent:felix', context: { customer: 'acme' } });
    const key = filed.structuredContent.key as string;
    clock.advance(31 * MINUTE);
    const claimed = await tool.iris!('claim_next_ticket');
    expect(claimed.structuredContent.ticket).toMatchObject({ key, status: 'active', assignee: 'iris' });
    expect(textOf(claimed)).toContain(`Claimed ${key}`);
    expect((await tool.iris!('claim_next_ticket')).structuredContent).toEqual({ ticket: null });
    // Pulling it was taking it: it is accepted by the claim, and accepting again changes nothing.
    expect((await tool.iris!('accept_ticket', { key })).structuredContent.acceptedAt).toBe(clock.now().toISOString());

    const update = await tool.iris!('post_update', { key, text: 'Found it: the payment provider times out' });
    expect(update.isError).toBeFalsy();
    const home = await cardOf(h, CHANNELS.iris, key);
    await waitThreadPost(h, CHANNELS.iris, home.ts, 'the payment provider times out');

    // Hand off to whoever has the skill, with a packet: never back to iris, who has the skill too.
    const packet = { summary: 'Payment calls time out after 5 s', done: ['reproduced on staging'], open_questions: ['is the provider degraded?'], acceptance_criteria: ['checkout succeeds'], links: ['https://status.example.com/'] };
    const handed = await tool.iris!('hand_off_ticket', { key, to: 'skill:engineering', packet });
    expect(handed.isError, textOf(handed)).toBeFalsy();
    const child = handed.structuredContent;
    expect(child).toMatchObject({ parent: key, packet, type: 'engineering', status: 'active' });
    expect(['devin', 'felix']).toContain(child.assignee);
    const receiver = child.assignee as 'devin' | 'felix';
    await cardOf(h, CHANNELS[receiver], child.key);
    const parent = await tool.iris!('get_ticket', { key });
    expect(parent.structuredContent).toMatchObject({ waitingOn: child.key, children: [child.key] });

    // The receiver declines: the child goes to the third agent (never back to iris, nor to the decliner).
    const declined = await tool[receiver]!('decline_ticket', { key: child.key, reason: 'Not my service' });
    expect(declined.isError, textOf(declined)).toBeFalsy();
    const third = receiver === 'devin' ? 'felix' : 'devin';
    expect(declined.structuredContent).toMatchObject({ key: child.key, assignee: third, status: 'active' });
    await cardOf(h, CHANNELS[third], child.key);
    await waitThreadPost(h, CHANNELS.iris, home.ts, 'Not my service');
    // The third agent reads the packet (as a resource), accepts and resolves.
    const read = await clients[['iris', 'devin', 'felix'].indexOf(third)]!.readResource({ uri: `baton://tickets/${child.key}` });
    expect(JSON.parse((read.contents[0] as { text: string }).text)).toMatchObject({ key: child.key, packet });
    expect((await tool[third]!('accept_ticket', { key: child.key })).structuredContent.acceptedAt).not.toBeNull();
    const resolved = await tool[third]!('resolve_ticket', { key: child.key, note: 'Raised the timeout to 15 s' });
    expect(resolved.structuredContent).toMatchObject({ status: 'completed', resolution: 'Raised the timeout to 15 s' });
    await waitThreadPost(h, CHANNELS.iris, home.ts, 'Raised the timeout to 15 s');

    const done = await tool.iris!('resolve_ticket', { key, note: 'Checkout works again' });
    expect(done.structuredContent.status).toBe('completed');
    const trail = (await tool.devin!('get_ticket', { key })).structuredContent.trail as Array<{ actor: string; action: string; via: string | null }>;
    const byIris = trail.filter((e) => e.actor === 'agent:iris');
    expect(byIris.map((e) => e.action)).toEqual(expect.arrayContaining(['claimed', 'progress', 'resolved']));
    expect(byIris.every((e) => e.via === 'mcp')).toBe(true);
    const childTrail = await auditOf(h.baton.database, child.key);
    expect(childTrail.find((e) => e.action === 'resolved')).toMatchObject({ actor: `agent:${third}`, data: expect.objectContaining({ via: 'mcp' }) });
    expect(childTrail.find((e) => e.action === 'declined')).toMatchObject({ actor: `agent:${receiver}`, data: expect.objectContaining({ via: 'mcp' }) });
  });

  it('item 3: when a tool is refused, then it is a tool error carrying the specific message, and nothing changes', async () => {
    const t = await tool.iris!('file_ticket', { type: 'support', title: 'Only for iris', assign: 'iris' });
    const key = t.structuredContent.key as string;
    await outboxIdle(h);
    const before = await snapshot(h.baton.database);
    const refusals: Array<[string, Awaited<ReturnType<Tool>>, RegExp | string]> = [
      ['resolve another agent’s ticket', await tool.felix!('resolve_ticket', { key }), `felix can't resolve ${key}: it is neither assigned to felix nor filed by it.`],
      ['unknown ticket', await tool.felix!('get_ticket', { key: 'T-2026-999' }), 'There is no ticket `T-2026-999`.'],
      ['hand off to nobody', await tool.iris!('hand_off_ticket', { key, to: 'nobody' }), 'There is no agent `nobody`.'],
      ['a bad handle', await tool.iris!('hand_off_ticket', { key, to: 'Not A Handle' }), '`to` takes an agent handle like `iris`'],
      ['an ftp link in the packet', await tool.iris!('hand_off_ticket', { key, to: 'felix', packet: { links: ['ftp://example.com/x'] } }), /Invalid URL at packet\.links\[0\]/],
      ['an unknown field', await tool.iris!('post_update', { key, text: 'x', colour: 'red' }), /Unrecognized key: "colour"/],
      ['busy for ever', await tool.iris!('set_availability', { status: 'busy', for: 'forever' }), '`for:` takes a duration like `90s`'],
    ];
    expect(await snapshot(h.baton.database)).toEqual(before);
    await tool.iris!('resolve_ticket', { key, note: 'done' });
    await outboxIdle(h);
    const resolved = await snapshot(h.baton.database);
    refusals.push(['resolve it again', await tool.iris!('resolve_ticket', { key }), `${key} is already completed.`]);
    expect(await snapshot(h.baton.database)).toEqual(resolved);
    for (const [what, r, message] of refusals) {
      expect(r.isError, what).toBe(true);
      expect(textOf(r), what).toMatch(typeof message === 'string' ? new RegExp(message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : message);
      expect(textOf(r), what).not.toMatch(/at .*\.ts:\d+/);
    }
  });

  it('item 3: a token never appears in the trail or in Slack after MCP calls', async () => {
    await outboxIdle(h);
    const slack = json(h.fake.calls.map((c) => c.args));
    for (const handle of ['iris', 'devin', 'felix']) {
      const secret = tokens[handle]!.slice(4);
      expect(slack).not.toContain(secret);
      expect(json(await auditOf(h.baton.database, 'agent:' + handle))).not.toContain(secret);
    }
  });
});
