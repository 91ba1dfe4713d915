// Handoffs from Slack as the packet contract has them: the Hand-off form carries a packet, the child's card and
// `show` display it, `skill:TYPE` hands off to whoever has a skill, and the receiver declines with the card's
// Decline button (a form asking why) or `@Baton decline REASON` in the thread. Signed requests, fake Slack.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_KINDS } from '../support/db.js';
import { startHarness, type Harness } from '../support/batonHarness.js';
import { DECLINE_IDS, HANDOFF_IDS } from '../../src/slack/views.js';
import { addAgent, cardOf, fileTicket, json, keyIn, ticket, trailActions, waitThreadPost } from '../support/e2eHelpers.js';
import { DEVIN, FELIX, IRIS, REQ } from '../support/cast.js';

const MAYA = 'UMAYA001';

const v = (ids: { blockId: string; actionId: string }, value: string | null) => ({ [ids.blockId]: { [ids.actionId]: value } });

describe.each(E2E_KINDS)('handoff packets and decline from Slack on %s', (kind) => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness(kind);
    await addAgent(h, 'iris', `skills:support user:<@${IRIS}> capacity:50`, 'CIRIS001');
    await addAgent(h, 'devin', `skills:engineering user:<@${DEVIN}> capacity:50`, 'CDEVIN01');
    await addAgent(h, 'maya', `skills:engineering user:<@${MAYA}> capacity:50`, 'CMAYA001');
    await addAgent(h, 'felix', `skills:decision user:<@${FELIX}>`, 'CFELIX01');
  });
  afterAll(async () => h?.close());

  /** Iris opens the Hand-off form from her card and submits it with these values. */
  async function submitHandoff(key: string, values: Record<string, Record<string, string | null>>) {
    const { ts } = await cardOf(h, 'CIRIS001', key);
    const opens = h.fake.callsTo('views.open').length;
    await h.slack.action({ actionId: 'ticket_handoff', value: key, user: IRIS, channel: 'CIRIS001', messageTs: ts });
    const open = await h.fake.waitFor(() => h.fake.callsTo('views.open')[opens]);
    return { open, r: await h.slack.viewSubmission({ callbackId: 'ticket_handoff', user: IRIS, values }), homeTs: ts };
  }

  it('when the Hand-off form carries a packet, then the child card and show display it, and a bad link is refused on its field with nothing changed', async () => {
    const key = await fileTicket(h, 'type:support Packet form probe', REQ);
    const bad = await submitHandoff(key, { ...v(HANDOFF_IDS.agent, 'devin'), ...v(HANDOFF_IDS.links, 'https://ok.example/a\nftp://files.example/b') });
    const fields = bad.open.args.view.blocks.map((b: { block_id: string }) => b.block_id);
    expect(fields).toEqual(expect.arrayContaining([HANDOFF_IDS.note.blockId, HANDOFF_IDS.done.blockId, HANDOFF_IDS.open_questions.blockId, HANDOFF_IDS.acceptance_criteria.blockId, HANDOFF_IDS.links.blockId]));
    expect(bad.r.body.response_action).toBe('errors');
    expect(bad.r.body.errors[HANDOFF_IDS.links.blockId]).toMatch(/`ftp:\/\/files\.example\/b` is not an http\(s\) URL/);
    expect(trailActions(await ticket(h, `show ${key}`))).not.toContain('handed_off');

    const ok = await h.slack.viewSubmission({
      callbackId: 'ticket_handoff',
      user: IRIS,
      values: {
        ...v(HANDOFF_IDS.agent, 'devin'),
        ...v(HANDOFF_IDS.note, 'Invoice export times out for big accounts'),
        ...v(HANDOFF_IDS.done, '- reproduced on staging\n\n• collected the logs'),
        ...v(HANDOFF_IDS.open_questions, 'Is the index missing?'),
        ...v(HANDOFF_IDS.acceptance_criteria, 'Export of 10k invoices under 30 s'),
        ...v(HANDOFF_IDS.links, 'https://logs.example/run/42'),
      },
    });
    expect(ok.body.response_action).toBe('update');
    const child = keyIn(json(ok.body).replace(key, ''));
    const card = json((await cardOf(h, 'CDEVIN01', child)).call.args.blocks);
    for (const text of ['Handoff packet', 'Invoice export times out for big accounts', '• reproduced on staging', '• collected the logs', 'Is the index missing?', 'Export of 10k invoices under 30 s', '<https://logs.example/run/42|']) {
      expect(card).toContain(text);
    }
    expect(card).toContain('"action_id":"ticket_decline"');
    const show = await ticket(h, `show ${child}`);
    expect(show).toContain('Handoff packet');
    expect(show).toContain('reproduced on staging');
  });

  it('when /ticket handoff names skill:engineering, then the child goes to an agent with that skill, never back to the sender', async () => {
    const key = await fileTicket(h, 'type:support Skill handoff probe', REQ);
    await cardOf(h, 'CIRIS001', key);
    const answer = await ticket(h, `handoff ${key} skill:engineering the export is slow`, IRIS);
    expect(answer).toMatch(/Handed .* off to @(devin|maya) as /);
    const child = keyIn(answer.replace(key, ''));
    expect(await ticket(h, `show ${child}`)).toMatch(/Assignee\*\\n@(devin|maya)/);
    expect(await ticket(h, `handoff ${key} skill:Not!A!Type x`, IRIS)).toMatch(/skill:/);
  });

  it('when the receiver presses Decline and says why, then the ticket goes to another agent and the sender hears why; an empty reason is refused on its field', async () => {
    const key = await fileTicket(h, 'type:support Decline button probe', REQ);
    const { r, homeTs } = await submitHandoff(key, { ...v(HANDOFF_IDS.agent, 'devin'), ...v(HANDOFF_IDS.note, 'please look') });
    const child = keyIn(json(r.body).replace(key, ''));
    const { ts } = await cardOf(h, 'CDEVIN01', child);
    const opens = h.fake.callsTo('views.open').length;
    await h.slack.action({ actionId: 'ticket_decline', value: child, user: DEVIN, channel: 'CDEVIN01', messageTs: ts });
    const open = await h.fake.waitFor(() => h.fake.callsTo('views.open')[opens]);
    expect(open.args.view.callback_id).toBe('ticket_decline_form');
    expect(JSON.parse(open.args.view.private_metadata)).toEqual({ key: child });

    const empty = await h.slack.viewSubmission({ callbackId: 'ticket_decline_form', user: DEVIN, values: v(DECLINE_IDS.reason, '') , privateMetadata: JSON.stringify({ key: child }) });
    expect(empty.body.response_action).toBe('errors');
    expect(empty.body.errors[DECLINE_IDS.reason.blockId]).toMatch(/reason is empty/);
    expect(trailActions(await ticket(h, `show ${child}`))).not.toContain('declined');

    const ok = await h.slack.viewSubmission({ callbackId: 'ticket_decline_form', user: DEVIN, values: v(DECLINE_IDS.reason, 'no access to the invoicing repo'), privateMetadata: JSON.stringify({ key: child }) });
    expect(ok.body.response_action).toBe('update');
    expect(json(ok.body)).toMatch(/Declined .*; it went to @maya/);
    await cardOf(h, 'CMAYA001', child);
    await waitThreadPost(h, 'CIRIS001', homeTs, 'no access to the invoicing repo');
    // Devin's card loses its buttons and says why and where the ticket went.
    const edited = await h.fake.waitFor(() => h.fake.callsTo('chat.update').find((c) => c.ok && c.args.ts === ts), 5000, "the decliner's card edit");
    expect(json(edited.args)).toMatch(/declined by @devin \(no access to the invoicing repo\); it is now with @maya/);
    expect(json(h.fake.message('CDEVIN01', ts)!.blocks)).not.toContain('"type":"actions"');
    expect(await ticket(h, `show ${child}`)).toMatch(/Assignee\*\\n@maya/);
  });

  it('when the receiver writes @Baton decline REASON in the thread, then it is declined; without a reason it is told what is missing', async () => {
    const key = await fileTicket(h, 'type:support Decline verb probe', REQ);
    const answer = await ticket(h, `handoff ${key} maya please look`, IRIS);
    const child = keyIn(answer.replace(key, ''));
    const { ts } = await cardOf(h, 'CMAYA001', child);
    const ephemerals = h.fake.callsTo('chat.postEphemeral').length;
    await h.slack.message({ channel: 'CMAYA001', user: MAYA, text: '<@UBATON> decline', thread_ts: ts });
    const told = await h.fake.waitFor(() => h.fake.callsTo('chat.postEphemeral').slice(ephemerals).find((c) => c.args.user === MAYA));
    expect(told.args.text).toMatch(/`decline` needs a reason/);
    expect(trailActions(await ticket(h, `show ${child}`))).not.toContain('declined');

    await h.slack.message({ channel: 'CMAYA001', user: MAYA, text: '<@UBATON> decline I am on leave tomorrow', thread_ts: ts });
    await cardOf(h, 'CDEVIN01', child);
    const show = await ticket(h, `show ${child}`);
    expect(trailActions(show)).toContain('declined');
    expect(show).toMatch(/Assignee\*\\n@devin/);
  });
});
