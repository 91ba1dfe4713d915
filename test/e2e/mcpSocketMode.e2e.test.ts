// In Socket Mode, Slack talks over a WebSocket, and /mcp is still served on PORT for agents, behind their token.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { startFakeSlack, type FakeSlack } from '../../fake-slack/index.js';
import { addAgent } from '../../src/app/agents.js';
import { issueToken } from '../../src/app/tokens.js';
import { startBaton, type Baton } from '../../src/main.js';
import { openTestDatabase } from '../support/db.js';
import { freePort } from '../support/slackRequests.js';

describe('the MCP server in Socket Mode', () => {
  let fake: FakeSlack;
  let wss: WebSocketServer;
  let baton: Baton;
  let port = 0;

  beforeAll(async () => {
    fake = await startFakeSlack();
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((r) => wss.once('listening', () => r()));
    const wsPort = (wss.address() as { port: number }).port;
    fake.on('apps.connections.open', () => ({ ok: true, url: `ws://127.0.0.1:${wsPort}/link` }));
    wss.on('connection', (ws) => ws.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0BATON' }, debug_info: { host: 'fake' } })));
    baton = await startBaton({
      env: { SLACK_BOT_TOKEN: 'xoxb-socket', SLACK_APP_TOKEN: 'xapp-socket', SLACK_API_URL: fake.url, ADMIN_USER_IDS: 'UADMIN01', PORT: String((port = await freePort())) },
      database: await openTestDatabase('pglite'),
      logger: pino({ level: 'silent' }),
      workerOptions: { pollMs: 20 },
    });
  });
  afterAll(async () => {
    await baton?.stop();
    for (const c of wss?.clients ?? []) c.terminate();
    await new Promise((r) => wss?.close(r));
    await fake?.close();
  });

  it('item 3: when Baton runs in Socket Mode, then an MCP client with a token reaches /mcp on PORT, and one without is refused with 401', async () => {
    const admin = { kind: 'user', user: 'UADMIN01' } as const;
    await addAgent(baton.deps, admin, { handle: 'iris', channel: 'CIRIS001', skills: ['support'] });
    const { token } = await issueToken(baton.deps, admin, { handle: 'iris' });
    const url = new URL(`http://127.0.0.1:${port}/mcp`);
    const client = new Client({ name: 'socket-agent', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
    const me = await client.callTool({ name: 'whoami', arguments: {} });
    expect(me.structuredContent).toMatchObject({ handle: 'iris', skills: ['support'], available: true });
    await client.close();
    const refused = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{}' });
    expect(refused.status).toBe(401);
  });
});
