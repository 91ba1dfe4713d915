// Escalation that fits real teams, through signed Slack requests with the clock moved by hand: an agent
// outside its working hours is skipped and gets held work when its hours open; its tickets' escalation
// clock counts only its working time; waiting on the requester stops the clock until they reply; and
// ESCALATION_REPEAT walks the chain again before managers are told, once per level across two copies.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { addAgent as addAgentUseCase } from '../../src/app/agents.js';
import { user } from '../../src/core/permissions.js';
import { openDatabase } from '../../src/storage/db.js';
import { ADMIN_USER, startHarness, type Harness } from '../support/batonHarness.js';
import { E2E_KINDS, HAS_POSTGRES, openTestDatabase } from '../support/db.js';
import { ManualClock } from '../support/deps.js';
import { addAgent, agent, cardOf, json, keyIn, outboxIdle, showWhen, ticket, waitThreadPost } from '../support/e2eHelpers.js';

const REQ = 'UREQ0001';
const NORA = 'UNORA001';
const INTAKE = 'CINTAKE1';
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const kind of E2E_KINDS) describe(`working hours and waiting on the requester through Slack on ${kind}`, { shuffle: false }, () => {
  let h: Harness;
  // Friday 9 January 2026, 17:00 in Paris (16:00 UTC).
  const clock = new ManualClock('2026-01-09T16:00:00Z');
  const pings = (key: string) => h.fake.posts('COMAR001').filter((p) => json(p.args.blocks).includes('ticket_takeover') && json(p.args).includes(key));

  /** Move the clock once every message Baton committed has gone out (the outbox leases run on the same clock). */
  async function moveTo(iso: string) {
    await outboxIdle(h);
    clock.set(iso);
  }

  beforeAll(async () => {
    h = await startHarness(kind, { clock, env: { ESCALATION_CRON: '* * * * * *', INTAKE_CHANNELS: INTAKE, DEFAULT_TICKET_TYPE: 'billing' } });
    await addAgent(h, 'omar', 'skills:decision user:<@UOMAR001>', 'COMAR001');
    await addAgent(h, 'nora', 'skills:billing user:<@UNORA001> escalates-to:omar hours:"Mon-Fri 09:00-17:30" tz:Europe/Paris', 'CNORA001');
  }, 60_000);
  afterAll(async () => h?.close());

  it('when bad hours or zones are given, then each is refused with the allowed form and nothing changes', async () => {
    expect(await agent(h, 'update nora hours:9to5')).toContain('`hours:` takes days and a time range like `Mon-Fri 09:00-17:30`');
    expect(await agent(h, 'update nora tz:Paris')).toContain('`tz:` takes an IANA time zone such as `Europe/Paris`');
    const list = await agent(h, 'list');
    expect(list).toContain('hours: Mon-Fri 09:00-17:30 Europe/Paris');
    expect(list).toContain('hours: always');
  });

  it('when a ticket is assigned at 17:00 on Friday with escalate:1h, then its card says it is due on Monday at 09:30 Paris time', async () => {
    const body = await ticket(h, 'new type:billing escalate:1h Refund for ACME', REQ);
    expect(keyIn(body)).toBe('T-2026-001');
    const card = await cardOf(h, 'CNORA001', 'T-2026-001');
    expect(json(card.call.args.blocks)).toContain('due Mon 09:30 CET');
    expect(await ticket(h, 'show T-2026-001')).toContain('due Mon 09:30 CET');
  });

  it('when a ticket is filed at 18:00 on Friday, then nora is skipped with the reason and when she opens again', async () => {
    await moveTo('2026-01-09T17:00:00Z');
    const body = await ticket(h, 'new type:billing Printer invoice is jammed', REQ);
    expect(keyIn(body)).toBe('T-2026-002');
    expect(body).toContain('waits in intake');
    expect(body).toContain('nora is outside working hours until Mon 09:00 CET');
    expect(await agent(h, 'list')).toContain('outside working hours until Mon 09:00 CET');
  });

  it('when the weekend passes, then nothing escalates: the clock of her ticket is stopped outside her hours', async () => {
    await moveTo('2026-01-10T12:00:00Z');
    await pause(2500); // a few sweeps
    await moveTo('2026-01-12T07:59:00Z'); // Monday 08:59 in Paris
    await pause(2500);
    expect(pings('T-2026-001')).toHaveLength(0);
    expect(h.fake.posts('CNORA001').filter((p) => !p.args.thread_ts && json(p.args).includes('T-2026-002'))).toHaveLength(0);
  }, 20_000);

  it('when her hours open on Monday, then the sweep gives her the held ticket', async () => {
    await moveTo('2026-01-12T08:00:30Z');
    const card = await cardOf(h, 'CNORA001', 'T-2026-002', 8000);
    expect(json(card.call.args.blocks)).toContain('due Mon 13:00 CET');
    await showWhen(h, 'T-2026-002', 'assigned');
  }, 20_000);

  it('when her working hour has run (30 minutes on Friday, 30 on Monday), then T-2026-001 escalates to omar, not before', async () => {
    await moveTo('2026-01-12T08:29:00Z');
    await pause(2500);
    expect(pings('T-2026-001')).toHaveLength(0);
    await moveTo('2026-01-12T08:31:00Z');
    await h.fake.waitFor(() => pings('T-2026-001')[0], 8000, 'the ping of T-2026-001 to omar');
  }, 20_000);

  let originTs = '';
  it('when nora waits on the requester, then the question reaches the intake thread and the clock stops', async () => {
    await moveTo('2026-01-12T09:40:00Z'); // 10:40 in Paris
    const m = await h.slack.message({ channel: INTAKE, user: REQ, text: 'The invoice total is wrong' });
    originTs = m.ts;
    await waitThreadPost(h, INTAKE, originTs, 'T-2026-003');
    await cardOf(h, 'CNORA001', 'T-2026-003'); // normal priority: 4h, due 14:40 Paris time
    const answer = await ticket(h, 'wait T-2026-003 Which invoice number, and what total did you expect?', NORA);
    expect(answer).toContain('waits on its requester');
    const q = await waitThreadPost(h, INTAKE, originTs, 'Which invoice number');
    expect(json(q.args)).toContain(`<@${REQ}>`);
    const shown = await showWhen(h, 'T-2026-003', 'waiting on the requester');
    expect(shown).toContain('clock stopped, waiting on the requester');
  });

  it('when the original due time passes while it waits, then it does not escalate', async () => {
    await moveTo('2026-01-12T15:00:00Z'); // 16:00 in Paris, past 14:40
    await pause(2500);
    expect(pings('T-2026-003')).toHaveLength(0);
  }, 20_000);

  it('when the requester replies in the thread, then the clock runs again with the 4 hours it had left, in her hours', async () => {
    await h.slack.message({ channel: INTAKE, user: REQ, thread_ts: originTs, text: 'INV-42, it should be 120 EUR' });
    // 1h30 on Monday until 17:30, then 2h30 on Tuesday from 09:00.
    const shown = await showWhen(h, 'T-2026-003', 'due Tue 11:30 CET');
    expect(shown).toContain('requester replied, clock resumed');
    await waitThreadPost(h, 'CNORA001', (await cardOf(h, 'CNORA001', 'T-2026-003')).ts, 'The requester replied');
    await moveTo('2026-01-13T10:29:00Z');
    await pause(2500);
    expect(pings('T-2026-003')).toHaveLength(0);
    await moveTo('2026-01-13T10:31:00Z');
    await h.fake.waitFor(() => pings('T-2026-003')[0], 8000, 'the ping of T-2026-003 to omar');
  }, 30_000);

  it('when nora waits again and resumes herself with @baton resume, then the clock runs again', async () => {
    const home = await cardOf(h, 'CNORA001', 'T-2026-003');
    expect(await ticket(h, 'wait T-2026-003', NORA)).toContain('waits on its requester');
    const resumed = (body: string) => body.split('clock resumed').length - 1;
    const before = resumed(await ticket(h, 'show T-2026-003', 'UOBSERVER'));
    await h.slack.message({ channel: 'CNORA001', user: NORA, thread_ts: home.ts, text: '<@UBATON> resume' });
    // The trail holds one more "clock resumed" (the requester's reply in the test before resumed it once).
    await vi.waitFor(async () => expect(resumed(await ticket(h, 'show T-2026-003', 'UOBSERVER'))).toBe(before + 1), { timeout: 5000, interval: 50 });
    expect(await ticket(h, 'resume T-2026-003', NORA)).toContain('is not waiting on its requester');
  });
});

describe.skipIf(!HAS_POSTGRES)('ESCALATION_REPEAT=1 with two copies of Baton on one PostgreSQL', () => {
  let a: Harness;
  let b: Harness;
  const clock = new ManualClock('2026-03-02T09:00:00Z');

  beforeAll(async () => {
    const db = await openTestDatabase('postgres');
    const second = await openDatabase({ databaseUrl: db.url, migrate: false });
    const env = { ESCALATION_CRON: '* * * * * *', ESCALATION_REPEAT: '1' };
    a = await startHarness('postgres', { database: db, clock, env });
    b = await startHarness('postgres', { database: second, clock, fake: a.fake, env });
  }, 60_000);
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('walks the chain twice (bob, cy, bob, cy), then tells the managers once; each step once across both copies', async () => {
    const deps = a.baton.deps;
    const admin = user(ADMIN_USER);
    await addAgentUseCase(deps, admin, { handle: 'cy', skills: ['other'], channel: 'CCY00001' });
    await addAgentUseCase(deps, admin, { handle: 'bob', skills: ['other'], channel: 'CBOB0001', escalatesTo: { handle: 'cy' } });
    await addAgentUseCase(deps, admin, { handle: 'ann', skills: ['ops'], channel: 'CANN0001', capacity: 100, escalatesTo: { handle: 'bob' } });
    await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? b : a).slack.command('/ticket', `new type:ops escalate:1m Outage ${i}`, { user: REQ })));
    await a.fake.waitFor(() => a.fake.posts('CANN0001').length >= 10 || undefined, 20_000);
    for (let level = 1; level <= 5; level++) {
      await outboxIdle(a);
      clock.advance(61_000);
      await expect
        .poll(
          async () =>
            Number(
              (await a.baton.database.rows<{ n: number }>(a.baton.database.db, sql`select count(*)::int as n from tickets where type = 'ops' and escalation_level >= ${level}`))[0]!.n,
            ),
          { timeout: 15_000 },
        )
        .toBe(10);
    }
    await pause(2500); // more sweeps by both copies: nothing further happens
    const events = await a.baton.database.rows<{ key: string; steps: string; exhausted: number }>(
      a.baton.database.db,
      sql`select ticket_key as key,
                 string_agg(case when action = 'escalated' then data->>'to' end, ',' order by (data->>'level')::int) as steps,
                 count(*) filter (where action = 'escalation_exhausted')::int as exhausted
          from audit_events where action in ('escalated', 'escalation_exhausted') group by ticket_key`,
    );
    expect(events).toHaveLength(10);
    for (const e of events) {
      expect(e.steps).toBe('bob,cy,bob,cy');
      expect(Number(e.exhausted)).toBe(1);
    }
    const levelsSeen = await a.baton.database.rows<{ key: string; n: number; d: number }>(
      a.baton.database.db,
      sql`select ticket_key as key, count(*)::int as n, count(distinct data->>'level')::int as d from audit_events
          where action in ('escalated', 'escalation_exhausted') group by ticket_key`,
    );
    expect(levelsSeen.every((r) => Number(r.n) === 5 && Number(r.d) === 5)).toBe(true);
    await outboxIdle(a);
    expect(a.fake.posts('CBOB0001').filter((p) => json(p.args.blocks).includes('ticket_takeover'))).toHaveLength(20);
    expect(a.fake.posts('CCY00001').filter((p) => json(p.args.blocks).includes('ticket_takeover'))).toHaveLength(20);
  }, 120_000);
});
