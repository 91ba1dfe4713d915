// Waiting on a requester who filed with a command (no intake message): the question reaches them by DM, and
// their reply — in the DM's thread, or as a plain DM when only one of their tickets waits on them — starts
// the clock again and goes into the trail. Signed message.im events, fake Slack.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_KINDS } from '../support/db.js';
import { startHarness, type Harness } from '../support/batonHarness.js';
import { addAgent, cardOf, fileTicket, json, outboxIdle, showWhen, ticket, tsOf } from '../support/e2eHelpers.js';
import { IRIS, REQ } from '../support/cast.js';

describe.each(E2E_KINDS)('a requester answers by DM on %s', (kind) => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness(kind, { env: { DEFAULT_TICKET_TYPE: 'support' } });
    await addAgent(h, 'iris', `skills:support user:<@${IRIS}> capacity:10`, 'CIRIS001');
  });
  afterAll(async () => h?.close());

  /** Iris asks; answers the DM the question went to and its ts. */
  async function ask(key: string, question: string): Promise<{ channel: string; ts: string }> {
    expect(await ticket(h, `wait ${key} ${question}`, IRIS)).toContain('waits on its requester');
    const q = await h.fake.waitFor(() => h.fake.callsTo('chat.postMessage').find((c) => c.ok && c.args.channel === REQ && json(c.args).includes(question)), 5000, 'the question by DM');
    await outboxIdle(h);
    return { channel: String((q.response as { channel: string }).channel), ts: tsOf(q) };
  }

  it("when the requester replies in the question's DM thread, then the clock runs again and the reply is in the trail", async () => {
    const key = await fileTicket(h, 'type:support DM probe: VPN drops');
    await cardOf(h, 'CIRIS001', key);
    const q = await ask(key, 'Which VPN client version?');
    expect(q.channel).toMatch(/^D/);
    await showWhen(h, key, 'waiting on the requester');
    await h.slack.message({ channel: q.channel, user: REQ, thread_ts: q.ts, text: 'Version 5.2 on macOS', channel_type: 'im' });
    const shown = await showWhen(h, key, 'requester replied, clock resumed');
    expect(shown).toContain('Version 5.2 on macOS');
  });

  it('when the requester writes a plain DM and one ticket waits on them, then it answers that ticket; with two waiting, it answers none', async () => {
    const key = await fileTicket(h, 'type:support DM probe: printer');
    await cardOf(h, 'CIRIS001', key);
    const q = await ask(key, 'Which floor?');
    await h.slack.message({ channel: q.channel, user: REQ, text: 'Third floor', channel_type: 'im' });
    expect(await showWhen(h, key, 'requester replied, clock resumed')).toContain('Third floor');

    const a = await fileTicket(h, 'type:support DM probe: two at once A');
    const b = await fileTicket(h, 'type:support DM probe: two at once B');
    await cardOf(h, 'CIRIS001', b);
    await ask(a, 'Question A?');
    await ask(b, 'Question B?');
    await h.slack.message({ channel: q.channel, user: REQ, text: 'An answer to which one?', channel_type: 'im' });
    await new Promise((r) => setTimeout(r, 500));
    for (const k of [a, b]) {
      const s = await ticket(h, `show ${k}`);
      expect(s).toContain('waiting on the requester');
      expect(s).not.toContain('An answer to which one?');
    }
  });
});
