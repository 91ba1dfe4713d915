// Reactions through signed reaction_added events: :ticket: files a message once (however many react, however
// often Slack retries), :eyes: and :white_check_mark: accept and resolve with the buttons' permissions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_KINDS } from '../support/db.js';
import { startHarness, type Harness } from '../support/batonHarness.js';
import { addAgent, cardOf, json, keyIn, keysIn, outboxIdle, ticket, waitThreadPost } from '../support/e2eHelpers.js';
import { IRIS, OTHER, REQ } from '../support/cast.js';

const CHAN = 'CSUPPORT1';

describe.each(E2E_KINDS)('reactions on %s', (kind) => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness(kind, { env: { DEFAULT_TICKET_TYPE: 'support' } });
    await addAgent(h, 'iris', `skills:support user:<@${IRIS}> capacity:50`, 'CIRIS001');
  });
  afterAll(async () => h?.close());

  const react = (user: string, reaction: string, channel: string, ts: string, o: { eventId?: string; retryNum?: number; itemUser?: string } = {}) =>
    h.slack.event(
      { type: 'reaction_added', user, reaction, item: { type: 'message', channel, ts }, item_user: o.itemUser ?? REQ, event_ts: h.fake.nextTs() },
      { ...(o.eventId ? { eventId: o.eventId } : {}), ...(o.retryNum !== undefined ? { retryNum: o.retryNum } : {}) },
    );
  const keysOf = async () => keysIn(await ticket(h, 'list active'));

  it('when a message gets :ticket: twice and Slack retries, then one ticket is filed from it with its author as requester', async () => {
    const msg = h.fake.addMessage({ channel: CHAN, user: REQ, text: 'Reaction probe: the printer is on fire\nThird floor, since 9am.', source: 'user' });
    const before = await keysOf();
    const first = await react(OTHER, 'ticket', CHAN, msg.ts);
    expect(first.status).toBe(200);
    await react(OTHER, 'ticket', CHAN, msg.ts, { eventId: first.eventId, retryNum: 1 });
    await waitThreadPost(h, CHAN, msg.ts, 'T-');
    await react(IRIS, 'ticket', CHAN, msg.ts);
    await h.fake.waitFor(() => h.fake.callsTo('chat.postEphemeral').find((c) => c.args.user === IRIS));
    await outboxIdle(h);
    const filed = (await keysOf()).filter((k) => !before.includes(k));
    expect(filed).toHaveLength(1);
    const key = filed[0]!;
    const show = await ticket(h, `show ${key}`);
    expect(show).toContain('Reaction probe: the printer is on fire');
    expect(show).toContain(`<@${REQ}>`); // the requester: the message's author
    // the thread reply on the message, once
    const replies = h.fake.posts(CHAN).filter((p) => p.args.thread_ts === msg.ts);
    expect(replies).toHaveLength(1);
    expect(json(replies[0]!.args)).toContain(key);
    // the later reactor hears it is already tracked
    expect(h.fake.callsTo('chat.postEphemeral').some((c) => c.args.user === IRIS && json(c.args).includes(`already tracked as ${key}`))).toBe(true);
    await cardOf(h, 'CIRIS001', key);
  });

  it('when a message Baton cannot read gets :ticket:, then nothing is filed and nothing is said', async () => {
    const msg = h.fake.addMessage({ channel: 'CPRIVATE9', user: REQ, text: 'Secret probe', source: 'user' });
    h.fake.fail('conversations.history', { error: 'not_in_channel' });
    h.fake.fail('conversations.replies', { error: 'not_in_channel' });
    const ephemerals = h.fake.callsTo('chat.postEphemeral').length;
    const before = await keysOf();
    expect((await react(OTHER, 'ticket', 'CPRIVATE9', msg.ts)).status).toBe(200);
    await h.fake.waitFor(() => h.fake.callsTo('conversations.history').find((c) => c.args.channel === 'CPRIVATE9'));
    await outboxIdle(h);
    expect(await keysOf()).toEqual(before);
    expect(h.fake.callsTo('chat.postEphemeral')).toHaveLength(ephemerals);
    h.fake.clearFailures();
  });

  it('when a stranger reacts :eyes: or :white_check_mark:, then they are told why and nothing changes; by the assignee, the ticket is accepted and resolved', async () => {
    const msg = h.fake.addMessage({ channel: CHAN, user: REQ, text: 'Reaction probe two', source: 'user' });
    await react(REQ, 'ticket', CHAN, msg.ts);
    const reply = await waitThreadPost(h, CHAN, msg.ts, 'T-');
    const k = keyIn(json(reply.args));
    const card = await cardOf(h, 'CIRIS001', k);

    await react(OTHER, 'eyes', 'CIRIS001', card.ts);
    await react(OTHER, 'white_check_mark', CHAN, msg.ts);
    const refusals = await h.fake.waitFor(() => {
      const r = h.fake.callsTo('chat.postEphemeral').filter((c) => c.args.user === OTHER && /:warning:/.test(String(c.args.text)));
      return r.length >= 2 ? r : undefined;
    });
    expect(String(refusals.at(-1)!.args.text)).toMatch(/assignee|requester|admin/);
    expect(await ticket(h, `show ${k}`)).not.toMatch(/accepted|resolved →/i);

    await react(IRIS, 'eyes', 'CIRIS001', card.ts);
    await h.fake.waitFor(() => h.fake.callsTo('chat.update').find((c) => c.ok && c.args.ts === card.ts && json(c.args).includes('Accepted')));
    await react(IRIS, 'white_check_mark', CHAN, msg.ts);
    await h.fake.waitFor(() => h.fake.callsTo('chat.update').find((c) => c.ok && c.args.ts === card.ts && json(c.args).includes('Resolved')));
    const show = await ticket(h, `show ${k}`);
    expect(show).toContain('(completed)');
  });
});
