// Issue 18 item 7: the managers' channel gets one message per ticket (or one summary for a sweep's batch),
// later levels and outcomes in its thread and as edits, and buttons a manager can act with.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_KINDS } from '../support/db.js';
import { ADMIN_USER, startHarness, type Harness } from '../support/batonHarness.js';
import { ManualClock } from '../support/deps.js';
import { cardOf, fileTicket, json, outboxIdle, showWhen, ticket, tsOf } from '../support/e2eHelpers.js';
import type { FakeSlackCall } from '../../fake-slack/index.js';

const CH = 'CESCALATE';

async function setUp(h: Harness) {
  await h.slack.command('/agent', 'add felix skills:decision channel:<#CFELIX01|agent-felix> user:<@UFELIX01> capacity:20', { user: ADMIN_USER });
  await h.slack.command('/agent', 'add iris skills:support channel:<#CIRIS001|agent-iris> user:<@UIRIS001> escalates-to:felix capacity:20', { user: ADMIN_USER });
  await h.slack.command('/agent', 'add ivy skills:support channel:<#CIVY0001|agent-ivy> user:<@UIVY0001>', { user: ADMIN_USER });
}

const topLevel = (h: Harness) => h.fake.posts(CH).filter((p) => !p.args.thread_ts);
const updatesOf = (h: Harness, ts: string) => h.fake.callsTo('chat.update').filter((c) => c.args.channel === CH && c.args.ts === ts);
const lastUpdate = (h: Harness, ts: string): FakeSlackCall | undefined => updatesOf(h, ts).at(-1);

describe.each(E2E_KINDS)("the managers' channel on %s", (kind) => {
  let h: Harness;
  const clock = new ManualClock(new Date('2026-03-02T09:00:00Z'));
  beforeAll(async () => {
    h = await startHarness(kind, { clock, env: { ESCALATION_CRON: '* * * * * *' } });
    await setUp(h);
  });
  afterAll(async () => h?.close());

  it("item 7: one message per ticket; later levels and the outcome reply in its thread and edit it; Assign… and resolve clear 'please act'", async () => {
    const key = await fileTicket(h, 'type:support assign:iris Refund stuck for a week');
    await cardOf(h, 'CIRIS001', key);
    await ticket(h, `escalate ${key}`, ADMIN_USER); // level 1: felix
    const first = await h.fake.waitFor(() => topLevel(h).find((p) => json(p.args).includes(key)));
    expect(json(first.args.blocks)).toContain('managers_takeover');
    expect(json(first.args.blocks)).toContain('managers_assign');
    await outboxIdle(h);
    await ticket(h, `escalate ${key}`, ADMIN_USER); // level 2: the chain runs out
    await h.fake.waitFor(() => h.fake.posts(CH).find((p) => p.args.thread_ts === tsOf(first) && json(p.args).includes('chain exhausted')));
    await h.fake.waitFor(() => (json(lastUpdate(h, tsOf(first))?.args.blocks).includes('please act') ? true : undefined));
    expect(topLevel(h).filter((p) => json(p.args).includes(key))).toHaveLength(1);

    // Assign… opens a picker of the agents that take support tickets (not the assignee).
    await h.slack.action({ actionId: 'managers_assign', value: key, user: ADMIN_USER, channel: CH, messageTs: tsOf(first) });
    const opened = await h.fake.waitFor(() => h.fake.callsTo('views.open').find((c) => json(c.args.view).includes('managers_assign_form')));
    const picker = json(opened.args.view);
    expect(picker).toContain('"value":"ivy"');
    expect(picker).not.toContain('"value":"felix"'); // felix does not take support tickets
    expect(picker).not.toContain('"value":"iris"');
    const sub = await h.slack.viewSubmission({ callbackId: 'managers_assign_form', user: ADMIN_USER, values: { assign_agent: { agent: { staticSelect: 'ivy' } } } });
    expect(json(sub.body)).toContain('now with @ivy');
    await h.fake.waitFor(() => h.fake.posts(CH).find((p) => p.args.thread_ts === tsOf(first) && json(p.args).includes('Assigned to @ivy')));
    await h.fake.waitFor(() => {
      const u = json(lastUpdate(h, tsOf(first))?.args.blocks);
      return u.includes('with @ivy') && !u.includes('please act') ? true : undefined;
    });

    // Resolved: the message says so and loses its buttons.
    await ticket(h, `resolve ${key} refunded`, ADMIN_USER);
    await h.fake.waitFor(() => {
      const u = json(lastUpdate(h, tsOf(first))?.args.blocks);
      return u.includes('resolved') && !u.includes('managers_takeover') ? true : undefined;
    });
    expect(topLevel(h).filter((p) => json(p.args).includes(key))).toHaveLength(1);

    // A non-admin's Assign… is refused with the reason.
    await h.slack.action({ actionId: 'managers_assign', value: key, user: 'UIRIS001', channel: CH, messageTs: tsOf(first) });
    await h.fake.waitFor(() => h.fake.responses.find((r) => json(r.body).includes("Only an admin can assign")));
  }, 30_000);

  it('item 7: many tickets escalating in one sweep get one summary message; a take-over replies in its thread and edits it', async () => {
    const before = topLevel(h).length;
    const keys: string[] = [];
    for (let i = 0; i < 5; i++) keys.push(await fileTicket(h, `type:support assign:iris escalate:1m Batch ticket ${i}`));
    await outboxIdle(h);
    clock.advance(61_000);
    const summary = await h.fake.waitFor(() => topLevel(h).slice(before).find((p) => json(p.args).includes('escalated together')), 10_000);
    for (const k of keys) expect(json(summary.args.blocks)).toContain(k);
    await outboxIdle(h);
    expect(topLevel(h).length - before).toBe(1);

    // Felix takes one over from the summary.
    await h.slack.action({ actionId: 'managers_takeover', value: keys[0], user: 'UFELIX01', channel: CH, messageTs: tsOf(summary) });
    await h.fake.waitFor(() => h.fake.posts(CH).find((p) => p.args.thread_ts === tsOf(summary) && json(p.args).includes('Taken over by @felix')));
    await h.fake.waitFor(() => (json(lastUpdate(h, tsOf(summary))?.args.blocks).includes('with @felix') ? true : undefined));
    expect(topLevel(h).length - before).toBe(1);
  }, 30_000);

  it("item 7: an accepted ticket's ping says how long it waited since assignment, not 'without progress'", async () => {
    const key = await fileTicket(h, 'type:support assign:iris Accepted then escalated');
    const card = await cardOf(h, 'CIRIS001', key);
    await h.slack.action({ actionId: 'ticket_accept', value: key, user: 'UIRIS001', channel: 'CIRIS001', messageTs: card.ts });
    await h.fake.waitFor(() => h.fake.responses.find((r) => json(r.body).includes(`You accepted`) && json(r.body).includes(key)));
    await ticket(h, `escalate ${key}`, ADMIN_USER);
    const ping = await h.fake.waitFor(() => h.fake.posts('CFELIX01').find((p) => json(p.args).includes(key) && json(p.args).includes('ticket_takeover')));
    expect(json(ping.args)).toContain('since assignment');
    expect(json(ping.args)).not.toContain('without progress');
  }, 20_000);

  it("item 7: a ticket whose agent only replied in its thread (never accepted) is pinged 'since assignment' too; a silent one 'without progress'", async () => {
    const replied = await fileTicket(h, 'type:support assign:iris Answered but not accepted');
    const silent = await fileTicket(h, 'type:support assign:iris Nobody said a word');
    const card = await cardOf(h, 'CIRIS001', replied);
    await cardOf(h, 'CIRIS001', silent);
    await h.slack.message({ channel: 'CIRIS001', user: 'UIRIS001', thread_ts: card.ts, text: 'Looking at the logs now' });
    await showWhen(h, replied, 'Looking at the logs');
    await ticket(h, `escalate ${replied}`, ADMIN_USER);
    await ticket(h, `escalate ${silent}`, ADMIN_USER);
    const pingOf = (k: string) => h.fake.waitFor(() => h.fake.posts('CFELIX01').find((p) => json(p.args).includes(k) && json(p.args).includes('ticket_takeover')));
    const answered = json((await pingOf(replied)).args);
    expect(answered).toContain('since assignment');
    expect(answered).not.toContain('without progress');
    expect(json((await pingOf(silent)).args)).toContain('without progress');
  }, 20_000);
});
