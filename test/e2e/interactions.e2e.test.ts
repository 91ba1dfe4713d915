// Buttons and modals through real interactivity payloads: the new-ticket modal, the card's buttons, the
// handoff modal, escalation and take-over, and payloads Baton does not know.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_KINDS } from '../support/db.js';
import { ADMIN_USER, startHarness, type Harness } from '../support/batonHarness.js';
import { NEW_TICKET_IDS as IDS, HANDOFF_IDS } from '../../src/slack/views.js';
import {
  addAgent,
  cardOf,
  fileTicket,
  json,
  keyIn,
  outboxIdle,
  ticket,
  trailActions,
  tsOf,
  waitThreadPost,
} from '../support/e2eHelpers.js';
import { DEVIN, FELIX, IRIS, OTHER, REQ } from '../support/cast.js';
import { WAIT } from '../support/wait.js';

type Values = Record<string, Record<string, string | null | { staticSelect: string }>>;

const v = (ids: { blockId: string; actionId: string }, value: string | null) => ({ [ids.blockId]: { [ids.actionId]: value } });

describe.each(E2E_KINDS)('buttons and modals on %s', (kind) => {
  let h: Harness;

  /** `/ticket new` without text, then the modal's submission. */
  async function openNewModal(user = REQ) {
    const opensBefore = h.fake.callsTo('views.open').length;
    const r = await h.slack.command('/ticket', 'new', { user });
    expect(r.status).toBe(200);
    const open = await h.fake.waitFor(() => h.fake.callsTo('views.open')[opensBefore]);
    return { r, open };
  }

  async function submitNew(values: Values, user = REQ) {
    await openNewModal(user);
    return h.slack.viewSubmission({ callbackId: 'ticket_new', user, values });
  }

  async function intakeCount(): Promise<number> {
    const all = (await ticket(h, 'list intake')) + (await ticket(h, 'list active')) + (await ticket(h, 'list completed'));
    return new Set(all.match(/T-\d{4}-\d{3,}/g) ?? []).size;
  }

  beforeAll(async () => {
    h = await startHarness(kind);
    await addAgent(h, 'felix', `skills:decision user:<@${FELIX}|felix>`, 'CFELIX01');
    await addAgent(h, 'devin', `skills:engineering user:<@${DEVIN}> escalates-to:felix`, 'CDEVIN01');
    await addAgent(h, 'iris', `skills:support,billing,general user:<@${IRIS}> escalates-to:devin capacity:50`, 'CIRIS001');
  });
  afterAll(async () => h?.close());

  it('when /ticket new has no text, then the new-ticket modal opens', async () => {
    const { r, open } = await openNewModal();
    expect(r.text).toBe(''); // the command is acknowledged silently: the modal is the answer
    expect(open.args.trigger_id).toBe(r.triggerId);
    expect(open.args.view.callback_id).toBe('ticket_new');
    const blockIds = (open.args.view.blocks as Array<{ block_id: string }>).map((b) => b.block_id);
    for (const ids of Object.values(IDS)) expect(blockIds).toContain(ids.blockId);
  });

  it('when the new-ticket modal is submitted, then the ticket is filed with every field and the modal says so', async () => {
    const r = await submitNew({
      ...v(IDS.title, 'Modal probe: refund for order 1234'),
      ...v(IDS.description, 'The customer was charged twice.\nSee the attached invoice.'),
      ...v(IDS.type, 'billing'),
      [IDS.priority.blockId]: { [IDS.priority.actionId]: { staticSelect: 'high' } },
      ...v(IDS.escalate, '45m'),
      ...v(IDS.assign, '@iris'),
      ...v(IDS.handoff, 'felix'),
      ...v(IDS.context, 'customer: acme\norder: 1234'),
    });
    expect(r.status).toBe(200);
    expect(r.body.response_action).toBe('update');
    const key = keyIn(json(r.body));
    expect(json(r.body)).toContain('@iris');
    const { call } = await cardOf(h, 'CIRIS001', key);
    const card = json(call.args.blocks);
    for (const s of ['Modal probe: refund for order 1234', 'acme', '1234', 'high', 'billing', '45m', '@felix', 'charged twice']) expect(card).toContain(s);
    const show = await ticket(h, `show ${key}`);
    expect(show).toContain('(set)'); // the escalation threshold came from the form
  });

  it('when a modal field is bad, then the modal answers a field error on that block and nothing is filed', async () => {
    const before = await intakeCount();
    const cases: Array<{ values: Values; block: string; says: RegExp }> = [
      { values: { ...v(IDS.title, 'Bad assign'), ...v(IDS.assign, 'ghost') }, block: IDS.assign.blockId, says: /no agent `ghost`/ },
      { values: { ...v(IDS.title, 'Bad assign mention'), ...v(IDS.assign, 'not a handle!') }, block: IDS.assign.blockId, says: /Assign to/ },
      { values: { ...v(IDS.title, 'Bad escalate'), ...v(IDS.escalate, 'abc') }, block: IDS.escalate.blockId, says: /duration like .*abc/ },
      { values: { ...v(IDS.title, 'Zero escalate'), ...v(IDS.escalate, '0m') }, block: IDS.escalate.blockId, says: /longer than zero/ },
      { values: { ...v(IDS.title, '') }, block: IDS.title.blockId, says: /title is empty/ },
      { values: { ...v(IDS.title, '   ') }, block: IDS.title.blockId, says: /title is empty/ },
      { values: { ...v(IDS.title, 'Bad type'), ...v(IDS.type, 'Bill ing!') }, block: IDS.type.blockId, says: /Type/ },
      { values: { ...v(IDS.title, 'Bad follows'), ...v(IDS.follows, 'T-9') }, block: IDS.follows.blockId, says: /ticket key/ },
      { values: { ...v(IDS.title, 'Unknown follows'), ...v(IDS.follows, 'T-2026-999') }, block: IDS.follows.blockId, says: /no ticket `T-2026-999`/ },
      { values: { ...v(IDS.title, 'Bad context'), ...v(IDS.context, 'just words') }, block: IDS.context.blockId, says: /key: value/ },
      { values: { ...v(IDS.title, 'Unknown handoff'), ...v(IDS.handoff, 'nobody') }, block: IDS.handoff.blockId, says: /no agent `nobody`/ },
    ];
    for (const c of cases) {
      const r = await submitNew(c.values);
      expect(r.status, json(c.values)).toBe(200);
      expect(r.body.response_action, json(r.body)).toBe('errors');
      expect(Object.keys(r.body.errors), json(r.body)).toEqual([c.block]);
      expect(r.body.errors[c.block]).toMatch(c.says);
    }
    // several bad fields at once: every one is reported
    const many = await submitNew({ ...v(IDS.title, ''), ...v(IDS.escalate, 'soon'), ...v(IDS.follows, 'nope') });
    expect(many.body.response_action).toBe('errors');
    expect(Object.keys(many.body.errors).sort()).toEqual([IDS.escalate.blockId, IDS.follows.blockId, IDS.title.blockId].sort());
    await outboxIdle(h);
    expect(await intakeCount()).toBe(before);
  });

  it('when Accept is pressed by the assignee, then the home thread says so and the trail has it', async () => {
    const key = await fileTicket(h, 'type:support Accept probe', REQ);
    const { ts } = await cardOf(h, 'CIRIS001', key);
    const r = await h.slack.action({ actionId: 'ticket_accept', value: key, user: IRIS, channel: 'CIRIS001', messageTs: ts });
    expect(r.status).toBe(200);
    const answer = await h.fake.waitFor(() => h.fake.responses.find((x) => x.user === IRIS && json(x.body).includes('You accepted')));
    expect(answer.body.response_type).toBe('ephemeral');
    expect(answer.body.replace_original).toBe(false);
    await waitThreadPost(h, 'CIRIS001', ts, 'Accepted by');
    expect(trailActions(await ticket(h, `show ${key}`))).toContain('accepted');
  });

  it('when Hand off is pressed, then the handoff modal opens, and its submission hands off with a child card in the target channel', async () => {
    const key = await fileTicket(h, 'type:support customer:globex Handoff button probe', REQ);
    const { ts } = await cardOf(h, 'CIRIS001', key);
    const opens = h.fake.callsTo('views.open').length;
    const r = await h.slack.action({ actionId: 'ticket_handoff', value: key, user: IRIS, channel: 'CIRIS001', messageTs: ts });
    expect(r.status).toBe(200);
    const open = await h.fake.waitFor(() => h.fake.callsTo('views.open')[opens]);
    expect(open.args.view.callback_id).toBe('ticket_handoff');
    expect(JSON.parse(open.args.view.private_metadata)).toEqual({ key });

    const bad = await h.slack.viewSubmission({ callbackId: 'ticket_handoff', user: IRIS, values: { ...v(HANDOFF_IDS.agent, 'ghost'), ...v(HANDOFF_IDS.note, 'x') } });
    expect(bad.body.response_action).toBe('errors');
    expect(bad.body.errors[HANDOFF_IDS.agent.blockId]).toMatch(/no agent `ghost`/);
    const self = await h.slack.viewSubmission({ callbackId: 'ticket_handoff', user: IRIS, values: v(HANDOFF_IDS.agent, 'iris') });
    expect(self.body.response_action).toBe('errors');
    expect(self.body.errors[HANDOFF_IDS.agent.blockId]).toMatch(/already with iris/);
    const junk = await h.slack.viewSubmission({ callbackId: 'ticket_handoff', user: IRIS, values: v(HANDOFF_IDS.agent, 'Not A Handle!') });
    expect(junk.body.response_action).toBe('errors');
    expect(Object.keys(junk.body.errors)).toEqual([HANDOFF_IDS.agent.blockId]);
    expect(trailActions(await ticket(h, `show ${key}`))).not.toContain('handed_off');

    const ok = await h.slack.viewSubmission({ callbackId: 'ticket_handoff', user: IRIS, values: { ...v(HANDOFF_IDS.agent, '@devin'), ...v(HANDOFF_IDS.note, 'Needs a code fix') } });
    expect(ok.status).toBe(200);
    expect(ok.body.response_action).toBe('update');
    const child = keyIn(json(ok.body).replace(key, ''));
    const childCard = await cardOf(h, 'CDEVIN01', child);
    expect(json(childCard.call.args.blocks)).toContain('globex'); // the parent's context travels
    expect(json(childCard.call.args.blocks)).toContain('Needs a code fix');
    await waitThreadPost(h, 'CIRIS001', ts, child);
    expect(await ticket(h, `show ${key}`)).toContain(`Waiting on`);
  });

  it('when someone not allowed submits the handoff modal, then the modal says why and nothing changes', async () => {
    const key = await fileTicket(h, 'type:support Handoff refusal probe', REQ);
    const { ts } = await cardOf(h, 'CIRIS001', key);
    await h.slack.action({ actionId: 'ticket_handoff', value: key, user: OTHER, channel: 'CIRIS001', messageTs: ts });
    await h.fake.waitFor(() => h.fake.findView('ticket_handoff') && JSON.parse(h.fake.findView('ticket_handoff').private_metadata).key === key);
    const r = await h.slack.viewSubmission({ callbackId: 'ticket_handoff', user: OTHER, values: v(HANDOFF_IDS.agent, 'devin') });
    expect(r.status).toBe(200);
    expect(json(r.body)).toContain(`You can't hand off ${key}`);
    expect(trailActions(await ticket(h, `show ${key}`))).not.toContain('handed_off');
  });

  it('when Escalate is pressed, then the next agent gets a ping with a take-over button, and taking over moves the ticket with a new home card', async () => {
    const key = await fileTicket(h, 'type:support priority:urgent Escalate button probe', REQ);
    const { ts: homeTs } = await cardOf(h, 'CIRIS001', key);
    const r = await h.slack.action({ actionId: 'ticket_escalate', value: key, user: IRIS, channel: 'CIRIS001', messageTs: homeTs });
    expect(r.status).toBe(200);
    const ping = await h.fake.waitFor(() => h.fake.posts('CDEVIN01').find((p) => json(p.args.blocks).includes('ticket_takeover') && json(p.args.blocks).includes(key)));
    expect(json(ping.args.blocks)).toContain(`<@${DEVIN}>`);
    expect(json(ping.args.blocks)).toContain('Escalate button probe');
    await waitThreadPost(h, 'CIRIS001', homeTs, 'Escalated to @devin');
    await h.fake.waitFor(() => h.fake.posts('CESCALATE').find((p) => json(p.args).includes(key)));
    const answer = await h.fake.waitFor(() => h.fake.responses.find((x) => x.user === IRIS && json(x.body).includes('Escalated')));
    expect(json(answer.body)).toContain('@devin');

    // someone else cannot take it over
    const stolen = await h.slack.action({ actionId: 'ticket_takeover', value: key, user: OTHER, channel: 'CDEVIN01', messageTs: tsOf(ping) });
    expect(stolen.status).toBe(200);
    await h.fake.waitFor(() => h.fake.responses.find((x) => x.user === OTHER && json(x.body).includes('take over')));

    const take = await h.slack.action({ actionId: 'ticket_takeover', value: key, user: DEVIN, channel: 'CDEVIN01', messageTs: tsOf(ping) });
    expect(take.status).toBe(200);
    const newCard = await cardOf(h, 'CDEVIN01', key);
    expect(json(newCard.call.args.blocks)).toContain('took over');
    expect(json((await waitThreadPost(h, 'CIRIS001', homeTs, 'Now with')).args)).toContain('devin');
    const show = await ticket(h, `show ${key}`);
    expect(show).toContain('@devin');
    expect(trailActions(show)).toEqual(expect.arrayContaining(['escalated', 'taken_over']));
    expect(await ticket(h, 'list devin')).toContain(key);
    expect(await ticket(h, 'list iris')).not.toContain(key);
    // the new home thread is devin's card: replies there go into the trail
    await h.slack.message({ channel: 'CDEVIN01', user: DEVIN, thread_ts: newCard.ts, text: 'On it from here' });
    await expect.poll(() => ticket(h, `show ${key}`), WAIT).toContain('On it from here');
    // a second press is refused
    await h.slack.action({ actionId: 'ticket_takeover', value: key, user: DEVIN, channel: 'CDEVIN01', messageTs: tsOf(ping) });
    await h.fake.waitFor(() => h.fake.responses.find((x) => x.user === DEVIN && /already with devin|no escalation to take over/.test(json(x.body))));
  });

  it('when Resolve is pressed by the requester, then the ticket completes and the requester is answered', async () => {
    const key = await fileTicket(h, 'type:support Resolve button probe', REQ);
    const { ts } = await cardOf(h, 'CIRIS001', key);
    await h.slack.action({ actionId: 'ticket_resolve', value: key, user: REQ, channel: 'CIRIS001', messageTs: ts });
    await h.fake.waitFor(() => h.fake.responses.find((x) => x.user === REQ && json(x.body).includes(`Resolved *${key}*`)));
    await waitThreadPost(h, 'CIRIS001', ts, 'Resolved by');
    expect(await ticket(h, 'list completed')).toContain(key);
    // pressing it again says it is done already
    await h.slack.action({ actionId: 'ticket_resolve', value: key, user: REQ, channel: 'CIRIS001', messageTs: ts });
    await h.fake.waitFor(() => h.fake.responses.find((x) => x.user === REQ && json(x.body).includes('already completed')));
  });

  it('when an unknown action_id or an unknown view callback_id arrives, then it is acknowledged with 200 and nothing breaks', async () => {
    const a = await h.slack.action({ actionId: 'mystery_button', value: 'x', user: REQ });
    expect(a.status).toBe(200);
    const sel = await h.slack.action({ actionId: 'mystery_select', selectedOption: 'one', user: REQ });
    expect(sel.status).toBe(200);
    const view = await h.slack.viewSubmission({ callbackId: 'mystery_modal', user: REQ, values: { a: { b: 'c' } } });
    expect(view.status).toBe(200);
    expect(view.text === '' || view.body?.response_action === undefined).toBe(true);
    const closed = await h.slack.raw(new URLSearchParams({ payload: JSON.stringify({ type: 'view_closed', user: { id: REQ }, team: { id: 'T0TEAM' }, api_app_id: 'A0BATON', view: { id: 'V1', callback_id: 'ticket_new', type: 'modal', state: { values: {} } }, is_cleared: false }) }).toString());
    expect(closed.status).toBe(200);
    const shortcut = await h.slack.raw(new URLSearchParams({ payload: JSON.stringify({ type: 'shortcut', callback_id: 'mystery_shortcut', trigger_id: '1.2.3', user: { id: REQ }, team: { id: 'T0TEAM' }, api_app_id: 'A0BATON' }) }).toString());
    expect(shortcut.status).toBe(200);
    const unknownEvent = await h.slack.event({ type: 'reaction_added', user: REQ, reaction: 'eyes', item: { type: 'message', channel: 'C1', ts: '1.1' } });
    expect(unknownEvent.status).toBe(200);
    const hello = await h.slack.urlVerification('abc123');
    expect(hello.status).toBe(200);
    expect(hello.text).toContain('abc123');
    expect((await fetch(`http://127.0.0.1:${h.baton.port}/healthz`)).status).toBe(200);
    expect(await ticket(h, 'help')).toContain('/ticket');
  });

  it('when a button value is not a ticket key, then the presser is answered ephemerally through the response URL', async () => {
    for (const actionId of ['ticket_accept', 'ticket_resolve', 'ticket_escalate', 'ticket_takeover', 'ticket_handoff']) {
      const r = await h.slack.action({ actionId, value: 'not-a-key', user: REQ, messageTs: '1700000000.999999', channel: 'CIRIS001' });
      expect(r.status).toBe(200);
      const answer = await h.fake.waitFor(() => h.fake.responses.find((x) => x.url === r.payload.response_url));
      expect(answer.body.response_type).toBe('ephemeral');
      expect(json(answer.body)).toContain('ticket key like `T-2026-001`');
      expect(json(answer.body)).toContain('not-a-key');
    }
    const unknown = await h.slack.action({ actionId: 'ticket_accept', value: 'T-2026-999', user: REQ, messageTs: '1700000000.999998', channel: 'CIRIS001' });
    const answer = await h.fake.waitFor(() => h.fake.responses.find((x) => x.url === unknown.payload.response_url));
    expect(json(answer.body)).toContain('no ticket `T-2026-999`');
  });

  it('when a button payload has no response URL, then the presser is answered ephemerally in its channel; an expired response URL breaks nothing', async () => {
    const payload = {
      type: 'block_actions',
      user: { id: REQ, username: 'ureq', team_id: 'T0TEAM' },
      api_app_id: 'A0BATON',
      team: { id: 'T0TEAM', domain: 'test' },
      channel: { id: 'CIRIS001', name: 'agent-iris' },
      container: { type: 'message', channel_id: 'CIRIS001', message_ts: '1700000000.888888' },
      trigger_id: '1.2.3',
      actions: [{ type: 'button', action_id: 'ticket_accept', block_id: 'ticket_actions', value: 'garbage', action_ts: '1.1' }],
    };
    const r = await h.slack.raw(new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
    expect(r.status).toBe(200);
    const eph = await h.fake.waitFor(() => h.fake.callsTo('chat.postEphemeral').find((c) => c.args.user === REQ && json(c.args).includes('garbage')));
    expect(eph.args.channel).toBe('CIRIS001');

    const key = await fileTicket(h, 'type:support Expired URL probe', REQ);
    const { ts } = await cardOf(h, 'CIRIS001', key);
    h.fake.fail('response_url', { status: 404, error: 'expired_url' }, 2);
    const pressed = await h.slack.action({ actionId: 'ticket_accept', value: key, user: IRIS, channel: 'CIRIS001', messageTs: ts });
    expect(pressed.status).toBe(200);
    await waitThreadPost(h, 'CIRIS001', ts, 'Accepted by'); // the action itself went through
    await h.slack.action({ actionId: 'mystery_button', value: 'x', user: IRIS, channel: 'CIRIS001', messageTs: ts });
    h.fake.clearFailures();
    expect((await fetch(`http://127.0.0.1:${h.baton.port}/healthz`)).status).toBe(200);
    expect(await ticket(h, `show ${key}`)).toContain('accepted');
  });

  it('when the admin takes over for an agent from the ping, then that agent becomes the assignee', async () => {
    const key = await fileTicket(h, 'type:support Admin takeover probe', REQ);
    await cardOf(h, 'CIRIS001', key);
    expect(await ticket(h, `escalate ${key}`, ADMIN_USER)).toContain('@devin');
    const ping = await h.fake.waitFor(() => h.fake.posts('CDEVIN01').find((p) => json(p.args.blocks).includes('ticket_takeover') && json(p.args.blocks).includes(key)));
    await h.slack.action({ actionId: 'ticket_takeover', value: key, user: ADMIN_USER, channel: 'CDEVIN01', messageTs: tsOf(ping) });
    await cardOf(h, 'CDEVIN01', key);
    expect(await ticket(h, 'list devin')).toContain(key);
  });
});
