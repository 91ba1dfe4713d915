// A2A dispatch with two copies of Baton on one PostgreSQL, sweeping every second, and one real A2A agent built with
// @a2a-js/sdk's server on loopback (it pushes each task's updates to the copy that sent it; the other copy reads the
// task on its sweeps): every ticket goes out once and each state is acted on once. An agent that cannot be reached
// any more is retried, then given up on once: its ticket is taken back and goes to another agent with the reason.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../src/storage/db.js';
import { startA2aAgent, type TestA2aAgent } from '../support/a2aAgent.js';
import { startHarness, type Harness } from '../support/batonHarness.js';
import { HAS_POSTGRES, openTestDatabase } from '../support/db.js';
import { ManualClock } from '../support/deps.js';
import { addAgent, agent, cardOf, fileTicket, json, outboxIdle, threadPosts, tsOf, waitThreadPost } from '../support/e2eHelpers.js';
import { auditOf, countEvents } from '../support/inspect.js';
import { freePort } from '../support/slackRequests.js';

const WAIT = { timeout: 15_000, interval: 50 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!HAS_POSTGRES)('A2A dispatch with two copies of Baton on one PostgreSQL', { shuffle: false }, () => {
  let a: Harness;
  let b: Harness;
  let a2a: TestA2aAgent;
  const clock = new ManualClock('2026-03-02T10:00:00Z');

  const copy = async (o: { database?: Awaited<ReturnType<typeof openDatabase>>; first?: Harness }) => {
    const port = await freePort();
    const env = { ESCALATION_CRON: '* * * * * *', PORT: String(port), BATON_PUBLIC_URL: `http://127.0.0.1:${port}/` };
    return o.first
      ? startHarness('postgres', { database: o.database, clock, fake: o.first.fake, env })
      : startHarness('postgres', { database: o.database, clock, env });
  };
  const rows = <T extends Record<string, unknown>>(q: ReturnType<typeof sql>) => a.baton.database.rows<T>(a.baton.database.db, q);
  /** The assignment card of `key` in `channel`, without waiting for the whole outbox (a message still being retried). */
  const cardPost = async (channel: string, key: string) => {
    const call = await a.fake.waitFor(
      () => a.fake.posts(channel).find((p) => !p.args.thread_ts && json(p.args.blocks).includes('ticket_resolve') && json(p.args.blocks).includes(`"value":"${key}"`)),
      WAIT.timeout,
      `the card of ${key} in ${channel}`,
    );
    return { ts: tsOf(call) };
  };

  beforeAll(async () => {
    a2a = await startA2aAgent('Shared Agent');
    const db = await openTestDatabase('postgres');
    const second = await openDatabase({ databaseUrl: db.url, migrate: false });
    a = await copy({ database: db });
    b = await copy({ database: second, first: a });
    await addAgent(a, 'ada', 'skills:refunds', 'CADA0001');
    expect(await agent(b, `update ada a2a:${a2a.url}`)).toContain('A2A: *Shared Agent*');
  }, 60_000);
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await a2a?.close();
  });

  it('when both copies dispatch tickets to one A2A agent, then each ticket is sent once and each completed task resolves its ticket once', async () => {
    const keys = await Promise.all(Array.from({ length: 6 }, (_, i) => fileTicket(i % 2 ? b : a, `type:refunds complete: refund order ${100 + i}`)));
    await vi.waitFor(async () => {
      const open = await rows<{ key: string }>(sql`select key from tickets where key in (${sql.join(keys.map((k) => sql`${k}`), sql`, `)}) and status <> 'completed'`);
      expect(open).toEqual([]);
    }, WAIT);
    // A few more sweeps by both copies, and every notification the agent sent, find nothing left to do.
    await sleep(2_500);
    await outboxIdle(a, WAIT.timeout);
    for (const key of keys) {
      expect(a2a.received.filter((m) => m.contextId === key), `messages to the agent about ${key}`).toHaveLength(1);
      expect(await countEvents(a.baton.database, 'accepted', key)).toBe(1);
      expect(await countEvents(a.baton.database, 'resolved', key)).toBe(1);
      expect((await auditOf(a.baton.database, key)).find((e) => e.action === 'resolved')).toMatchObject({ actor: 'agent:ada', note: 'Refund issued: 42 EUR', data: { via: 'a2a' } });
      const sends = await rows<{ status: string; attempts: number }>(sql`select status, attempts from outbox where destination = 'a2a' and ticket_key = ${key}`);
      expect(sends, `A2A messages of ${key}`).toEqual([{ status: 'sent', attempts: 1 }]);
      const tasks = await rows<{ state: string; done: boolean }>(sql`select state, done from a2a_tasks where ticket_key = ${key}`);
      expect(tasks).toEqual([{ state: 'completed', done: true }]);
      const home = await cardOf(a, 'CADA0001', key, WAIT.timeout);
      expect(threadPosts(a, 'CADA0001', home.ts).filter((p) => json(p.args).includes('Refund issued: 42 EUR')), `resolution posts of ${key}`).toHaveLength(1);
    }
  }, 60_000);

  it('when the agent cannot be reached any more, then its message is retried, and once the retries run out the ticket is taken back once and goes to another agent with the reason', async () => {
    const gone = await startA2aAgent('Gone Agent');
    await addAgent(a, 'iris', 'skills:billing', 'CIRIS001');
    await addAgent(a, 'maya', 'skills:billing', 'CMAYA001');
    expect(await agent(a, `update iris a2a:${gone.url}`)).toContain('A2A: *Gone Agent*');
    // The card was read; now nothing answers at its address.
    await gone.close();
    const key = await fileTicket(b, 'type:billing complete: refund order 200');
    const irisCard = await cardPost('CIRIS001', key);
    await vi.waitFor(async () => {
      const [row] = await rows<{ status: string; last_error: string | null }>(sql`select status, last_error from outbox where destination = 'a2a' and ticket_key = ${key}`);
      expect(row).toMatchObject({ status: 'pending', last_error: expect.stringContaining('ECONNREFUSED') });
    }, WAIT);
    // Still retrying: the ticket stays with iris, and the roster says its A2A messages are failing.
    expect((await rows<{ assignee: string }>(sql`select assignee from tickets where key = ${key}`))[0]!.assignee).toBe('iris');
    expect(await agent(a, 'list')).toMatch(/\*@iris\*[^\n"]*:warning: A2A failing, retrying: sending to Gone Agent: ECONNREFUSED/);

    clock.advance(10 * 60_000 + 1_000);
    const mayaCard = await cardOf(a, 'CMAYA001', key, WAIT.timeout);
    const why = "could not reach iris's A2A endpoint: gave up after 10 minutes: sending to Gone Agent: ECONNREFUSED";
    await waitThreadPost(a, 'CIRIS001', irisCard.ts, `Taken back from @iris: ${why}`, WAIT.timeout);
    await waitThreadPost(a, 'CMAYA001', mayaCard.ts, `Taken back from @iris (${why}`, WAIT.timeout);
    await sleep(2_500); // more sweeps and rounds by both copies
    await outboxIdle(a, WAIT.timeout);
    expect(await countEvents(a.baton.database, 'taken_back', key)).toBe(1);
    const taken = (await auditOf(a.baton.database, key)).find((e) => e.action === 'taken_back')!;
    expect(taken).toMatchObject({ actor: 'baton', data: { from: 'iris', cause: 'a2a_unreachable' } });
    expect(taken.note).toContain(why);
    expect(threadPosts(a, 'CIRIS001', irisCard.ts).filter((p) => json(p.args).includes('Taken back from @iris'))).toHaveLength(1);
    const [t] = await rows<{ assignee: string; declined_by: string[] }>(sql`select assignee, declined_by from tickets where key = ${key}`);
    expect(t).toMatchObject({ assignee: 'maya', declined_by: ['iris'] });
    const [row] = await rows<{ status: string; last_error: string }>(sql`select status, last_error from outbox where destination = 'a2a' and ticket_key = ${key}`);
    expect(row).toMatchObject({ status: 'failed', last_error: expect.stringContaining('gave up after 10 minutes') });
    expect(await countEvents(a.baton.database, 'a2a_unreachable', 'agent:iris')).toBe(1);
    expect(await agent(a, 'list')).toMatch(/\*@iris\*[^\n"]*:warning: A2A refused a message for good: gave up after 10 minutes/);
  }, 60_000);
});
