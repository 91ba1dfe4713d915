// Upgrades without loss: a database made by an earlier version — migrated only up to one of the earlier
// migrations and filled through the SQL of that time (agents, tickets, their trail, outbox rows) — is opened
// the way Baton starts (every migration applies) and everything is found: each ticket with its trail, the
// roster, the outbox rows still to deliver, the ticket counter. Once from every earlier migration that changed
// the tables a Baton of its time wrote (one that only adds indexes or new tables leaves them as before).
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileTicket } from '../../src/app/fileTicket.js';
import { rosterWithLoad } from '../../src/app/agents.js';
import { showTicket } from '../../src/app/ticketActions.js';
import { user } from '../../src/core/permissions.js';
import { MIGRATIONS_DIR, openDatabase, type Database } from '../../src/storage/db.js';
import { claimDue, sentMessage } from '../../src/storage/outbox.js';
import { DB_KINDS, HAS_POSTGRES } from '../support/db.js';
import { makeDeps, ManualClock } from '../support/deps.js';
import { input } from '../support/inspect.js';
import { databaseUrl, onServer } from '../support/pgServer.js';

const journal = JSON.parse(readFileSync(path.join(MIGRATIONS_DIR, 'meta/_journal.json'), 'utf8')) as { entries: Array<{ idx: number; tag: string }> };
/**
 * A database left at each earlier migration is upgraded — except where the migration only adds indexes or new
 * tables: the tables a Baton of that version wrote are then those of the migration before it, which is tested.
 */
const ONLY_ADDS = /^(?:\s|--> statement-breakpoint|CREATE (?:UNIQUE )?INDEX [^;]*;|CREATE TABLE [^;]*;)*$/i;
const EARLIER = journal.entries
  .slice(0, -1)
  .filter((e, i) => i === 0 || !ONLY_ADDS.test(readFileSync(path.join(MIGRATIONS_DIR, `${e.tag}.sql`), 'utf8')))
  .map((e) => e.tag);
const migrated = (upTo: string, tag: string) => tag <= upTo;
/**
 * With PostgreSQL there (CI), it upgrades from every one of them and PGlite from the first, the middle and the
 * last (the same SQL runs on both; a PGlite data directory is slow to make); without it, PGlite from every one.
 */
const PGLITE_SAMPLE = [...new Set([EARLIER[0]!, EARLIER[Math.floor(EARLIER.length / 2)]!, EARLIER[EARLIER.length - 1]!])];

/** A migrations folder holding the migrations up to `tag` only: the drizzle/ of that version. */
function migrationsUpTo(tmp: string, tag: string): string {
  const dir = path.join(tmp, `migrations-${tag}`);
  mkdirSync(path.join(dir, 'meta'), { recursive: true });
  const entries = journal.entries.filter((e) => migrated(tag, e.tag));
  for (const e of entries) copyFileSync(path.join(MIGRATIONS_DIR, `${e.tag}.sql`), path.join(dir, `${e.tag}.sql`));
  writeFileSync(path.join(dir, 'meta/_journal.json'), JSON.stringify({ ...JSON.parse(readFileSync(path.join(MIGRATIONS_DIR, 'meta/_journal.json'), 'utf8')), entries }));
  return dir;
}

/** What a Baton of that version wrote, in the columns it had. */
function fillSql(upTo: string): string[] {
  const at = `'2026-02-27T10:00:00Z'::timestamptz`;
  const out = [
    `insert into agents (handle, skills, channel, slack_user, capacity, escalates_to, created_at) values
      ('iris', '{general,billing}', 'CIRIS001', 'UIRIS001', 5, 'felix', ${at}),
      ('felix', '{general}', 'CFELIX01', 'UFELIX01', 3, null, ${at})`,
    `insert into ticket_sequences (year, last) values (2026, 3)`,
    `insert into tickets (key, type, title, description, priority, priority_rank, status, assignee, requester, context, escalation_level,
        requires_handoff, home_channel, home_ts, created_at, assigned_at, clock_started_at, escalate_due_at, resolved_at, resolution) values
      ('T-2026-001', 'general', 'Printer on fire', 'third floor', 'high', 1, 'active', 'iris', 'UREQ0001', '{"customer":"acme"}', 0,
        '{}', 'CIRIS001', '1700000000.000100', ${at}, ${at}, ${at}, '2026-03-09T10:30:00Z', null, null),
      ('T-2026-002', 'billing', 'Invoice total is wrong', 'x', 'normal', 2, 'completed', 'iris', 'UREQ0002', '{}', 0,
        '{}', 'CIRIS001', '1700000000.000200', ${at}, ${at}, ${at}, null, ${at}, 'credited'),
      ('T-2026-003', 'general', 'VPN drops', 'hourly', 'low', 3, 'intake', null, 'UREQ0003', '{}', 0,
        '{}', null, null, ${at}, null, null, null, null, null)`,
    `insert into audit_events (ticket_key, at, actor, action, from_status, to_status, note, data) values
      ('agent:iris', ${at}, 'UADMIN01', 'agent_added', null, null, null, '{}'),
      ('T-2026-001', ${at}, 'UREQ0001', 'filed', null, 'intake', null, '{}'),
      ('T-2026-001', ${at}, 'baton', 'assigned', 'intake', 'active', null, '{"to":"iris"}'),
      ('T-2026-002', ${at}, 'UREQ0002', 'filed', null, 'intake', null, '{}'),
      ('T-2026-002', ${at}, 'baton', 'assigned', 'intake', 'active', null, '{"to":"iris"}'),
      ('T-2026-002', ${at}, 'UIRIS001', 'resolved', 'active', 'completed', 'credited', '{}'),
      ('T-2026-003', ${at}, 'UREQ0003', 'filed', null, 'intake', null, '{}')`,
    `insert into outbox (ticket_key, idempotency_key, channel, records_home_of, text, status, attempts, next_attempt_at, sent_ts, created_at, sent_at) values
      ('T-2026-001', '2:card', 'CIRIS001', 'T-2026-001', 'card', 'sent', 1, ${at}, '1700000000.000100', ${at}, ${at}),
      ('T-2026-002', '6:resolved', 'UREQ0002', null, 'resolved', 'pending', 0, ${at}, null, ${at}, null)`,
    `insert into processed_requests (key, at) values ('slack:Ev001', ${at})`,
  ];
  // What later versions wrote too, once their columns exist.
  if (migrated(upTo, '0004_wave2_columns')) {
    out.push(`update tickets set accepted_at = ${at}, accepted_by = 'UIRIS001', managers_channel = 'CESCAL1', managers_ts = '1700000000.000900' where key = 'T-2026-001'`);
  }
  if (migrated(upTo, '0005_managers_key')) out.push(`update tickets set managers_key = '9:managers' where key = 'T-2026-001'`);
  if (migrated(upTo, '0006_dedup_key')) out.push(`update tickets set dedup_key = 'vpn' where key = 'T-2026-003'`);
  return out;
}

async function expectEverything(database: Database, upTo: string) {
  const deps = makeDeps(database, { clock: new ManualClock('2026-03-02T09:00:00Z') });
  const one = await showTicket(deps, 'T-2026-001');
  expect(one.ticket).toMatchObject({ title: 'Printer on fire', status: 'active', assignee: 'iris', priority: 'high', context: { customer: 'acme' } });
  expect(one.ticket.home).toEqual({ channel: 'CIRIS001', ts: '1700000000.000100' });
  expect(one.trail.map((e) => e.action)).toEqual(['filed', 'assigned']);
  const two = await showTicket(deps, 'T-2026-002');
  expect(two.ticket).toMatchObject({ status: 'completed', resolution: 'credited' });
  expect(two.trail.map((e) => e.action)).toEqual(['filed', 'assigned', 'resolved']);
  expect((await showTicket(deps, 'T-2026-003')).ticket).toMatchObject({ status: 'intake', title: 'VPN drops' });
  const roster = await rosterWithLoad(deps);
  expect(roster.map((a) => [a.handle, a.skills, a.escalatesTo, a.active])).toEqual([
    ['felix', ['general'], null, 0],
    ['iris', ['general', 'billing'], 'felix', 1],
  ]);
  if (migrated(upTo, '0004_wave2_columns')) expect(one.ticket).toMatchObject({ acceptedBy: 'UIRIS001' });
  if (migrated(upTo, '0005_managers_key')) expect(await sentMessage(database.db, '9:managers')).toEqual({ channel: 'CESCAL1', ts: '1700000000.000900' });
  // The message that was waiting still goes out, to Slack.
  const due = await claimDue(database.db, { now: new Date('2026-03-02T09:00:00Z'), leaseUntil: new Date('2026-03-02T09:01:00Z'), limit: 10 });
  expect(due.map((r) => [r.ticketKey, r.destination, r.text])).toEqual([['T-2026-002', 'slack', 'resolved']]);
  // The counter goes on from where that version left it.
  const next = await fileTicket(deps, user('UREQ0004'), input('After the upgrade'));
  expect(next.ticket.key).toBe('T-2026-004');
}

for (const kind of DB_KINDS) describe(`upgrading a database made by an earlier version on ${kind}`, { timeout: 240_000 }, () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'baton-upgrade-'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it.each(kind === 'pglite' && HAS_POSTGRES ? PGLITE_SAMPLE : EARLIER)('when the database was left at %s, then the current Baton upgrades it and finds everything', async (tag) => {
    const folder = migrationsUpTo(tmp, tag);
    if (kind === 'pglite') {
      const dataDir = path.join(tmp, `data-${tag}`);
      mkdirSync(dataDir);
      const pg = new PGlite(path.join(dataDir, 'pgdata'));
      await migratePglite(drizzlePglite(pg), { migrationsFolder: folder });
      for (const q of fillSql(tag)) await pg.exec(q);
      await pg.close();
      const database = await openDatabase({ dataDir });
      try {
        await expectEverything(database, tag);
      } finally {
        await database.close();
      }
      return;
    }
    const server = process.env.TEST_DATABASE_URL!;
    const name = `baton_upgrade_${tag.slice(0, 4)}_${process.pid}`;
    await onServer(server, (s) => s.unsafe(`drop database if exists ${name} with (force)`));
    await onServer(server, (s) => s.unsafe(`create database ${name}`));
    const url = databaseUrl(server, name);
    try {
      const client = postgres(url, { max: 1, onnotice: () => {} });
      try {
        await migratePostgres(drizzlePostgres(client), { migrationsFolder: folder });
        for (const q of fillSql(tag)) await client.unsafe(q);
      } finally {
        await client.end();
      }
      const database = await openDatabase({ databaseUrl: url, poolSize: 2 });
      try {
        await expectEverything(database, tag);
      } finally {
        await database.close();
      }
    } finally {
      await onServer(server, (s) => s.unsafe(`drop database if exists ${name} with (force)`));
    }
  });
});
