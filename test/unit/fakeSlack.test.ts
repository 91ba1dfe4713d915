import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { ErrorCode, WebClient } from '@slack/web-api';
import type { WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError } from '@slack/web-api';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../../fake-slack/index.js';
import { SlackClientSim, signSlackRequest, stateValues } from '../support/slackRequests.js';

const blocks = [
  { type: 'section', block_id: 'summary', text: { type: 'mrkdwn', text: '*T-2026-001* Printer on fire' } },
  {
    type: 'actions',
    block_id: 'ticket_actions',
    elements: [
      { type: 'button', action_id: 'ticket_resolve', value: 'T-2026-001', text: { type: 'plain_text', text: 'Resolve' } },
      { type: 'button', action_id: 'ticket_escalate', value: 'T-2026-001', text: { type: 'plain_text', text: 'Escalate' } },
    ],
  },
];

/** A WebClient that surfaces failures immediately instead of retrying. */
function strictClient(fake: FakeSlack, token = 'xoxb-test'): WebClient {
  return new WebClient(token, {
    slackApiUrl: fake.url,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logLevel: LogLevel.ERROR,
  });
}

async function rejection(p: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await p;
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('expected the promise to reject');
}

describe('fake Slack Web API', () => {
  let fake: FakeSlack;
  let client: WebClient;

  beforeEach(async () => {
    fake = await startFakeSlack();
    client = strictClient(fake);
  });
  afterEach(async () => {
    await fake.close();
  });

  it('exposes a slackApiUrl of the form WebClient expects', () => {
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
  });

  it('answers auth.test and records the bearer token', async () => {
    const res = await client.auth.test();
    expect(res).toMatchObject({ ok: true, user_id: 'UBATON', bot_id: 'BBATON', team_id: 'T0TEAM', user: 'baton' });
    expect(fake.callsTo('auth.test')[0]).toMatchObject({ method: 'auth.test', token: 'xoxb-test', status: 200, ok: true });
  });

  it('uses a configurable bot user id', async () => {
    const other = await startFakeSlack({ botUserId: 'U_OTHER' });
    try {
      expect((await strictClient(other).auth.test()).user_id).toBe('U_OTHER');
    } finally {
      await other.close();
    }
  });

  it('posts messages with increasing ts and decodes blocks', async () => {
    const first = await client.chat.postMessage({ channel: 'C1', text: 'hello', blocks });
    const second = await client.chat.postMessage({ channel: 'C1', text: 'again' });
    expect(first.ok).toBe(true);
    expect(first.channel).toBe('C1');
    expect(first.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(Number(second.ts)).toBeGreaterThan(Number(first.ts));
    expect(first.message?.text).toBe('hello');

    const [call] = fake.posts('C1');
    expect(call?.args.blocks).toEqual(blocks);
    expect(call?.args.text).toBe('hello');
    expect(fake.posts('C2')).toHaveLength(0);
    expect(fake.posts()).toHaveLength(2);
  });

  it('keeps threads and answers conversations.replies', async () => {
    const parent = await client.chat.postMessage({ channel: 'C1', text: 'parent' });
    await client.chat.postMessage({ channel: 'C1', text: 'reply', thread_ts: parent.ts as string });
    expect(fake.replies('C1', parent.ts as string).map((m) => m.text)).toEqual(['reply']);
    const replies = await client.conversations.replies({ channel: 'C1', ts: parent.ts as string });
    expect(replies.messages?.map((m) => m.text)).toEqual(['parent', 'reply']);
  });

  it('updates messages and rejects unknown ones', async () => {
    const posted = await client.chat.postMessage({ channel: 'C1', text: 'v1', blocks });
    await client.chat.update({ channel: 'C1', ts: posted.ts as string, text: 'v2', blocks: [] });
    expect(fake.message('C1', posted.ts as string)).toMatchObject({ text: 'v2', blocks: [], edited: true });
    const err = await rejection(client.chat.update({ channel: 'C1', ts: '1.000001', text: 'x' }));
    expect((err as WebAPIPlatformError).data.error).toBe('message_not_found');
  });

  it('creates channels with unique ids and refuses taken names', async () => {
    const a = await client.conversations.create({ name: 'agent-iris' });
    const b = await client.conversations.create({ name: 'agent-otto' });
    expect(a.channel?.id).toMatch(/^C/);
    expect(a.channel?.id).not.toBe(b.channel?.id);
    expect(a.channel?.name).toBe('agent-iris');
    const err = await rejection(client.conversations.create({ name: 'agent-iris' }));
    expect((err as WebAPIPlatformError).data.error).toBe('name_taken');
    const info = await client.conversations.info({ channel: a.channel?.id as string });
    expect(info.channel?.name).toBe('agent-iris');
  });

  it('answers the other methods Baton uses', async () => {
    const posted = await client.chat.postMessage({ channel: 'C1', text: 'x' });
    const link = await client.chat.getPermalink({ channel: 'C1', message_ts: posted.ts as string });
    expect(link.permalink).toBe(`https://test.slack.com/archives/C1/p${(posted.ts as string).replace('.', '')}`);
    expect((await client.apps.connections.open()).url).toBe('ws://127.0.0.1:1/');
    const view = await client.views.open({
      trigger_id: 't1',
      view: { type: 'modal', callback_id: 'ticket_new', title: { type: 'plain_text', text: 'New' }, blocks: [] },
    });
    expect(view.view?.id).toMatch(/^V/);
    expect(fake.callsTo('views.open')[0]?.args.view.callback_id).toBe('ticket_new');
    expect((await client.views.update({ view_id: view.view?.id as string, view: { type: 'modal', title: { type: 'plain_text', text: 'x' }, blocks: [] } })).ok).toBe(true);
    expect((await client.conversations.join({ channel: 'C1' })).channel?.is_member).toBe(true);
    expect((await client.conversations.invite({ channel: 'C1', users: 'U1' })).ok).toBe(true);
    expect((await client.users.info({ user: 'U1' })).user?.id).toBe('U1');
    expect((await client.chat.postEphemeral({ channel: 'C1', user: 'U1', text: 'psst' })).message_ts).toBeTruthy();
    expect((await client.apiCall('something.unknown', { a: 1 })).ok).toBe(true);
    expect(fake.callsTo('something.unknown')[0]?.args).toMatchObject({ a: '1' });
  });

  it('accepts application/json bodies', async () => {
    const res = await fetch(`${fake.url}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: 'Bearer xoxb-json' },
      body: JSON.stringify({ channel: 'C9', text: 'json', blocks }),
    });
    expect(await res.json()).toMatchObject({ ok: true, channel: 'C9' });
    expect(fake.posts('C9')[0]).toMatchObject({ token: 'xoxb-json', args: { blocks } });
  });

  it('injects HTTP 500', async () => {
    fake.fail('chat.postMessage', { status: 500 });
    const err = await rejection(client.chat.postMessage({ channel: 'C1', text: 'x' }));
    expect(err.code).toBe(ErrorCode.HTTPError);
    expect((err as WebAPIHTTPError).statusCode).toBe(500);
    // only once
    expect((await client.chat.postMessage({ channel: 'C1', text: 'x' })).ok).toBe(true);
    expect(fake.callsTo('chat.postMessage').map((c) => c.status)).toEqual([500, 200]);
    expect(fake.posts('C1')).toHaveLength(1);
  });

  it('injects 429 with Retry-After', async () => {
    fake.fail('chat.postMessage', { status: 429, retryAfter: 7 });
    const err = await rejection(client.chat.postMessage({ channel: 'C1', text: 'x' }));
    expect(err.code).toBe(ErrorCode.RateLimitedError);
    expect((err as WebAPIRateLimitedError).retryAfter).toBe(7);
    expect(fake.rateLimited).toBe(1);
  });

  it('lets a retrying WebClient through after a 429', async () => {
    fake.fail('chat.postMessage', { status: 429, retryAfter: 0 });
    const retrying = new WebClient('xoxb-test', {
      slackApiUrl: fake.url,
      retryConfig: { retries: 2, minTimeout: 0, maxTimeout: 0 },
      logLevel: LogLevel.ERROR,
    });
    expect((await retrying.chat.postMessage({ channel: 'C1', text: 'x' })).ok).toBe(true);
    expect(fake.callsTo('chat.postMessage')).toHaveLength(2);
  });

  it('injects ok:false errors, delays and dropped connections', async () => {
    fake.fail('chat.postMessage', { error: 'channel_not_found' });
    const err = await rejection(client.chat.postMessage({ channel: 'C1', text: 'x' }));
    expect(err.code).toBe(ErrorCode.PlatformError);
    expect((err as WebAPIPlatformError).data.error).toBe('channel_not_found');

    fake.fail('auth.test', { delayMs: 150 });
    const started = Date.now();
    expect((await client.auth.test()).ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);

    fake.fail('auth.test', { destroy: true });
    const dropped = await rejection(client.auth.test());
    expect(dropped.code).toBe(ErrorCode.RequestError);
    expect(fake.callsTo('auth.test').at(-1)).toMatchObject({ status: 0, ok: false });
  });

  it('fails Infinity times until clearFailures, and down()/up()', async () => {
    fake.fail('users.info', { error: 'user_not_found' }, Infinity);
    for (let i = 0; i < 3; i++) await rejection(client.users.info({ user: 'U1' }));
    fake.clearFailures();
    expect((await client.users.info({ user: 'U1' })).ok).toBe(true);

    fake.down();
    const err = await rejection(client.auth.test());
    expect((err as WebAPIHTTPError).statusCode).toBe(503);
    fake.up();
    expect((await client.auth.test()).ok).toBe(true);
  });

  it('rate-limits chat.postMessage per channel', async () => {
    fake.rateLimit({ perSecond: 1, burst: 3 });
    for (let i = 0; i < 3; i++) await client.chat.postMessage({ channel: 'C1', text: `m${i}` });
    const err = await rejection(client.chat.postMessage({ channel: 'C1', text: 'too many' }));
    expect(err.code).toBe(ErrorCode.RateLimitedError);
    expect((err as WebAPIRateLimitedError).retryAfter).toBeGreaterThanOrEqual(1);
    // another channel has its own bucket
    expect((await client.chat.postMessage({ channel: 'C2', text: 'fine' })).ok).toBe(true);
    expect(fake.rateLimited).toBe(1);
    fake.rateLimit(undefined);
    expect((await client.chat.postMessage({ channel: 'C1', text: 'free again' })).ok).toBe(true);
  });

  it('records response URL posts', async () => {
    const url = fake.responseUrl({ channel: 'C1', user: 'U1' });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/response\/\d+$/);
    expect(fake.responseUrl()).not.toBe(url);
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'done', response_type: 'ephemeral' }),
    });
    expect(res.status).toBe(200);
    expect(fake.responses).toEqual([expect.objectContaining({ url, body: { text: 'done', response_type: 'ephemeral' } })]);
    expect(fake.transcript()).toContain('[only U1 sees] @baton: done');
  });

  it('waitFor resolves when the condition holds and explains timeouts', async () => {
    setTimeout(() => void client.chat.postMessage({ channel: 'C1', text: 'late' }), 50);
    const post = await fake.waitFor(() => fake.posts('C1')[0]);
    expect(post.args.text).toBe('late');

    const err = await rejection(fake.waitFor(() => fake.posts('C_NOPE')[0], 100, 'a post in C_NOPE'));
    expect(err.message).toContain('timed out after 100 ms waiting for a post in C_NOPE');
    expect(err.message).toContain('chat.postMessage');
  });

  it('reset() clears the records', async () => {
    await client.chat.postMessage({ channel: 'C1', text: 'x' });
    fake.reset();
    expect(fake.calls).toHaveLength(0);
    expect(fake.messages()).toHaveLength(0);
  });

  it('renders a transcript with threads and buttons', async () => {
    fake.addChannel('C1', 'agent-iris');
    const parent = await client.chat.postMessage({ channel: 'C1', text: 'New ticket T-2026-001', blocks });
    await client.chat.postMessage({ channel: 'C1', text: 'Handed off to @otto', thread_ts: parent.ts as string });
    await client.chat.postMessage({ channel: 'C2', text: 'elsewhere' });
    const text = fake.transcript();
    expect(text).toContain('#agent-iris (C1)');
    expect(text).toContain('  @baton: New ticket T-2026-001');
    expect(text).toContain('| *T-2026-001* Printer on fire');
    expect(text).toContain('[Resolve](ticket_resolve=T-2026-001)  [Escalate](ticket_escalate=T-2026-001)');
    expect(text).toContain('    ↳ @baton: Handed off to @otto');
    expect(text).toContain('#C2');
    expect(text.indexOf('Handed off')).toBeGreaterThan(text.indexOf('[Resolve]'));
    expect(text.indexOf('Handed off')).toBeLessThan(text.indexOf('#C2'));
  });
});

describe('signed requests to a Bolt HTTPReceiver', () => {
  const signingSecret = 'test-secret';
  let fake: FakeSlack;
  let app: App;
  let slack: SlackClientSim;
  const seen: { kind: string; body: unknown; retryNum?: number }[] = [];

  beforeAll(async () => {
    fake = await startFakeSlack();
    const receiver = new HTTPReceiver({ signingSecret, logLevel: LogLevel.ERROR });
    // The App calls auth.test at construction (token verification): the fake must be up first.
    app = new App({
      token: 'xoxb-test',
      receiver,
      clientOptions: { slackApiUrl: fake.url, retryConfig: { retries: 0 } },
      logLevel: LogLevel.ERROR,
    });
    app.command('/ticket', async ({ ack, command, respond }) => {
      seen.push({ kind: 'command', body: command });
      await ack({ response_type: 'ephemeral', text: `Filing: ${command.text}` });
      await respond({ response_type: 'ephemeral', text: 'Filed T-2026-001' });
    });
    app.action('ticket_resolve', async ({ ack, body }) => {
      await ack();
      seen.push({ kind: 'action', body });
    });
    app.view('ticket_new', async ({ ack, view, body }) => {
      const title = view.state.values.title?.title?.value;
      if (!title) {
        await ack({ response_action: 'errors', errors: { title: 'A title is required' } });
        return;
      }
      await ack();
      seen.push({ kind: 'view', body });
    });
    app.message(async ({ message, say }) => {
      if (message.subtype === undefined && 'text' in message) {
        await say({ text: `echo: ${message.text}`, thread_ts: message.ts });
      }
    });
    app.event('app_mention', async ({ event, context }) => {
      seen.push({ kind: 'mention', body: event, ...(context.retryNum !== undefined ? { retryNum: context.retryNum } : {}) });
    });
    const server = (await app.start(0)) as Server;
    const { port } = server.address() as AddressInfo;
    slack = new SlackClientSim({ baseUrl: `http://127.0.0.1:${port}`, signingSecret, fake });
  });

  afterAll(async () => {
    await app?.stop();
    await fake?.close();
  });

  it('signs like Slack', () => {
    const h = signSlackRequest('8f742231b10e8888abcd99yyyzzz85a5', 'token=x', 1531420618);
    expect(h['x-slack-request-timestamp']).toBe('1531420618');
    expect(h['x-slack-signature']).toMatch(/^v0=[0-9a-f]{64}$/);
  });

  it('the App verified its token with auth.test on the fake', async () => {
    const call = await fake.waitFor(() => fake.callsTo('auth.test')[0]);
    expect(call.token).toBe('xoxb-test');
  });

  it('accepts a signed /ticket command and returns the ack body', async () => {
    const res = await slack.command('/ticket', 'new type:it printer on fire & smoke +1', { user: 'U_ALICE' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ response_type: 'ephemeral', text: 'Filing: new type:it printer on fire & smoke +1' });
    const command = seen.find((s) => s.kind === 'command')?.body as Record<string, string>;
    expect(command).toMatchObject({ command: '/ticket', user_id: 'U_ALICE', channel_id: 'C_GENERAL', team_id: 'T0TEAM' });
    expect(command.response_url).toBe(res.responseUrl);
    const response = await fake.waitFor(() => fake.responses.find((r) => r.url === res.responseUrl));
    expect(response.body).toEqual({ response_type: 'ephemeral', text: 'Filed T-2026-001' });
    expect(fake.transcript()).toContain('U_ALICE ran /ticket new type:it printer on fire & smoke +1');
  });

  it('refuses a bad signature and a 6-minute-old timestamp with 401', async () => {
    const before = seen.length;
    expect((await slack.command('/ticket', 'list', { badSignature: true })).status).toBe(401);
    expect((await slack.command('/ticket', 'list', { ageSeconds: 6 * 60 })).status).toBe(401);
    expect((await slack.command('/ticket', 'list', { unsigned: true })).status).toBe(401);
    expect((await slack.raw('{"type":"event_callback"}', { 'x-slack-signature': 'v0=deadbeef' })).status).toBe(401);
    expect(seen.length).toBe(before);
  });

  it('delivers a signed block_actions payload for a button on a posted message', async () => {
    const posted = await strictClient(fake).chat.postMessage({ channel: 'C_AGENT', text: 'New ticket', blocks });
    const res = await slack.action({ actionId: 'ticket_resolve', value: 'T-2026-001', user: 'U_IRIS' });
    expect(res.status).toBe(200);
    const body = (await fake.waitFor(() => seen.find((s) => s.kind === 'action'))).body as Record<string, any>;
    expect(body.actions[0]).toMatchObject({ action_id: 'ticket_resolve', value: 'T-2026-001', block_id: 'ticket_actions' });
    expect(body.container).toMatchObject({ message_ts: posted.ts, channel_id: 'C_AGENT' });
    expect(body.message.ts).toBe(posted.ts);
    expect(body.user.id).toBe('U_IRIS');
    expect(body.channel.id).toBe('C_AGENT');
  });

  it('delivers a signed view_submission and returns response_action errors', async () => {
    await strictClient(fake).views.open({
      trigger_id: 't',
      view: { type: 'modal', callback_id: 'ticket_new', private_metadata: '{"channel":"C1"}', title: { type: 'plain_text', text: 'New' }, blocks: [] },
    });
    const invalid = await slack.viewSubmission({ callbackId: 'ticket_new', values: { title: { title: null } } });
    expect(invalid.status).toBe(200);
    expect(invalid.body).toEqual({ response_action: 'errors', errors: { title: 'A title is required' } });

    const ok = await slack.viewSubmission({
      callbackId: 'ticket_new',
      user: 'U_BOB',
      values: {
        title: { title: 'Printer on fire' },
        prio: { prio: { staticSelect: 'high' } },
        who: { who: { usersSelect: 'U_IRIS' } },
        handoff: { handoff: { multiStaticSelect: ['ops', 'billing'] } },
      },
    });
    expect(ok.status).toBe(200);
    expect(ok.text).toBe('');
    const body = (await fake.waitFor(() => seen.find((s) => s.kind === 'view'))).body as Record<string, any>;
    expect(body.user.id).toBe('U_BOB');
    expect(body.view.private_metadata).toBe('{"channel":"C1"}');
    expect(body.view.state.values.prio.prio.selected_option.value).toBe('high');
    expect(body.view.state.values.who.who.selected_user).toBe('U_IRIS');
    expect(body.view.state.values.handoff.handoff.selected_options.map((o: { value: string }) => o.value)).toEqual([
      'ops',
      'billing',
    ]);
  });

  it('builds state values from a simple map', () => {
    expect(stateValues({ b: { a: 'x', s: { staticSelect: { value: 'v', text: 'V' } } } })).toEqual({
      b: {
        a: { type: 'plain_text_input', value: 'x' },
        s: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: 'V', emoji: true }, value: 'v' } },
      },
    });
  });

  it('delivers message events and the app replies in thread on the fake', async () => {
    const res = await slack.message({ channel: 'C_INTAKE', user: 'U_CAROL', text: 'my invoice is wrong' });
    expect(res.status).toBe(200);
    const reply = await fake.waitFor(() => fake.posts('C_INTAKE')[0]);
    expect(reply.args).toMatchObject({ text: 'echo: my invoice is wrong', thread_ts: res.ts });
    expect(fake.transcript({ channel: 'C_INTAKE' })).toContain(
      '  U_CAROL: my invoice is wrong\n    ↳ @baton: echo: my invoice is wrong',
    );
  });

  it('passes event retry headers through to context.retryNum', async () => {
    const event = { type: 'app_mention', user: 'U_DAN', text: '<@UBATON> hi', channel: 'C1', ts: fake.nextTs() };
    const res = await slack.event(event, { eventId: 'Ev123', retryNum: 1, retryReason: 'http_timeout' });
    expect(res.status).toBe(200);
    expect(res.eventId).toBe('Ev123');
    const mention = await fake.waitFor(() => seen.find((s) => s.kind === 'mention'));
    expect(mention.retryNum).toBe(1);
  });

  it('answers url_verification', async () => {
    const res = await slack.urlVerification('abc');
    expect(res.body).toEqual({ challenge: 'abc' });
  });
});
