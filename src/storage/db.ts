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
import type postgres from 'postgres';
import * as schema from './schema.js';
import { acquireDataDirLock, type DataDirLock } from './dataDirLock.js';
import { connectPostgres } from './pgConnect.js';

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
  /** PostgreSQL only: told of every statement sent (the benchmark counts the statements of a filing). */
  onQuery?: (statement: string) => void;
}

/** Rows of a raw SQL query, whichever driver runs it (postgres.js answers an array, PGlite `{ rows }`). */
export async function rowsOf<T>(q: Queryable, query: SQL): Promise<T[]> {
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
  // After the database was unreachable, the pool is replaced by a fresh one as soon as it answers again:
  // postgres.js 3.4.9 can leave a connection that was cut in the middle of a write unable to ever
  // reconnect (see guardTransactions), and a fresh pool has none of those.
  let unreachable = false;
  const makePool = () => {
    const client = connectPostgres(url, {
      max: opts.poolSize ?? 10,
      onnotice: () => {},
      connect_timeout: 5,
      idle_timeout: 30,
      ...(opts.onQuery ? { debug: (_conn: number, statement: string) => opts.onQuery!(statement) } : {}),
      // Seconds a connection waits before reconnecting after a failed attempt. postgres.js's default grows
      // to 20 s, and queries wait for it: while the database is down a person would wait that long to
      // hear nothing was saved, and as long again once it is back. At most 2 s here.
      backoff: (retries: number) => (0.5 + Math.random() / 2) * Math.min(0.1 * 2 ** retries, 2),
    });
    preparing(client);
    const pool = { client, db: drizzlePostgres(client, { schema }) as unknown as Db };
    guardTransactions(client, (ok) => {
      if (pool !== live) return; // a retired pool's last transactions say nothing about the new one
      if (ok) renewIfNeeded();
      else unreachable = true;
    });
    return pool;
  };
  let live = makePool();
  const retiring = new Set<Promise<void>>();
  const renewIfNeeded = () => {
    if (!unreachable) return;
    unreachable = false;
    const old = live;
    live = makePool();
    // Work still running on the old pool gets time to finish.
    const ended: Promise<void> = old.client
      .end({ timeout: 10 })
      .catch(() => {})
      .finally(() => retiring.delete(ended));
    retiring.add(ended);
  };
  return {
    get db() {
      return live.db;
    },
    kind: 'postgres',
    rows: rowsOf,
    async ping() {
      // /healthz must answer even when connecting hangs (a black-holed network): 3 s at most.
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          live.client`select 1`,
          new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('ping timed out')), 3000))),
        ]);
      } catch {
        unreachable = true;
        return false;
      } finally {
        clearTimeout(timer);
      }
      renewIfNeeded();
      return true;
    },
    async close() {
      await Promise.all([live.client.end({ timeout: 5 }), ...retiring]);
    },
  };
}

/** Errors that mean the connection's socket is gone (or going), not that the statement failed. */
const SOCKET_GONE = new Set(['CONNECTION_CLOSED', 'CONNECTION_DESTROYED', 'CONNECTION_ENDED', 'ECONNRESET', 'EPIPE', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END']);
/** …and those that say the database could not be reached at all. */
const UNREACHABLE = new Set([...SOCKET_GONE, 'ECONNREFUSED', 'CONNECT_TIMEOUT', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', '57P01', '57P02', '57P03']);

/** Whether `e` (or the error drizzle wrapped in it) has one of `codes`. */
function hasCode(e: unknown, codes: Set<string>): boolean {
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur; i++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && codes.has(code)) return true;
    cur = (cur as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * Every statement with parameters is sent as a named prepared statement (postgres.js keeps them per connection,
 * by text). drizzle asks postgres.js for unnamed statements, and postgres.js sends an unnamed statement with
 * parameters in two round trips (parse and describe, wait, then bind and execute) and stops pipelining behind
 * it; a prepared one is described once per connection, then bound and executed in one. Statements without
 * parameters (migrations, several commands in one string) go as they are.
 */
function preparing<T extends object>(scope: T): T {
  const s = scope as unknown as {
    unsafe: (q: string, p?: unknown[], o?: Record<string, unknown>) => unknown;
    begin?: (...args: unknown[]) => Promise<unknown>;
    savepoint?: (...args: unknown[]) => Promise<unknown>;
  };
  const unsafe = s.unsafe.bind(scope);
  s.unsafe = (q, p, o) => (p && p.length ? unsafe(q, p, { ...o, prepare: true }) : unsafe(q, p, o));
  for (const k of ['begin', 'savepoint'] as const) {
    const open = s[k]?.bind(scope);
    if (!open) continue;
    s[k] = (...args: unknown[]) => {
      const fn = args.pop() as (inner: object) => unknown;
      return open(...args, (inner: object) => fn(preparing(inner)));
    };
  }
  return scope;
}

/**
 * postgres.js 3.4.9 answers a failed transaction by writing ROLLBACK on the transaction's connection. When
 * the failure is that the connection closed (the database restarted, or a network cut), that write is
 * scheduled on a socket postgres.js has already dropped: the timer throws `Cannot read properties of null
 * (reading 'write')` outside any promise — which ends the process — and the connection keeps the unsent
 * bytes and a stale timer, so it never manages to reconnect (upstream: porsager/postgres#1154, #1208).
 * A closed connection has nothing to roll back (the server aborts the transaction), and postgres.js
 * rejects `begin()` itself when the connection closes. So when the transaction's work fails because the
 * socket is gone, don't let postgres.js write ROLLBACK: wait for `begin()` to be rejected by the close
 * (if the connection unexpectedly stays open, roll back as usual). `outcome` hears of every transaction
 * that committed (true) or failed because the database was unreachable (false).
 */
function guardTransactions(client: postgres.Sql, outcome: (ok: boolean) => void): void {
  const begin = client.begin.bind(client) as (...args: unknown[]) => Promise<unknown>;
  (client as unknown as { begin: (...args: unknown[]) => Promise<unknown> }).begin = (...args: unknown[]) => {
    const fn = args.pop() as (tx: unknown) => unknown;
    let failed = false;
    let onFailed: () => void = () => {};
    const closed = new Promise<void>((resolve) => (onFailed = resolve));
    const p = begin(...args, async (tx: unknown) => {
      try {
        return await fn(tx);
      } catch (e) {
        if (!hasCode(e, SOCKET_GONE)) throw e;
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([closed, new Promise((r) => (timer = setTimeout(r, 10_000)))]);
        clearTimeout(timer);
        // begin() has failed with the close: this scope is abandoned (it never settles, nothing awaits it).
        if (failed) return new Promise(() => {});
        throw e;
      }
    });
    p.then(
      () => outcome(true),
      (e: unknown) => {
        failed = true;
        onFailed();
        if (hasCode(e, UNREACHABLE)) outcome(false);
      },
    );
    return p;
  };
}

/** Several copies may start at once: one migrates while the others wait on an advisory lock held on one connection. */
async function migratePostgresSafely(url: string): Promise<void> {
  const client = connectPostgres(url, { max: 1, onnotice: () => {}, connect_timeout: 5 });
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
