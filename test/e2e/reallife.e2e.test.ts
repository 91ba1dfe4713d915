// What a week of real use found in `/ticket`: long lists, unknown filters, filing answers, forced resolves,
// the new-ticket form's description limit and the resolution message. Through signed Slack requests.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_USER, startHarness, type Harness } from '../support/batonHarness.js';
import { E2E_KINDS } from '../support/db.js';
import { ManualClock } from '../support/deps.js';
import { addAgent, agent, cardOf, fileTicket, json, keysIn, ticket } from '../support/e2eHelpers.js';
import { REQ } from '../support/cast.js';
import { INPUT_MAX, newTicketModal, NEW_TICKET_IDS } from '../../src/slack/views.js';
import { LIMITS } from '../../src/core/types.js';

const PAULA = 'UPAULA01';
const CARL = 'UCARL001';

describe.each(E2E_KINDS)('real use of /ticket on %s', (kind) => {
  let h: Harness;
  const clock = new ManualClock('2026-03-02T10:00:00Z');

  beforeAll(async () => {
    h = await startHarness(kind, { clock });
  });
  afterAll(async () => h?.close());

  it('item 12: /ticket list beyond 50 offers the next page, which shows the rest; a page past the end is refused', async () => {
    const keys: string[] = [];
    for (let i = 0; i < 62; i += 8) {
      const batch = Array.from({ length: Math.min(8, 62 - i) }, (_, j) => fileTicket(h, `type:nobody-takes-this Waiting ticket ${i + j}`));
      keys.push(...(await Promise.all(batch)));
    }
    const first = await ticket(h, 'list intake');
    expect(keysIn(first)).toHaveLength(50);
    expect(first).toContain('page 1 of 2');
    expect(first).toContain('…and 12 more_: `/ticket list intake page:2`');
    const second = await ticket(h, 'list intake page:2');
    expect(keysIn(second)).toHaveLength(12);
    expect(new Set([...keysIn(first), ...keysIn(second)])).toEqual(new Set(keys)); // every ticket once
    expect(second).toContain('page 2 of 2');
    expect(second).not.toContain('more_');
    expect(await ticket(h, 'list page:2 intake')).toBe(second);
    expect(await ticket(h, 'list intake page:3')).toContain('Intake tickets: 62 tickets on 2 pages; there is no page 3.');
    expect(await ticket(h, 'list intake page:0')).toContain('`page:` takes a page number like `page:2`; got `0`.');
  }, 120_000);

  it('item 12: /ticket list with an unknown filter lists the valid filters', async () => {
    const body = await ticket(h, 'list everything');
    expect(body).toContain('`/ticket list` takes `mine`, `intake`, `active`, `completed` or an agent’s handle; there is no filter or agent `everything`.');
  });

  it('item 12: the filing answer echoes the title and the context values it took', async () => {
    const body = await ticket(h, 'new re:login page broken');
    expect(body).toContain('Title: *page broken*');
    expect(body).toContain('Context: `re:` login');
    expect(await ticket(h, 'new Printer jammed')).not.toContain('Context:');
  });

  it('item 12: the new-ticket form takes the description limit Slack allows, and says so as the README does', () => {
    const modal = newTicketModal();
    const block = modal.blocks.find((b) => b.block_id === NEW_TICKET_IDS.description.blockId) as { element: { max_length: number }; hint?: { text: string } };
    expect(INPUT_MAX).toBe(3000); // Slack refuses a plain_text_input max_length above 3,000
    expect(block.element.max_length).toBe(INPUT_MAX);
    expect(block.hint?.text).toContain('Up to 3,000 characters here');
    expect(block.hint?.text).toContain(`takes ${LIMITS.description.toLocaleString('en-US')}`);
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain('descriptions 4,000 (3,000 in the new-ticket form');
  });

  it('item 12: the resolution message tells the requester how to reopen', async () => {
    await addAgent(h, 'paula', `skills:reso user:<@${PAULA}>`, 'CPAULA01');
    const key = await fileTicket(h, 'type:reso Wifi down', REQ);
    expect(await ticket(h, `resolve ${key} router restarted`, PAULA)).toContain('Resolved');
    const dm = await h.fake.waitFor(() => h.fake.posts(REQ).find((p) => json(p.args).includes('router restarted')));
    expect(json(dm.args)).toContain(`/ticket reopen ${key}`);
  });

  it('item 3: /ticket resolve of a parent with an open handoff is refused, naming the child and force; with force both close', async () => {
    await addAgent(h, 'carl', `skills:fix user:<@${CARL}>`, 'CCARL001');
    const parent = await fileTicket(h, 'type:reso Billing bug', REQ);
    const handed = await ticket(h, `handoff ${parent} carl please fix`, PAULA);
    const child = keysIn(handed).find((k) => k !== parent)!;
    const refused = await ticket(h, `resolve ${parent} done`, PAULA);
    expect(refused).toContain(`${parent} waits on its handoff ${child} (with carl), which is still open`);
    expect(refused).toContain(`/ticket resolve ${parent} force [note]`);
    const forced = await ticket(h, `resolve ${parent} force done`, PAULA);
    expect(forced).toContain(`Resolved *${parent}*. Its open handoff *${child}* was closed with it.`);
    expect(await ticket(h, `show ${child}`)).toContain(`closed with ${parent}: done`);
    await h.fake.waitFor(() => h.fake.posts('CCARL001').find((p) => json(p.args).includes(`together with ${parent}`)));
    expect(await agent(h, 'list', ADMIN_USER)).toContain('load 0/5');
  });

  it("item 3: the Resolve button on a parent with an open handoff is refused with the reason and a 'Resolve both' button behind a confirmation, which closes both", async () => {
    const parent = await fileTicket(h, 'type:reso Invoice totals are wrong', REQ);
    const card = await cardOf(h, 'CPAULA01', parent);
    const handed = await ticket(h, `handoff ${parent} carl please check the rounding`, PAULA);
    const child = keysIn(handed).find((k) => k !== parent)!;

    const seen = h.fake.responses.length;
    await h.slack.action({ actionId: 'ticket_resolve', value: parent, user: PAULA, channel: 'CPAULA01', messageTs: card.ts });
    const offer = await h.fake.waitFor(() => h.fake.responses.slice(seen).find((r) => json(r.body).includes('resolve_both')));
    const body = json(offer.body);
    expect(body).toContain(`${parent} waits on its handoff ${child} (with carl), which is still open`);
    expect(body).toContain('"action_id":"ticket_resolve_force"');
    expect(body).toContain('Close the handoff too?');
    expect(await ticket(h, `show ${parent}`)).not.toContain('resolved');

    await h.slack.action({ actionId: 'ticket_resolve_force', value: parent, user: PAULA, channel: 'CPAULA01', blockId: 'resolve_both' });
    await h.fake.waitFor(() => h.fake.responses.slice(seen).find((r) => json(r.body).includes(`Its open handoff *${child}* was closed with it.`)));
    expect(await ticket(h, `show ${child}`)).toContain(`closed with ${parent}`);

    // Someone who may not resolve it gets no way around the refusal.
    const other = await fileTicket(h, 'type:reso Second invoice', REQ);
    await ticket(h, `handoff ${other} carl rounding again`, PAULA);
    const before = h.fake.responses.length;
    await h.slack.action({ actionId: 'ticket_resolve_force', value: other, user: 'UNOBODY1', channel: 'CPAULA01', blockId: 'resolve_both' });
    const no = await h.fake.waitFor(() => h.fake.responses.slice(before).find((r) => json(r.body).includes(':warning:')));
    expect(json(no.body)).not.toContain('Resolved');
  });
});
