// A2A dispatch end to end: a real A2A agent built with @a2a-js/sdk's server on loopback, Baton running with
// BATON_PUBLIC_URL so the agent pushes its task updates to Baton. Tickets assigned to the agent go out as
// A2A messages; the task's states come back through the use cases (resolve, ask in the home thread and
// answer, take back and route elsewhere).
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startA2aAgent, type TestA2aAgent } from '../support/a2aAgent.js';
import { startHarness, type Harness } from '../support/batonHarness.js';
import { REQ } from '../support/cast.js';
import { E2E_KINDS } from '../support/db.js';
import { addAgent, agent, cardOf, fileTicket, json, outboxIdle, showWhen, threadPosts, ticket, waitThreadPost } from '../support/e2eHelpers.js';
import { auditOf, snapshot } from '../support/inspect.js';
import { freePort } from '../support/slackRequests.js';

const WAIT = { timeout: 10_000, interval: 25 };

describe.each(E2E_KINDS)('A2A dispatch on %s', (kind) => {
  let h: Harness;
  let a2a: TestA2aAgent;
  let adaChannel: string;

  beforeAll(async () => {
    a2a = await startA2aAgent();
    const port = await freePort();
    h = await startHarness(kind, { env: { PORT: String(port), BATON_PUBLIC_URL: `http://127.0.0.1:${port}/` } });
    adaChannel = await addAgent(h, 'ada', 'skills:refunds', 'CADA0001');
    await addAgent(h, 'alpha', 'skills:research', 'CALPHA01');
    await addAgent(h, 'beta', 'skills:research', 'CBETA001');
  });
  afterAll(async () => {
    await h?.close();
    await a2a?.close();
  });

  const agentRow = async (handle: string) =>
    (await h.baton.database.rows<{ a2a: { url: string; name: string; skills: string[] } | null }>(h.baton.database.db, sql`select a2a from agents where handle = ${handle}`))[0]!;

  it('when the card cannot be read, then the update is refused with what failed and changes nothing', async () => {
    const before = await snapshot(h.baton.database);
    const closed = `http://127.0.0.1:${await freePort()}`;
    const unreachable = await agent(h, `update ada a2a:${closed}`);
    expect(unreachable).toContain(`Can't connect ada to \`${closed}\`: could not read ${closed}/.well-known/agent-card.json (ECONNREFUSED`);
    expect(unreachable).toContain('Nothing changed.');
    const notACard = await agent(h, `update ada a2a:${a2a.url}/not-a-card`);
    expect(notACard).toContain(`${a2a.url}/not-a-card/.well-known/agent-card.json is not an Agent Card: it has no \`name\``);
    expect(await snapshot(h.baton.database)).toEqual(before);
    expect((await agentRow('ada')).a2a).toBeNull();
  });

  it('when an admin points an agent at an A2A agent, then Baton reads its card and /agent list shows its name and skills', async () => {
    const r = await agent(h, `update ada a2a:${a2a.url}`);
    expect(r).toContain('It is an A2A agent now: A2A: *Test Agent* (Refunds, Research)');
    expect((await agentRow('ada')).a2a).toMatchObject({ url: a2a.url, name: 'Test Agent', skills: ['Refunds', 'Research'] });
    expect(await agent(h, 'update alpha a2a:' + a2a.url)).toContain('A2A: *Test Agent*');
    const list = await agent(h, 'list');
    expect(list).toMatch(/\*@ada\*[^\n"]*A2A: \*Test Agent\* \(Refunds, Research\)/);
    expect(list).not.toMatch(/\*@beta\*[^\n"]*A2A/);
  });

  it('when a ticket is assigned to the A2A agent, then it goes out as a message (text and data parts, contextId = key) and its completed task resolves the ticket with the artifact text', async () => {
    const key = await fileTicket(h, 'type:refunds complete: refund order 42');
    const sent = await vi.waitFor(() => {
      const m = a2a.received.find((x) => x.contextId === key);
      expect(m, 'the message to the agent').toBeDefined();
      return m!;
    }, WAIT);
    expect(sent.text.split('\n')[0]).toBe(`${key}: complete: refund order 42`);
    expect(sent.data).toMatchObject({ key, title: 'complete: refund order 42', type: 'refunds', assignee: 'ada', status: 'active' });
    const shown = await showWhen(h, key, 'Refund issued: 42 EUR', WAIT.timeout);
    expect(shown).toContain('completed');
    const trail = await auditOf(h.baton.database, key);
    const resolved = trail.find((e) => e.action === 'resolved')!;
    expect(resolved).toMatchObject({ actor: 'agent:ada', note: 'Refund issued: 42 EUR' });
    expect(resolved.data.via).toBe('a2a');
    expect(trail.find((e) => e.action === 'accepted')).toMatchObject({ actor: 'agent:ada', data: { via: 'a2a' } });
    const [task] = await h.baton.database.rows<{ task_id: string; push_token_hash: string; done: boolean }>(h.baton.database.db, sql`select task_id, push_token_hash, done from a2a_tasks where ticket_key = ${key}`);
    expect(task).toMatchObject({ task_id: sent.taskId, done: true });
    expect(task!.push_token_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('when the agent asks for input, then the question appears in the home thread and the next reply there goes back to the same task, which then completes', async () => {
    const key = await fileTicket(h, 'type:refunds ask: refund a customer');
    const home = await cardOf(h, adaChannel, key, WAIT.timeout);
    await waitThreadPost(h, adaChannel, home.ts, 'asks: Which order number?', WAIT.timeout);
    const first = a2a.received.find((x) => x.contextId === key)!;
    await h.slack.message({ channel: adaChannel, user: REQ, thread_ts: home.ts, text: 'order 77' });
    const reply = await vi.waitFor(() => {
      const m = a2a.received.filter((x) => x.contextId === key);
      expect(m).toHaveLength(2);
      return m[1]!;
    }, WAIT);
    expect(reply).toMatchObject({ taskId: first.taskId, text: 'order 77', data: null });
    await showWhen(h, key, 'Done for order 77', WAIT.timeout);
    // A later reply is only a comment: nothing more goes to the agent.
    await h.slack.message({ channel: adaChannel, user: REQ, thread_ts: home.ts, text: 'thanks!' });
    await outboxIdle(h);
    expect(a2a.received.filter((x) => x.contextId === key)).toHaveLength(2);
    // Asked once, however many notifications said so.
    expect(threadPosts(h, adaChannel, home.ts).filter((p) => json(p.args).includes('asks: Which order number?'))).toHaveLength(1);
  });

  it('when the task fails, then the ticket is taken back and routed to another agent with the reason, never to the same one', async () => {
    await agent(h, 'busy beta for:1h');
    const key = await fileTicket(h, 'type:research fail: look up the invoice');
    expect(await ticket(h, `show ${key}`, 'UOBSERVER')).toContain('alpha');
    await agent(h, 'available beta');
    const shown = await showWhen(h, key, 'cannot reach the billing system', WAIT.timeout);
    await vi.waitFor(async () => {
      const t = (await h.baton.database.rows<{ assignee: string | null; declined_by: string[] }>(h.baton.database.db, sql`select assignee, declined_by from tickets where key = ${key}`))[0]!;
      expect(t).toMatchObject({ assignee: 'beta', declined_by: ['alpha'] });
    }, WAIT);
    expect(shown).toBeTruthy();
    const taken = (await auditOf(h.baton.database, key)).find((e) => e.action === 'taken_back')!;
    expect(taken).toMatchObject({ actor: 'agent:alpha', note: 'A2A task failed: cannot reach the billing system' });
    expect(taken.data.via).toBe('a2a');
    const alphaCard = await cardOf(h, 'CALPHA01', key, WAIT.timeout);
    await waitThreadPost(h, 'CALPHA01', alphaCard.ts, 'Taken back from', WAIT.timeout);
    await cardOf(h, 'CBETA001', key, WAIT.timeout);
    // The one take-back of the acknowledgement timeout and the heartbeat: its trail event, its thread notes, the old card.
    expect(taken.data).toMatchObject({ from: 'alpha', cause: 'a2a_ended', state: 'failed' });
    await waitThreadPost(h, 'CALPHA01', alphaCard.ts, 'Taken back from @alpha: A2A task failed: cannot reach the billing system.', WAIT.timeout);
    const betaCard = await cardOf(h, 'CBETA001', key, WAIT.timeout);
    await waitThreadPost(h, 'CBETA001', betaCard.ts, 'Taken back from @alpha (A2A task failed: cannot reach the billing system) and routed here', WAIT.timeout);
    await vi.waitFor(() => expect(h.fake.callsTo('chat.update').some((c) => c.args.ts === alphaCard.ts && json(c.args).includes('taken back from @alpha'))).toBe(true), WAIT);
  });

  it('when the A2A agent refuses the message for good, then the ticket is taken back once and goes to another agent with the reason in its trail and thread, and /agent list shows the agent failing', async () => {
    const refuser = await startA2aAgent('Refusing Agent');
    try {
      await addAgent(h, 'iris', 'skills:billing', 'CIRIS001');
      await addAgent(h, 'maya', 'skills:billing', 'CMAYA001');
      expect(await agent(h, `update iris a2a:${refuser.url}`)).toContain('A2A: *Refusing Agent*');
      // The card was read; from now on its endpoint answers 403 to every message.
      refuser.refuse(403);
      const key = await fileTicket(h, 'type:billing complete: refund order 7');
      const irisCard = await cardOf(h, 'CIRIS001', key, WAIT.timeout);
      const mayaCard = await cardOf(h, 'CMAYA001', key, WAIT.timeout);
      const why = "could not reach iris's A2A endpoint: sending to Refusing Agent: HTTP error for SendMessage! Status: 403";
      await waitThreadPost(h, 'CIRIS001', irisCard.ts, `Taken back from @iris: ${why}`, WAIT.timeout);
      await waitThreadPost(h, 'CMAYA001', mayaCard.ts, `Taken back from @iris (${why}`, WAIT.timeout);
      const [t] = await h.baton.database.rows<{ assignee: string | null; declined_by: string[] }>(h.baton.database.db, sql`select assignee, declined_by from tickets where key = ${key}`);
      expect(t).toMatchObject({ assignee: 'maya', declined_by: ['iris'] });
      const trail = await auditOf(h.baton.database, key);
      expect(trail.map((e) => e.action)).toEqual(['filed', 'assigned', 'taken_back', 'assigned']);
      const taken = trail.find((e) => e.action === 'taken_back')!;
      expect(taken).toMatchObject({ actor: 'baton', data: { from: 'iris', cause: 'a2a_unreachable' } });
      expect(taken.note).toContain(why);
      expect(await showWhen(h, key, "could not reach iris's A2A endpoint", WAIT.timeout)).toContain('taken back');
      // Refused for good: sent once, never retried; the row is kept as failed and the roster shows it.
      await outboxIdle(h, WAIT.timeout);
      expect(refuser.refused).toBe(1);
      expect(refuser.received).toHaveLength(0);
      const rows = await h.baton.database.rows<{ status: string; last_error: string }>(h.baton.database.db, sql`select status, last_error from outbox where destination = 'a2a' and ticket_key = ${key}`);
      expect(rows).toEqual([{ status: 'failed', last_error: expect.stringContaining('Status: 403') }]);
      expect((await auditOf(h.baton.database, 'agent:iris')).find((e) => e.action === 'a2a_unreachable')).toMatchObject({ note: expect.stringContaining(why), data: { ticket: key } });
      expect(await agent(h, 'list')).toMatch(/\*@iris\*[^\n"]*A2A: \*Refusing Agent\*[^\n"]*:warning: A2A refused a message for good: sending to Refusing Agent: HTTP error/);
    } finally {
      await refuser.close();
    }
  });

  it('when the agent needs authorization, then the ticket is escalated with its message', async () => {
    const key = await fileTicket(h, 'type:refunds auth: refund a locked order');
    await vi.waitFor(async () => {
      const e = (await auditOf(h.baton.database, key)).find((x) => x.action === 'escalated' || x.action === 'escalation_exhausted');
      expect(e).toMatchObject({ actor: 'agent:ada', note: 'ada needs authorization to go on: sign in to the billing system', data: { via: 'a2a' } });
    }, WAIT);
    const [t] = await h.baton.database.rows<{ status: string; escalation_level: number }>(h.baton.database.db, sql`select status, escalation_level from tickets where key = ${key}`);
    expect(t).toEqual({ status: 'active', escalation_level: 1 });
    await outboxIdle(h, WAIT.timeout);
  });

  it('when a push notification comes with a wrong token, then it gets 401 and changes nothing', async () => {
    await outboxIdle(h, WAIT.timeout);
    const [row] = await h.baton.database.rows<{ id: string }>(h.baton.database.db, sql`select id from a2a_tasks order by created_at limit 1`);
    const before = await snapshot(h.baton.database);
    const push = (headers: Record<string, string>) =>
      fetch(`http://127.0.0.1:${h.baton.port}/a2a/push/${row!.id}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{"statusUpdate":{}}' });
    expect((await push({ 'x-a2a-notification-token': 'wrong-token' })).status).toBe(401);
    expect((await push({})).status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${h.baton.port}/a2a/push/nope`, { method: 'POST', headers: { 'x-a2a-notification-token': 'x' } })).status).toBe(401);
    expect(await snapshot(h.baton.database)).toEqual(before);
  });
});

/** The polled case for both protocol versions the SDK speaks (the v0.3 agent's other cases: a2aV03.e2e.test.ts). */
const POLLED = E2E_KINDS.flatMap((kind) => [
  { kind, protocol: '1.0' as const, name: 'Polled Agent' },
  { kind, protocol: '0.3' as const, name: 'Polled Legacy Agent' },
]);

describe.each(POLLED)('A2A dispatch (v$protocol) without BATON_PUBLIC_URL on $kind', ({ kind, protocol, name }) => {
  let h: Harness;
  let a2a: TestA2aAgent;

  beforeAll(async () => {
    a2a = await startA2aAgent(name, { protocol });
    h = await startHarness(kind);
    await addAgent(h, 'ada', 'skills:refunds', 'CADA0001');
    expect(await agent(h, `update ada a2a:${a2a.url}`)).toContain(`A2A: *${name}*`);
  });
  afterAll(async () => {
    await h?.close();
    await a2a?.close();
  });

  it('when the agent cannot push, then each sweep reads its task and the completed task resolves the ticket', async () => {
    const key = await fileTicket(h, 'type:refunds complete: refund order 9');
    await vi.waitFor(() => expect(a2a.received.find((x) => x.contextId === key)).toBeDefined(), WAIT);
    const [task] = await h.baton.database.rows<{ push_token_hash: string | null }>(h.baton.database.db, sql`select push_token_hash from a2a_tasks where ticket_key = ${key}`);
    expect(task!.push_token_hash).toBeNull();
    await vi.waitFor(async () => {
      await h.baton.scheduler.tick();
      const [t] = await h.baton.database.rows<{ status: string; resolution: string | null }>(h.baton.database.db, sql`select status, resolution from tickets where key = ${key}`);
      expect(t).toEqual({ status: 'completed', resolution: 'Refund issued: 42 EUR' });
    }, WAIT);
    expect((await auditOf(h.baton.database, key)).find((e) => e.action === 'resolved')).toMatchObject({ actor: 'agent:ada', data: { via: 'a2a' } });
    expect(a2a.pushed).toEqual([]);
    // A v0.3 agent is spoken to in v0.3 only: `message/send`, then `tasks/get` on each sweep.
    if (protocol === '0.3') expect(new Set(a2a.calls.map((c) => c.method))).toEqual(new Set(['message/send', 'tasks/get']));
  });
});
