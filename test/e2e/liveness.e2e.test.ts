// Acknowledgement timeouts and heartbeats end to end, with two copies of Baton sweeping one PostgreSQL every second:
// signed Slack requests in, the fake Slack Web API out, the agents' HTTP API with real tokens, the clock moved by hand.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../src/storage/db.js';
import { startHarness, type Harness } from '../support/batonHarness.js';
import { IRIS } from '../support/cast.js';
import { HAS_POSTGRES, openTestDatabase } from '../support/db.js';
import { ManualClock } from '../support/deps.js';
import { addAgent, agent, cardOf, fileTicket, json, ticket, waitThreadPost } from '../support/e2eHelpers.js';
import { WAIT } from '../support/wait.js';

const MAYA = 'UMAYA001';
const TOKEN = /bat_[A-Za-z0-9_-]{32,}/;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!HAS_POSTGRES)('acknowledgement and heartbeat with two copies of Baton on one PostgreSQL', { shuffle: false }, () => {
  let a: Harness;
  let b: Harness;
  let irisToken: string;
  const clock = new ManualClock('2026-03-02T10:00:00Z');
  const env = { ESCALATION_CRON: '* * * * * *' };

  const api = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`http://127.0.0.1:${b.baton.port}${path}`, {
      method,
      headers: { authorization: `Bearer ${irisToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null };
  };
  const count = async (action: string, key: string) => {
    const rows = await a.baton.database.rows<{ n: number }>(a.baton.database.db, sql`select count(*)::int as n from audit_events where action = ${action} and ticket_key = ${key}`);
    return Number(rows[0]!.n);
  };
  const cards = (h: Harness, channel: string, key: string) =>
    h.fake.posts(channel).filter((p) => !p.args.thread_ts && json(p.args.blocks).includes('ticket_accept') && json(p.args.blocks).includes(`"value":"${key}"`));

  beforeAll(async () => {
    const db = await openTestDatabase('postgres');
    const second = await openDatabase({ databaseUrl: db.url, migrate: false });
    a = await startHarness('postgres', { database: db, clock, env });
    b = await startHarness('postgres', { database: second, clock, fake: a.fake, env });
    await addAgent(a, 'iris', `skills:support user:<@${IRIS}> ack:2s`, 'CIRIS001');
    await addAgent(a, 'maya', `skills:support user:<@${MAYA}>`, 'CMAYA001');
    await addAgent(a, 'tess', 'skills:support', 'CTESS001');
    const m = TOKEN.exec(await agent(a, 'token iris', IRIS));
    if (!m) throw new Error('no token for iris');
    irisToken = m[0];
  }, 60_000);
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('when iris (ack:2s) never accepts, then within one sweep after 2 s the ticket goes to maya, once; iris is unavailable with the reason until one API call', async () => {
    expect(await agent(a, 'list')).toContain('ack 2s');
    const key = await fileTicket(a, 'type:support Refund not received');
    const card = await cardOf(a, 'CIRIS001', key);
    clock.advance(2_000);
    await cardOf(a, 'CMAYA001', key, 8_000);
    await waitThreadPost(a, 'CIRIS001', card.ts, `did not acknowledge ${key} within 2s`);
    await sleep(2_500); // a few more sweeps by both copies
    expect(await count('taken_back', key)).toBe(1);
    expect(cards(a, 'CMAYA001', key)).toHaveLength(1);
    expect(cards(a, 'CTESS001', key)).toHaveLength(0);
    // The old card lost its buttons and says why.
    const edit = a.fake.callsTo('chat.update').find((c) => c.args.ts === card.ts && json(c.args).includes('taken back from @iris'));
    expect(edit && json(edit.args.blocks)).not.toContain('ticket_accept');
    expect(await agent(a, 'list')).toContain(`unavailable: did not acknowledge ${key} within 2s`);
    const shown = await ticket(a, `show ${key}`);
    expect(shown).toContain('taken back');

    const me = await api('GET', '/api/v1/me');
    expect(me.status).toBe(200);
    expect(me.body.available).toBe(true);
    const list = await agent(a, 'list');
    expect(list).not.toContain('did not acknowledge');
    // Never back to iris: a new ticket may go to iris, this one stays with maya.
    clock.advance(5_000);
    await sleep(1_500);
    expect((await api('GET', `/api/v1/tickets/${key}`)).body.assignee).toBe('maya');
  }, 40_000);

  it('when maya (heartbeat:1m) is silent for two periods, then her handed-off ticket goes to tess with its packet, once, and one Slack action makes her available', async () => {
    const parent = await fileTicket(a, 'type:support assign:iris Customer cannot log in');
    await cardOf(a, 'CIRIS001', parent);
    expect((await api('POST', `/api/v1/tickets/${parent}/accept`, {})).status).toBe(200);
    const packet = { summary: 'Password reset loops; cookies cleared already', open_questions: ['Which browser?'] };
    const handed = await api('POST', `/api/v1/tickets/${parent}/handoff`, { to: 'maya', packet });
    expect(handed.status).toBe(201);
    const child = handed.body.key as string;
    await cardOf(a, 'CMAYA001', child);
    expect(await agent(a, 'update maya heartbeat:1m')).toContain('Updated');

    clock.advance(61_000);
    await vi.waitFor(async () => expect(await agent(a, 'list')).toMatch(/maya\*.*unavailable: silent since 10:00 UTC/s), { ...WAIT, timeout: 8_000 });
    expect(await count('taken_back', child)).toBe(0);

    clock.advance(60_000);
    await cardOf(a, 'CTESS001', child, 8_000);
    const tessCard = cards(a, 'CTESS001', child)[0]!;
    const here = await waitThreadPost(a, 'CTESS001', String((tessCard.response as { ts: string }).ts), 'maya went silent');
    expect(json(here.args)).toContain('Handoff packet: Password reset loops; cookies cleared already');
    await sleep(2_500);
    expect(await count('taken_back', child)).toBe(1);
    expect(cards(a, 'CTESS001', child)).toHaveLength(1);
    const got = await api('GET', `/api/v1/tickets/${child}`);
    expect(got.body.assignee).toBe('tess');
    expect(got.body.packet).toMatchObject(packet);
    expect(json(got.body.trail)).toContain('maya went silent');

    // Any action in Slack by maya's user: available again.
    await ticket(a, 'list mine', MAYA);
    await vi.waitFor(async () => expect(await agent(a, 'list')).not.toContain('silent since'), { ...WAIT, timeout: 5_000 });
  }, 60_000);

  it('bad input: ack: and heartbeat: values are refused with the option and what is allowed, and change nothing', async () => {
    expect(await agent(a, 'update tess ack:soon')).toContain('`ack:` takes a duration from `1s` to `7d` like `2m` or `1h30m`, or `none` to clear it; got `soon`.');
    expect(await agent(a, 'update tess heartbeat:30d')).toContain('`heartbeat:` can be at most 7 days (`7d`); got `30d`.');
    expect(await agent(a, 'update tess ack:2m', MAYA)).toContain('Only Baton admins');
    expect(await agent(a, 'list')).not.toMatch(/tess\*[^\n]*ack /);
  });
});
