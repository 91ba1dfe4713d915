// Opens the database: PostgreSQL through postgres.js when a URL is given, else embedded PGlite in a
// data directory. Migrations from drizzle/ apply at start-up on either.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import * as schema from './schema.js';
import { acquireDataDirLock, type DataDirLock } from './dataDirLock.js';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Tx = PgTransaction<PgQueryResultHKT, Schema, any>;
/** Either a transaction or the database itself: anything that runs queries. */
export type Queryable = Db | Tx;

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../drizzle');

export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** Rows of a raw SQL query, whichever driver runs it. */
  rows<T extends Record<string, unknown>>(q: Queryable, query: SQL): Promise<T[]>;
  /** true when the database answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface OpenOptions {
  databaseUrl?: string | null;
  dataDir?: string;
  /** For tests: an in-memory PGlite, optionally loaded from a dumped data directory. */
  pglite?: { loadDataDir?: Blob };
  migrate?: boolean;
  /** postgres.js pool size. */
  poolSize?: number;
}

async function rowsOf<T>(q: Queryable, query: SQL): Promise<T[]> {
  const result = (await q.execute(query)) as unknown;
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl, opts);
  return openPglite(opts);
}

async function openPostgres(url: string, opts: OpenOptions): Promise<Database> {
  if (opts.migrate !== false) await migratePostgresSafely(url);
  const client = postgres(url, {
    max: opts.poolSize ?? 10,
    onnotice: () => {},
    connect_timeout: 5,
    idle_timeout: 30,
  });
  const db = drizzlePostgres(client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'postgres',
    rows: rowsOf,
    async ping() {
      try {
        await client`select 1`;
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await client.end({ timeout: 5 });
    },
  };
}

/** Several copies may start at once: one migrates while the others wait on an advisory lock held on one connection. */
async function migratePostgresSafely(url: string): Promise<void> {
  const client = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    await client`select pg_advisory_lock(7321001)`;
    try {
      await migratePostgres(drizzlePostgres(client), { migrationsFolder: MIGRATIONS_DIR });
    } finally {
      await client`select pg_advisory_unlock(7321001)`;
    }
  } finally {
    await client.end({ timeout: 5 });
  }
}

async function openPglite(opts: OpenOptions): Promise<Database> {
  let lock: DataDirLock | null = null;
  let pg: PGlite;
  if (opts.pglite) {
    pg = new PGlite({ loadDataDir: opts.pglite.loadDataDir });
  } else {
    const dir = path.resolve(opts.dataDir ?? './data');
    mkdirSync(dir, { recursive: true });
    lock = acquireDataDirLock(dir);
    try {
      pg = new PGlite(path.join(dir, 'pgdata'));
      await pg.waitReady;
    } catch (e) {
      lock.release();
      throw e;
    }
  }
  await pg.waitReady;
  const db = drizzlePglite(pg, { schema }) as unknown as Db;
  if (opts.migrate !== false) {
    await migratePglite(drizzlePglite(pg), { migrationsFolder: MIGRATIONS_DIR });
  }
  return {
    db,
    kind: 'pglite',
    rows: rowsOf,
    async ping() {
      try {
        await pg.query('select 1');
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      try {
        await pg.close();
      } finally {
        lock?.release();
      }
    },
  };
}
