// Helpers of the fault suites (test/faults): a TCP proxy that can play a dead database, Baton as a real
// child process (so it can be SIGKILLed and its memory read), small statistics.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { inject } from 'vitest';
import { testDbUrl } from '../support/db.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');

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
// Cloned PostgreSQL databases for child processes
// ---------------------------------------------------------------------------------------------

/** A fresh clone of the migrated template database (TEST_DATABASE_URL must be set); `drop()` removes it. */
export async function clonePostgres(): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const admin = process.env.TEST_DATABASE_URL!;
  const template = inject('pgTemplate')!;
  const name = `baton_t_${randomBytes(6).toString('hex')}`;
  const a = postgres(admin, { max: 1, onnotice: () => {} });
  await a.unsafe(`create database ${name} template ${template}`);
  await a.end();
  return {
    url: testDbUrl(name),
    name,
    async drop() {
      const d = postgres(admin, { max: 1, onnotice: () => {} });
      await d.unsafe(`drop database if exists ${name} with (force)`);
      await d.end();
    },
  };
}

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

// ---------------------------------------------------------------------------------------------
// Baton as a process
// ---------------------------------------------------------------------------------------------

export interface BatonProcess {
  child: ChildProcess;
  pid: number;
  output(): string;
  exited: Promise<number | null>;
  /** Resolves once the log says "Baton is running"; rejects if the process exits first. */
  ready(ms?: number): Promise<void>;
  /** Resident set size in MB (from /proc/<pid>/status). */
  rssMb(): number;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

/** `node --import tsx src/main.ts` with `env` (plus PATH and HOME), like `npm start`. */
export function spawnBaton(env: Record<string, string>, o: { nodeArgs?: string[] } = {}): BatonProcess {
  const child = spawn(process.execPath, [...(o.nodeArgs ?? []), '--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Keep the last 200 KB of output: enough to explain a failure, bounded under load.
  let out = '';
  const add = (d: Buffer) => {
    out += d.toString();
    if (out.length > 400_000) out = out.slice(-200_000);
  };
  child.stdout!.on('data', add);
  child.stderr!.on('data', add);
  const exited = new Promise<number | null>((r) => child.on('exit', (code, signal) => r(code ?? (signal ? -1 : null))));
  const p: BatonProcess = {
    child,
    pid: child.pid!,
    output: () => out,
    exited,
    async ready(ms = 30_000) {
      const start = Date.now();
      // "Baton is running" is logged at info; with a quieter LOG_LEVEL, /healthz answering says the same.
      const up = async () => /Baton is running/.test(out) || (env.PORT ? await healthz(Number(env.PORT)).then((h) => h.status === 200, () => false) : false);
      while (!(await up())) {
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`Baton exited early:\n${out}`);
        if (Date.now() - start > ms) throw new Error(`Baton did not start in ${ms} ms:\n${out}`);
        await sleep(50);
      }
    },
    rssMb() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const m = /VmRSS:\s+(\d+)\s+kB/.exec(status);
      if (!m) throw new Error(`no VmRSS for ${child.pid}`);
      return Number(m[1]) / 1024;
    },
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  return p;
}

/** GET /healthz of a Baton on `port`. */
export async function healthz(port: number): Promise<{ status: number; body: { ok?: boolean; outbox?: { pending: number; failed: number } | null } }> {
  const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  let body: { ok?: boolean } = {};
  try {
    body = JSON.parse(text) as { ok?: boolean };
  } catch {
    // not JSON
  }
  return { status: res.status, body };
}

// ---------------------------------------------------------------------------------------------
// Small things
// ---------------------------------------------------------------------------------------------

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The p-th percentile (0..100) of `values` (nearest rank). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

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

/** Ticket keys `T-YYYY-NNN` found in `s`. */
export function ticketKeys(s: string): string[] {
  return [...new Set(s.match(/T-\d{4}-\d{3,}/g) ?? [])];
}
