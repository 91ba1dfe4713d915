// Every `/ticket` and `/agent` subcommand of PRODUCT.md through Slack, with its ephemeral answer; bad input
// that names the option, the value and what is allowed and changes nothing; and the health check.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../support/db.js';
import { ADMIN_USER, startHarness, type Harness } from '../support/batonHarness.js';
import { ManualClock } from '../support/deps.js';
import {
  addAgent,
  agent,
  cardOf,
  fileTicket,
  json,
  keyIn,
  keysIn,
  outboxIdle,
  ticket,
  trailActions,
  waitThreadPost,
} from '../support/e2eHelpers.js';
import { DEVIN, FELIX, IRIS, REQ } from '../support/cast.js';

const REQ2 = 'UREQUEST2';
const EVE = 'UEVE0001';
const OPSY = 'UOPSY001';
const MINUTE = 60_000;

// One session: the roster of the first tests and the tickets filed along the way serve the later ones, so the
// tests run in the order written.
for (const kind of DB_KINDS) describe(`slash commands on ${kind}`, { shuffle: false }, () => {
  let h: Harness;
  const clock = new ManualClock('2026-03-02T10:00:00Z'); // a Monday

  /** The keys of a list answer, in the order shown. */
  const listed = async (filter: string, user = REQ) => keysIn(await ticket(h, `list ${filter}`, user));

  beforeAll(async () => {
    h = await startHarness(kind, { clock });
  });
  afterAll(async () => h?.close());

  describe('help', () => {
    it('when /ticket help or /ticket alone is run, then every /ticket subcommand is explained', async () => {
      for (const text of ['help', '', 'HELP']) {
        const body = await ticket(h, text);
        for (const sub of ['new', 'show', 'list', 'assign', 'handoff', 'resolve', 'reopen', 'escalate', 'next', 'help']) expect(body).toContain(`/ticket ${sub}`);
        expect(body).toContain('mine|intake|active|completed|HANDLE');
        expect(body).toContain('priority:P');
      }
    });

    it('when /agent help or /agent alone is run, then every /agent subcommand is explained', async () => {
      for (const text of ['help', '']) {
        const body = await agent(h, text, REQ);
        for (const sub of ['add', 'update', 'remove', 'list', 'busy', 'available', 'help']) expect(body).toContain(`/agent ${sub}`);
        expect(body).toContain('for:DUR|until:HH:MM');
        expect(body).toContain('escalates-to:HANDLE');
      }
    });

    it('when a command answers, then the answer is ephemeral', async () => {
      const r = await h.slack.command('/ticket', 'help', { user: REQ });
      expect(r.body.response_type).toBe('ephemeral');
      const a = await h.slack.command('/agent', 'list', { user: REQ });
      expect(a.body.response_type).toBe('ephemeral');
    });
  });

  describe('the roster', () => {
    it('when an admin adds agents, then each is answered with its skills and channel, and Baton creates #agent-HANDLE when no channel is given', async () => {
      const felix = await agent(h, `add felix skills:decision channel:<#CFELIX01|agent-felix> user:<@${FELIX}|felix>`);
      expect(felix).toContain('Added @felix');
      expect(felix).toContain('decision');
      expect(felix).toContain('<#CFELIX01>');
      const iris = await agent(h, `add iris skills:support,billing user:<@${IRIS}> capacity:3 escalates-to:felix`);
      expect(iris).toContain('Added @iris');
      const created = h.fake.callsTo('conversations.create').find((c) => c.args.name === 'agent-iris');
      expect(created).toBeDefined();
      const irisChannel = (created!.response as { channel: { id: string } }).channel.id;
      expect(iris).toContain(`<#${irisChannel}>`);
      expect(h.fake.callsTo('conversations.invite').some((c) => c.args.channel === irisChannel && c.args.users === IRIS)).toBe(true);
      await agent(h, 'update iris channel:<#CIRIS001|agent-iris>'); // keep the tests readable
      await addAgent(h, 'devin', `skills:engineering user:<@${DEVIN}> escalates-to:felix`, 'CDEVIN01');
      await addAgent(h, 'eve', `skills:engineering user:<@${EVE}> escalates-to:felix`, 'CEVE0001');
    });

    it('when /agent list is run, then the roster shows skills, channel, user, load, availability and escalation', async () => {
      const body = await agent(h, 'list', REQ);
      for (const s of ['@felix', '@iris', '@devin', '@eve', '`support`', '`billing`', '<#CIRIS001>', `<@${IRIS}>`, 'load 0/3', 'load 0/5', 'available', 'escalates to @felix']) expect(body).toContain(s);
    });

    it('when an agent is added twice, then it is refused and nothing changes', async () => {
      const before = await agent(h, 'list', REQ);
      expect(await agent(h, 'add iris skills:ops channel:<#CX000001|x>')).toContain('There is already an agent `iris`');
      expect(await agent(h, 'list', REQ)).toBe(before);
    });
  });

  describe('tickets', () => {
    const keys: Record<string, string> = {};

    it('when /ticket new is run, then it answers with the key and the assignee, or why it waits', async () => {
      const filed = await ticket(h, 'new type:support customer:acme Printer jammed', REQ);
      expect(filed).toMatch(/Filed \*T-2026-\d{3}\* and assigned it to @iris/);
      keys.printer = keyIn(filed);
      await cardOf(h, 'CIRIS001', keys.printer);
      const waits = await ticket(h, 'new type:legal Contract review', REQ);
      expect(waits).toMatch(/Filed \*T-2026-\d{3}\*\. It waits in intake: no agent takes `legal` tickets/);
      keys.legal = keyIn(waits);
      const general = await ticket(h, 'new Just a question', REQ);
      expect(general).toContain('no agent takes `general` tickets'); // DEFAULT_TICKET_TYPE
      keys.general = keyIn(general);
    });

    it('when /ticket show is run, then the ticket, its context and its trail are shown; an unknown key is named', async () => {
      const body = await ticket(h, `show ${keys.printer}`, 'UANYONE01');
      for (const s of [keys.printer!, 'Printer jammed', 'acme', 'customer', '@iris', 'active', 'Audit trail', '*filed*', '*assigned*']) expect(body).toContain(s);
      expect(await ticket(h, `show ${keys.printer!.toLowerCase()}`)).toContain('Printer jammed'); // keys are case-insensitive
      expect(await ticket(h, 'show T-2026-999')).toContain('There is no ticket `T-2026-999`.');
      expect(await ticket(h, 'show T-26-1')).toContain('`/ticket show` takes a ticket key like `T-2026-001`; got `T-26-1`.');
      expect(await ticket(h, 'show')).toContain('`/ticket show` needs a ticket key');
    });

    it('when /ticket list is run for mine, intake, active, completed and a handle, then tickets are ordered by priority, then age', async () => {
      // five `ops` tickets no agent takes yet, filed a minute apart, priorities mixed
      const order: Array<[string, string]> = [['normal', 'n1'], ['low', 'l1'], ['urgent', 'u1'], ['normal', 'n2'], ['high', 'h1']];
      for (const [priority, name] of order) {
        clock.advance(MINUTE);
        keys[name] = await fileTicket(h, `type:ops priority:${priority} Ops ${name}`, name === 'n2' ? REQ2 : REQ);
      }
      const expected = ['u1', 'h1', 'n1', 'n2', 'l1'].map((n) => keys[n]!);
      const intake = await listed('intake');
      expect(intake.filter((k) => expected.includes(k))).toEqual(expected);
      expect(intake).toContain(keys.legal);
      expect(intake).not.toContain(keys.printer);

      clock.advance(MINUTE);
      const added = await agent(h, `add opsy skills:ops user:<@${OPSY}> capacity:10`, ADMIN_USER);
      expect(added).toContain('It took 5 held tickets');
      for (const k of expected) expect(added).toContain(k);
      expect(await listed('active')).toEqual(expect.arrayContaining(expected));
      expect((await listed('active')).filter((k) => expected.includes(k))).toEqual(expected);
      expect(await listed('opsy')).toEqual(expected);
      expect(await listed('@opsy')).toEqual(expected);
      expect(await listed(`<@${OPSY}|opsy>`)).toEqual(expected);
      expect(await listed('mine', OPSY)).toEqual(expected); // assigned to the agent whose user asks
      expect((await listed('mine', REQ)).filter((k) => expected.includes(k))).toEqual(expected.filter((k) => k !== keys.n2));
      expect(await listed('', REQ2)).toEqual([keys.n2]); // `list` alone is `mine`
      expect(await listed('mine', REQ)).toContain(keys.printer);

      // resolved newest-first by priority would differ from resolution order: resolve low first, urgent last
      for (const n of ['l1', 'n2', 'u1', 'n1', 'h1']) {
        clock.advance(MINUTE);
        expect(await ticket(h, `resolve ${keys[n]}`, OPSY)).toContain('Resolved');
      }
      expect((await listed('completed')).filter((k) => expected.includes(k))).toEqual(expected);
      expect(await listed('opsy')).toEqual([]);
      expect(await ticket(h, 'list opsy')).toContain('No tickets');
    });

    it('when /ticket list names an unknown agent or a bad filter, then the answer says so', async () => {
      expect(await ticket(h, 'list nobody')).toContain('there is no filter or agent `nobody`');
      expect(await ticket(h, 'list what?!')).toContain('`/ticket list` takes `mine`, `intake`, `active`, `completed` or an agent handle');
      expect(await ticket(h, 'list active extra')).toContain('got unexpected text `extra`');
    });

    it('when /ticket assign is run, then the ticket moves to that agent with a new card and the old thread is told', async () => {
      const { ts: oldHome } = await cardOf(h, 'CIRIS001', keys.printer!);
      const body = await ticket(h, `assign ${keys.printer} devin`, REQ);
      expect(body).toContain(`*${keys.printer}* is now with @devin`);
      await cardOf(h, 'CDEVIN01', keys.printer!);
      expect(json((await waitThreadPost(h, 'CIRIS001', oldHome, 'Now with')).args)).toContain('devin');
      expect(await ticket(h, `assign ${keys.printer} devin`, REQ)).toContain('already assigned to devin');
      expect(await ticket(h, `assign ${keys.legal} <@${EVE}>`, REQ)).toContain('is now with @eve'); // an intake ticket, by mention
      await cardOf(h, 'CEVE0001', keys.legal!);
      expect(await ticket(h, `assign ${keys.general} nobody`, REQ)).toContain('There is no agent `nobody`');
      expect(await ticket(h, `assign ${keys.general}`, REQ)).toContain('needs an agent after the ticket key');
    });

    it('when /ticket handoff is run, then a child ticket goes to the target and the parent waits on it', async () => {
      const body = await ticket(h, `handoff ${keys.printer} eve needs a firmware fix`, DEVIN);
      expect(body).toMatch(new RegExp(`Handed \\*${keys.printer}\\* off to @eve as \\*T-2026-\\d{3}\\*; ${keys.printer} waits on it`));
      const child = keysIn(body).find((k) => k !== keys.printer)!;
      const card = await cardOf(h, 'CEVE0001', child);
      expect(json(card.call.args.blocks)).toContain('acme');
      expect(await ticket(h, `show ${keys.printer}`)).toContain('Waiting on');
      expect(await ticket(h, `handoff ${keys.printer} felix again`, DEVIN)).toContain(`already waits on ${child}`);
      expect(await ticket(h, `resolve ${child} firmware updated`, EVE)).toContain('Resolved');
      await h.fake.waitFor(() => h.fake.posts('CDEVIN01').find((p) => json(p.args).includes('firmware updated')));
    });

    it('when /ticket resolve and /ticket reopen are run, then the ticket completes and comes back to its last agent', async () => {
      expect(await ticket(h, `resolve ${keys.printer} cleared the jam`, DEVIN)).toContain(`Resolved *${keys.printer}*`);
      const dm = await h.fake.waitFor(() => h.fake.posts(REQ).find((p) => json(p.args).includes('cleared the jam')));
      expect(json(dm.args)).toContain(keys.printer);
      expect(await ticket(h, `resolve ${keys.printer}`, DEVIN)).toContain('is already completed');
      // routed again like a new ticket: devin does not take `support`, so it goes to iris
      const reopened = await ticket(h, `reopen ${keys.printer} jammed again`, REQ);
      expect(reopened).toContain(`Reopened *${keys.printer}*; it is with @iris`);
      expect(trailActions(await ticket(h, `show ${keys.printer}`))).toEqual(expect.arrayContaining(['resolved', 'reopened']));
      expect(await ticket(h, `reopen ${keys.printer}`, REQ)).toContain('is not completed, so there is nothing to reopen');
    });

    it('when /ticket escalate is run, then the next agent of the chain is pinged, and at the end of the chain the managers are told', async () => {
      const body = await ticket(h, `escalate ${keys.printer} customer waiting`, REQ);
      expect(body).toContain(`Escalated *${keys.printer}* to @felix (level 1)`);
      const ping = await h.fake.waitFor(() => h.fake.posts('CFELIX01').find((p) => json(p.args.blocks).includes(keys.printer!)));
      expect(json(ping.args.blocks)).toContain('ticket_takeover');
      expect(json(ping.args.blocks)).toContain('customer waiting');
      await h.fake.waitFor(() => h.fake.posts('CESCALATE').find((p) => json(p.args).includes(keys.printer!)));
      const again = await ticket(h, `escalate ${keys.printer}`, REQ);
      expect(again).toContain('the escalation chain has run out; the managers were told');
      await h.fake.waitFor(() => h.fake.posts('CESCALATE').find((p) => json(p.args).includes('chain exhausted')));
      expect(await ticket(h, `escalate ${keys.general}`, REQ)).toContain('is not assigned yet');
    });

    it('when /ticket next is run, then the agent pulls the most urgent, oldest intake ticket it can take', async () => {
      await agent(h, 'busy eve', ADMIN_USER);
      await agent(h, 'busy devin for:5m', DEVIN);
      clock.advance(MINUTE);
      const low = await fileTicket(h, 'type:engineering priority:low Next low', REQ);
      clock.advance(MINUTE);
      const high = await fileTicket(h, 'type:engineering priority:high Next high', REQ);
      clock.advance(MINUTE);
      const high2 = await fileTicket(h, 'type:engineering priority:high Next high later', REQ);
      expect((await listed('intake')).filter((k) => [low, high, high2].includes(k))).toEqual([high, high2, low]);
      expect(await ticket(h, 'next devin', REQ)).toContain("Only devin's own user or an admin can pull work for it.");
      expect(await ticket(h, 'next devin', DEVIN)).toContain("Can't give it to devin: devin is busy");
      expect(await ticket(h, 'next felix', FELIX)).toContain('Nothing in intake that @felix can take.');
      expect(await ticket(h, 'next ghost', FELIX)).toContain('There is no agent `ghost`');
      clock.advance(5 * MINUTE); // devin's busy window is over; no sweep has run yet, so the work is still held
      expect(await ticket(h, 'next devin', DEVIN)).toContain(`@devin took *${high}*: Next high`);
      expect(await ticket(h, 'next <@UDEVIN01>', DEVIN)).toContain(`@devin took *${high2}*`);
      expect(await ticket(h, 'next @devin', ADMIN_USER)).toContain(`@devin took *${low}*`);
      expect(await ticket(h, 'next devin', DEVIN)).toContain('Nothing in intake that @devin can take.');
      await cardOf(h, 'CDEVIN01', high);
      expect(trailActions(await ticket(h, `show ${high}`))).toContain('claimed');
      for (const k of [high, high2, low]) expect(await ticket(h, `resolve ${k} done`, DEVIN)).toContain('Resolved');
      expect(await ticket(h, `resolve ${keys.printer} done`, ADMIN_USER)).toContain('Resolved');
      await agent(h, 'available devin', DEVIN);
      await agent(h, 'available eve', EVE);
    });
  });

  describe('agents at work', () => {
    it('when /agent update is run, then the agent changes and held work flows to it', async () => {
      clock.advance(MINUTE);
      const held = await fileTicket(h, 'type:design Logo refresh', REQ);
      expect(await ticket(h, `show ${held}`)).toContain('no agent takes `design` tickets');
      const body = await agent(h, 'update iris skills:support,billing,design capacity:8');
      expect(body).toContain('Updated @iris');
      expect(body).toContain(`It took 1 held ticket: ${held}`);
      await cardOf(h, 'CIRIS001', held);
      const roster = await agent(h, 'list', REQ);
      expect(roster).toContain('`design`');
      expect(roster).toMatch(/load \d\/8/);
      expect(await agent(h, 'update iris')).toContain('`/agent update iris` needs at least one option');
      expect(await agent(h, 'update ghost capacity:2')).toContain('There is no agent `ghost`');
    });

    it('when /agent busy is run with for: or until:, then it answers until when, and new work waits with the reason', async () => {
      const forBody = await agent(h, 'busy iris for:2h at the dentist', IRIS);
      const now = clock.now();
      const inTwo = new Date(now.getTime() + 2 * 3600_000);
      const hhmm = (d: Date) => d.toISOString().slice(11, 16);
      expect(forBody).toContain('@iris is busy until');
      expect(forBody).toContain(`${hhmm(inTwo)} UTC`);
      expect(forBody).toContain('(at the dentist)');
      expect(forBody).toContain('New work waits in intake');
      const roster = await agent(h, 'list', REQ);
      expect(roster).toContain(':no_entry: busy until');
      expect(roster).toContain('at the dentist');

      const untilBody = await agent(h, 'busy iris until:17:30 offsite', IRIS);
      expect(untilBody).toContain('@iris is busy until Mon 2 Mar 17:30 UTC (offsite)');
      const early = await agent(h, 'busy iris until:9:05', IRIS); // already past today: tomorrow
      expect(early).toContain('until Tue 3 Mar 09:05 UTC');
      const open = await agent(h, 'busy iris', IRIS);
      expect(open).toContain('@iris is busy until `/agent available`');

      const waits = await ticket(h, 'new type:support Waits for iris', REQ);
      expect(waits).toContain('It waits in intake');
      expect(waits).toContain('iris is busy');
      keyIn(waits);
    });

    it('when /agent available is run, then the agent takes held work at once', async () => {
      const waiting = await listed('intake');
      const body = await agent(h, 'available iris', IRIS);
      expect(body).toContain('@iris is available.');
      expect(body).toContain('Assigned from intake:');
      const taken = keysIn(body);
      expect(taken.length).toBeGreaterThan(0);
      for (const k of taken) {
        expect(waiting).toContain(k);
        await cardOf(h, 'CIRIS001', k);
      }
      expect(await agent(h, 'available iris', IRIS)).toContain('@iris is available.'); // idempotent
    });

    it('when /agent remove is run, then the agent is gone and its open tickets are routed again', async () => {
      clock.advance(MINUTE);
      const t1 = await fileTicket(h, 'type:engineering assign:devin Remove probe one', REQ);
      const t2 = await fileTicket(h, 'type:engineering assign:devin Remove probe two', REQ);
      await cardOf(h, 'CDEVIN01', t1);
      await cardOf(h, 'CDEVIN01', t2);
      const body = await agent(h, 'remove devin');
      expect(body).toContain('Removed @devin');
      expect(body).toContain(`${t1} → eve`);
      expect(body).toContain(`${t2} → eve`);
      await cardOf(h, 'CEVE0001', t1);
      await cardOf(h, 'CEVE0001', t2);
      const roster = await agent(h, 'list', REQ);
      expect(roster).not.toContain('@devin');
      expect(trailActions(await ticket(h, `show ${t1}`))).toEqual(expect.arrayContaining(['unassigned', 'assigned']));
      expect(await agent(h, 'remove devin')).toContain('There is no agent `devin`');
      // with no one left who takes the type, they wait
      const t3 = await fileTicket(h, 'type:engineering assign:eve Remove probe three', REQ);
      await cardOf(h, 'CEVE0001', t3);
      const gone = await agent(h, 'remove eve');
      expect(gone).toContain(`${t3} → waiting`);
      expect(await listed('intake')).toEqual(expect.arrayContaining([t1, t2, t3]));
    });
  });

  describe('bad input', () => {
    const BAD: Array<{ command: '/ticket' | '/agent'; text: string; says: string[] }> = [
      { command: '/ticket', text: 'new priority:asap Server down', says: ['`priority:`', '`asap`', '`urgent`', '`high`', '`normal`', '`low`'] },
      { command: '/ticket', text: 'new escalate:soon Server down', says: ['`escalate:`', '`soon`', '`30m`'] },
      { command: '/ticket', text: 'new escalate:0m Server down', says: ['`escalate:`', 'longer than zero', '`0m`'] },
      { command: '/ticket', text: 'new escalate:30 Server down', says: ['`escalate:`', '`30`', 'needs a unit'] },
      { command: '/ticket', text: 'new type:Bad! Server down', says: ['`type:`', '`Bad!`', 'ticket type like'] },
      { command: '/ticket', text: 'new follows:nope Server down', says: ['`follows:`', '`nope`', '`T-2026-001`'] },
      { command: '/ticket', text: 'new follows:T-2026-998 Server down', says: ['There is no ticket `T-2026-998`'] },
      { command: '/ticket', text: 'new assign:ghost Server down', says: ['There is no agent `ghost`'] },
      { command: '/ticket', text: 'new handoff:ghost Server down', says: ['There is no agent `ghost`'] },
      { command: '/ticket', text: 'new priority:high', says: ['needs a title'] },
      { command: '/ticket', text: 'new priority:high priority:low Twice', says: ['`priority:`', 'more than once'] },
      { command: '/ticket', text: 'new customer:"acme Server down', says: ['`customer:`', 'quote'] },
      { command: '/ticket', text: `new ${'t'.repeat(201)}`, says: ['title', '201', '200'] },
      { command: '/ticket', text: 'frobnicate T-2026-001', says: ['`frobnicate`', '`new`', '`list`', '`help`'] },
      { command: '/ticket', text: 'resolve', says: ['`/ticket resolve` needs a ticket key'] },
      { command: '/ticket', text: 'resolve nope', says: ['`nope`', '`T-2026-001`'] },
      { command: '/ticket', text: 'next', says: ['`/ticket next` needs an agent'] },
      { command: '/agent', text: 'add ops skills:ops capacity:0', says: ['`capacity:`', '`0`', '1 to 100'] },
      { command: '/agent', text: 'add ops skills:ops capacity:lots', says: ['`capacity:`', '`lots`', '1 to 100'] },
      { command: '/agent', text: 'update iris capacity:100001', says: ['`capacity:`', '`100001`', '1 to 100000, or `unlimited`'] },
      { command: '/agent', text: 'add ops', says: ['needs `skills:`'] },
      { command: '/agent', text: 'add Ops! skills:ops', says: ['`Ops!`', 'handle'] },
      { command: '/agent', text: 'add ops skills:ops colour:blue', says: ['no option `colour:`', '`skills:`', '`capacity:`'] },
      { command: '/agent', text: 'add ops skills:ops channel:#ops', says: ['`channel:`', '`#ops`'] },
      { command: '/agent', text: 'add ops skills:ops user:@someone', says: ['`user:`', '`@someone`'] },
      { command: '/agent', text: 'add ops skills:ops escalates-to:ops', says: ['cannot escalate to itself'] },
      { command: '/agent', text: 'add ops skills:ops escalates-to:ghost capacity:0', says: ['`capacity:`', '`0`'] },
      { command: '/agent', text: `add ops skills:ops user:<@${IRIS}|iris>`, says: [`<@${IRIS}> is already the user of agent iris`] },
      { command: '/agent', text: 'add ops skills:ops escalates-to:<@UNOBODY01>', says: ['<@UNOBODY01> is not the user of any agent'] },
      { command: '/agent', text: 'busy iris for:3x', says: ['`for:`', '`3x`', '`30m`'] },
      { command: '/agent', text: 'busy iris until:25:00', says: ['`until:`', '`25:00`', '`17:30`'] },
      { command: '/agent', text: 'busy iris for:1h until:17:00', says: ['either `for:`', 'or `until:`'] },
      { command: '/agent', text: 'busy ghost', says: ['There is no agent `ghost`'] },
      { command: '/agent', text: 'frobnicate', says: ['`frobnicate`', '`add`', '`busy`'] },
    ];

    it('when commands get bad options or values, then each answer names the option, the value and what is allowed, and nothing changes', async () => {
      await outboxIdle(h);
      const snapshot = async () =>
        [await ticket(h, 'list intake'), await ticket(h, 'list active'), await ticket(h, 'list completed'), await agent(h, 'list', REQ)].join('\n');
      const before = await snapshot();
      const postsBefore = h.fake.posts().length;
      const createsBefore = h.fake.callsTo('conversations.create').length;
      for (const c of BAD) {
        const r = await h.slack.command(c.command, c.text, { user: ADMIN_USER });
        expect(r.status).toBe(200);
        expect(r.body.response_type).toBe('ephemeral');
        const body = json(r.body);
        expect(body, `${c.command} ${c.text}`).toContain(':warning:');
        for (const s of c.says) expect(body, `${c.command} ${c.text}`).toContain(s);
      }
      await outboxIdle(h);
      expect(await snapshot()).toBe(before);
      expect(h.fake.posts().length).toBe(postsBefore);
      expect(h.fake.callsTo('conversations.create').length).toBe(createsBefore);
    });
  });

  describe('health', () => {
    it('when GET /healthz is called, then it answers 200 {"ok":true,…}', async () => {
      const res = await fetch(`http://127.0.0.1:${h.baton.port}/healthz`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('application/json');
      const body = (await res.json()) as { ok: boolean; outbox?: { pending: number; failed: number } };
      expect(body.ok).toBe(true);
      expect(body.outbox).toEqual({ pending: expect.any(Number), failed: 0 });
    });
  });
});
