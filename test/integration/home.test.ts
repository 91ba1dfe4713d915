// App Home at a real team's size: 300 tickets and 40 agents stay within Slack's limits for a Home view
// (checked by the same helper the fake Slack Web API uses), the long lists are cut with "and N more",
// and the figures agree with what happened. Every database.
import { describe, expect, it } from 'vitest';
import { addAgent } from '../../src/app/agents.js';
import { fileTicket } from '../../src/app/fileTicket.js';
import { dayBoundaries, homeOf } from '../../src/app/home.js';
import { acceptTicket, resolveTicket } from '../../src/app/ticketActions.js';
import { user } from '../../src/core/permissions.js';
import { LIMITS } from '../../src/core/types.js';
import { homeView, loadBar, sparkline } from '../../src/slack/blocks/home.js';
import { viewErrors } from '../../fake-slack/blockLimits.js';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../src/storage/db.js';
import { DB_KINDS } from '../support/db.js';
import { ADMIN, makeDeps, ManualClock, useCaseBed } from '../support/deps.js';
import { input } from '../support/inspect.js';

const admin = user(ADMIN);
const HOUR = 3600_000;

describe('App Home builders', () => {
  it('draws load as a bar and counts as a sparkline', () => {
    expect(loadBar(3, 5)).toBe('███░░ 3/5');
    expect(loadBar(0, 2)).toBe('░░░░░ 0/2');
    expect(loadBar(7, 5)).toBe('█████ 7/5');
    expect(sparkline([0, 1, 2, 4, 8])).toBe('▁▂▃▅█');
    expect(sparkline([0, 0, 0])).toBe('▁▁▁');
  });

  it('counts days in the configured zone: fourteen local days, the last one today', () => {
    const now = new Date('2026-03-30T10:00:00Z'); // the day after Europe/Paris moved to summer time
    const days = dayBoundaries(now, 'Europe/Paris', 14);
    expect(days).toHaveLength(15);
    expect(days[13]!.toISOString()).toBe('2026-03-29T22:00:00.000Z');
    expect(days[12]!.toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(days[14]!.getTime()).toBe(now.getTime() + 1);
  });
});

describe.each(DB_KINDS)('App Home with 300 tickets and 40 agents on %s', (kind) => {
  let clock: ManualClock;
  let deps: ReturnType<typeof makeDeps>;
  useCaseBed(kind, { per: 'block' }, (bed) => ({ clock, deps } = bed));

  it('stays within the Home limits, cuts every long list with a pointer, and its figures agree with what happened', async () => {
    const long = (i: number) => `${i} ${'A title as long as Slack users write them, with <b>markup</b> & *stars* '.repeat(4)}`.slice(0, LIMITS.title);
    for (let i = 0; i < 40; i++) {
      await addAgent(deps, admin, {
        handle: `agent${String(i).padStart(2, '0')}`,
        skills: ['support'],
        channel: `CAG${String(i).padStart(4, '0')}`,
        user: i === 0 ? ADMIN : `UAG${String(i).padStart(4, '0')}`,
        capacity: i === 0 ? 50 : 5,
      });
    }
    const keys: string[] = [];
    const legal = new Set<string>();
    for (let day = 0; day < 12; day++) {
      // filed over the last days, 25 at a time; legal tickets have no agent and are held
      clock.advance(20 * HOUR);
      const filed = await Promise.all(
        Array.from({ length: 25 }, (_, k) => day * 25 + k).map((i) => fileTicket(deps, admin, input(long(i), { type: i % 6 === 0 ? 'legal' : 'support' }))),
      );
      keys.push(...filed.map((f) => f.ticket.key));
      for (const f of filed) if (f.ticket.type === 'legal') legal.add(f.ticket.key);
    }
    keys.sort();
    let resolved = 0;
    for (const k of keys.slice(1, 60)) {
      const r = await resolveTicket(deps, admin, k, 'done').catch(() => null);
      if (r) {
        resolved++;
        legal.delete(k);
      }
    }
    await acceptTicket(deps, admin, keys[61]!).catch(() => undefined);

    const data = await homeOf(deps, ADMIN);
    const view = homeView(data, { now: clock.now(), timeZone: 'UTC' });
    expect(viewErrors(view)).toEqual([]);
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    const text = JSON.stringify(view.blocks);
    for (const part of ['Your work', 'Filed by you', 'Team (40)', 'Queues']) expect(text).toContain(part);
    // every cut list says how many more there are and where to see them
    expect(text).toMatch(/and \d+ more: `\/ticket list agent00`/);
    expect(text).toMatch(/and \d+ more: `\/ticket list mine`/);
    expect(text).toMatch(/and \d+ more: `\/ticket list intake`/);
    // user text is escaped
    expect(text).not.toContain('<b>');
    expect(text).toContain('&lt;b&gt;');

    const f = data.queues!.figures;
    expect(f.week.filed).toBe(keys.length - (await countOlderThanWeek()));
    expect(f.week.resolved).toBe(resolved);
    expect(f.held).toBeGreaterThanOrEqual(legal.size); // at least the legal tickets not resolved: no agent takes them
    expect(legal.size).toBeGreaterThan(30);
    expect(f.filedPerDay).toHaveLength(14);
    expect(f.filedPerDay.reduce((a, b) => a + b, 0)).toBe(300);
    expect(f.resolvedPerDay.reduce((a, b) => a + b, 0)).toBe(resolved);
    expect(data.team!.find((a) => a.handle === 'agent00')!.active).toBeGreaterThan(0);

    // a plain requester's Home has none of the admin's parts
    const plain = homeView(await homeOf(deps, 'UPLAIN001'), { now: clock.now(), timeZone: 'UTC' });
    expect(viewErrors(plain)).toEqual([]);
    expect(JSON.stringify(plain.blocks)).not.toMatch(/Team \(|Queues|Your work/);
  }, 90_000);

  async function countOlderThanWeek(): Promise<number> {
    const [r] = await rowsOf<{ n: number }>(deps.database.db, sql`select count(*)::int as n from tickets where created_at < ${new Date(clock.now().getTime() - 7 * 86_400_000).toISOString()}::timestamptz`);
    return Number(r?.n ?? 0);
  }
});

describe.each(DB_KINDS)('App Home: held work and agent health on %s', (kind) => {
  let deps: ReturnType<typeof makeDeps>;
  useCaseBed(kind, { per: 'test' }, (bed) => ({ deps } = bed));
  const text = async (who: string) => JSON.stringify(homeView(await homeOf(deps, who), { now: deps.clock.now(), timeZone: 'UTC' }).blocks);

  it("an agent's user sees the tickets held for their agent's skills under 'Held for you', with why; once assigned they leave it", async () => {
    await addAgent(deps, admin, { handle: 'iris', skills: ['support'], channel: 'CIRIS001', user: 'UIRIS001', capacity: 1 });
    const first = await fileTicket(deps, user('UREQ0001'), input('Printer jams on page two', { type: 'support' }));
    const held = await fileTicket(deps, user('UREQ0001'), input('VPN drops every hour', { type: 'support' }));
    expect(first.agent?.handle).toBe('iris');
    expect(held.agent).toBeNull();
    const home = await text('UIRIS001');
    expect(home).toContain('*Held for you* (1)');
    expect(home).toContain(held.ticket.key);
    expect(home).toMatch(/VPN drops every hour/);
    expect(home).toMatch(/iris is full|1\/1/);
    await resolveTicket(deps, user('UIRIS001'), first.ticket.key, 'fixed');
    const after = await text('UIRIS001');
    expect(after).not.toContain('Held for you');
    expect(after).toContain(held.ticket.key); // now in the active work
  });

  it("an admin who is also an agent's user sees that agent's load once, the same in Your work and in Team; an A2A agent whose messages fail shows it on its Team line", async () => {
    await addAgent(deps, admin, { handle: 'ada', skills: ['support'], channel: 'CADA0001', user: ADMIN, capacity: 4 });
    await addAgent(deps, admin, { handle: 'refund-bot', skills: ['billing'], channel: 'CBOT0001', capacity: 3 });
    await fileTicket(deps, user('UREQ0001'), input('Password reset loops', { type: 'support' }));
    await fileTicket(deps, user('UREQ0001'), input('Card declined twice', { type: 'support' }));
    const db = deps.database.db;
    await db.execute(sql`update agents set a2a = ${JSON.stringify({ url: 'http://127.0.0.1:9/', name: 'Refund Bot', skills: ['Refunds'] })}::jsonb where handle = 'refund-bot'`);
    await db.execute(sql`insert into outbox (ticket_key, idempotency_key, channel, text, status, attempts, next_attempt_at, last_error, created_at, destination, target)
      values (null, 'test:a2a:1', '', '', 'failed', 1, now(), 'sending to Refund Bot: HTTP error for SendMessage! Status: 403', now(), 'a2a', 'refund-bot')`);
    const data = await homeOf(deps, ADMIN);
    expect(data.agents.map((a) => [a.handle, a.active])).toEqual([['ada', 2]]);
    expect(data.team?.find((a) => a.handle === 'ada')?.active).toBe(2);
    const home = await text(ADMIN);
    expect(home.match(/██░░ 2\/4/g)?.length).toBe(2); // Your work and Team
    expect(home).toContain(':warning: A2A refused a message for good: sending to Refund Bot: HTTP error for SendMessage! Status: 403');
  });
});
