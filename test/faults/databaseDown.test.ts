// PostgreSQL goes away under a running Baton and comes back. A TCP proxy on a loopback port stands in
// front of the server and Baton's DATABASE_URL points at the proxy; stopping the proxy (listener closed,
// every socket destroyed) makes the database a dead port. While it is dead every request still gets a
// clean answer ("nothing was saved", /healthz 503, never a 5xx); once it is back on the same port Baton
// recovers by itself, without a restart, and nothing is half-written.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase, type Database } from '../../src/storage/db.js';
import { ADMIN_USER, startHarness, type Harness } from '../support/batonHarness.js';
import { HAS_POSTGRES, openTestDatabase, type TestDatabase } from '../support/db.js';
import { addAgent, bodyOf, json, keyIn, outboxIdle, tsOf } from '../support/e2eHelpers.js';
import { WAIT } from '../support/wait.js';
import type { FakeSlackCall } from '../../fake-slack/index.js';
import type { CommandResponse } from '../support/slackRequests.js';
import { healthz } from '../support/spawnBaton.js';
import { cardKey, pool, TcpProxy, throughProxy } from './support.js';

const INTAKE = 'CINTAKE1';
const IRIS_CHANNEL = 'CIRIS001';
const IRIS = 'UIRIS001';
const REQ = 'UREQUEST1';
const NOTHING_SAVED = /nothing was saved/i;

describe.skipIf(!HAS_POSTGRES)('PostgreSQL down and back (through a TCP proxy)', () => {
  let direct: TestDatabase;
  let proxied: Database;
  let proxy: TcpProxy;
  let h: Harness;
  /** Requests answered "Filed T-…" (key → title), and titles answered "nothing was saved". */
  const filed = new Map<string, string>();
  const refused = new Set<string>();
  let heldBack = ''; // a ticket whose card could not be posted before the outage
  let keysBefore = 0; // the year's counter when the database came back

  /** The answer to a command: the ack, or — when the ack says "Working on it" — what came later on the response URL. */
  async function answerOf(r: CommandResponse): Promise<string> {
    expect(r.status, `HTTP ${r.status}`).toBeLessThan(500);
    const ack = bodyOf(r);
    if (!/Working on it/.test(ack)) return ack;
    const later = await h.fake.waitFor(() => h.fake.responses.find((x) => x.url === r.responseUrl), 20_000, 'the delayed answer');
    return json(later.body);
  }

  async function fileAs(title: string): Promise<string> {
    const answer = await answerOf(await h.slack.command('/ticket', `new ${title}`, { user: REQ }));
    if (/Filed/.test(answer)) filed.set(keyIn(answer), title);
    else if (NOTHING_SAVED.test(answer)) refused.add(title);
    return answer;
  }

  /** The assignment card of `key` in `channel`, as the fake received it (no database needed). */
  function cardOf(channel: string, key: string, timeoutMs = 5000): Promise<{ call: FakeSlackCall; ts: string }> {
    return h.fake
      .waitFor(() => h.fake.posts(channel).find((p) => !p.args.thread_ts && json(p.args.blocks).includes('ticket_accept') && json(p.args.blocks).includes(`"value":"${key}"`)), timeoutMs, `the card of ${key}`)
      .then((call) => ({ call, ts: tsOf(call) }));
  }

  beforeAll(async () => {
    direct = await openTestDatabase('postgres', { poolSize: 2 });
    const target = new URL(process.env.TEST_DATABASE_URL!);
    proxy = new TcpProxy({ host: target.hostname || '127.0.0.1', port: Number(target.port || 5432) });
    await proxy.start();
    proxied = await openDatabase({ databaseUrl: throughProxy(direct.url!, proxy.port), migrate: false, poolSize: 5 });
    h = await startHarness('postgres', { database: proxied, env: { INTAKE_CHANNELS: INTAKE } });
  });
  afterAll(async () => {
    if (proxy && !proxy.running) await proxy.start().catch(() => {});
    await h?.close();
    await proxy?.stop();
    await direct?.close();
  });

  it('when the database answers, then tickets are filed through the proxy; one card waits for Slack', async () => {
    await addAgent(h, 'iris', `skills:general user:<@${IRIS}> capacity:100`, IRIS_CHANNEL);
    for (let i = 1; i <= 3; i++) expect(await fileAs(`Before the outage ${i}`)).toContain('Filed');
    await outboxIdle(h);
    expect((await healthz(h.baton.port!)).status).toBe(200);

    // Slack is down too for a moment: this card is stored, tried once, and kept pending (its retry
    // recorded) when the database goes away.
    h.fake.down();
    const answer = await fileAs('Card waiting through the outage');
    heldBack = keyIn(answer);
    await vi.waitFor(async () => {
      const rows = await direct.rows<{ last_error: string | null; status: string }>(direct.db, sql`select last_error, status from outbox where records_home_of = ${heldBack}`);
      expect(rows[0], 'the held-back card in the outbox').toMatchObject({ status: 'pending' });
      expect(rows[0]!.last_error, 'the failed first delivery of the held-back card').not.toBeNull();
    }, { ...WAIT, timeout: 10_000 });
    // Slack stays down until the database is gone too (next test), so the card cannot slip out before.
  });

  it('when the database becomes a dead port in the middle of a burst of filings, then every answer is "Filed" or "nothing was saved" and never a 5xx', async () => {
    const before = filed.size;
    let stopped = false;
    const answers: string[] = [];
    await pool(30, 10, async (i) => {
      const answer = await fileAs(`Outage burst ${i}`);
      answers.push(answer);
      if (!stopped && filed.size - before >= 8) {
        stopped = true;
        await proxy.stop();
        h.fake.up();
      }
    });
    expect(stopped).toBe(true);
    expect(proxy.running).toBe(false);
    for (const a of answers) expect(a).toMatch(/Filed|nothing was saved/);
    expect(refused.size).toBeGreaterThan(0);
  });

  it('when the database is down, then /ticket new says nothing was saved, /healthz answers 503, and buttons, modals, roster commands and intake messages fail cleanly', async () => {
    const t0 = Date.now();
    const answer = await fileAs('Filed while the database is down');
    expect(answer).toMatch(NOTHING_SAVED);
    expect(answer).not.toMatch(/T-\d{4}-\d+/);
    const ms = Date.now() - t0;

    const health = await healthz(h.baton.port!);
    expect(health.status).toBe(503);
    expect(health.body.ok).toBe(false);

    // Other commands, reads included.
    for (const [cmd, text, user] of [
      ['/ticket', 'list', REQ],
      ['/ticket', 'show T-2026-001', REQ],
      ['/ticket', 'resolve T-2026-001 done', ADMIN_USER],
      ['/agent', 'add devin skills:general channel:<#CDEVIN01|agent-devin>', ADMIN_USER],
      ['/agent', 'busy iris for:1h', ADMIN_USER],
    ] as const) {
      const r = await h.slack.command(cmd, text, { user });
      expect(await answerOf(r), `${cmd} ${text}`).toMatch(/could not reach its database|nothing was saved/i);
    }

    // A button on a card: acknowledged at once; the person hears through the response URL.
    const card = await cardOf(IRIS_CHANNEL, [...filed.keys()][0]!);
    const press = await h.slack.action({ actionId: 'ticket_accept', value: [...filed.keys()][0]!, user: IRIS, channel: IRIS_CHANNEL, messageTs: card.ts });
    expect(press.status).toBe(200);
    const pressed = await h.fake.waitFor(() => h.fake.responses.find((x) => x.url === press.payload.response_url), 20_000, 'the answer to the button');
    expect(json(pressed.body)).toMatch(NOTHING_SAVED);

    // The new-ticket modal: the view says it was not filed.
    const modal = await h.slack.viewSubmission({ callbackId: 'ticket_new', user: REQ, values: { new_title: { title: 'Modal while down' } } });
    expect(modal.status).toBe(200);
    expect(json(modal.body)).toMatch(NOTHING_SAVED);

    // An intake message and a reply in a card's thread: the author is told, ephemerally.
    const ephemeralsBefore = h.fake.callsTo('chat.postEphemeral').length;
    const intake = await h.slack.message({ channel: INTAKE, user: REQ, text: 'Intake while the database is down' });
    expect(intake.status).toBe(200);
    const reply = await h.slack.message({ channel: IRIS_CHANNEL, user: IRIS, text: 'a reply while down', thread_ts: card.ts });
    expect(reply.status).toBe(200);
    await h.fake.waitFor(() => h.fake.callsTo('chat.postEphemeral').length >= ephemeralsBefore + 2, 20_000, 'two ephemeral answers');
    const told = h.fake.callsTo('chat.postEphemeral').slice(ephemeralsBefore);
    for (const c of told) expect(String(c.args.text)).toMatch(NOTHING_SAVED);
    expect(told.map((c) => c.args.user)).toEqual(expect.arrayContaining([REQ, IRIS]));

    console.log(`[database down] "nothing was saved" answered in ${ms} ms; /healthz ${health.status}`);
  });

  it('when the database is back on the same port, then without a restart /healthz is 200, commands work, the waiting card is delivered and nothing is half-written', async () => {
    const counterBefore = await direct.rows<{ last: number }>(direct.db, sql`select last from ticket_sequences`);
    keysBefore = Number(counterBefore[0]?.last ?? 0);
    const backAt = Date.now();
    expect(h.fake.posts(IRIS_CHANNEL).some((p) => cardKey(p.args) === heldBack)).toBe(false);
    await proxy.start(proxy.port);
    await expect.poll(async () => (await healthz(h.baton.port!)).status, { ...WAIT, timeout: 20_000, message: '/healthz after the database came back' }).toBe(200);

    const answer = await fileAs('Filed after the database came back');
    expect(answer).toContain('Filed');
    const newKey = keyIn(answer);
    // Keys continue from the counter: a key taken by a filing the outage cut short is never reused.
    expect(Number(newKey.split('-')[2])).toBe(keysBefore + 1);

    // The card stored before the outage reaches Slack after it; so does the new one.
    expect((await cardOf(IRIS_CHANNEL, heldBack, 20_000)).call.at).toBeGreaterThanOrEqual(backAt);
    await cardOf(IRIS_CHANNEL, newKey, 20_000);
    // A row the worker had claimed at the instant the database went away keeps its lease (60 s), as after
    // a crash: the worker cannot tell whether Slack got it. Expire those leases by hand, as a minute would.
    const leased = await direct.rows<{ ticket_key: string }>(direct.db, sql`select ticket_key from outbox where status = 'pending' and attempts > 0 and next_attempt_at > now()`);
    await direct.db.execute(sql`update outbox set next_attempt_at = now() where status = 'pending' and next_attempt_at > now()`);
    await outboxIdle(h, 20_000);
    // No card reached Slack more than twice, and only a leased one twice.
    const cards = new Map<string, number>();
    for (const p of h.fake.posts(IRIS_CHANNEL)) {
      const key = cardKey(p.args);
      if (key) cards.set(key, (cards.get(key) ?? 0) + 1);
    }
    const twice = [...cards].filter(([, n]) => n > 1).map(([k]) => k);
    expect(Math.max(...cards.values())).toBeLessThanOrEqual(2);
    for (const k of twice) expect(leased.map((r) => r.ticket_key)).toContain(k);
    expect(cards.size).toBeGreaterThanOrEqual([...filed.keys()].length);

    // Every "Filed" answer is a stored ticket with its title; every ticket is whole.
    const tickets = await direct.rows<{ key: string; title: string; status: string }>(direct.db, sql`select key, title, status from tickets order by key`);
    const byKey = new Map(tickets.map((t) => [t.key, t]));
    for (const [key, title] of filed) expect(byKey.get(key)?.title, key).toBe(title);
    const events = await direct.rows<{ ticket_key: string; action: string }>(direct.db, sql`select ticket_key, action from audit_events where ticket_key like 'T-%' order by id`);
    const outboxRows = await direct.rows<{ records_home_of: string | null; status: string }>(direct.db, sql`select records_home_of, status from outbox`);
    for (const t of tickets) {
      const actions = events.filter((e) => e.ticket_key === t.key).map((e) => e.action);
      expect(actions[0], `${t.key}'s trail`).toBe('filed');
      expect(actions[1], `${t.key}'s trail`).toMatch(/^(assigned|held)$/);
      if (t.status === 'active') expect(outboxRows.filter((o) => o.records_home_of === t.key && o.status === 'sent'), `${t.key}'s card`).toHaveLength(1);
    }
    expect(outboxRows.filter((o) => o.status !== 'sent')).toEqual([]);
    // Keys: unique (the primary key), and the counter is past every one of them.
    const seqs = tickets.map((t) => Number(t.key.split('-')[2]));
    expect(new Set(seqs).size).toBe(seqs.length);
    const counter = await direct.rows<{ last: number }>(direct.db, sql`select last from ticket_sequences`);
    expect(counter).toHaveLength(1);
    expect(Number(counter[0]!.last)).toBe(Math.max(...seqs));
    // "Nothing was saved" was true: none of those titles was stored, except a filing whose COMMIT was
    // already on its way when the socket died (in doubt; at most the filings in flight at that instant).
    const inDoubt = tickets.filter((t) => refused.has(t.title));
    expect(inDoubt.length).toBeLessThanOrEqual(10);
    expect(tickets.filter((t) => t.title === 'Filed while the database is down' || t.title === 'Modal while down' || t.title.startsWith('Intake while'))).toEqual([]);

    // Everything else works again: a button, a roster change, an intake message.
    const card = await cardOf(IRIS_CHANNEL, newKey);
    const press = await h.slack.action({ actionId: 'ticket_accept', value: newKey, user: IRIS, channel: IRIS_CHANNEL, messageTs: card.ts });
    expect(press.status).toBe(200);
    const pressed = await h.fake.waitFor(() => h.fake.responses.find((x) => x.url === press.payload.response_url), 10_000, 'the answer to the button');
    expect(json(pressed.body)).toMatch(/accepted/i);
    const intake = await h.slack.message({ channel: INTAKE, user: REQ, text: 'Intake after the outage' });
    expect(intake.status).toBe(200);
    await expect.poll(async () => (await direct.rows(direct.db, sql`select 1 from tickets where title = 'Intake after the outage'`)).length, { ...WAIT, timeout: 10_000, message: 'the intake ticket' }).toBe(1);
    console.log(`[database down] ${filed.size} filings acknowledged, ${refused.size} refused with "nothing was saved", ${inDoubt.length} in doubt; ${leased.length} outbox rows leased at the cut, ${twice.length} card(s) posted twice; keys continue at ${newKey}`);
  });
});
