// What a person reads, end to end: a mention of Baton that is not a verb gets the verbs it knows, a
// file shared alone in an intake channel is filed, and answers, threads and trails read as words.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_KINDS } from '../support/db.js';
import { ADMIN_USER, startHarness, type Harness } from '../support/batonHarness.js';
import { addAgent, agent, cardOf, fileTicket, json, keyIn, outboxIdle, showWhen, ticket, threadPosts, trailActions, trailWords, unescapedCalls, waitThreadPost } from '../support/e2eHelpers.js';
import { DEVIN, FELIX, INTAKE, IRIS, OTHER, REQ } from '../support/cast.js';

const IVY = 'UIVY0001';

describe.each(E2E_KINDS)('what people read on %s', (kind) => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness(kind, { env: { INTAKE_CHANNELS: INTAKE, DEFAULT_TICKET_TYPE: 'support' } });
    await addAgent(h, 'felix', `skills:decision user:<@${FELIX}|felix>`, 'CFELIX01');
    await addAgent(h, 'devin', `skills:engineering user:<@${DEVIN}> escalates-to:felix`, 'CDEVIN01');
    await addAgent(h, 'iris', `skills:support user:<@${IRIS}> capacity:20`, 'CIRIS001');
    await addAgent(h, 'ivy', `skills:support user:<@${IVY}> capacity:20`, 'CIVY0001');
  });
  afterAll(async () => h?.close());

  /** The ephemeral answers to `user` in thread `ts`, once there are `n`. */
  const ephemerals = (user: string, ts: string, n: number) =>
    h.fake.waitFor(() => {
      const mine = h.fake.callsTo('chat.postEphemeral').filter((c) => c.args.user === user && c.args.thread_ts === ts);
      return mine.length >= n ? mine : undefined;
    });

  it('item 8: when Baton is mentioned in a ticket thread with an unknown verb, help or nothing, then the author is told the verbs it knows and the closest one, and nothing is recorded', async () => {
    const key = await fileTicket(h, 'type:support assign:iris Silent verbs probe', REQ);
    const { ts: homeTs } = await cardOf(h, 'CIRIS001', key);
    const before = trailActions(await ticket(h, `show ${key}`));
    const say = (text: string) => h.slack.message({ channel: 'CIRIS001', user: IRIS, thread_ts: homeTs, text });

    await say('<@UBATON> resolv the customer is happy');
    const [typo] = await ephemerals(IRIS, homeTs, 1);
    const typoText = String(typo!.args.text);
    expect(typoText).toContain('`resolv`');
    expect(typoText).toContain('did you mean `resolve`?');
    for (const verb of ['accept', 'status', 'escalate', 'handoff', 'resolve', 'help']) expect(typoText).toContain(`@Baton ${verb}`);

    // One at a time: each answer comes before the next mention, so the answers read in order.
    await say('<@UBATON> help');
    await ephemerals(IRIS, homeTs, 2);
    await say('<@UBATON|baton>');
    await ephemerals(IRIS, homeTs, 3);
    await say('<@UBATON> assign ivy');
    const answers = (await ephemerals(IRIS, homeTs, 4)).map((c) => String(c.args.text));
    expect(answers[1]).toContain('one of these verbs');
    expect(answers[1]).toContain('`@Baton handoff HANDLE|skill:TYPE [note]`');
    expect(answers[1]).not.toContain("doesn't know");
    expect(answers[2]).toContain('one of these verbs'); // a bare mention
    expect(answers[3]).toContain("doesn't know the verb `assign`");
    expect(answers[3]).not.toContain('did you mean'); // nothing is close to `assign`

    // a reply without a mention is still a comment; the mentions above were not
    await h.slack.message({ channel: 'CIRIS001', user: IRIS, thread_ts: homeTs, text: 'Plain comment after the mentions' });
    const show = await showWhen(h, key, 'Plain comment after the mentions');
    expect(trailActions(show)).toEqual([...before, 'commented']);
    expect(show).not.toContain('resolv the customer');
    expect(show).toContain('active');
  });

  it('item 9: when a file is shared alone in an intake channel, then it is filed with the file’s title as the title and answered in its thread', async () => {
    const ts = h.fake.nextTs();
    const files = [
      { id: 'F0001', name: 'checkout-error.png', title: 'Checkout error screenshot', mimetype: 'image/png', filetype: 'png' },
      { id: 'F0002', name: 'har-log.txt', title: 'har-log.txt', mimetype: 'text/plain', filetype: 'text' },
    ];
    const r = await h.slack.message({ channel: INTAKE, user: REQ, ts, subtype: 'file_share', text: '', files, upload: false, display_as_bot: false });
    expect(r.status).toBe(200);
    const reply = await h.fake.waitFor(() => threadPosts(h, INTAKE, ts)[0], 5000, 'the answer to a file shared alone');
    const key = keyIn(json(reply.args));
    expect(json(reply.args)).toContain('Filed');
    const show = await ticket(h, `show ${key}`);
    expect(show).toContain('Checkout error screenshot');
    expect(show).toContain('har-log.txt');
    expect(show).toContain(`<@${REQ}>`);

    // a file share with text is filed with the text, as any message
    const withText = await h.slack.message({ channel: INTAKE, user: REQ, subtype: 'file_share', text: 'Invoice totals are wrong', files: [{ id: 'F0003', name: 'invoice.pdf', title: 'invoice.pdf' }] });
    const second = await h.fake.waitFor(() => threadPosts(h, INTAKE, withText.ts)[0]);
    expect(await ticket(h, `show ${keyIn(json(second.args))}`)).toContain('Invoice totals are wrong');
  });

  it('item 11: when people read answers, thread updates and trails, then mentions are mentions, actions are words, plurals agree and the reason has one parenthesis', async () => {
    // the routing reason, in one parenthesis
    const filed = await ticket(h, 'new type:support Wording probe: refund stuck', REQ);
    expect(filed).toMatch(/has the fewest active tickets: \d+\)\./);
    expect(filed).not.toMatch(/\(\d+\)\)/);
    const key = keyIn(filed);
    // The assignee field (the Why part names every candidate).
    const first = /Assignee\*\\n@iris/.test(await ticket(h, `show ${key}`)) ? 'iris' : 'ivy';
    const other = first === 'iris' ? 'ivy' : 'iris';
    const { ts: homeTs } = await cardOf(h, first === 'iris' ? 'CIRIS001' : 'CIVY0001', key);

    // assigned by an admin: a mention, not an escaped ID, in the old thread and the trail
    expect(await ticket(h, `assign ${key} ${other}`, ADMIN_USER)).toContain(`is now with @${other}`);
    const moved = await waitThreadPost(h, first === 'iris' ? 'CIRIS001' : 'CIVY0001', homeTs, 'Now with');
    expect(json(moved.args)).toContain(`assigned by <@${ADMIN_USER}>`);
    expect(json(moved.args)).not.toContain('&lt;@');
    // a comment mentioning the requester shows the mention; a stranger's ID stays escaped
    await h.slack.message({ channel: INTAKE, user: REQ, thread_ts: homeTs, text: 'ignored: not a ticket thread' });
    const otherHome = await cardOf(h, other === 'iris' ? 'CIRIS001' : 'CIVY0001', key);
    await h.slack.message({ channel: otherHome.call.args.channel as string, user: ADMIN_USER, thread_ts: otherHome.ts, text: `<@${REQ}> please retry, not <@U999|mallory>` });
    let show = await showWhen(h, key, 'please retry');
    expect(show).toContain(`assigned by <@${ADMIN_USER}>`);
    expect(show).toContain(`<@${REQ}> please retry`);
    expect(show).toContain('&lt;@U999|mallory&gt;');
    expect(show).not.toContain(`&lt;@${ADMIN_USER}`);

    // "hand off", not "handoff", in a refusal
    expect(await ticket(h, `handoff ${key} devin steal it`, OTHER)).toContain(`You can't hand off ${key}`);

    // actions as words: chain exhausted, handed off, handoff resolved; the child: filed as a handoff
    await ticket(h, `escalate ${key} nobody above`, ADMIN_USER);
    const handed = await ticket(h, `handoff ${key} devin check the payment service`, ADMIN_USER);
    const child = keyIn(handed.replace(key, ''));
    await ticket(h, `resolve ${child} fixed the service`, ADMIN_USER);
    show = await showWhen(h, key, 'handoff resolved');
    const words = trailWords(show);
    expect(words).toEqual(expect.arrayContaining(['chain exhausted', 'handed off', 'handoff resolved']));
    for (const w of words) expect(w).not.toContain('_');
    expect(trailWords(await ticket(h, `show ${child}`))).toContain('filed as a handoff');
    // the handoff summary carried to the child reads in words too
    const childShow = await ticket(h, `show ${child}`);
    expect(childShow).toContain('chain exhausted');
    expect(childShow).not.toContain('escalation exhausted');

    // proper plurals when an agent takes held work
    const held = [await fileTicket(h, 'type:legal Held one', REQ), await fileTicket(h, 'type:legal Held two', REQ)];
    const took = await agent(h, 'update ivy skills:support,legal');
    expect(took).toContain(`It took 2 held tickets: ${held.join(', ')}`);
    expect(took).not.toContain('(s)');
    const one = await fileTicket(h, 'type:design Held three', REQ);
    expect(await agent(h, 'update iris skills:support,design')).toContain(`It took 1 held ticket: ${one}`);
    await outboxIdle(h);
    expect(unescapedCalls(h)).toEqual([]);
  });
});
