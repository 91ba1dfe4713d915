// App Home through signed app_home_opened events and block_actions from the Home view: what a plain
// requester, an agent's user and an admin see; republished (debounced) when what it shows changes; its
// buttons act like the card's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_KINDS } from '../support/db.js';
import { ADMIN_USER, startHarness, type Harness } from '../support/batonHarness.js';
import { addAgent, cardOf, fileTicket, json, outboxIdle, showWhen, ticket } from '../support/e2eHelpers.js';
import { IRIS, OTHER, REQ } from '../support/cast.js';
import { viewErrors } from '../../fake-slack/blockLimits.js';

type View = { id: string; blocks?: unknown[] };

describe.each(E2E_KINDS)('App Home on %s', (kind) => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness(kind, { env: { DEFAULT_TICKET_TYPE: 'support' } });
    // Short windows keep the test quick; the debounce is the same code at any length.
    h.baton.deps.homeDebounceMs = 300;
    await addAgent(h, 'iris', `skills:support user:<@${IRIS}> capacity:5`, 'CIRIS001');
  });
  afterAll(async () => h?.close());

  const publishes = (user: string) => h.fake.callsTo('views.publish').filter((c) => c.args.user_id === user);
  const open = (user: string) => h.slack.event({ type: 'app_home_opened', user, tab: 'home', channel: 'D0HOME', event_ts: h.fake.nextTs() });
  /** Opens `user`'s Home and waits for the publish it causes; answers the view. */
  const openHome = async (user: string): Promise<View> => {
    const before = publishes(user).length;
    const r = await open(user);
    expect(r.status).toBe(200);
    await h.fake.waitFor(() => (publishes(user).length > before ? true : undefined), 5000, `a Home publish for ${user}`);
    return h.fake.homeOf(user) as View;
  };
  /** Waits until `user`'s latest Home matches `pred`. */
  const homeWhen = (user: string, pred: (text: string) => boolean, what: string): Promise<string> =>
    h.fake.waitFor(() => {
      const v = h.fake.homeOf(user);
      const text = v ? json(v.blocks) : '';
      return v && pred(text) ? text : undefined;
    }, 5000, what);

  it('a plain requester sees what they filed, and no work, team or queues', async () => {
    const k = await fileTicket(h, 'type:support Home probe: VPN drops every hour');
    const view = await openHome(REQ);
    expect(viewErrors({ ...view, type: 'home' })).toEqual([]);
    const text = json(view.blocks);
    expect(text).toContain('Filed by you');
    expect(text).toContain(k);
    expect(text).toContain('Home probe: VPN drops every hour');
    expect(text).not.toContain('Your work');
    expect(text).not.toContain('Team (');
    expect(text).not.toContain('Queues');
    // no buttons for the requester's own list
    expect(text).not.toContain('ticket_accept');
  });

  it("an agent's user sees their work with the card's buttons and their load; Accept on the Home accepts, and the Home follows", async () => {
    const k = await fileTicket(h, 'type:support Home probe: printer jam');
    await cardOf(h, 'CIRIS001', k);
    const view = await openHome(IRIS);
    const text = json(view.blocks);
    expect(text).toContain('Your work');
    expect(text).toContain(k);
    expect(text).toMatch(/@iris.*[█░]+ \d\/5/);
    expect(text).toContain(`"ticket_actions:${k}:L0"`);
    expect(text).toContain('"action_id":"ticket_accept"');

    const r = await h.slack.homeAction({ user: IRIS, actionId: 'ticket_accept', value: k });
    expect(r.status).toBe(200);
    await showWhen(h, k, 'accepted');
    // republished without the Accept button for that ticket, with the state shown
    const after = await homeWhen(IRIS, (t) => t.includes('Accepted') && !t.includes(`"ticket_accept","text":{"type":"plain_text","text":"Accept","emoji":true},"value":"${k}"`), 'the Home without Accept');
    expect(after).toContain(k);
    // a success on the Home is not answered with a message: the Home shows it
    expect(h.fake.posts(IRIS).filter((p) => json(p.args).includes(k))).toHaveLength(0);
  });

  it('a refused press on the Home is told to the presser in a message from Baton, and changes nothing', async () => {
    const k = await fileTicket(h, 'type:support Home probe: refused press');
    await cardOf(h, 'CIRIS001', k);
    await openHome(IRIS);
    const stale = h.fake.homeOf(IRIS) as View;
    // resolved elsewhere before the press
    await ticket(h, `resolve ${k} done elsewhere`, ADMIN_USER);
    const r = await h.slack.homeAction({ user: IRIS, actionId: 'ticket_escalate', value: k, view: stale });
    expect(r.status).toBe(200);
    const told = await h.fake.waitFor(() => h.fake.posts(IRIS).find((p) => json(p.args).includes(k)), 5000, 'the refusal');
    expect(String(told.args.text)).toMatch(/:warning:.*(completed|resolved)/i);
    expect(await showOf(k)).not.toMatch(/escalated/i);
  });

  it('an admin sees the team with load bars and availability, and the queues with held reasons, the 7-day figures and sparklines', async () => {
    await addAgent(h, 'rory', 'skills:billing capacity:2', 'CRORY001');
    await h.slack.command('/agent', 'busy rory for:2h lunch', { user: ADMIN_USER });
    const held = await fileTicket(h, 'type:billing Home probe: refund stuck');
    const view = await openHome(ADMIN_USER);
    expect(viewErrors({ ...view, type: 'home' })).toEqual([]);
    const text = json(view.blocks);
    expect(text).toContain('Team (2)');
    expect(text).toMatch(/@iris\* `[█░]{5} \d\/5`/);
    expect(text).toMatch(/@rory\* `░░ ?░*.*0\/2`.*busy/);
    expect(text).toContain('Queues');
    expect(text).toContain(held);
    expect(text).toMatch(/Intake\*\\n\d+ \(\d+ held\)/);
    expect(text).toContain('Median time to accept');
    expect(text).toMatch(/filed: `[▁▂▃▄▅▆▇█]{14}`/);
  });

  it('changes are published debounced: five filings in a burst reach the requester’s Home in a few publishes, the last showing all five', async () => {
    await openHome(OTHER);
    const before = publishes(OTHER).length;
    const started = Date.now();
    const keys: string[] = [];
    for (let i = 0; i < 5; i++) keys.push(await fileTicket(h, `type:support Burst ${i} for the Home`, OTHER));
    const last = await homeWhen(OTHER, (t) => keys.every((k) => t.includes(k)), 'all five on the Home');
    expect(last).toContain('Burst 4 for the Home');
    await outboxIdle(h);
    const elapsed = Date.now() - started;
    const count = publishes(OTHER).length - before;
    // at most one publish per 300 ms window (plus the window the burst ends in)
    expect(count).toBeGreaterThanOrEqual(1);
    expect(count).toBeLessThanOrEqual(Math.ceil(elapsed / 300) + 1);
    expect(count).toBeLessThan(5 + 1);
  });

  it('a user who never opened the Home gets no publishes, and a retried app_home_opened publishes once', async () => {
    const stranger = 'UNEVER001';
    await fileTicket(h, 'type:support Home probe: never opened', stranger);
    await outboxIdle(h);
    expect(publishes(stranger)).toHaveLength(0);

    const first = await h.slack.event({ type: 'app_home_opened', user: stranger, tab: 'home', channel: 'D0HOME', event_ts: h.fake.nextTs() });
    await h.slack.event({ type: 'app_home_opened', user: stranger, tab: 'home', channel: 'D0HOME', event_ts: h.fake.nextTs() }, { eventId: first.eventId, retryNum: 1 });
    // the Messages tab is not Baton's Home
    await h.slack.event({ type: 'app_home_opened', user: stranger, tab: 'messages', channel: 'D0HOME', event_ts: h.fake.nextTs() });
    await h.fake.waitFor(() => (publishes(stranger).length ? true : undefined), 5000, 'the publish');
    // Events are answered before they are handled: give the retry and the other tab time to be handled.
    await new Promise((r) => setTimeout(r, 500));
    await outboxIdle(h);
    expect(publishes(stranger)).toHaveLength(1);
  });

  async function showOf(k: string): Promise<string> {
    return ticket(h, `show ${k}`, ADMIN_USER);
  }
});
