import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../support/db.js';
import { ADMIN_USER, startHarness, type Harness } from '../support/batonHarness.js';

const REQ = 'UREQUEST1';
const json = (x: unknown) => JSON.stringify(x);

// A story: each test continues where the last one left off, so they run in the order written.
for (const kind of DB_KINDS) describe(`the seed story through Slack payloads on ${kind}`, { shuffle: false }, () => {
  let h: Harness;
  let irisChannel = '';
  let irisCardTs = '';

  beforeAll(async () => {
    h = await startHarness(kind);
  });
  afterAll(async () => h?.close());

  it('when an admin registers the agents, then each has a channel (Baton creates #agent-iris)', async () => {
    const felix = await h.slack.command('/agent', 'add felix skills:decision channel:<#CFELIX01|agent-felix> user:<@UFELIX01|felix>', { user: ADMIN_USER });
    expect(felix.status).toBe(200);
    expect(json(felix.body)).toContain('Added');
    const devin = await h.slack.command('/agent', 'add devin skills:engineering channel:<#CDEVIN01|agent-devin> user:<@UDEVIN01> escalates-to:felix', { user: ADMIN_USER });
    expect(json(devin.body)).toContain('Added');
    const iris = await h.slack.command('/agent', 'add iris skills:support,billing user:<@UIRIS001> escalates-to:felix', { user: ADMIN_USER });
    expect(json(iris.body)).toContain('Added');
    const created = h.fake.callsTo('conversations.create');
    expect(created.map((c) => c.args.name)).toEqual(['agent-iris']);
    irisChannel = String((created[0]!.response as { channel: { id: string } }).channel.id);
    const list = await h.slack.command('/agent', 'list', { user: REQ });
    expect(json(list.body)).toContain('iris');
  });

  it('when a non-admin runs /agent add, then it is refused and nothing changes', async () => {
    const r = await h.slack.command('/agent', 'add mallory skills:billing channel:<#CMAL0001|x>', { user: REQ });
    expect(json(r.body)).toContain('Only Baton admins');
    const list = await h.slack.command('/agent', 'list', { user: REQ });
    expect(json(list.body)).not.toContain('mallory');
  });

  it('when the complaint is filed, then Iris gets the assignment card with four buttons and a mention', async () => {
    const r = await h.slack.command('/ticket', 'new type:billing priority:high customer:enterprise_client_xyz handoff:felix Charged twice for the annual plan', { user: REQ });
    expect(r.status).toBe(200);
    expect(json(r.body)).toContain('T-2026-001');
    expect(json(r.body)).toContain('iris');
    const card = await h.fake.waitFor(() => h.fake.posts(irisChannel)[0]);
    irisCardTs = String(card.response && (card.response as { ts: string }).ts);
    const actions = json(card.args.blocks);
    for (const id of ['ticket_accept', 'ticket_resolve', 'ticket_handoff', 'ticket_escalate']) expect(actions).toContain(id);
    expect(actions).toContain('<@UIRIS001>');
    expect(actions).toContain('enterprise_client_xyz');
  });

  it('when Iris hands it to Devin by command, then Devin gets it with the context and Iris\'s thread says where it went', async () => {
    const r = await h.slack.command('/ticket', 'handoff T-2026-001 devin Looks like a double charge bug', { user: 'UIRIS001' });
    expect(json(r.body)).toContain('T-2026-002');
    const devinCard = await h.fake.waitFor(() => h.fake.posts('CDEVIN01')[0]);
    expect(json(devinCard.args.blocks)).toContain('enterprise_client_xyz');
    const reply = await h.fake.waitFor(() => h.fake.posts(irisChannel).find((p) => p.args.thread_ts === irisCardTs && json(p.args).includes('T-2026-002')));
    expect(reply).toBeDefined();
  });

  it('when Devin presses Resolve, then Iris\'s thread is told', async () => {
    await h.fake.waitFor(() => h.fake.posts('CDEVIN01')[0]);
    const r = await h.slack.action({ actionId: 'ticket_resolve', value: 'T-2026-002', user: 'UDEVIN01', channel: 'CDEVIN01' });
    expect(r.status).toBe(200);
    const told = await h.fake.waitFor(() => h.fake.posts(irisChannel).find((p) => p.args.thread_ts === irisCardTs && json(p.args.blocks).includes('was resolved')));
    expect(json(told.args.blocks)).toContain('<@UIRIS001>');
  });

  it('when Iris resolves, then the requester gets a DM and Felix a briefing', async () => {
    const r = await h.slack.command('/ticket', 'resolve T-2026-001 Refunded the second charge', { user: 'UIRIS001' });
    expect(json(r.body)).toContain('T-2026-003');
    const dm = await h.fake.waitFor(() => h.fake.posts(REQ)[0]);
    expect(json(dm.args)).toContain('Refunded the second charge');
    const briefing = await h.fake.waitFor(() => h.fake.posts('CFELIX01')[0]);
    expect(json(briefing.args.blocks)).toContain('enterprise_client_xyz');
    expect(json(briefing.args.blocks)).toContain('T-2026-003');
  });

  it('when anyone runs /ticket show, then the trail is there', async () => {
    const r = await h.slack.command('/ticket', 'show T-2026-001', { user: 'UOTHER01' });
    const body = json(r.body);
    for (const action of ['*filed*', '*assigned*', '*handed off*', '*handoff resolved*', '*resolved*']) expect(body).toContain(action);
  });

  it('when a title smuggles <!channel>, then it reaches Slack escaped', async () => {
    await h.slack.command('/ticket', 'new type:billing &lt;!channel&gt; refund now &lt;https://evil.example|click&gt;', { user: REQ });
    const card = await h.fake.waitFor(() => h.fake.posts(irisChannel).find((p) => json(p.args).includes('refund now')));
    const all = json(card.args);
    expect(all).not.toContain('<!channel>');
    expect(all).toContain('&lt;!channel&gt;');
    expect(all).not.toContain('<https://evil.example');
  });
});
