// Helpers of the fault suites (test/faults): a TCP proxy that can play a dead database, a migrated data
// directory for Baton as a child process (test/support/spawnBaton.ts), small things about the traffic.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { inject } from 'vitest';
import { openDatabase, type Database } from '../../src/storage/db.js';
import { clonePostgres, type DbKind } from '../support/db.js';

// ---------------------------------------------------------------------------------------------
// A TCP proxy in front of PostgreSQL
// ---------------------------------------------------------------------------------------------

/**
 * Forwards every connection on 127.0.0.1:`port` to `target`. `stop()` closes the listener and destroys
 * every open socket: to a client the database is a dead port (connections reset, new ones refused).
 * `start()` listens again on the same port.
 */
export class TcpProxy {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  port = 0;
  connections = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  get running(): boolean {
    return this.server !== null;
  }

  async start(port = this.port): Promise<number> {
    if (this.server) return this.port;
    const server = net.createServer((client) => {
      this.connections++;
      const upstream = net.connect(this.target.port, this.target.host);
      this.sockets.add(client);
      this.sockets.add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      client.on('error', drop);
      upstream.on('error', drop);
      client.on('close', drop);
      upstream.on('close', drop);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.port = (server.address() as net.AddressInfo).port;
    return this.port;
  }

  /** A dead port: no listener, every open connection destroyed. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await closed;
  }
}

/** `url` with its host and port replaced by the proxy's. */
export function throughProxy(url: string, port: number): string {
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.port = String(port);
  return u.toString();
}

// ---------------------------------------------------------------------------------------------
// A migrated embedded database for child processes
// ---------------------------------------------------------------------------------------------

/**
 * A BATON_DATA_DIR whose embedded database is already migrated (the run's PGlite dump, unpacked where
 * Baton looks for it): a process starts on it in seconds instead of running initdb and migrations.
 */
export async function seedPgliteDataDir(dir: string): Promise<void> {
  const dump = readFileSync(inject('pgliteDump'));
  const pg = new PGlite(path.join(dir, 'pgdata'), { loadDataDir: new Blob([new Uint8Array(dump)]) });
  await pg.waitReady;
  await pg.close();
}

/** Where Baton processes of a fault test keep their data: a seeded data directory, or a cloned PostgreSQL database. */
export interface Store {
  /** Opens the database from the test process (PGlite: only while no Baton runs on it). */
  open(): Promise<Database>;
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

export async function makeStore(kind: DbKind): Promise<Store> {
  if (kind === 'pglite') {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'baton-crash-'));
    await seedPgliteDataDir(dir);
    return {
      env: { BATON_DATA_DIR: dir },
      open: () => openDatabase({ dataDir: dir, migrate: false }),
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const clone = await clonePostgres();
  return {
    env: { DATABASE_URL: clone.url },
    open: () => openDatabase({ databaseUrl: clone.url, migrate: false, poolSize: 2 }),
    cleanup: () => clone.drop(),
  };
}

// ---------------------------------------------------------------------------------------------
// Small things
// ---------------------------------------------------------------------------------------------

/** Runs `tasks` with at most `limit` at once; stops starting new ones once `stop()` says so. */
export async function pool<T>(count: number, limit: number, task: (i: number) => Promise<T>, stop: () => boolean = () => false): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count && !stop()) {
      const i = next++;
      await task(i);
    }
  };
  await Promise.all(Array.from({ length: limit }, lane));
}

/** The key of the assignment card in a chat.postMessage call, if it is one (its Accept button's value). */
export function cardKey(args: Record<string, unknown>): string | null {
  if (args.thread_ts) return null;
  let found: string | null = null;
  const walk = (x: unknown) => {
    if (found || !x || typeof x !== 'object') return;
    const o = x as Record<string, unknown>;
    if (o.action_id === 'ticket_accept' && typeof o.value === 'string') found = o.value.split('|')[0]!;
    for (const v of Object.values(o)) walk(v);
  };
  walk(args.blocks);
  return found;
}
