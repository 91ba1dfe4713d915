// Intake channels and ticket threads, through real Slack event payloads: messages become tickets once,
// only the right messages do, thread replies go into the trail, and `@Baton verb` acts on the ticket.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_KINDS } from '../support/db.js';
import { startHarness, type Harness } from '../support/batonHarness.js';
import {
  addAgent,
  cardOf,
  fileTicket,
  json,
  keyIn,
  keysIn,
  outboxIdle,
  showWhen,
  ticket,
  threadPosts,
  trailActions,
  waitThreadPost,
} from '../support/e2eHelpers.js';
import { DEVIN, FELIX, INTAKE, IRIS, REQ } from '../support/cast.js';
import { WAIT } from '../support/wait.js';

const OTHER = 'CRANDOM1';
const SCOUT_BOT = 'USCOUTBOT1';
const SCOUT_BOT_ID = 'BSCOUT01';
const MALLORY = 'UMALLORY1';

describe.each(E2E_KINDS)('intake channels and ticket threads on %s', (kind) => {
  let h: Harness;
  let seq = 0;

  /** Post a top-level intake message and wait for Baton's answer in its thread. */
  async function intake(text: string, user = REQ): Promise<{ ts: string; key: string; reply: string }> {
    const m = await h.slack.message({ channel: INTAKE, user, text });
    expect(m.status).toBe(200);
    const reply = await h.fake.waitFor(() => threadPosts(h, INTAKE, m.ts)[0], 5000, `the intake reply to ${text.slice(0, 30)}`);
    return { ts: m.ts, key: keyIn(json(reply.args)), reply: json(reply.args) };
  }

  /** A message that does file a ticket: once its answer is there, earlier ignored messages have long been handled. */
  async function marker(): Promise<string> {
    seq += 1;
    const { key } = await intake(`Marker ${seq}`);
    await outboxIdle(h);
    return key;
  }

  /** Every open ticket's list lines. */
  async function openLists(): Promise<string> {
    return (await ticket(h, 'list intake')) + (await ticket(h, 'list active'));
  }

  const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;

  beforeAll(async () => {
    h = await startHarness(kind, { env: { INTAKE_CHANNELS: `${INTAKE},CINTAKE2`, DEFAULT_TICKET_TYPE: 'support' } });
    await addAgent(h, 'felix', `skills:decision user:<@${FELIX}|felix>`, 'CFELIX01');
    await addAgent(h, 'devin', `skills:engineering user:<@${DEVIN}> escalates-to:felix`, 'CDEVIN01');
    await addAgent(h, 'iris', `skills:support,billing user:<@${IRIS}> escalates-to:felix capacity:50`, 'CIRIS001');
    await addAgent(h, 'scout', `skills:research user:<@${SCOUT_BOT}> escalates-to:felix`, 'CSCOUT01');
  });
  afterAll(async () => h?.close());

  it('when a person posts a top-level message in an intake channel, then it becomes a ticket answered in its thread with the key and the assignee', async () => {
    const { ts, key, reply } = await intake('Printer on floor 3 is on fire\nIt started at 9am.\nPlease send help.');
    expect(reply).toContain(key);
    expect(reply).toContain('@iris');
    const show = await ticket(h, `show ${key}`);
    expect(show).toContain('Printer on floor 3 is on fire');
    expect(show).toContain('It started at 9am.');
    expect(show).toContain('Please send help.');
    expect(show).toContain('`support`'); // DEFAULT_TICKET_TYPE
    expect(show).toContain(`<@${REQ}>`); // the requester
    const card = await cardOf(h, 'CIRIS001', key);
    expect(json(card.call.args.blocks)).toContain('where it came from'); // a link back to the intake message
    expect(threadPosts(h, INTAKE, ts)).toHaveLength(1);
  });

  it('when no agent can take the intake message, then the thread answer says why it waits', async () => {
    await h.slack.command('/agent', 'busy iris for:1h offsite', { user: IRIS });
    const { key, reply } = await intake('Refund for order 77');
    expect(reply).toContain('waiting in intake');
    expect(reply).toContain('iris is busy');
    expect(await ticket(h, 'list intake')).toContain(key);
    const back = await h.slack.command('/agent', 'available iris', { user: IRIS });
    expect(json(back.body)).toContain(key);
    await cardOf(h, 'CIRIS001', key);
  });

  it('when the same event is retried and the same message redelivered under a new event ID, then exactly one ticket is filed', async () => {
    const ts = h.fake.nextTs();
    const title = 'Retry probe: VPN is down';
    const event = { type: 'message', channel: INTAKE, user: REQ, text: title, ts, channel_type: 'channel', event_ts: ts };
    h.fake.addMessage({ channel: INTAKE, ts, user: REQ, text: title, source: 'user' });
    const first = await h.slack.event(event, { eventId: 'EvRETRY0001' });
    const retried = await h.slack.event(event, { eventId: 'EvRETRY0001', retryNum: 1, retryReason: 'http_timeout' });
    const again = await h.slack.event(event, { eventId: 'EvRETRY0002' });
    const retriedAgain = await h.slack.event(event, { eventId: 'EvRETRY0002', retryNum: 2 });
    for (const r of [first, retried, again, retriedAgain]) expect(r.status).toBe(200);
    await h.fake.waitFor(() => threadPosts(h, INTAKE, ts)[0]);
    await marker();
    expect(threadPosts(h, INTAKE, ts)).toHaveLength(1);
    const lists = await openLists();
    expect(count(lists, title)).toBe(1);
    const key = keyIn(json(threadPosts(h, INTAKE, ts)[0]!.args));
    const show = await ticket(h, `show ${key}`);
    expect(trailActions(show).filter((a) => a === 'filed')).toHaveLength(1);
    expect(h.fake.posts('CIRIS001').filter((p) => !p.args.thread_ts && json(p.args.blocks).includes(title))).toHaveLength(1);
  });

  it("when Baton's own messages, edits, deletions, joins and other subtypes appear in an intake channel, then no ticket is filed", async () => {
    const ignored: Array<Record<string, unknown>> = [
      { user: 'UBATON', bot_id: 'BBATON', text: 'Ignored probe 1: Baton speaking' },
      { user: 'UBATON', text: 'Ignored probe 2: Baton without bot_id' },
      { subtype: 'message_changed', hidden: true, message: { type: 'message', user: REQ, text: 'Ignored probe 3: edited', ts: '1700000000.000001', edited: { user: REQ, ts: '1700000001.000000' } }, previous_message: { type: 'message', user: REQ, text: 'old', ts: '1700000000.000001' } },
      { subtype: 'message_changed', user: REQ, text: 'Ignored probe 4: edit with a user' },
      { subtype: 'message_deleted', hidden: true, deleted_ts: '1700000000.000001', previous_message: { type: 'message', user: REQ, text: 'Ignored probe 5: deleted', ts: '1700000000.000001' } },
      { subtype: 'channel_join', user: 'UNEWBIE1', text: 'Ignored probe 6: <@UNEWBIE1> has joined the channel' },
      { subtype: 'channel_leave', user: 'UNEWBIE1', text: 'Ignored probe 7: <@UNEWBIE1> has left the channel' },
      { subtype: 'channel_topic', user: REQ, text: 'Ignored probe 8: set the channel topic', topic: 'x' },
      { subtype: 'channel_purpose', user: REQ, text: 'Ignored probe 9: set the channel purpose', purpose: 'x' },
      { subtype: 'channel_name', user: REQ, text: 'Ignored probe 10: renamed', old_name: 'a', name: 'b' },
      { subtype: 'pinned_item', user: REQ, text: 'Ignored probe 11: pinned a message' },
      { subtype: 'reminder_add', user: REQ, text: 'Ignored probe 12: set up a reminder' },
      { subtype: 'tombstone', user: REQ, text: 'Ignored probe 13: This message was deleted.' },
      { subtype: 'message_replied', user: REQ, text: 'Ignored probe 14: replied' },
      { subtype: 'ekm_access_denied', user: REQ, text: 'Ignored probe 15' },
      { subtype: 'huddle_thread', user: REQ, text: 'Ignored probe 16: a huddle' },
      { user: REQ, text: '' }, // an empty message
      { user: REQ, text: '   \n  ' },
    ];
    for (const fields of ignored) {
      const ts = h.fake.nextTs();
      const r = await h.slack.event({ type: 'message', channel: INTAKE, ts, channel_type: 'channel', ...fields });
      expect(r.status).toBe(200);
    }
    const before = h.fake.posts().length;
    const mark = await marker();
    expect(h.fake.posts().slice(before).filter((p) => !json(p.args).includes(mark))).toEqual([]); // only the marker's messages
    expect(await openLists()).not.toContain('Ignored probe');
  });

  it('when a message is posted in a channel that is not an intake channel, then nothing happens', async () => {
    const before = h.fake.calls.length;
    const m = await h.slack.message({ channel: OTHER, user: REQ, text: 'Elsewhere probe: not a ticket' });
    expect(m.status).toBe(200);
    const dm = await h.slack.message({ channel: 'D0REQ0001', user: REQ, text: 'Elsewhere probe: a DM' });
    expect(dm.status).toBe(200);
    await marker();
    expect(h.fake.calls.slice(before).filter((c) => c.args.channel === OTHER || c.args.channel === 'D0REQ0001')).toEqual([]);
    expect(await openLists()).not.toContain('Elsewhere probe');
  });

  it("when a registered agent's bot posts in an intake channel, then it files a ticket; an unregistered bot's post does not", async () => {
    const reg = await h.slack.message({ channel: INTAKE, user: SCOUT_BOT, bot_id: SCOUT_BOT_ID, text: 'Bot probe A: nightly report failed' });
    const regReply = await h.fake.waitFor(() => threadPosts(h, INTAKE, reg.ts)[0]);
    const key = keyIn(json(regReply.args));
    expect(await ticket(h, `show ${key}`)).toContain(`<@${SCOUT_BOT}>`); // the bot is the requester
    // the legacy `bot_message` subtype with the bot's user works too
    const legacy = await h.slack.message({ channel: INTAKE, user: SCOUT_BOT, bot_id: SCOUT_BOT_ID, subtype: 'bot_message', text: 'Bot probe B: legacy bot message' });
    await h.fake.waitFor(() => threadPosts(h, INTAKE, legacy.ts)[0]);

    const stranger = await h.slack.message({ channel: INTAKE, user: 'USTRANGEBOT', bot_id: 'BSTRANGE1', text: 'Bot probe C: unregistered bot' });
    const noUser = await h.slack.event({ type: 'message', subtype: 'bot_message', channel: INTAKE, bot_id: 'BSTRANGE2', username: 'webhook', text: 'Bot probe D: a webhook', ts: h.fake.nextTs() });
    expect(stranger.status).toBe(200);
    expect(noUser.status).toBe(200);
    await marker();
    expect(threadPosts(h, INTAKE, stranger.ts)).toEqual([]);
    const lists = await openLists();
    expect(lists).toContain('Bot probe A');
    expect(lists).toContain('Bot probe B');
    expect(lists).not.toContain('Bot probe C');
    expect(lists).not.toContain('Bot probe D');
  });

  it("when someone replies in a ticket's home thread or origin thread, then the reply is in its audit trail", async () => {
    const { ts: originTs, key } = await intake('Thread probe: wifi drops every hour');
    const { ts: homeTs } = await cardOf(h, 'CIRIS001', key);
    const home = await h.slack.message({ channel: 'CIRIS001', user: IRIS, thread_ts: homeTs, text: 'Looking at the router logs now' });
    const origin = await h.slack.message({ channel: INTAKE, user: REQ, thread_ts: originTs, text: 'It just dropped again & again <3' });
    expect(home.status).toBe(200);
    expect(origin.status).toBe(200);
    await showWhen(h, key, 'It just dropped again');
    const show = await showWhen(h, key, 'Looking at the router logs now');
    expect(show).toContain('&amp; again &lt;3');
    expect(trailActions(show).filter((a) => a === 'commented')).toHaveLength(2);
    // a retried reply is recorded once
    const event = { type: 'message', channel: INTAKE, user: REQ, text: 'It just dropped again & again <3', ts: origin.ts, thread_ts: originTs, channel_type: 'channel', event_ts: origin.ts };
    await h.slack.event(event, { eventId: origin.eventId, retryNum: 1 });
    await h.slack.event(event);
    await marker();
    expect(trailActions(await ticket(h, `show ${key}`)).filter((a) => a === 'commented')).toHaveLength(2);
    // a reply in some other thread is nobody's business
    const stray = await h.slack.message({ channel: 'CIRIS001', user: IRIS, thread_ts: '1690000000.000100', text: 'Stray reply' });
    expect(stray.status).toBe(200);
  });

  it("when the assignee's user mentions Baton with accept, status, escalate, handoff and resolve in the home thread, then each acts on the ticket", async () => {
    const { ts: originTs, key } = await intake('Verb probe: customer cannot log in');
    const { ts: homeTs } = await cardOf(h, 'CIRIS001', key);
    const say = (text: string, user = IRIS) => h.slack.message({ channel: 'CIRIS001', user, thread_ts: homeTs, text });

    await say('<@UBATON> accept');
    await waitThreadPost(h, 'CIRIS001', homeTs, 'Accepted by');
    expect(json(threadPosts(h, 'CIRIS001', homeTs).at(-1)!.args)).toContain(`<@${IRIS}>`);

    await say('<@UBATON|baton> status');
    const status = await h.fake.waitFor(() => h.fake.callsTo('chat.postEphemeral').find((c) => c.args.user === IRIS && c.args.thread_ts === homeTs));
    expect(json(status.args)).toContain(key);
    expect(json(status.args)).toContain('Audit trail');

    await say('<@UBATON> escalate customer is a VIP');
    const ping = await h.fake.waitFor(() => h.fake.posts('CFELIX01').find((p) => json(p.args.blocks).includes('ticket_takeover') && json(p.args.blocks).includes(key)));
    expect(json(ping.args.blocks)).toContain('customer is a VIP');
    await waitThreadPost(h, 'CIRIS001', homeTs, 'Escalated to');

    await say('<@UBATON> handoff devin please check the auth service');
    const child = await h.fake.waitFor(() => h.fake.posts('CDEVIN01').find((p) => !p.args.thread_ts && json(p.args.blocks).includes(`Handed off from`)  && json(p.args.blocks).includes(key)));
    expect(json(child.args.blocks)).toContain('please check the auth service');
    await waitThreadPost(h, 'CIRIS001', homeTs, 'Handed off to');

    // The handoff is still open: the ticket waits on it, so it is resolved first.
    const childKey = keysIn(json(child.args.blocks)).find((k) => k !== key)!;
    expect(await ticket(h, `resolve ${childKey} auth service restarted`, DEVIN)).toContain('Resolved');
    await waitThreadPost(h, 'CIRIS001', homeTs, 'auth service restarted');
    await say('<@UBATON> resolve fixed it');
    await waitThreadPost(h, 'CIRIS001', homeTs, 'fixed it');
    const told = await waitThreadPost(h, INTAKE, originTs, 'was resolved'); // the requester hears in the origin thread
    expect(json(told.args)).toContain('fixed it');

    const show = await ticket(h, `show ${key}`);
    const actions = trailActions(show);
    for (const a of ['filed', 'assigned', 'accepted', 'escalated', 'handed_off', 'resolved']) expect(actions).toContain(a);
    expect(show).toContain('completed');
    expect(actions).not.toContain('commented'); // verbs are actions, not comments
  });

  it('when a thread verb event is retried or redelivered, then it acts once', async () => {
    const { key } = await intake('Verb retry probe: email bounces');
    const { ts: homeTs } = await cardOf(h, 'CIRIS001', key);
    const m = await h.slack.message({ channel: 'CIRIS001', user: IRIS, thread_ts: homeTs, text: '<@UBATON> escalate twice?' });
    const event = { type: 'message', channel: 'CIRIS001', user: IRIS, text: '<@UBATON> escalate twice?', ts: m.ts, thread_ts: homeTs, channel_type: 'channel', event_ts: m.ts };
    await h.slack.event(event, { eventId: m.eventId, retryNum: 1 });
    await h.slack.event(event);
    await h.fake.waitFor(() => h.fake.posts('CFELIX01').find((p) => json(p.args).includes(key)));
    await marker();
    const show = await ticket(h, `show ${key}`);
    expect(trailActions(show).filter((a) => a.startsWith('escalat'))).toEqual(['escalated']);
    expect(show).toContain('level 1');
    expect(h.fake.posts('CFELIX01').filter((p) => json(p.args).includes(key))).toHaveLength(1);
  });

  it("when the requester uses a verb in the origin thread, then it acts too", async () => {
    const { ts: originTs, key } = await intake('Origin verb probe: laptop battery swollen');
    await cardOf(h, 'CIRIS001', key);
    await h.slack.message({ channel: INTAKE, user: REQ, thread_ts: originTs, text: '<@UBATON> resolve never mind, replaced it' });
    const show = await showWhen(h, key, '*resolved*');
    expect(show).toContain('never mind, replaced it');
  });

  it("when an agent's bot user is the assignee and mentions Baton with a verb, then it acts", async () => {
    const key = await fileTicket(h, 'type:research Bot verb probe: summarise the churn report', REQ);
    const { ts: homeTs } = await cardOf(h, 'CSCOUT01', key);
    await h.slack.message({ channel: 'CSCOUT01', user: SCOUT_BOT, bot_id: SCOUT_BOT_ID, thread_ts: homeTs, text: '<@UBATON> accept' });
    await waitThreadPost(h, 'CSCOUT01', homeTs, 'Accepted by');
    await h.slack.message({ channel: 'CSCOUT01', user: SCOUT_BOT, bot_id: SCOUT_BOT_ID, thread_ts: homeTs, text: 'Working on it (a bot comment)' });
    await h.slack.message({ channel: 'CSCOUT01', user: SCOUT_BOT, bot_id: SCOUT_BOT_ID, thread_ts: homeTs, text: '<@UBATON> resolve summary posted' });
    const show = await showWhen(h, key, '*resolved*');
    expect(show).toContain('summary posted');
    expect(show).toContain('Working on it (a bot comment)');
    const dm = await h.fake.waitFor(() => h.fake.posts(REQ).find((p) => json(p.args).includes(key)));
    expect(json(dm.args)).toContain('summary posted');
  });

  it('when someone not allowed uses a verb in the thread, then they get an ephemeral refusal and nothing changes', async () => {
    const { ts: originTs, key } = await intake('Refusal probe: badge reader broken');
    const { ts: homeTs } = await cardOf(h, 'CIRIS001', key);
    const before = await ticket(h, `show ${key}`);
    const postsBefore = h.fake.posts().length;
    const attempts = ['<@UBATON> resolve hacked', '<@UBATON> accept', '<@UBATON> escalate', '<@UBATON> handoff devin steal'];
    for (const text of attempts) await h.slack.message({ channel: 'CIRIS001', user: MALLORY, thread_ts: homeTs, text });
    await h.slack.message({ channel: INTAKE, user: MALLORY, thread_ts: originTs, text: '<@UBATON> resolve from the origin thread' });
    const refusals = await h.fake.waitFor(() => {
      const r = h.fake.callsTo('chat.postEphemeral').filter((c) => c.args.user === MALLORY);
      return r.length >= 5 ? r : undefined;
    });
    for (const r of refusals) {
      expect(String(r.args.text)).toMatch(/You can't (resolve|accept|escalate|hand off) T-/);
      expect(String(r.args.text)).toContain('only its assignee (iris), its requester or an admin');
    }
    expect(refusals.map((r) => r.args.thread_ts).sort()).toEqual([homeTs, homeTs, homeTs, homeTs, originTs].sort());
    const mark = await marker();
    const after = await ticket(h, `show ${key}`);
    expect(trailActions(after)).toEqual(trailActions(before));
    expect(after).toContain('active');
    expect(h.fake.posts().slice(postsBefore).filter((p) => !json(p.args).includes(mark))).toEqual([]); // only the marker's messages
    expect(h.fake.posts('CDEVIN01').some((p) => json(p.args).includes('steal'))).toBe(false);
  });

  it('when a bot that is not the assignee uses a verb, then nothing changes and no one is pinged', async () => {
    const { key } = await intake('Bot refusal probe: printer toner');
    const { ts: homeTs } = await cardOf(h, 'CIRIS001', key);
    const before = await ticket(h, `show ${key}`);
    await h.slack.message({ channel: 'CIRIS001', user: SCOUT_BOT, bot_id: SCOUT_BOT_ID, thread_ts: homeTs, text: '<@UBATON> resolve not mine' });
    await marker();
    expect(trailActions(await ticket(h, `show ${key}`))).toEqual(trailActions(before));
  });

  it('when a verb has bad arguments, then the author is told what is wrong and nothing changes', async () => {
    const { key } = await intake('Bad verb probe: slow laptop');
    const { ts: homeTs } = await cardOf(h, 'CIRIS001', key);
    const before = await ticket(h, `show ${key}`);
    await h.slack.message({ channel: 'CIRIS001', user: IRIS, thread_ts: homeTs, text: '<@UBATON> handoff' });
    await h.slack.message({ channel: 'CIRIS001', user: IRIS, thread_ts: homeTs, text: '<@UBATON> handoff ghost please' });
    const answers = await h.fake.waitFor(() => {
      const mine = h.fake.callsTo('chat.postEphemeral').filter((c) => c.args.user === IRIS && c.args.thread_ts === homeTs);
      return mine.length >= 2 ? mine : undefined;
    });
    const texts = answers.map((a) => String(a.args.text)).join('\n');
    expect(texts).toContain('`handoff` needs an agent');
    expect(texts).toContain('There is no agent `ghost`');
    await marker();
    expect(trailActions(await ticket(h, `show ${key}`))).toEqual(trailActions(before));
  });

  it('when an intake message carries a NUL or control characters, then it is filed without them', async () => {
    const { key } = await intake('Control probe\u0000: disk\u0007 full\r\nsecond line');
    const show = await ticket(h, `show ${key}`);
    expect(show).toContain('Control probe: disk full');
    expect(show).toContain('second line');
    expect(show).not.toContain('\\u0000');
  });

  it('when an intake message is 20 KB long, then it is filed with its title and description cut with a visible mark', async () => {
    const bigLine = `Huge probe ${'x'.repeat(20_000)}`;
    const one = await intake(bigLine);
    expect(one.reply).toContain(one.key);
    const showOne = await ticket(h, `show ${one.key}`);
    expect(showOne).toContain('Huge probe xxx');
    expect(showOne).toContain('…');
    expect(showOne).not.toContain('x'.repeat(4500));

    const body = Array.from({ length: 400 }, (_, i) => `line ${i} ${'y'.repeat(45)}`).join('\n');
    const two = await intake(`Long body probe\n${body}`);
    const showTwo = await ticket(h, `show ${two.key}`);
    expect(showTwo).toContain('Long body probe');
    expect(showTwo).toContain('…');
    const card = await cardOf(h, 'CIRIS001', two.key);
    expect(json(card.call.args).length).toBeLessThan(40_000);
    // the server is still fine
    expect((await fetch(`http://127.0.0.1:${h.baton.port}/healthz`)).status).toBe(200);
  });

  it('when a 20 KB reply lands in a ticket thread, then it is recorded cut, not refused', async () => {
    const { ts: originTs, key } = await intake('Huge reply probe');
    await h.slack.message({ channel: INTAKE, user: REQ, thread_ts: originTs, text: `Big comment ${'z'.repeat(20_000)}` });
    const show = await showWhen(h, key, 'Big comment');
    expect(show).toContain('…');
    await expect.poll(() => ticket(h, `show ${key}`), WAIT).toContain('commented');
  });
});
