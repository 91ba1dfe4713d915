// The home card shows the state: edited in place (chat.update through the outbox) as the ticket is accepted,
// waits on a handoff, is escalated and is resolved; its buttons follow.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_KINDS } from '../support/db.js';
import { startHarness, type Harness } from '../support/batonHarness.js';
import { addAgent, cardOf, fileTicket, json, keysIn, outboxIdle, ticket } from '../support/e2eHelpers.js';
import { DEVIN, FELIX, IRIS, REQ } from '../support/cast.js';

describe.each(E2E_KINDS)('cards that show the state on %s', (kind) => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness(kind);
    await addAgent(h, 'felix', `skills:decision user:<@${FELIX}|felix>`, 'CFELIX01');
    await addAgent(h, 'devin', `skills:engineering user:<@${DEVIN}> escalates-to:felix`, 'CDEVIN01');
    await addAgent(h, 'iris', `skills:support user:<@${IRIS}> escalates-to:devin`, 'CIRIS001');
  });
  afterAll(async () => h?.close());

  it('when a ticket is accepted, waits on a handoff, is escalated and is resolved, then its card is edited four times in order and ends with no buttons', async () => {
    const key = await fileTicket(h, 'type:support Card state probe');
    const card = await cardOf(h, 'CIRIS001', key);
    const edits = () => h.fake.callsTo('chat.update').filter((c) => c.ok && c.args.ts === card.ts);
    const buttonsOf = (blocks: unknown) => (json(blocks).match(/"action_id":"ticket_[a-z]+"/g) ?? []).map((s) => s.slice(13, -1));
    expect(buttonsOf(card.call.args.blocks)).toEqual(['ticket_accept', 'ticket_resolve', 'ticket_handoff', 'ticket_escalate']);

    await h.slack.action({ actionId: 'ticket_accept', user: IRIS, channel: 'CIRIS001', messageTs: card.ts });
    await h.fake.waitFor(() => edits().length === 1, 5000, 'the accepted edit');
    const handoff = await ticket(h, `handoff ${key} devin needs a fix`, IRIS);
    const child = keysIn(handoff).find((k) => k !== key)!;
    await h.fake.waitFor(() => edits().length === 2, 5000, 'the waiting edit');
    await ticket(h, `escalate ${key} customer is waiting`, IRIS);
    await h.fake.waitFor(() => edits().length === 3, 5000, 'the escalated edit');
    await ticket(h, `resolve ${key} force sorted`, IRIS);
    await h.fake.waitFor(() => edits().length === 4, 5000, 'the resolved edit');
    await outboxIdle(h);

    const [accepted, waiting, escalated, resolved] = edits().map((c) => c.args);
    expect(json(accepted)).toContain(`Accepted* by <@${IRIS}>`);
    expect(buttonsOf(accepted!.blocks)).toEqual(['ticket_resolve', 'ticket_handoff', 'ticket_escalate']);
    expect(json(waiting)).toContain(`Waiting on* *${child}*`);
    expect(json(escalated)).toContain('Escalated* to @devin · level 1');
    expect(buttonsOf(escalated!.blocks)).toEqual(['ticket_resolve', 'ticket_handoff', 'ticket_escalate']);
    expect(json(resolved)).toContain(`Resolved* by <@${IRIS}>`);
    expect(json(resolved)).toContain('sorted');
    expect(buttonsOf(resolved!.blocks)).toEqual([]);
    // the card as Slack now holds it
    const now = h.fake.message('CIRIS001', card.ts)!;
    expect(now.edited).toBe(true);
    expect(json(now.blocks)).not.toContain('"type":"actions"');
    // no edit was refused
    expect(h.fake.callsTo('chat.update').filter((c) => !c.ok)).toEqual([]);

    // Reopened and back with Iris in the same thread: the card shows it active again, with its buttons.
    await ticket(h, `reopen ${key} it broke again`, IRIS);
    await h.fake.waitFor(() => edits().length === 5, 5000, 'the reopened edit');
    const reopened = edits()[4]!.args;
    expect(json(reopened)).not.toContain('Resolved*');
    expect(buttonsOf(reopened.blocks)).toEqual(['ticket_accept', 'ticket_resolve', 'ticket_handoff', 'ticket_escalate']);
  });
});
