import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { addAgent } from '../../src/app/agents.js';
import { fileTicket } from '../../src/app/fileTicket.js';
import { user } from '../../src/core/permissions.js';
import { openDatabase } from '../../src/storage/db.js';
import { E2E_KINDS, HAS_POSTGRES, openTestDatabase } from '../support/db.js';
import { ADMIN_USER, startHarness, type Harness } from '../support/batonHarness.js';
import { ManualClock } from '../support/deps.js';
import { outboxIdle } from '../support/e2eHelpers.js';

const json = (x: unknown) => JSON.stringify(x);

// A story (T-2026-001 escalates, Felix takes it over, T-2026-002 waits for him): the tests run in the order written.
for (const kind of E2E_KINDS) describe(`escalation and holds through Slack on ${kind}`, { shuffle: false }, () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness(kind, { env: { ESCALATION_CRON: '* * * * * *' } });
    await h.slack.command('/agent', 'add felix skills:decision channel:<#CFELIX01|agent-felix> user:<@UFELIX01>', { user: ADMIN_USER });
    await h.slack.command('/agent', 'add iris skills:support channel:<#CIRIS001|agent-iris> user:<@UIRIS001> escalates-to:felix', { user: ADMIN_USER });
  });
  afterAll(async () => h?.close());

  it('when a ticket with escalate:2s goes stale, then Felix is pinged once with a take-over button, the managers see it, and the home thread says so', async () => {
    const r = await h.slack.command('/ticket', 'new type:support escalate:2s Customer waiting on a reply', { user: 'UREQ0001' });
    expect(json(r.body)).toContain('T-2026-001');
    const card = await h.fake.waitFor(() => h.fake.posts('CIRIS001')[0]);
    const homeTs = (card.response as { ts: string }).ts;
    const ping = await h.fake.waitFor(() => h.fake.posts('CFELIX01').find((p) => json(p.args.blocks).includes('ticket_takeover')), 8000);
    expect(json(ping.args.blocks)).toContain('T-2026-001');
    await h.fake.waitFor(() => h.fake.posts('CESCALATE')[0], 5000);
    await h.fake.waitFor(() => h.fake.posts('CIRIS001').find((p) => p.args.thread_ts === homeTs && json(p.args).includes('felix')), 5000);
    // Level 2 finds the chain exhausted (Felix is the end): managers are told once, Felix is not pinged again.
    await h.fake.waitFor(() => h.fake.posts('CESCALATE').length >= 2 || undefined, 8000);
    await new Promise((r) => setTimeout(r, 2500));
    expect(h.fake.posts('CFELIX01').filter((p) => json(p.args.blocks).includes('ticket_takeover'))).toHaveLength(1);
    expect(h.fake.posts('CESCALATE')).toHaveLength(2);
  }, 30_000);

  it('when Felix presses take over, then he becomes the assignee with a new home card', async () => {
    const r = await h.slack.action({ actionId: 'ticket_takeover', value: 'T-2026-001', user: 'UFELIX01', channel: 'CFELIX01' });
    expect(r.status).toBe(200);
    const card = await h.fake.waitFor(() => h.fake.posts('CFELIX01').find((p) => json(p.args.blocks).includes('ticket_resolve')));
    expect(json(card.args.blocks)).toContain('T-2026-001');
    const shown = await h.slack.command('/ticket', 'show T-2026-001', { user: 'UREQ0001' });
    expect(json(shown.body)).toContain('*taken over*');
    // The ping loses its Take over button.
    const ping = h.fake.posts('CFELIX01').find((p) => json(p.args.blocks).includes('ticket_takeover'))!;
    const update = await h.fake.waitFor(() => h.fake.callsTo('chat.update').find((c) => c.args.ts === (ping.response as { ts: string }).ts));
    expect(json(update.args.blocks)).not.toContain('ticket_takeover');
    expect(json(update.args.blocks)).toContain('taken over by @felix');
    const again = await h.slack.action({ actionId: 'ticket_takeover', value: 'T-2026-001', user: 'UFELIX01', channel: 'CFELIX01', messageTs: (ping.response as { ts: string }).ts });
    expect(again.status).toBe(200);
    await h.fake.waitFor(() => h.fake.responses.find((r) => json(r.body).includes('already with felix')));
  });

  it('when Felix is busy for a strategy session, then a decision waits in intake with the reason, and /agent available assigns it', async () => {
    const busy = await h.slack.command('/agent', 'busy felix for:3h strategy session', { user: 'UFELIX01' });
    expect(json(busy.body)).toContain('busy');
    const filed = await h.slack.command('/ticket', 'new type:decision Approve the Q3 pricing change', { user: 'UREQ0001' });
    expect(json(filed.body)).toContain('waits in intake');
    expect(json(filed.body)).toContain('strategy session');
    const avail = await h.slack.command('/agent', 'available felix', { user: 'UFELIX01' });
    expect(json(avail.body)).toContain('T-2026-002');
    await h.fake.waitFor(() => h.fake.posts('CFELIX01').find((p) => json(p.args.blocks).includes('Approve the Q3 pricing change')));
  });
});

describe.skipIf(!HAS_POSTGRES)('two copies of Baton on one PostgreSQL', () => {
  let a: Harness;
  let b: Harness;
  const clock = new ManualClock(new Date('2026-03-02T09:00:00Z'));

  beforeAll(async () => {
    const db = await openTestDatabase('postgres');
    const second = await openDatabase({ databaseUrl: db.url, migrate: false });
    a = await startHarness('postgres', { database: db, clock, env: { ESCALATION_CRON: '* * * * * *' } });
    b = await startHarness('postgres', { database: second, clock, fake: a.fake, env: { ESCALATION_CRON: '* * * * * *' } });
  }, 60_000);
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('when 60 tickets fall due at once, then each is escalated once and each held ticket is assigned once', async () => {
    const deps = a.baton.deps;
    const admin = user(ADMIN_USER);
    await addAgent(deps, admin, { handle: 'felix', skills: ['decision'], channel: 'CFELIX01' });
    await addAgent(deps, admin, { handle: 'iris', skills: ['support'], channel: 'CIRIS001', capacity: 100, escalatesTo: { handle: 'felix' } });
    // Half the filings through each copy, concurrently.
    await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        (i % 2 ? b : a).slack.command('/ticket', `new type:support escalate:1m Ticket number ${i}`, { user: 'UREQ0001' }),
      ),
    );
    await a.fake.waitFor(() => a.fake.posts('CIRIS001').length >= 60 || undefined, 20_000);
    // Let both workers finish marking rows sent before the clock jumps past their leases.
    await outboxIdle(a);
    clock.advance(61_000);
    await a.fake.waitFor(() => (a.fake.posts('CFELIX01').length >= 60 ? true : undefined), 20_000);
    await new Promise((r) => setTimeout(r, 2500)); // a few more sweeps by both copies
    const rows = await a.baton.database.rows<{ key: string; n: number }>(
      a.baton.database.db,
      sql`select ticket_key as key, count(*)::int as n from audit_events where action = 'escalated' group by ticket_key`,
    );
    expect(rows).toHaveLength(60);
    expect(rows.every((r) => Number(r.n) === 1)).toBe(true);
    const felixPosts = a.fake.posts('CFELIX01');
    expect(felixPosts).toHaveLength(60);
    const keys = new Set(a.fake.posts('CIRIS001').filter((p) => !p.args.thread_ts).map((p) => json(p.args.blocks).match(/T-2026-\d+/)?.[0]));
    expect(keys.size).toBe(60);
    expect(a.fake.posts('CIRIS001').filter((p) => !p.args.thread_ts)).toHaveLength(60);
  }, 60_000);

  it('when two agents free up at once through different copies, then every held ticket is assigned exactly once', async () => {
    const deps = a.baton.deps;
    const admin = user(ADMIN_USER);
    for (const [handle, ch] of [['ana', 'CANA0001'], ['bob', 'CBOB0001']] as const) {
      await addAgent(deps, admin, { handle, skills: ['ops'], channel: ch, capacity: 15 });
      await a.slack.command('/agent', `busy ${handle} offsite`, { user: ADMIN_USER });
    }
    for (let i = 0; i < 20; i++) await fileTicket(deps, user('UREQ0001'), { type: 'ops', context: {}, handoff: [], title: `Held ${i}`, description: `Held ${i}` });
    await Promise.all([
      a.slack.command('/agent', 'available ana', { user: ADMIN_USER }),
      b.slack.command('/agent', 'available bob', { user: ADMIN_USER }),
    ]);
    // Under load a command is acknowledged ("working on it") before its transaction commits: wait for both.
    const assignedRows = () =>
      a.baton.database.rows<{ key: string; n: number }>(
        a.baton.database.db,
        sql`select ticket_key as key, count(*)::int as n from audit_events where action = 'assigned' and data->>'agent' in ('ana', 'bob') group by ticket_key`,
      );
    await expect.poll(async () => (await assignedRows()).length, { timeout: 15_000 }).toBe(20);
    const assigned = await assignedRows();
    expect(assigned).toHaveLength(20);
    expect(assigned.every((r) => Number(r.n) === 1)).toBe(true);
    await a.fake.waitFor(() => (a.fake.posts('CANA0001').length + a.fake.posts('CBOB0001').length >= 20 ? true : undefined), 10_000);
    const cards = [...a.fake.posts('CANA0001'), ...a.fake.posts('CBOB0001')].filter((p) => !p.args.thread_ts);
    expect(cards).toHaveLength(20);
    expect(new Set(cards.map((p) => json(p.args.blocks).match(/T-2026-\d+/)?.[0])).size).toBe(20);
  }, 30_000);
});
