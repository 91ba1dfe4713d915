// The message shortcut "File as ticket": the new-ticket form opens prefilled from the message, and filing it makes
// the message the ticket's origin (its author the requester, the one who filed it recorded); a message already
// filed answers with its ticket. Signed interactivity payloads, fake Slack.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_KINDS } from '../support/db.js';
import { startHarness, type Harness } from '../support/batonHarness.js';
import { addAgent, cardOf, json, keyIn, ticket, trailActions } from '../support/e2eHelpers.js';
import { IRIS, OTHER, REQ } from '../support/cast.js';

const CHANNEL = 'CGENERAL1';

describe.each(E2E_KINDS)('the File as ticket shortcut on %s', (kind) => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness(kind);
    await addAgent(h, 'iris', `skills:general user:<@${IRIS}> capacity:50`, 'CIRIS001');
  });
  afterAll(async () => h?.close());

  it('when the shortcut is used on a message, then the form is prefilled from it, and filing it makes the message the origin with its author as requester', async () => {
    const message = { ts: '1767000000.000100', user: REQ, text: 'Printer on 3rd floor jams\nIt eats every second page since Monday.' };
    const opens = h.fake.callsTo('views.open').length;
    const r = await h.slack.messageShortcut({ callbackId: 'file_ticket', user: OTHER, channel: CHANNEL, message });
    expect(r.status).toBe(200);
    const open = await h.fake.waitFor(() => h.fake.callsTo('views.open')[opens]);
    const view = open.args.view;
    expect(view.callback_id).toBe('ticket_new');
    const initial = (blockId: string) => view.blocks.find((b: { block_id: string }) => b.block_id === blockId)?.element?.initial_value;
    expect(initial('new_title')).toBe('Printer on 3rd floor jams');
    expect(initial('new_description')).toBe(message.text); // the whole message, as an intake message is filed
    expect(JSON.parse(view.private_metadata)).toEqual({ origin: { channel: CHANNEL, ts: message.ts }, requester: REQ });

    const submitted = await h.slack.viewSubmission({
      callbackId: 'ticket_new',
      user: OTHER,
      values: { new_title: { title: 'Printer on 3rd floor jams' }, new_description: { description: 'It eats every second page since Monday.' } },
    });
    expect(submitted.body.response_action).toBe('update');
    const key = keyIn(json(submitted.body));
    await cardOf(h, 'CIRIS001', key);
    const show = await ticket(h, `show ${key}`);
    expect(show).toContain(`<@${REQ}>`); // the message's author is the requester
    expect(trailActions(show)).toContain('filed');
    // Filed from the message: the origin thread hears it.
    await h.fake.waitFor(() => h.fake.messages().find((m) => m.channel === CHANNEL && m.thread_ts === message.ts && String(m.text).includes(key)));

    // Again on the same message: the form answers with the ticket that already tracks it, and nothing new is filed.
    await h.slack.messageShortcut({ callbackId: 'file_ticket', user: OTHER, channel: CHANNEL, message });
    const again = await h.slack.viewSubmission({ callbackId: 'ticket_new', user: OTHER, values: { new_title: { title: 'Printer again' } } });
    expect(json(again.body)).toContain(`already tracked as *${key}*`);
    expect(await ticket(h, 'list intake')).not.toContain('Printer again');
    expect(await ticket(h, 'list active')).not.toContain('Printer again');
  });
});
