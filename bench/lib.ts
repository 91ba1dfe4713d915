// Shared plumbing of the benchmark runner: options, databases, statistics, child processes, results.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { openDatabase } from '../src/storage/db.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SECTIONS = ['intake', 'sweep', 'claim', 'delivery', 'memory'] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchOptions {
  quick: boolean;
  only: Set<Section>;
  /** Write bench/results.json (off with --no-write). */
  write: boolean;
}

export interface Result {
  section: Section;
  metric: string;
  value: number;
  unit: string;
  /** Human-readable target, e.g. "≤ 50 ms"; empty when the figure is information only. */
  target: string;
  pass: boolean | null;
  database?: 'postgres' | 'pglite';
  notes?: string;
}

export function parseArgs(argv: string[]): BenchOptions {
  let quick = false;
  let write = true;
  let only = new Set<Section>(SECTIONS);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') quick = true;
    else if (a === '--no-write') write = false;
    else if (a === '--only' || a.startsWith('--only=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i] ?? '';
      const picked = v.split(',').map((s) => s.trim()).filter(Boolean);
      for (const p of picked) if (!(SECTIONS as readonly string[]).includes(p)) throw new Error(`--only: unknown section "${p}" (one of ${SECTIONS.join(', ')})`);
      only = new Set(picked as Section[]);
    } else if (a === '--help' || a === '-h') {
      console.log(`npm run bench -- [--quick] [--only ${SECTIONS.join(',')}] [--no-write]\nBENCH_DATABASE_URL: a scratch PostgreSQL database (emptied by the run); default: own databases on postgres://postgres@127.0.0.1:5432`);
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  return { quick, only, write };
}

// ------------------------------------------------------------------------------------------ databases

const DEFAULT_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres';
const BATON_TABLES = ['agents', 'tickets', 'audit_events', 'outbox', 'processed_requests', 'ticket_sequences', 'schedule_runs'];

export interface BenchDatabase {
  url: string;
  /** Drop it (own databases) or leave it emptied (BENCH_DATABASE_URL). */
  drop(): Promise<void>;
}

/**
 * Fresh, migrated databases. Without BENCH_DATABASE_URL each call creates its own database on the
 * local server and drop() removes it. With BENCH_DATABASE_URL every call empties that one database
 * (Baton's tables truncated, the pgboss schema dropped) and hands it out again.
 */
export class Databases {
  readonly fixedUrl: string | null;
  readonly serverUrl: string;
  private seq = 0;
  constructor(env: Record<string, string | undefined>) {
    this.fixedUrl = env.BENCH_DATABASE_URL?.trim() || null;
    this.serverUrl = this.fixedUrl ?? DEFAULT_SERVER;
  }

  private withDb(name: string): string {
    const u = new URL(this.serverUrl);
    u.pathname = `/${name}`;
    return u.toString();
  }

  async fresh(label: string): Promise<BenchDatabase> {
    if (this.fixedUrl) {
      const url = this.fixedUrl;
      await migrate(url);
      const sql = postgres(url, { max: 1, onnotice: () => {} });
      try {
        const [db] = await sql<{ name: string }[]>`select current_database() as name`;
        const [row] = await sql<{ n: number }[]>`select count(*)::int as n from (select 1 from tickets limit 1) t`;
        const n = row?.n ?? 0;
        if (n > 0 && !/bench/i.test(db!.name) && process.env.BENCH_FORCE !== '1') {
          throw new Error(`BENCH_DATABASE_URL points at "${db!.name}", which holds tickets; the benchmark empties its database. Use a scratch database (name containing "bench") or set BENCH_FORCE=1.`);
        }
        await sql.unsafe(`truncate ${BATON_TABLES.join(', ')} restart identity`);
        await sql.unsafe('drop schema if exists pgboss cascade');
      } finally {
        await sql.end();
      }
      return { url, drop: async () => {} };
    }
    const name = `baton_bench_${label}_${process.pid}_${++this.seq}`;
    const admin = postgres(this.serverUrl, { max: 1, onnotice: () => {} });
    try {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.unsafe(`create database ${name}`);
    } finally {
      await admin.end();
    }
    const url = this.withDb(name);
    await migrate(url);
    return {
      url,
      drop: async () => {
        const a = postgres(this.serverUrl, { max: 1, onnotice: () => {} });
        try {
          await a.unsafe(`drop database if exists ${name} with (force)`);
        } finally {
          await a.end();
        }
      },
    };
  }

  /** An empty database without Baton's migrations (start-up measurements). */
  async empty(label: string): Promise<BenchDatabase> {
    if (this.fixedUrl) {
      // One database only: the migrations stay; start-up then measures a migrated database.
      return this.fresh(label);
    }
    const name = `baton_bench_${label}_${process.pid}_${++this.seq}`;
    const admin = postgres(this.serverUrl, { max: 1, onnotice: () => {} });
    try {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.unsafe(`create database ${name}`);
    } finally {
      await admin.end();
    }
    return {
      url: this.withDb(name),
      drop: async () => {
        const a = postgres(this.serverUrl, { max: 1, onnotice: () => {} });
        try {
          await a.unsafe(`drop database if exists ${name} with (force)`);
        } finally {
          await a.end();
        }
      },
    };
  }

  async serverVersion(): Promise<string> {
    const sql = postgres(this.serverUrl, { max: 1, onnotice: () => {} });
    try {
      const [r] = await sql<{ v: string }[]>`select version() as v`;
      return r!.v;
    } finally {
      await sql.end();
    }
  }

  async serverSettings(): Promise<Record<string, string>> {
    const sql = postgres(this.serverUrl, { max: 1, onnotice: () => {} });
    try {
      const rows = await sql<{ name: string; setting: string; unit: string | null }[]>`
        select name, setting, unit from pg_settings
        where name in ('shared_buffers', 'synchronous_commit', 'fsync', 'max_connections', 'work_mem', 'wal_level')`;
      return Object.fromEntries(rows.map((r) => [r.name, r.unit ? `${r.setting} ${r.unit}` : r.setting]));
    } finally {
      await sql.end();
    }
  }
}

async function migrate(url: string) {
  const db = await openDatabase({ databaseUrl: url, poolSize: 1 });
  await db.close();
}

// ------------------------------------------------------------------------------------------ statistics

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function median(xs: number[]): number {
  return percentile([...xs].sort((a, b) => a - b), 50);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export const round = (x: number, digits = 1) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

// ------------------------------------------------------------------------------------------ machine

export async function machine(dbs: Databases) {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    postgres: await dbs.serverVersion(),
    postgresSettings: await dbs.serverSettings(),
    pglite: pkgVersion('@electric-sql/pglite'),
    pgBoss: pkgVersion('pg-boss'),
    date: new Date().toISOString(),
  };
}

export function pkgVersion(name: string): string {
  try {
    return JSON.parse(readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version as string;
  } catch {
    return 'not installed';
  }
}

// ------------------------------------------------------------------------------------------ Baton as a process

export interface Child {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  /** Resident set size of the process now, in MiB (from /proc). */
  rssMiB(): number;
  stop(): Promise<void>;
}

/** `node --import tsx src/main.ts` with exactly this environment (plus PATH and HOME). */
export function spawnBaton(env: Record<string, string>): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  // Keep only the tail: a long run must not grow the bench process.
  const add = (d: Buffer) => {
    out += d.toString();
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  child.stdout!.on('data', add);
  child.stderr!.on('data', add);
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return {
    child,
    output: () => out,
    exited,
    rssMiB() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const m = /VmRSS:\s+(\d+) kB/.exec(status);
      return m ? Number(m[1]) / 1024 : NaN;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const done = await Promise.race([exited.then(() => true), sleep(15_000).then(() => false)]);
      if (!done) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

export async function waitForOutput(c: Child, pattern: RegExp, ms = 60_000): Promise<void> {
  const start = Date.now();
  while (!pattern.test(c.output())) {
    if (c.child.exitCode !== null) throw new Error(`Baton exited early:\n${c.output().slice(-3000)}`);
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${pattern}:\n${c.output().slice(-3000)}`);
    await sleep(5);
  }
}

// ------------------------------------------------------------------------------------------ output

export function printTable(results: Result[]): string {
  const rows = results.map((r) => [
    r.section,
    r.metric + (r.database ? ` [${r.database}]` : ''),
    `${formatValue(r.value)} ${r.unit}`.trim(),
    r.target || '—',
    r.pass === null ? 'info' : r.pass ? 'PASS' : 'FAIL',
  ]);
  const head = ['section', 'metric', 'value', 'target', 'result'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const out = [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
  return out;
}

export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(2);
}
