// Hostile input on POST /slack/events, correctly signed (so it passes the signature check and reaches
// the parser and the listeners): malformed, truncated and oversized bodies, payloads missing the fields
// every listener relies on, and text built to break storage or Slack formatting. Baton must never
// answer 5xx, never crash, answer the person specifically where there is one, and file nothing it
// should not.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'drizzle-orm';
import { ADMIN_USER, startHarness, type Harness } from '../support/batonHarness.js';
import { addAgent, bodyOf, json, keyIn, outboxIdle, ticket, unescapedCalls } from '../support/e2eHelpers.js';
import { WAIT } from '../support/wait.js';
import { startFakeSlack } from '../../fake-slack/index.js';
import { freePort, SlackClientSim, type SimResponse } from '../support/slackRequests.js';
import { spawnBaton } from '../support/spawnBaton.js';
import { seedPgliteDataDir } from './support.js';

const INTAKE = 'CINTAKE1';
const AGENT_CHANNEL = 'CIRIS001';
const REQ = 'UREQUEST1';
const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

/** A slash command body as Slack sends it, with `fields` overriding or (undefined) removing fields. */
function commandBody(h: Harness, fields: Record<string, string | undefined>): string {
  const base: Record<string, string | undefined> = {
    token: 'verification-token',
    team_id: 'T0TEAM',
    team_domain: 'test',
    channel_id: 'C_GENERAL',
    channel_name: 'general',
    user_id: REQ,
    user_name: 'requester',
    command: '/ticket',
    text: 'help',
    api_app_id: 'A0BATON',
    response_url: h.fake.responseUrl({ channel: 'C_GENERAL', user: REQ }),
    trigger_id: `1.${Date.now()}.abc`,
    ...fields,
  };
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(base)) if (v !== undefined) p.append(k, v);
  return p.toString();
}

function eventBody(event: unknown, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    token: 'verification-token',
    team_id: 'T0TEAM',
    api_app_id: 'A0BATON',
    type: 'event_callback',
    event_id: `Ev${Math.random().toString(36).slice(2, 12).toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: 'T0TEAM', user_id: 'UBATON', is_bot: true, is_enterprise_install: false }],
    ...(event === undefined ? {} : { event }),
    ...extra,
  });
}

const payloadBody = (payload: unknown) => new URLSearchParams({ payload: typeof payload === 'string' ? payload : JSON.stringify(payload) }).toString();

const blockActions = (o: Record<string, unknown>) => ({
  type: 'block_actions',
  user: { id: REQ, username: 'req', team_id: 'T0TEAM' },
  api_app_id: 'A0BATON',
  token: 'verification-token',
  team: { id: 'T0TEAM', domain: 'test' },
  container: { type: 'message', message_ts: '1700000000.000100', channel_id: AGENT_CHANNEL },
  channel: { id: AGENT_CHANNEL, name: 'agent-iris' },
  trigger_id: '1.2.3',
  ...o,
});

/** A string of `n` random code points from many planes and scripts (no lone surrogates: Slack sends UTF-8). */
function randomUnicode(n: number, seed: number): string {
  let x = seed;
  const rnd = () => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return x / 0x7fffffff;
  };
  const ranges: Array<[number, number]> = [
    [0x20, 0x7e], // ASCII
    [0xa0, 0x24f], // Latin-1, Latin Extended
    [0x300, 0x36f], // combining marks
    [0x590, 0x6ff], // Hebrew, Arabic (RTL)
    [0x200b, 0x200f], // zero-width and direction marks
    [0x202a, 0x202e], // bidi embedding / override
    [0x3040, 0x30ff], // Hiragana, Katakana
    [0x4e00, 0x9fff], // CJK
    [0xfe00, 0xfe0f], // variation selectors
    [0xfff0, 0xfffd], // specials
    [0x1f300, 0x1faff], // emoji
    [0x1d400, 0x1d7ff], // mathematical alphanumerics
    [0xe0000, 0xe007f], // tags
  ];
  let s = '';
  for (let i = 0; i < n; i++) {
    const [lo, hi] = ranges[Math.floor(rnd() * ranges.length)]!;
    s += String.fromCodePoint(lo + Math.floor(rnd() * (hi - lo + 1)));
  }
  return s;
}

const text = (r: SimResponse) => (typeof r.body === 'string' ? r.body : json(r.body));

describe('hostile payloads on POST /slack/events (PGlite)', () => {
  let h: Harness;
  const statuses: Array<{ what: string; status: number }> = [];

  /** POST a signed raw body; records the status for the final "never 5xx" check. */
  async function send(what: string, body: string, contentType?: string): Promise<SimResponse> {
    const headers: Record<string, string> = contentType ? { 'content-type': contentType } : {};
    // undici may send on a keep-alive socket the server is closing at that instant (e.g. the one that
    // carried the 5 MB body refused unread): ECONNRESET before any answer, a transport race on the
    // client's side, not an answer from Baton. Retry such a request once.
    const r = await h.slack.raw(body, headers).catch((e: Error & { cause?: { code?: string } }) => {
      if (e.cause?.code !== 'ECONNRESET') throw e;
      return h.slack.raw(body, headers);
    });
    statuses.push({ what, status: r.status });
    if (process.env.FAULTS_DEBUG) console.log(`[hostile] ${r.status} ${what}: ${r.text.slice(0, 160)}`);
    expect(r.status, `${what}: HTTP ${r.status} ${r.text.slice(0, 200)}`).toBeLessThan(500);
    return r;
  }

  async function ticketCount(): Promise<number> {
    const rows = await h.baton.database.rows<{ n: number }>(h.baton.database.db, sql`select count(*)::int as n from tickets`);
    return Number(rows[0]!.n);
  }

  /** A valid command still works: the app, the listeners and the database are all alive. */
  async function stillAlive() {
    const r = await h.slack.command('/ticket', 'list intake', { user: REQ });
    expect(r.status).toBe(200);
    expect(bodyOf(r)).toMatch(/intake/i);
  }

  beforeAll(async () => {
    h = await startHarness('pglite', { env: { INTAKE_CHANNELS: INTAKE } });
    await addAgent(h, 'iris', 'skills:general,billing capacity:100', AGENT_CHANNEL);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('when bodies are malformed (invalid JSON, truncated forms, payload= with broken JSON, JSON null, wrong content types), then Baton answers 4xx or 200, never 5xx, and keeps working', async () => {
    const before = await ticketCount();
    const cases: Array<[string, string, string?]> = [
      ['invalid JSON', '{"type":"event_callback","event":{"type":"message"', JSON_TYPE],
      ['not JSON at all with a JSON content type', 'this is not json', JSON_TYPE],
      ['an empty JSON body', '', JSON_TYPE],

      ['a JSON array', '[1,2,3]', JSON_TYPE],
      ['a JSON string', '"event_callback"', JSON_TYPE],
      ['a JSON number', '42', JSON_TYPE],
      ['payload= with broken JSON', 'payload=%7B%22type%22%3A%22block_actions%22%2C%22actions%22%3A%5B', FORM],
      ['payload= empty', 'payload=', FORM],

      ['payload=[]', 'payload=%5B%5D', FORM],
      ['payload=a number', 'payload=7', FORM],
      ['payload of an unknown type', payloadBody({ type: 'no_such_type', user: { id: REQ } }), FORM],
      ['a truncated form body in a percent escape', 'command=%2Fticket&text=new%20Printer%20on%20fi%2', FORM],
      ['a form body that is only a key', 'command', FORM],
      ['an empty form body', '', FORM],
      ['a form body with a charset suffix', commandBody(h, { text: 'list' }), `${FORM}; charset=utf-8`],
      ['a text/plain body', 'hello', 'text/plain'],
      ['binary garbage', Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80, 0x81, 0xc3, 0x28]).toString('latin1'), 'application/octet-stream'],
      ['invalid UTF-8 in a JSON body', '{"type":"event_callback","x":"\udcff"}', JSON_TYPE],
      ['a url_verification without a challenge', JSON.stringify({ type: 'url_verification' }), JSON_TYPE],
      ['an ssl_check', 'ssl_check=1&token=verification-token', FORM],
    ];
    const results = await Promise.all(cases.map(([what, body, type]) => send(what, body, type)));
    // Unparseable bodies are refused as bad requests.
    expect(results[0]!.status).toBe(400);
    expect(results[1]!.status).toBe(400);
    expect(results[7]!.status).toBe(400);
    await stillAlive();
    // A truncated command body still names a command and its text: Baton may file it (see the report:
    // a command without user_id is filed with no requester); it must not file anything twice.
    expect(await ticketCount()).toBeLessThanOrEqual(before + 1);
  });

  it('when a body is 1 MB (a slash command, an intake message, an interactivity payload) or above the 4 MB limit, then Baton answers without 5xx: too long, cut, or 413', async () => {
    const before = await ticketCount();
    const mb = 'x'.repeat(1024 * 1024);
    const cmd = await send('a 1 MB slash command', commandBody(h, { text: `new ${mb}` }), FORM);
    expect(cmd.status).toBe(200);
    expect(text(cmd)).toMatch(/too long|limit is 200/i);
    expect(text(cmd)).toContain('200');

    const intake = await send('a 1 MB intake message', eventBody({ type: 'message', channel: INTAKE, user: REQ, ts: h.fake.nextTs(), text: `Huge first line ${mb}` }), JSON_TYPE);
    expect(intake.status).toBe(200);
    // The intake message is cut with a visible mark, not refused and not crashing the handler.
    const filed = await vi.waitFor(async () => {
      const rows = await h.baton.database.rows<{ key: string; title: string; description: string }>(
        h.baton.database.db,
        sql`select key, title, description from tickets where title like 'Huge first line%'`,
      );
      expect(rows, 'tickets filed from the 1 MB intake message').not.toHaveLength(0);
      return rows[0]!;
    }, { ...WAIT, timeout: 10_000 });
    expect([...filed.title].length).toBeLessThanOrEqual(200);
    expect(filed.title.endsWith('…')).toBe(true);
    expect([...filed.description].length).toBeLessThanOrEqual(4000);

    const action = await send('a 1 MB block_actions payload', payloadBody(blockActions({ actions: [{ action_id: 'ticket_accept', type: 'button', value: mb, action_ts: '1.2' }], response_url: h.fake.responseUrl({ user: REQ }) })), FORM);
    expect(action.status).toBe(200);

    const tooBig = await send('a 5 MB body', JSON.stringify({ type: 'event_callback', pad: 'y'.repeat(5 * 1024 * 1024) }), JSON_TYPE);
    expect(tooBig.status).toBe(413);

    expect(await ticketCount()).toBe(before + 1);
    await stillAlive();
  });

  it('when an event_callback has no event, or an event lacks channel, ts, user or text, then Baton answers 200 or 404 and nothing is filed', async () => {
    const before = await ticketCount();
    const ts = () => h.fake.nextTs();
    const cases: Array<[string, string]> = [
      ['an event_callback without event', eventBody(undefined)],
      ['an event without a type', eventBody({ channel: INTAKE, user: REQ, ts: ts(), text: 'No type' })],
      ['a message without channel', eventBody({ type: 'message', user: REQ, ts: ts(), text: 'No channel' })],
      ['a message without ts', eventBody({ type: 'message', channel: INTAKE, user: REQ, text: 'No ts' })],
      ['a message without user', eventBody({ type: 'message', channel: INTAKE, ts: ts(), text: 'No user' })],
      ['a message without text', eventBody({ type: 'message', channel: INTAKE, user: REQ, ts: ts() })],
      ['a message whose text is an object', eventBody({ type: 'message', channel: INTAKE, user: REQ, ts: ts(), text: { evil: true } })],
      ['a message whose text is a number', eventBody({ type: 'message', channel: INTAKE, user: REQ, ts: ts(), text: 12345 })],
      ['a message whose channel is an object', eventBody({ type: 'message', channel: { id: INTAKE }, user: REQ, ts: ts(), text: 'Object channel' })],
      ['a thread reply with a thread_ts that is no ticket', eventBody({ type: 'message', channel: AGENT_CHANNEL, user: REQ, ts: ts(), thread_ts: '1.000001', text: 'reply' })],
      ['a message of only NUL characters', eventBody({ type: 'message', channel: INTAKE, user: REQ, ts: ts(), text: '\u0000\u0000\u0000' })],
      ['an app_mention without anything', eventBody({ type: 'app_mention' })],
      ['an event without authorizations', eventBody({ type: 'message', channel: INTAKE, user: REQ, ts: ts(), text: 'No auth' }, { authorizations: undefined, team_id: undefined })],
    ];
    const results = await Promise.all(cases.map(([what, body]) => send(what, body, JSON_TYPE)));
    for (const [i, r] of results.entries()) expect([200, 404], cases[i]![0]).toContain(r.status);
    // Only the event without authorizations is a complete message; Bolt still authorizes it with the bot token.
    const after = await ticketCount();
    expect(after - before).toBeLessThanOrEqual(1);
    const stored = await h.baton.database.rows<{ title: string }>(h.baton.database.db, sql`select title from tickets order by created_at desc limit ${after - before + 1}`);
    for (const t of stored.slice(0, after - before)) expect(t.title).toBe('No auth');
    await stillAlive();
  });

  it('when a block_actions has no actions, no user or no value, or a view_submission has no view.state, then there is no 5xx and the person is told what went wrong', async () => {
    const before = await ticketCount();
    const url = () => h.fake.responseUrl({ channel: AGENT_CHANNEL, user: REQ });
    const noValueUrl = url();
    const badKeyUrl = url();
    const cases: Array<[string, unknown]> = [
      ['a block_actions without actions', blockActions({ response_url: url() })],
      ['a block_actions with an empty actions list', blockActions({ actions: [], response_url: url() })],
      ['a block_actions whose action has no value', blockActions({ actions: [{ action_id: 'ticket_resolve', type: 'button', action_ts: '1.2' }], response_url: noValueUrl })],
      ['a block_actions whose value is not a key', blockActions({ actions: [{ action_id: 'ticket_accept', type: 'button', value: "'; drop table tickets; --", action_ts: '1.2' }], response_url: badKeyUrl })],
      ['a block_actions with an unknown action', blockActions({ actions: [{ action_id: 'drop_tables', type: 'button', value: 'x', action_ts: '1.2' }], response_url: url() })],
      ['a handoff button without trigger_id', { ...blockActions({ actions: [{ action_id: 'ticket_handoff', type: 'button', value: 'T-2026-001', action_ts: '1.2' }], response_url: url() }), trigger_id: undefined }],
      ['a view_submission without view.state', { type: 'view_submission', user: { id: REQ }, team: { id: 'T0TEAM' }, view: { id: 'V1', callback_id: 'ticket_new', private_metadata: '' } }],
      ['a view_submission with state without values', { type: 'view_submission', user: { id: REQ }, team: { id: 'T0TEAM' }, view: { id: 'V1', callback_id: 'ticket_new', private_metadata: '', state: {} } }],
      ['a handoff view_submission without state and with broken metadata', { type: 'view_submission', user: { id: REQ }, team: { id: 'T0TEAM' }, view: { id: 'V2', callback_id: 'ticket_handoff_modal', private_metadata: '{not json', state: null } }],
      ['a view_submission of an unknown modal', { type: 'view_submission', user: { id: REQ }, team: { id: 'T0TEAM' }, view: { id: 'V3', callback_id: 'nope', state: { values: {} } } }],
      ['a shortcut without callback_id', { type: 'shortcut', user: { id: REQ }, team: { id: 'T0TEAM' } }],
      ['a block_suggestion without value', { type: 'block_suggestion', user: { id: REQ }, team: { id: 'T0TEAM' }, action_id: 'x', block_id: 'y' }],
    ];
    const results = await Promise.all(cases.map(([what, p]) => send(what, payloadBody(p), FORM)));
    for (const [i, r] of results.entries()) expect([200, 400, 404], cases[i]![0]).toContain(r.status);
    // The person who pressed a button that names no ticket is told so, through the response URL.
    const noValue = await h.fake.waitFor(() => h.fake.responses.find((r) => r.url === noValueUrl), 5000, 'the answer to a button without a value');
    expect(json(noValue.body)).toMatch(/ticket key|not a ticket|T-YYYY/i);
    const badKey = await h.fake.waitFor(() => h.fake.responses.find((r) => r.url === badKeyUrl), 5000, 'the answer to a button with a bad key');
    expect(json(badKey.body)).toMatch(/ticket key|not a ticket|T-YYYY/i);
    // A modal submitted without its state is not filed, and the answer is a form error or a closed view, not a 5xx.
    expect(await ticketCount()).toBe(before);
    await stillAlive();
  });

  it('when a slash command carries 20 KB of text, then the answer says it is too long and names the limit, and nothing is filed', async () => {
    const before = await ticketCount();
    const oneLine = 'A'.repeat(20 * 1024);
    const r1 = await h.slack.command('/ticket', `new ${oneLine}`, { user: REQ });
    expect(r1.status).toBe(200);
    expect(text(r1)).toMatch(/too long|characters long/i);
    expect(text(r1)).toMatch(/limit is 200\b/);
    expect(text(r1)).not.toContain(oneLine.slice(0, 500));

    const manyLines = `Short title\n${'B'.repeat(20 * 1024)}`;
    const r2 = await h.slack.command('/ticket', `new ${manyLines}`, { user: REQ });
    expect(r2.status).toBe(200);
    expect(text(r2)).toMatch(/description is \d+ characters long; the limit is 4000/);

    const r3 = await h.slack.command('/ticket', `new customer:${'C'.repeat(20 * 1024)} Title`, { user: REQ });
    expect(text(r3)).toMatch(/limit is 200\b/);
    const r4 = await h.slack.command('/agent', `add ${'h'.repeat(20 * 1024)} skills:general`, { user: ADMIN_USER });
    expect(r4.status).toBe(200);
    expect(text(r4)).toMatch(/at most 32|limit/i);
    const r5 = await h.slack.command('/ticket', `resolve T-2026-001 ${'n'.repeat(20 * 1024)}`, { user: REQ });
    expect(r5.status).toBe(200);
    expect(text(r5)).toMatch(/limit is 2000/);

    expect(await ticketCount()).toBe(before);
    expect(h.fake.posts().filter((p) => json(p.args).includes('AAAAAAAAAA'))).toEqual([]);
  });

  it('when command text has NUL bytes, random unicode, duplicated fields or no text field, then each gets a specific answer and what is filed round-trips exactly', async () => {
    // NUL bytes (%00) cannot be stored: refused with a reason, nothing filed.
    const before = await ticketCount();
    const nul = await send('a title with %00', commandBody(h, { text: 'new Printer\u0000on fire' }), FORM);
    expect(text(nul)).toMatch(/NUL character/);
    const nulOption = await send('a context value with %00', commandBody(h, { text: 'new customer:ac\u0000me Printer' }), FORM);
    expect(text(nulOption)).toMatch(/NUL character/);
    expect(await ticketCount()).toBe(before);

    // Random unicode from every plane: filed as typed (Slack escapes only &, < and >), or refused with a reason.
    for (let seed = 1; seed <= 12; seed++) {
      const title = `Uni ${randomUnicode(60, seed).replace(/[&<>]/g, '').replace(/\s+/g, ' ').trim()}`;
      const r = await send(`random unicode #${seed}`, commandBody(h, { text: `new ${title}` }), FORM);
      expect(r.status).toBe(200);
      const answer = text(r);
      if (/Filed/.test(answer)) {
        const key = keyIn(answer);
        const rows = await h.baton.database.rows<{ title: string }>(h.baton.database.db, sql`select title from tickets where key = ${key}`);
        expect(rows[0]!.title).toBe(title);
      } else {
        expect(answer).toMatch(/:warning:/);
      }
    }

    // Duplicated and missing fields: a specific answer or a generic "nothing was saved", never a 5xx.
    const dup = await send('a command with two text fields', `${commandBody(h, { text: 'new First' })}&text=new%20Second`, FORM);
    expect(dup.status).toBe(200);
    expect(text(dup)).not.toBe('');
    const noText = await send('a command without a text field', commandBody(h, { text: undefined }), FORM);
    expect(noText.status).toBe(200);
    expect(text(noText)).toMatch(/\/ticket/); // the usage
    const noUser = await send('a command without user_id', commandBody(h, { user_id: undefined, text: 'new Nobody filed this' }), FORM);
    expect(noUser.status).toBeLessThan(500);
    const unknown = await send('an unknown slash command', commandBody(h, { command: '/drop-tables', text: 'now' }), FORM);
    expect(unknown.status).toBeLessThan(500);
    await stillAlive();
  });

  it('when titles carry SQL injection and Slack markup, then they are stored verbatim, every table is intact, and nothing Baton posts can ping or link', async () => {
    const injections = [
      "Robert'); DROP TABLE tickets; --",
      "x' OR '1'='1",
      '1; TRUNCATE audit_events; SELECT pg_sleep(10)--',
      "$$; delete from outbox; $$",
      '\\x00 \\\\ E\'\\047\' %s %n {{7*7}} ${process.exit()}',
    ];
    const markup = [
      '<!channel> everything is on fire',
      '<!here|here> and <!everyone>',
      '<!subteam^S123|@oncall> wake up',
      '<@U999> look <https://evil.example/x|click me>',
      '*bold* _it_ ~strike~ `code` ```block``` > quote',
      '&lt;!channel&gt; pre-escaped',
    ];
    const keys = new Map<string, string>();
    for (const title of [...injections, ...markup]) {
      // Send raw (unescaped) text, as a hostile client would; Slack itself would have escaped <, > and &.
      const r = await send(`title ${title}`, commandBody(h, { text: `new type:general ${title}` }), FORM);
      expect(r.status).toBe(200);
      expect(text(r), title).toContain('Filed');
      keys.set(keyIn(text(r)), title);
    }
    // Also as an intake message.
    await send('an intake message with markup', eventBody({ type: 'message', channel: INTAKE, user: REQ, ts: h.fake.nextTs(), text: '<!channel> <@U999> <https://evil.example|x> intake' }), JSON_TYPE);
    await expect.poll(async () => {
      const rows = await h.baton.database.rows<{ n: number }>(h.baton.database.db, sql`select count(*)::int as n from tickets where title like '%intake'`);
      return Number(rows[0]!.n);
    }, { ...WAIT, message: 'the intake ticket' }).toBe(1);

    for (const [key, title] of keys) {
      const rows = await h.baton.database.rows<{ title: string }>(h.baton.database.db, sql`select title from tickets where key = ${key}`);
      expect(rows[0]?.title).toBe(title.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
    }
    const tables = await h.baton.database.rows<{ n: number }>(
      h.baton.database.db,
      sql`select count(*)::int as n from information_schema.tables where table_schema = 'public' and table_name in ('tickets','audit_events','outbox','agents','ticket_sequences','processed_requests')`,
    );
    expect(Number(tables[0]!.n)).toBe(6);
    const audit = await h.baton.database.rows<{ n: number }>(h.baton.database.db, sql`select count(*)::int as n from audit_events`);
    expect(Number(audit[0]!.n)).toBeGreaterThan(0);

    await outboxIdle(h, 10_000);
    for (const key of keys.keys()) {
      const shown = await ticket(h, `show ${key}`);
      expect(shown).toContain(key);
    }
    expect(unescapedCalls(h)).toEqual([]);
  });

  // KNOWN BUG, in src/slack/app.ts (not this suite's to edit): Bolt reads `'channel' in body.event`,
  // `body.user.id` and `body.view.callback_id` before any listener runs; the TypeError reaches the
  // HTTPReceiver's processEventErrorHandler, which Baton sets to answer 400 (Bolt's default answers 500).
  it('when the event is null or a string, a block_actions has no user, or a view_submission has no view, then Baton answers 4xx, not 500', async () => {
    const cases: Array<[string, string, string]> = [
      ['an event that is null', eventBody(null), JSON_TYPE],
      ['an event that is a string', eventBody('message'), JSON_TYPE],
      ['a block_actions without user', payloadBody({ ...blockActions({ actions: [{ action_id: 'ticket_accept', type: 'button', value: 'T-2026-001', action_ts: '1.2' }], response_url: h.fake.responseUrl() }), user: undefined }), FORM],
      ['a view_submission without view', payloadBody({ type: 'view_submission', user: { id: REQ }, team: { id: 'T0TEAM' } }), FORM],
    ];
    const results = await Promise.all(cases.map(([, body, type]) => h.slack.raw(body, { 'content-type': type })));
    expect(results.map((r, i) => `${cases[i]![0]}: ${r.status}`).filter((s) => / 5\d\d$/.test(s))).toEqual([]);
  });

  it('when all of that has happened, then no request got a 5xx and Baton still files and answers', async () => {
    expect(statuses.filter((s) => s.status >= 500)).toEqual([]);
    const r = await h.slack.command('/ticket', 'new After the storm', { user: REQ });
    expect(bodyOf(r)).toContain('Filed');
    await stillAlive();
  });
});

// A body that parses to JSON `null` (or `payload=null`) makes Bolt's HTTPReceiver throw inside a promise
// nobody awaits (`body.ssl_check` of null): an unhandled rejection, which ends a Node 20 process. Only a
// real process shows it.
describe('hostile payloads against Baton as a process (PGlite)', () => {
  it('when a signed body is JSON null or payload=null, then the Baton process survives and still answers', async () => {
    const fake = await startFakeSlack();
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'baton-hostile-'));
    await seedPgliteDataDir(dataDir);
    const port = await freePort();
    const secret = 'hostile-secret';
    const baton = spawnBaton({ SLACK_BOT_TOKEN: 'xoxb-hostile', SLACK_SIGNING_SECRET: secret, SLACK_API_URL: fake.url, PORT: String(port), BATON_DATA_DIR: dataDir });
    try {
      await baton.ready();
      const slack = new SlackClientSim({ baseUrl: `http://127.0.0.1:${port}`, signingSecret: secret, fake, timeoutMs: 3000 });
      for (const [body, type] of [['null', JSON_TYPE], ['payload=null', FORM]] as const) {
        // Bolt never answers these (the handler died); the connection may hang until the client gives up.
        const r = await slack.raw(body, { 'content-type': type }).catch((e: Error) => ({ status: 0, text: e.name }));
        expect(r.status).toBeLessThan(500);
      }
      await new Promise((r) => setTimeout(r, 300));
      expect(baton.child.exitCode, baton.output()).toBeNull();
      const list = await slack.command('/ticket', 'list intake', { user: REQ });
      expect(list.status).toBe(200);
      expect(bodyOf(list)).toMatch(/intake/i);
      expect(baton.output()).toMatch(/unhandled/i);
    } finally {
      await baton.kill('SIGTERM');
      await fake.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
