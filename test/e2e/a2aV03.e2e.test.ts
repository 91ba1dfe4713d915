// A2A dispatch to an agent that speaks A2A v0.3, end to end: a real agent built with @a2a-js/sdk's v0.3
// compatibility server on loopback (test/support/a2aAgent.ts, `protocol: '0.3'`) serves a v0.3 Agent Card and
// answers only the v0.3 JSON-RPC methods; Baton's client (the SDK's, with its v0.3 compatibility on) reads that
// card, sends `message/send` and reads tasks with `tasks/get`. The agent pushes its task updates to Baton
// (BATON_PUBLIC_URL set) in their v0.3 shape (the bare v0.3 Task, `kind: 'task'`, lower-case states, with the
// token in X-A2A-Notification-Token); Baton reads the task (`tasks/get`) on each of them, without waiting for a
// sweep. Without BATON_PUBLIC_URL, the sweep reads it (a2a.e2e.test.ts, the polled case, for both versions).
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startA2aAgent, type TestA2aAgent } from '../support/a2aAgent.js';
import { startHarness, type Harness } from '../support/batonHarness.js';
import { REQ } from '../support/cast.js';
import { E2E_KINDS } from '../support/db.js';
import { addAgent, agent, cardOf, fileTicket, json, outboxIdle, showWhen, threadPosts, waitThreadPost } from '../support/e2eHelpers.js';
import { auditOf } from '../support/inspect.js';
import { freePort } from '../support/slackRequests.js';

const WAIT = { timeout: 10_000, interval: 25 };
/** The JSON-RPC methods of A2A v0.3 (v1.0 names its methods `SendMessage`, `GetTask`, …). */
const V03_METHOD = /^(message|tasks|agent)\/[A-Za-z/]+$/;

/** Every call the agent received was a v0.3 call, and Baton used these methods. */
function onlyV03(a2a: TestA2aAgent, used: string[]): void {
  expect(a2a.calls.length).toBeGreaterThan(0);
  for (const c of a2a.calls) expect(c.method, json(c)).toMatch(V03_METHOD);
  expect(new Set(a2a.calls.map((c) => c.method))).toEqual(new Set(used));
}

/** The states the agent pushed for `taskId`, in order; every push a v0.3 body (a bare v0.3 Task, plain JSON). */
function pushedStates(a2a: TestA2aAgent, taskId: string): string[] {
  const pushes = a2a.pushed.filter((p) => p.body.id === taskId);
  for (const p of pushes) {
    expect(p.contentType).toBe('application/json');
    expect(p.body).toMatchObject({ kind: 'task', id: taskId, status: { state: expect.stringMatching(/^[a-z-]+$/) } });
  }
  return pushes.map((p) => (p.body.status as { state: string }).state);
}

describe.each(E2E_KINDS)('A2A dispatch to a v0.3 agent on %s', (kind) => {
  let h: Harness;
  let a2a: TestA2aAgent;
  let adaChannel: string;

  beforeAll(async () => {
    a2a = await startA2aAgent('Legacy Agent', { protocol: '0.3' });
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

  it('the agent speaks v0.3 only: its card is a v0.3 card whatever version is asked for, and a v1.0 call is an unknown method there', async () => {
    for (const version of ['1.0', '0.3']) {
      const card = (await (await fetch(`${a2a.url}/.well-known/agent-card.json`, { headers: { 'A2A-Version': version } })).json()) as Record<string, unknown>;
      expect(card).toMatchObject({ name: 'Legacy Agent', protocolVersion: '0.3.0', url: `${a2a.url}/`, preferredTransport: 'JSONRPC', capabilities: { pushNotifications: true } });
      expect(card).not.toHaveProperty('supportedInterfaces');
    }
    const v1 = await fetch(`${a2a.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'A2A-Version': '1.0' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'GetTask', params: { id: 'nope' } }),
    });
    expect(await v1.json()).toMatchObject({ error: { code: -32601 } });
    a2a.calls.length = 0;
  });

  it('when an admin points an agent at the v0.3 agent, then Baton reads its card and /agent list shows its name and skills', async () => {
    const r = await agent(h, `update ada a2a:${a2a.url}`);
    expect(r).toContain('It is an A2A agent now: A2A: *Legacy Agent* (Refunds, Research)');
    expect((await agentRow('ada')).a2a).toMatchObject({ url: a2a.url, name: 'Legacy Agent', skills: ['Refunds', 'Research'] });
    expect(await agent(h, `update alpha a2a:${a2a.url}`)).toContain('A2A: *Legacy Agent*');
    const list = await agent(h, 'list');
    expect(list).toMatch(/\*@ada\*[^\n"]*A2A: \*Legacy Agent\* \(Refunds, Research\)/);
    expect(list).not.toMatch(/\*@beta\*[^\n"]*A2A/);
    // Reading the card is no JSON-RPC call.
    expect(a2a.calls).toEqual([]);
  });

  it('when a ticket is assigned to the v0.3 agent, then it goes out as message/send (text and data parts, contextId = key) and its completed task, pushed in v0.3 shape, resolves the ticket with the artifact text', async () => {
    const key = await fileTicket(h, 'type:refunds complete: refund order 42');
    const sent = await vi.waitFor(() => {
      const m = a2a.received.find((x) => x.contextId === key);
      expect(m, 'the message to the agent').toBeDefined();
      return m!;
    }, WAIT);
    expect(sent.text.split('\n')[0]).toBe(`${key}: complete: refund order 42`);
    expect(sent.data).toMatchObject({ key, title: 'complete: refund order 42', type: 'refunds', assignee: 'ada', status: 'active' });
    // Resolved on the agent's pushes: the harness sweeps once a year.
    const shown = await showWhen(h, key, 'Refund issued: 42 EUR', WAIT.timeout);
    expect(shown).toContain('completed');
    const trail = await auditOf(h.baton.database, key);
    expect(trail.find((e) => e.action === 'resolved')).toMatchObject({ actor: 'agent:ada', note: 'Refund issued: 42 EUR', data: { via: 'a2a' } });
    expect(trail.find((e) => e.action === 'accepted')).toMatchObject({ actor: 'agent:ada', data: { via: 'a2a' } });
    const [task] = await h.baton.database.rows<{ task_id: string; push_token_hash: string | null; done: boolean }>(h.baton.database.db, sql`select task_id, push_token_hash, done from a2a_tasks where ticket_key = ${key}`);
    expect(task).toMatchObject({ task_id: sent.taskId, done: true });
    expect(task!.push_token_hash).toMatch(/^[0-9a-f]{64}$/);
    // On the wire: v0.3 JSON-RPC both ways, and v0.3 push bodies.
    onlyV03(a2a, ['message/send', 'tasks/get']);
    expect(pushedStates(a2a, sent.taskId)).toEqual(expect.arrayContaining(['submitted', 'working', 'completed']));
    expect(a2a.pushed.find((p) => p.body.id === sent.taskId && (p.body.status as { state: string }).state === 'completed')!.body).toMatchObject({
      contextId: key,
      artifacts: [{ parts: [{ kind: 'text', text: 'Refund issued: 42 EUR' }] }],
    });
  });

  it('when the v0.3 agent asks for input, then the question appears in the home thread and the next reply there goes back to the same task, which then completes', async () => {
    const key = await fileTicket(h, 'type:refunds ask: refund a customer');
    const home = await cardOf(h, adaChannel, key, WAIT.timeout);
    await waitThreadPost(h, adaChannel, home.ts, 'asks: Which order number?', WAIT.timeout);
    const first = a2a.received.find((x) => x.contextId === key)!;
    expect(pushedStates(a2a, first.taskId)).toContain('input-required');
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
    expect(threadPosts(h, adaChannel, home.ts).filter((p) => json(p.args).includes('asks: Which order number?'))).toHaveLength(1);
    expect(pushedStates(a2a, first.taskId)).toContain('completed');
    onlyV03(a2a, ['message/send', 'tasks/get']);
  });

  it('when the v0.3 agent fails the task, then the ticket is taken back and routed to another agent with the reason', async () => {
    await agent(h, 'busy beta for:1h');
    const key = await fileTicket(h, 'type:research fail: look up the invoice');
    const alphaCard = await cardOf(h, 'CALPHA01', key, WAIT.timeout);
    await agent(h, 'available beta');
    await showWhen(h, key, 'cannot reach the billing system', WAIT.timeout);
    await vi.waitFor(async () => {
      const t = (await h.baton.database.rows<{ assignee: string | null; declined_by: string[] }>(h.baton.database.db, sql`select assignee, declined_by from tickets where key = ${key}`))[0]!;
      expect(t).toMatchObject({ assignee: 'beta', declined_by: ['alpha'] });
    }, WAIT);
    const taken = (await auditOf(h.baton.database, key)).find((e) => e.action === 'taken_back')!;
    expect(taken).toMatchObject({ actor: 'agent:alpha', note: 'A2A task failed: cannot reach the billing system', data: { via: 'a2a', from: 'alpha', cause: 'a2a_ended', state: 'failed' } });
    await waitThreadPost(h, 'CALPHA01', alphaCard.ts, 'Taken back from @alpha: A2A task failed: cannot reach the billing system.', WAIT.timeout);
    const betaCard = await cardOf(h, 'CBETA001', key, WAIT.timeout);
    await waitThreadPost(h, 'CBETA001', betaCard.ts, 'Taken back from @alpha (A2A task failed: cannot reach the billing system) and routed here', WAIT.timeout);
    const failed = a2a.received.find((x) => x.contextId === key)!;
    expect(pushedStates(a2a, failed.taskId)).toContain('failed');
    onlyV03(a2a, ['message/send', 'tasks/get']);
  });
});
