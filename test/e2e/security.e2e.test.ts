// Security through Slack: request signatures, the permission matrix, and text that must never ping or link.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_KINDS } from '../support/db.js';
import { ADMIN_USER, SIGNING_SECRET, startHarness, type Harness } from '../support/batonHarness.js';
import { signSlackRequest } from '../support/slackRequests.js';
import {
  addAgent,
  agent,
  bodyOf,
  cardOf,
  fileTicket,
  json,
  keyIn,
  outboxIdle,
  showWhen,
  slackEscape,
  ticket,
  threadPosts,
  trailActions,
  unescapedCalls,
} from '../support/e2eHelpers.js';
import { DEVIN, FELIX, INTAKE, IRIS, OTHER, REQ } from '../support/cast.js';

describe.each(E2E_KINDS)('security on %s', (kind) => {
  describe('request signatures', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness(kind, { env: { INTAKE_CHANNELS: INTAKE } });
    });
    afterAll(async () => h?.close());

    const BAD = [
      ['a bad signature', { badSignature: true }],
      ['a missing signature', { unsigned: true }],
      ['a timestamp older than five minutes', { ageSeconds: 6 * 60 }],
      ['a signature made with another secret', { secret: 'not-the-secret' }],
    ] as const;

    for (const [what, opts] of BAD) {
      it(`when a slash command, an event, an action and a modal submission come with ${what}, then each is refused with 401`, async () => {
        const cmd = await h.slack.command('/ticket', 'new priority:urgent Forged ticket', { user: ADMIN_USER, ...opts });
        expect(cmd.status).toBe(401);
        const roster = await h.slack.command('/agent', 'add forged skills:support channel:<#CFORGED1|x>', { user: ADMIN_USER, ...opts });
        expect(roster.status).toBe(401);
        const ev = await h.slack.message({ channel: INTAKE, user: REQ, text: 'Forged intake message' }, opts);
        expect(ev.status).toBe(401);
        const act = await h.slack.action({ actionId: 'ticket_resolve', value: 'T-2026-001', user: ADMIN_USER, ...opts });
        expect(act.status).toBe(401);
        const view = await h.slack.viewSubmission({ callbackId: 'ticket_new', user: ADMIN_USER, values: { new_title: { title: 'Forged modal' } }, ...opts });
        expect(view.status).toBe(401);
      });
    }

    it('when a signature belongs to another body, then the request is refused with 401', async () => {
      const body = new URLSearchParams({ command: '/ticket', text: 'new Tampered', user_id: ADMIN_USER, channel_id: 'C_GENERAL', team_id: 'T0TEAM', trigger_id: '1.2.3', response_url: h.fake.responseUrl() }).toString();
      const headers = signSlackRequest(SIGNING_SECRET, body.replace('Tampered', 'Original'));
      const r = await h.slack.raw(body, { ...headers }, { unsigned: true });
      expect(r.status).toBe(401);
      const ts = String(Math.floor(Date.now() / 1000));
      const garbage = await h.slack.raw(body, { 'x-slack-signature': 'v0=deadbeef', 'x-slack-request-timestamp': ts }, { unsigned: true });
      expect(garbage.status).toBe(401);
      const notANumber = await h.slack.raw(body, { 'x-slack-signature': signSlackRequest(SIGNING_SECRET, body)['x-slack-signature'], 'x-slack-request-timestamp': 'yesterday' }, { unsigned: true });
      expect(notANumber.status).toBe(401);
    });

    it('when refused requests have come in, then nothing was stored and nothing was sent', async () => {
      for (const q of ['intake', 'active', 'completed']) expect(await ticket(h, `list ${q}`)).toContain('No tickets');
      expect(await agent(h, 'list', REQ)).toContain('No agents yet');
      expect(h.fake.posts()).toEqual([]);
      expect(h.fake.callsTo('chat.postEphemeral')).toEqual([]);
      expect(h.fake.callsTo('views.open')).toEqual([]);
      expect(h.fake.callsTo('conversations.create')).toEqual([]);
      expect(h.fake.responses).toEqual([]);
      // and a correctly signed request still works
      expect(await ticket(h, 'new Genuine ticket')).toContain('Filed');
    });
  });

  describe('permissions', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness(kind, { env: { INTAKE_CHANNELS: INTAKE } });
      await addAgent(h, 'felix', `skills:decision user:<@${FELIX}|felix> capacity:50`, 'CFELIX01');
      await addAgent(h, 'devin', `skills:engineering user:<@${DEVIN}> capacity:50`, 'CDEVIN01');
      await addAgent(h, 'iris', `skills:support user:<@${IRIS}> escalates-to:felix capacity:50`, 'CIRIS001');
    });
    afterAll(async () => h?.close());

    it('when a non-admin runs /agent add, update or remove, then each is refused with the reason and nothing changes', async () => {
      const rosterBefore = await agent(h, 'list', OTHER);
      for (const text of ['add mallory skills:support channel:<#CMAL0001|x>', 'add mallory skills:support', 'update iris capacity:1', 'update iris skills:billing', 'remove iris', 'remove felix']) {
        for (const who of [OTHER, IRIS]) {
          const body = await agent(h, text, who);
          expect(body).toContain('Only Baton admins (`ADMIN_USER_IDS`) can change the roster.');
        }
      }
      expect(await agent(h, 'list', OTHER)).toBe(rosterBefore);
      expect(h.fake.callsTo('conversations.create')).toEqual([]);
    });

    it("when someone other than the agent's user or an admin runs /agent busy or available, then it is refused with the reason", async () => {
      for (const text of ['busy iris', 'busy iris for:2h dentist', 'busy iris until:17:00', 'available iris', 'busy devin']) {
        const body = await agent(h, text, OTHER);
        expect(body).toMatch(/Only (iris|devin)'s own user or an admin can set its availability\./);
      }
      expect(await agent(h, 'busy iris for:1h', DEVIN)).toContain("Only iris's own user or an admin");
      expect(await agent(h, 'list', OTHER)).not.toContain('busy');
    });

    it("when the agent's own user or an admin runs /agent busy and available, then it is allowed", async () => {
      expect(await agent(h, 'busy iris for:1h lunch', IRIS)).toContain('is busy');
      expect(await agent(h, 'list', OTHER)).toContain('lunch');
      expect(await agent(h, 'available iris', IRIS)).toContain('is available');
      expect(await agent(h, 'busy iris', ADMIN_USER)).toContain('is busy');
      expect(await agent(h, 'available iris', ADMIN_USER)).toContain('is available');
      expect(await agent(h, 'list', OTHER)).not.toContain('busy');
    });

    /** A fresh ticket filed by REQ, assigned to iris (and, for reopen, resolved). */
    async function prepared(action: string): Promise<string> {
      const key = await fileTicket(h, `type:support Permission probe for ${action}`, REQ);
      await cardOf(h, 'CIRIS001', key);
      if (action === 'reopen') expect(await ticket(h, `resolve ${key} done`, ADMIN_USER)).toContain('Resolved');
      return key;
    }

    const ACTIONS: Array<{ action: string; cmd: (key: string) => string; ok: RegExp; trail: string }> = [
      { action: 'resolve', cmd: (k) => `resolve ${k} all done`, ok: /Resolved/, trail: 'resolved' },
      { action: 'handoff', cmd: (k) => `handoff ${k} devin needs code`, ok: /Handed .* off to @devin/, trail: 'handed_off' },
      { action: 'escalate', cmd: (k) => `escalate ${k} too slow`, ok: /Escalated .* to @felix/, trail: 'escalated' },
      { action: 'reopen', cmd: (k) => `reopen ${k} still broken`, ok: /Reopened/, trail: 'reopened' },
      { action: 'assign', cmd: (k) => `assign ${k} devin`, ok: /is now with @devin/, trail: 'reassigned' },
    ];

    for (const a of ACTIONS) {
      it(`when someone other than the assignee's user, the requester or an admin tries to ${a.action}, then it is refused with the reason and nothing changes`, async () => {
        const key = await prepared(a.action);
        await outboxIdle(h);
        const before = await ticket(h, `show ${key}`, OTHER);
        const postsBefore = h.fake.posts().length;
        for (const who of [OTHER, DEVIN, FELIX]) {
          const body = await ticket(h, a.cmd(key), who);
          expect(body).toContain(`You can't ${a.action === 'handoff' ? 'hand off' : a.action} ${key}: only its assignee (iris), its requester or an admin can.`);
        }
        await outboxIdle(h);
        expect(await ticket(h, `show ${key}`, OTHER)).toBe(before);
        expect(h.fake.posts().length).toBe(postsBefore);
      });

      for (const [role, who] of [['assignee’s user', IRIS], ['requester', REQ], ['admin', ADMIN_USER]] as const) {
        it(`when the ${role} tries to ${a.action}, then it is allowed`, async () => {
          const key = await prepared(a.action);
          const body = await ticket(h, a.cmd(key), who);
          expect(body).toMatch(a.ok);
          expect(trailActions(await ticket(h, `show ${key}`, OTHER))).toContain(a.trail);
        });
      }
    }

    it('when someone else presses a card button or uses a thread verb, then it is refused ephemerally and nothing changes', async () => {
      const key = await prepared('buttons');
      const { ts: homeTs } = await cardOf(h, 'CIRIS001', key);
      const before = await ticket(h, `show ${key}`, OTHER);
      for (const actionId of ['ticket_accept', 'ticket_resolve', 'ticket_escalate']) {
        const r = await h.slack.action({ actionId, value: key, user: OTHER, channel: 'CIRIS001', messageTs: homeTs });
        expect(r.status).toBe(200);
      }
      const answers = await h.fake.waitFor(() => {
        const mine = h.fake.responses.filter((x) => x.user === OTHER && json(x.body).includes(key));
        return mine.length >= 3 ? mine : undefined;
      });
      for (const a of answers) {
        expect(json(a.body)).toMatch(/You can't (accept|resolve|escalate)/);
        expect(a.body.response_type).toBe('ephemeral');
      }
      await outboxIdle(h);
      expect(await ticket(h, `show ${key}`, OTHER)).toBe(before);
    });

    it('when anyone files, shows and lists, then it is allowed', async () => {
      const key = await fileTicket(h, 'type:support Anyone may file', OTHER);
      expect(await ticket(h, `show ${key}`, 'URANDOM01')).toContain('Anyone may file');
      expect(await ticket(h, 'list active', 'URANDOM01')).toContain(key);
      expect(await ticket(h, 'list iris', 'URANDOM01')).toContain(key);
      expect(await agent(h, 'list', 'URANDOM01')).toContain('@iris');
    });
  });

  describe('safe text', () => {
    let h: Harness;
    const acks: string[] = [];
    const cmd = async (command: '/ticket' | '/agent', text: string, user = REQ) => {
      const r = await h.slack.command(command, text, { user });
      acks.push(bodyOf(r));
      return bodyOf(r);
    };

    // What people type, and how Slack sends it in a slash command's text: typed `<`, `>`, `&` arrive
    // escaped, while picked mentions, broadcasts and links arrive as real `<…>` tokens.
    const typed = ['<!channel>', '<!here>', '<!everyone>', '<!subteam^S123>', '<@U999>', '<https://evil.example|x>'];
    const asSlackSends = ['<!channel>', '<!here|here>', '<!everyone>', '<!subteam^S123|@oncall>', '<@U999|mallory>', '<https://evil.example|x>'];
    const typedEscaped = typed.map(slackEscape).join(' ');
    const real = asSlackSends.join(' ');

    beforeAll(async () => {
      h = await startHarness(kind, { env: { INTAKE_CHANNELS: INTAKE, DEFAULT_TICKET_TYPE: 'support' } });
      await addAgent(h, 'felix', `skills:decision user:<@${FELIX}|felix>`, 'CFELIX01');
      await addAgent(h, 'devin', `skills:engineering user:<@${DEVIN}>`, 'CDEVIN01');
      await addAgent(h, 'iris', `skills:support user:<@${IRIS}> escalates-to:felix capacity:20`, 'CIRIS001');
    });
    afterAll(async () => h?.close());

    for (const [form, payload] of [['typed (Slack-escaped)', typedEscaped], ['real mention tokens', real]] as const) {
      it(`when a title, a context value, notes and a busy reason carry ${form} broadcasts, mentions and links, then they reach Slack escaped`, async () => {
        const body = await cmd('/ticket', `new type:support customer:${payload.split(' ')[0]} link:${payload.split(' ').at(-1)} who:${payload.split(' ')[4]} Title ${payload} @channel`);
        const key = keyIn(body);
        const { ts: homeTs, call: card } = await cardOf(h, 'CIRIS001', key);
        expect(json(card.args)).toContain('&lt;!channel&gt;');
        expect(json(card.args)).toContain('&lt;@U999');
        await cmd('/ticket', `escalate ${key} escalation note ${payload}`, IRIS);
        await h.fake.waitFor(() => h.fake.posts('CFELIX01').find((p) => json(p.args).includes(key) && json(p.args).includes('escalation note')));
        await cmd('/ticket', `handoff ${key} devin handoff note ${payload}`, IRIS);
        await h.fake.waitFor(() => h.fake.posts('CDEVIN01').find((p) => json(p.args).includes('handoff note')));
        await h.slack.message({ channel: 'CIRIS001', user: IRIS, thread_ts: homeTs, text: `comment ${real}` });
        await showWhen(h, key, 'comment');
        await cmd('/ticket', `resolve ${key} force resolution note ${payload}`, IRIS); // its handoff is still open: closed with it
        await h.fake.waitFor(() => h.fake.posts(REQ).find((p) => json(p.args).includes('resolution note')));
        await cmd('/ticket', `show ${key}`);
        await cmd('/ticket', 'list completed');
        await cmd('/ticket', 'list mine');

        await cmd('/agent', `busy iris for:1h reason ${payload}`, IRIS);
        await cmd('/agent', 'list');
        const held = keyIn(await cmd('/ticket', 'new type:support Waits for iris'));
        await cmd('/ticket', `show ${held}`);
        const m = await h.slack.message({ channel: INTAKE, user: REQ, text: `Intake ${real}\nmore ${real}` });
        const reply = await h.fake.waitFor(() => threadPosts(h, INTAKE, m.ts)[0]);
        expect(json(reply.args)).toContain('reason &lt;'); // the busy reason, escaped, in the hold reason
        await cmd('/agent', 'available iris', IRIS);
        await outboxIdle(h);

        expect(unescapedCalls(h)).toEqual([]);
        for (const a of acks) expect(a).not.toMatch(/<!|<@U999|<https:\/\/evil/);
        // a bare @channel typed as text is defused too
        expect(json(card.args)).not.toMatch(/@channel/);
      });
    }

    it('when a modal and a handoff form carry broadcasts and links, then they reach Slack escaped', async () => {
      await h.slack.command('/ticket', 'new', { user: REQ });
      await h.fake.waitFor(() => h.fake.findView('ticket_new'));
      const r = await h.slack.viewSubmission({
        callbackId: 'ticket_new',
        user: REQ,
        values: {
          new_title: { title: `Modal ${typed.join(' ')}` },
          new_description: { description: `desc ${typed.join(' ')}` },
          new_type: { type: 'support' },
          new_context: { context: `customer: ${typed.join(' ')}` },
        },
      });
      expect(r.status).toBe(200);
      acks.push(json(r.body));
      const key = keyIn(json(r.body));
      const { ts: homeTs } = await cardOf(h, 'CIRIS001', key);
      await h.slack.action({ actionId: 'ticket_handoff', value: key, user: IRIS, channel: 'CIRIS001', messageTs: homeTs });
      await h.fake.waitFor(() => h.fake.findView('ticket_handoff'));
      const hr = await h.slack.viewSubmission({ callbackId: 'ticket_handoff', user: IRIS, values: { handoff_agent: { agent: 'devin' }, handoff_note: { note: `modal note ${typed.join(' ')}` } } });
      acks.push(json(hr.body));
      await h.fake.waitFor(() => h.fake.posts('CDEVIN01').find((p) => json(p.args).includes('modal note')));
      await outboxIdle(h);
      expect(unescapedCalls(h)).toEqual([]);
      for (const a of acks) expect(a).not.toMatch(/<!|<@U999|<https:\/\/evil/);
    });
  });
});
