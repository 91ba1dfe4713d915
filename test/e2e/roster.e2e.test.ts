// The roster through Slack as people set it up: chains that loop or point at agents not added yet or
// removed, the removed agent's cards, and the channel invite on update.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_KINDS } from '../support/db.js';
import { startHarness, type Harness } from '../support/batonHarness.js';
import { ManualClock } from '../support/deps.js';
import { addAgent, agent, cardOf, fileTicket, json, outboxIdle, waitThreadPost } from '../support/e2eHelpers.js';
import { FELIX, IRIS } from '../support/cast.js';

const MAYA = 'UMAYA001';

describe.each(E2E_KINDS)('the roster through Slack on %s', { timeout: 60_000 }, (kind) => {
  let h: Harness;
  const clock = new ManualClock('2026-03-02T10:00:00Z');

  beforeAll(async () => {
    h = await startHarness(kind, { clock });
  });
  afterAll(async () => h?.close());

  it('item 1: when an escalates-to closes a loop, then it is accepted with a warning naming the loop', async () => {
    const felix = await agent(h, `add felix skills:support channel:<#CFELIX01|agent-felix> user:<@${FELIX}> escalates-to:iris`);
    expect(felix).toContain('iris is not on the roster yet; escalations skip it until it is added');
    const iris = await agent(h, `add iris skills:billing channel:<#CIRIS001|agent-iris> user:<@${IRIS}> escalates-to:felix`);
    expect(iris).toContain('Added @iris');
    expect(iris).toContain('iris → felix → iris: escalations stop at the end of the loop.');
    expect(iris).toContain('felix escalates to iris again.');
  });

  it('item 10: when update changes the channel, then the agent’s user is invited into it as add does', async () => {
    await agent(h, 'update iris channel:<#CIRIS002|agent-iris-2>');
    expect(h.fake.callsTo('conversations.invite').some((c) => c.args.channel === 'CIRIS002' && c.args.users === IRIS)).toBe(true);
    await agent(h, 'update iris channel:<#CIRIS001|agent-iris>');
  });

  it('item 10: when escalates-to names an agent with a typo, then the answer names the option and the agent meant', async () => {
    const r = await agent(h, 'update iris escalates-to:fleix');
    expect(r).toContain('`escalates-to:fleix`: fleix is not on the roster yet; escalations skip it until it is added. Did you mean felix?');
    await agent(h, 'update iris escalates-to:felix');
  });

  it('item 4: when an agent is removed, then the answer names the chains it changes, its cards lose their buttons with a thread note, and re-adding restores the chains', async () => {
    await addAgent(h, 'maya', `skills:billing user:<@${MAYA}> escalates-to:felix`, 'CMAYA001');
    await agent(h, 'busy iris for:1h');
    const key = await fileTicket(h, 'type:support For felix');
    const card = await cardOf(h, 'CFELIX01', key);
    const removed = await agent(h, 'remove felix');
    expect(removed).toContain('iris and maya escalated to felix; their escalations skip it until it is added again.');
    expect(await agent(h, 'list')).toContain('escalates to @felix');
    await waitThreadPost(h, 'CFELIX01', card.ts, 'left the roster');
    await outboxIdle(h);
    const edit = h.fake.callsTo('chat.update').find((c) => c.args.channel === 'CFELIX01' && c.args.ts === card.ts);
    expect(edit).toBeDefined();
    expect(json(edit!.args.blocks)).not.toContain('ticket_accept');
    expect(json(edit!.args)).toContain('left the roster; it went back to intake');
    const back = await agent(h, `add felix skills:support channel:<#CFELIX01|agent-felix> user:<@${FELIX}>`);
    expect(back).toContain('iris and maya escalate to felix again.');
  });

  it('item 6 (issue 11): capacity:unlimited is taken and shown as unlimited', async () => {
    expect(await agent(h, 'update maya capacity:unlimited')).toContain('Updated @maya');
    expect(await agent(h, 'list')).toContain('load 0/unlimited');
  });
});
