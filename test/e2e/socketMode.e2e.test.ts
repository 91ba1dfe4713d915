// Socket Mode: with SLACK_APP_TOKEN, Baton opens its connection through SLACK_API_URL (apps.connections.open
// with the app token) and takes slash commands over the WebSocket, acknowledging each envelope.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { pino } from 'pino';
import { startBaton, type Baton } from '../../src/main.js';
import { startFakeSlack, type FakeSlack } from '../../fake-slack/index.js';
import { openTestDatabase } from '../support/db.js';
import { freePort } from '../support/slackRequests.js';

describe('Socket Mode', () => {
  let fake: FakeSlack;
  let wss: WebSocketServer;
  let baton: Baton;
  let port = 0;
  const logLines: string[] = [];
  let socket: WebSocket | null = null;
  const acks = new Map<string, unknown>();

  beforeAll(async () => {
    fake = await startFakeSlack();
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((r) => wss.once('listening', () => r()));
    const wsPort = (wss.address() as { port: number }).port;
    fake.on('apps.connections.open', () => ({ ok: true, url: `ws://127.0.0.1:${wsPort}/link` }));
    wss.on('connection', (ws) => {
      socket = ws;
      ws.on('message', (data) => {
        const msg = JSON.parse(String(data)) as { envelope_id?: string; payload?: unknown };
        if (msg.envelope_id) acks.set(msg.envelope_id, msg.payload ?? null);
      });
      ws.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0BATON' }, debug_info: { host: 'fake' } }));
    });
    baton = await startBaton({
      env: { SLACK_BOT_TOKEN: 'xoxb-socket', SLACK_APP_TOKEN: 'xapp-socket', SLACK_API_URL: fake.url, ADMIN_USER_IDS: 'UADMIN01', PORT: String((port = await freePort())) },
      database: await openTestDatabase('pglite'),
      // Every line at every level is kept: a token must never appear in one (Bolt logs acks' bodies at debug level).
      logger: pino({ level: 'trace' }, { write: (s: string) => void logLines.push(s) }),
      workerOptions: { pollMs: 20 },
    });
  });
  afterAll(async () => {
    await baton?.stop();
    for (const c of wss?.clients ?? []) c.terminate();
    await new Promise((r) => wss?.close(r));
    await fake?.close();
  });

  function command(text: string, envelopeId: string, name = '/ticket') {
    socket!.send(
      JSON.stringify({
        envelope_id: envelopeId,
        type: 'slash_commands',
        accepts_response_payload: true,
        payload: {
          token: 'x', team_id: 'T0TEAM', team_domain: 'test', channel_id: 'CGENERAL1', channel_name: 'general',
          user_id: 'UADMIN01', user_name: 'ada', command: name, text, api_app_id: 'A0BATON',
          response_url: fake.responseUrl(), trigger_id: 'trig.1',
        },
      }),
    );
  }

  it('when started with an app token, then the connection is opened through SLACK_API_URL with that token', () => {
    const open = fake.callsTo('apps.connections.open');
    expect(open.length).toBeGreaterThan(0);
    expect(open[0]!.token).toBe('xapp-socket');
  });

  it('when asked for /healthz in Socket Mode, then it answers on PORT', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true });
  });

  it('when a slash command arrives over the socket, then Baton files the ticket and acknowledges the envelope with the answer', async () => {
    command('new Printer on fire', 'env-1');
    const ack = await fake.waitFor(() => acks.get('env-1'));
    expect(JSON.stringify(ack)).toContain('T-2026-001');
  });

  it('when Prometheus scrapes /metrics in Socket Mode, then it answers on PORT and counts the filing that came over the socket', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/^baton_tickets_filed_total\{type="[a-z]+",priority="normal"\} 1$/m);
    expect(text).toMatch(/^baton_http_request_duration_seconds_count\{route="\/healthz",method="GET",status="200"\} 1$/m);
  });

  it('item 3: when an agent token is issued over the socket, then the API answers on PORT in Socket Mode and the token is in no log line', async () => {
    command('add sockbot skills:general channel:<#CSOCK0001|sockbot>', 'env-add', '/agent');
    await fake.waitFor(() => acks.get('env-add'));
    command('token sockbot', 'env-token', '/agent');
    const ack = await fake.waitFor(() => acks.get('env-token'));
    const token = /bat_[A-Za-z0-9_-]{43}/.exec(JSON.stringify(ack))![0];
    const me = await fetch(`http://127.0.0.1:${port}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ handle: 'sockbot', skills: ['general'] });
    expect((await fetch(`http://127.0.0.1:${port}/api/v1/me`)).status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${port}/api/v1/openapi.json`)).status).toBe(200);
    expect(logLines.join('\n')).toContain('ack()');
    expect(logLines.join('\n')).not.toContain(token.slice(4));
  });
});
