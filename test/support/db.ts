// Test databases: PGlite always, PostgreSQL when TEST_DATABASE_URL is set. Each call gives a fresh,
// migrated database (a loaded PGlite dump, or a clone of the template database).
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { openDatabase, type Database } from '../../src/storage/db.js';
import { databaseUrl, onServer } from './pgServer.js';

export type DbKind = 'pglite' | 'postgres';

export const DB_KINDS: DbKind[] = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
export const HAS_POSTGRES = Boolean(process.env.TEST_DATABASE_URL);

/**
 * The databases most end-to-end suites run on: PostgreSQL when TEST_DATABASE_URL is set (the database copies
 * share), else PGlite. Storage and use-case suites run on both (DB_KINDS), and so do the seed story and the
 * command suite end to end; `E2E_DATABASES=pglite,postgres` runs every end-to-end suite on both.
 */
export const E2E_KINDS: DbKind[] = process.env.E2E_DATABASES
  ? DB_KINDS.filter((k) => process.env.E2E_DATABASES!.split(',').map((s) => s.trim()).includes(k))
  : HAS_POSTGRES
    ? ['postgres']
    : ['pglite'];

let dumpCache: Buffer | null = null;

export interface TestDatabase extends Database {
  url: string | null;
}

export async function openTestDatabase(kind: DbKind, o: { poolSize?: number } = {}): Promise<TestDatabase> {
  if (kind === 'pglite') {
    dumpCache ??= readFileSync(inject('pgliteDump'));
    const db = await openDatabase({ pglite: { loadDataDir: new Blob([new Uint8Array(dumpCache)]) }, migrate: false });
    return Object.assign(db, { url: null });
  }
  const clone = await clonePostgres();
  const db = await openDatabase({ databaseUrl: clone.url, migrate: false, poolSize: o.poolSize ?? 10 });
  const close = db.close.bind(db);
  return Object.assign(db, {
    url: clone.url,
    async close() {
      await close();
      await clone.drop();
    },
  });
}

/** A fresh clone of this run's migrated template database (TEST_DATABASE_URL must be set); `drop()` removes it. */
export async function clonePostgres(): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const server = process.env.TEST_DATABASE_URL!;
  const template = inject('pgTemplate')!;
  // Named after this run's template, so that a run's teardown drops its own clones and never another run's.
  const name = `${template}_c_${randomBytes(6).toString('hex')}`;
  await onServer(server, (sql) => sql.unsafe(`create database ${name} template ${template}`));
  return {
    url: databaseUrl(server, name),
    name,
    async drop() {
      await onServer(server, (sql) => sql.unsafe(`drop database if exists ${name} with (force)`));
    },
  };
}

/**
 * Empties every table of a test database and restarts its sequences: the state of a freshly migrated one
 * (migrations add no rows), in tens of milliseconds where loading a data directory takes over a second.
 * Triggers are off for the statement (the trail refuses TRUNCATE; the loads table is emptied with the rest).
 */
export async function resetTestDatabase(db: TestDatabase): Promise<void> {
  const tables = await db.rows<{ name: string }>(
    db.db,
    sql`select quote_ident(table_name) as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
  );
  if (tables.length === 0) return;
  await db.db.transaction(async (tx) => {
    await tx.execute(sql`set local session_replication_role = replica`);
    await tx.execute(sql.raw(`truncate ${tables.map((t) => t.name).join(', ')} restart identity cascade`));
  });
}
