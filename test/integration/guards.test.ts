// Guards against runaway agents: duplicate keys and handoff loops, on every database; duplicate keys filed by
// two copies at once on PostgreSQL.
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { addAgent } from '../../src/app/agents.js';
import { fileTicket } from '../../src/app/fileTicket.js';
import { handoffTicket } from '../../src/app/handoff.js';
import { resolveTicket } from '../../src/app/ticketActions.js';
import { agentPrincipal, user } from '../../src/core/permissions.js';
import { openDatabase, type Database } from '../../src/storage/db.js';
import { getTicket } from '../../src/storage/tickets.js';
import { DB_KINDS, HAS_POSTGRES, type TestDatabase } from '../support/db.js';
import { ADMIN, makeDeps, type ManualClock, useCaseBed } from '../support/deps.js';
import { auditOf, deliverHome, expectDomainError, input, outboxOf } from '../support/inspect.js';

const admin = user(ADMIN);

describe.each(DB_KINDS)('duplicate keys on %s', (kind) => {
  let db: TestDatabase;
  let deps: ReturnType<typeof makeDeps>;
  let _clock: ManualClock;
  useCaseBed(kind, { per: 'block' }, (bed) => ({ db, clock: _clock, deps } = bed));

  it('filing a message that was filed a moment before (a reaction and the intake channel at once) answers with its ticket and creates nothing', async () => {
    await addAgent(deps, admin, { handle: 'om1', skills: ['desk'], channel: 'COM1', user: 'UOM1' });
    const origin = { channel: 'CINTAKE9', ts: '1700000009.000100' };
    const first = await fileTicket(deps, user('UREQA'), input('Printer on fire', { type: 'desk', origin }));
    const count = async () => (await db.rows<{ n: number }>(db.db, sql`select count(*)::int as n from tickets`))[0]!.n;
    const before = await count();
    // No caller checks first here: the database's one-ticket-per-message index is what refuses the second.
    const again = await fileTicket(deps, user('UREQA'), input('Printer on fire', { type: 'desk', origin, reactor: 'UOTHER1' }));
    expect(again).toMatchObject({ duplicate: true, sameMessage: true, ticket: { key: first.ticket.key }, agent: { handle: 'om1' } });
    expect(await count()).toBe(before);
  });

  it('filing again with an open ticket’s dedup key creates nothing; the open ticket’s trail and thread record each extra report', async () => {
    await addAgent(deps, admin, { handle: 'dd1', skills: ['ops'], channel: 'CDD1', user: 'UDD1' });
    const first = await fileTicket(deps, user('UREQA'), input('Disk full on db1', { type: 'ops', dedupKey: 'disk-full-db1' }));
    expect(first.duplicate).toBeUndefined();
    await deliverHome(db, first.ticket.key, '1700000001.000100');
    const count = async () => (await db.rows<{ n: number }>(db.db, sql`select count(*)::int as n from tickets`))[0]!.n;
    const before = await count();

    const again = await fileTicket(deps, user('UREQB'), input('Disk full again <!channel>', { type: 'ops', dedupKey: 'disk-full-db1' }));
    expect(again).toMatchObject({ duplicate: true, ticket: { key: first.ticket.key }, agent: { handle: 'dd1' } });
    const byAgent = await fileTicket(deps, agentPrincipal('dd1', 'api'), input('db1 disk at 100%', { type: 'ops', dedupKey: 'disk-full-db1' }));
    expect(byAgent).toMatchObject({ duplicate: true, ticket: { key: first.ticket.key } });
    expect(await count()).toBe(before);

    const reports = (await auditOf(db, first.ticket.key)).filter((e) => e.action === 'also_reported');
    expect(reports.map((e) => [e.actor, e.note])).toEqual([
      ['UREQB', 'Disk full again <!channel>'],
      ['agent:dd1', 'db1 disk at 100%'],
    ]);
    const thread = (await outboxOf(db, first.ticket.key)).filter((m) => m.text.includes('Also reported'));
    expect(thread).toHaveLength(2);
    expect(thread[0]).toMatchObject({ threadOfTicket: first.ticket.key, threadOf: 'home' });
    // The reporter's text never pings anyone.
    expect(JSON.stringify(thread[0])).not.toContain('<!channel>');

    // A key of a completed ticket is free again: the next filing is a new ticket.
    await resolveTicket(deps, user('UDD1'), first.ticket.key, 'freed space');
    const fresh = await fileTicket(deps, user('UREQA'), input('Disk full on db1 (again next week)', { type: 'ops', dedupKey: 'disk-full-db1' }));
    expect(fresh.duplicate).toBeUndefined();
    expect(fresh.ticket.key).not.toBe(first.ticket.key);
    expect(await getTicket(db.db, fresh.ticket.key)).toMatchObject({ dedupKey: 'disk-full-db1', status: 'active' });
  });

  it('a bad dedup key is refused with what is allowed, and nothing is filed', async () => {
    const before = (await db.rows<{ n: number }>(db.db, sql`select count(*)::int as n from tickets`))[0]!.n;
    await expectDomainError(
      fileTicket(deps, user('UREQA'), input('x', { dedupKey: 'has space' })),
      'invalid_input',
      '`dedup:` must be 1–200 visible characters without spaces, like `dedup:disk-full-db1`; got `has space`.',
    );
    await expectDomainError(fileTicket(deps, user('UREQA'), input('x', { dedupKey: 'k'.repeat(201) })), 'invalid_input', /1–200 visible characters/);
    expect((await db.rows<{ n: number }>(db.db, sql`select count(*)::int as n from tickets`))[0]!.n).toBe(before);
  });
});

describe.skipIf(!HAS_POSTGRES)('duplicate keys filed by two copies at once on PostgreSQL', { timeout: 120_000 }, () => {
  let db: TestDatabase;
  let clock: ManualClock;
  let deps: ReturnType<typeof makeDeps>;
  const extra: Database[] = [];
  useCaseBed('postgres', { per: 'test', poolSize: 20 }, (bed) => ({ db, clock, deps } = bed));
  afterEach(async () => {
    for (const d of extra.splice(0)) await d.close();
  });

  it('twenty filings with one key from two copies at once make one ticket; every other answer names it', async () => {
    await addAgent(deps, admin, { handle: 'dd2', skills: ['ops'], channel: 'CDD2', user: 'UDD2', capacity: 100 });
    const other = await openDatabase({ databaseUrl: db.url!, migrate: false, poolSize: 10 });
    extra.push(other);
    const second = makeDeps(other, { clock });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => fileTicket(i % 2 ? second : deps, user(`UREQ${i}`), input(`Same alert ${i}`, { type: 'ops', dedupKey: 'alert-42' }))),
    );
    const created = results.filter((r) => !r.duplicate);
    expect(created).toHaveLength(1);
    expect(new Set(results.map((r) => r.ticket.key))).toEqual(new Set([created[0]!.ticket.key]));
    const rows = await db.rows<{ n: number }>(db.db, sql`select count(*)::int as n from tickets where dedup_key = 'alert-42'`);
    expect(rows[0]!.n).toBe(1);
    expect((await auditOf(db, created[0]!.ticket.key)).filter((e) => e.action === 'also_reported')).toHaveLength(19);
  });
});

describe.each(DB_KINDS)('handoff loops on %s', (kind) => {
  let db: TestDatabase;
  let deps: ReturnType<typeof makeDeps>;
  useCaseBed(kind, { per: 'block' }, (bed) => ({ db, deps } = bed));

  it('a ping-pong iris → devin → iris → devin is refused when it would reach iris a third time; managers are told once, with the lineage', async () => {
    await addAgent(deps, admin, { handle: 'iris', skills: ['web'], channel: 'CIRIS', user: 'UIRIS' });
    await addAgent(deps, admin, { handle: 'devin', skills: ['eng'], channel: 'CDEVIN', user: 'UDEVIN' });
    const root = await fileTicket(deps, user('UREQL'), input('Checkout is broken', { type: 'web' }));
    expect(root.agent?.handle).toBe('iris');
    let ts = 1700000200;
    await deliverHome(db, root.ticket.key, `${ts++}.000100`);
    const hop = async (key: string, from: string, to: string) => {
      const r = await handoffTicket(deps, agentPrincipal(from, 'api'), key, { handle: to }, `over to ${to}`);
      await deliverHome(db, r.child.key, `${ts++}.000100`);
      return r.child.key;
    };
    const t2 = await hop(root.ticket.key, 'iris', 'devin');
    const t3 = await hop(t2, 'devin', 'iris');
    const t4 = await hop(t3, 'iris', 'devin');
    const lineage = `${root.ticket.key} iris → ${t2} devin → ${t3} iris → ${t4} devin → iris`;
    const message = `${t4} would go to iris a third time in its handoff chain (${lineage}). Resolve it, escalate it, or hand it to someone new.`;
    const children = async () => (await db.rows<{ n: number }>(db.db, sql`select count(*)::int as n from tickets`))[0]!.n;
    const before = await children();

    await expectDomainError(handoffTicket(deps, agentPrincipal('devin', 'api'), t4, { handle: 'iris' }, 'back again'), 'invalid_state', message);
    await expectDomainError(handoffTicket(deps, user('UDEVIN'), t4, { handle: 'iris' }, 'and again'), 'invalid_state', message);
    expect(await children()).toBe(before);
    expect(await getTicket(db.db, t4)).toMatchObject({ status: 'active', assignee: 'devin', waitingOn: null });

    // Managers: one message for the ticket, with the lineage; the trail says so once.
    const managers = (await outboxOf(db, t4)).filter((m) => m.channel === 'CESCAL1');
    expect(managers).toHaveLength(1);
    expect(managers[0]!.text).toContain(lineage);
    expect((await auditOf(db, t4)).filter((e) => e.action === 'handoff_loop')).toHaveLength(1);

    // Someone new is still fine.
    await addAgent(deps, admin, { handle: 'max', skills: ['eng'], channel: 'CMAX', user: 'UMAX' });
    const r = await handoffTicket(deps, agentPrincipal('devin', 'api'), t4, { handle: 'max' }, 'fresh eyes');
    expect(r.target?.handle).toBe('max');
  });

  it('a chain deeper than HANDOFF_DEPTH_LIMIT is refused at the limit', async () => {
    const limited = { ...deps, handoffDepthLimit: 2 };
    for (const h of ['d1', 'd2', 'd3', 'd4']) await addAgent(deps, admin, { handle: h, skills: [`s${h}`], channel: `C${h.toUpperCase()}`, user: `U${h.toUpperCase()}` });
    const root = await fileTicket(deps, user('UREQD'), input('Deep work', { type: 'sd1' }));
    const c1 = (await handoffTicket(limited, agentPrincipal('d1', 'api'), root.ticket.key, { handle: 'd2' }, 'one')).child.key;
    const c2 = (await handoffTicket(limited, agentPrincipal('d2', 'api'), c1, { handle: 'd3' }, 'two')).child.key;
    await expectDomainError(
      handoffTicket(limited, agentPrincipal('d3', 'api'), c2, { handle: 'd4' }, 'three'),
      'invalid_state',
      `${c2} has been handed off 2 times in a row (${root.ticket.key} d1 → ${c1} d2 → ${c2} d3); at most 2 are allowed (\`HANDOFF_DEPTH_LIMIT\`). Resolve it or escalate it.`,
    );
  });
});
