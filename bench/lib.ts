// Shared plumbing of the benchmark runner: options, databases, statistics, results. Baton as a child
// process comes from test/support/spawnBaton.ts.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type postgres from 'postgres';
import { openDatabase } from '../src/storage/db.js';
import { databaseUrl, onServer } from '../test/support/pgServer.js';
import { percentile } from '../test/support/stats.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SECTIONS = ['intake', 'sweep', 'claim', 'delivery', 'memory', 'retention', 'cost'] as const;
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
      console.log(`npm run bench -- [--quick] [--only ${SECTIONS.join(',')}] [--no-write]\nBENCH_DATABASE_URL: a scratch PostgreSQL database (emptied by the run); default: own databases on BENCH_SERVER_URL (default postgres://postgres@127.0.0.1:5432/postgres; ?host=/var/run/postgresql for its Unix socket)`);
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  return { quick, only, write };
}

// ------------------------------------------------------------------------------------------ databases

const DEFAULT_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres';
const BATON_TABLES = ['agents', 'tickets', 'audit_events', 'outbox', 'processed_requests', 'ticket_sequences', 'schedule_runs', 'api_idempotency', 'home_users', 'agent_loads'];

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
    this.serverUrl = this.fixedUrl ?? (env.BENCH_SERVER_URL?.trim() || DEFAULT_SERVER);
  }

  async fresh(label: string): Promise<BenchDatabase> {
    if (this.fixedUrl) {
      const url = this.fixedUrl;
      await migrate(url);
      await onServer(url, async (sql) => {
        const [db] = await sql<{ name: string }[]>`select current_database() as name`;
        const [row] = await sql<{ n: number }[]>`select count(*)::int as n from (select 1 from tickets limit 1) t`;
        const n = row?.n ?? 0;
        if (n > 0 && !/bench/i.test(db!.name) && process.env.BENCH_FORCE !== '1') {
          throw new Error(`BENCH_DATABASE_URL points at "${db!.name}", which holds tickets; the benchmark empties its database. Use a scratch database (name containing "bench") or set BENCH_FORCE=1.`);
        }
        await sql.unsafe(`truncate ${BATON_TABLES.join(', ')} restart identity`);
        await sql.unsafe('drop schema if exists pgboss cascade');
      });
      return { url, drop: async () => {} };
    }
    const created = await this.create(label);
    await migrate(created.url);
    return created;
  }

  /** An empty database without Baton's migrations (start-up measurements). */
  async empty(label: string): Promise<BenchDatabase> {
    // One database only: the migrations stay; start-up then measures a migrated database.
    if (this.fixedUrl) return this.fresh(label);
    return this.create(label);
  }

  /** A new, empty database of our own on the server. */
  private async create(label: string): Promise<BenchDatabase> {
    const name = `baton_bench_${label}_${process.pid}_${++this.seq}`;
    const dropIt = (sql: postgres.Sql) => sql.unsafe(`drop database if exists ${name} with (force)`);
    await onServer(this.serverUrl, async (sql) => {
      await dropIt(sql);
      await sql.unsafe(`create database ${name}`);
    });
    return {
      url: databaseUrl(this.serverUrl, name),
      drop: async () => {
        await onServer(this.serverUrl, dropIt);
      },
    };
  }

  async serverVersion(): Promise<string> {
    const [r] = await onServer(this.serverUrl, async (sql) => sql<{ v: string }[]>`select version() as v`);
    return r!.v;
  }

  async serverSettings(): Promise<Record<string, string>> {
    const rows = await onServer(
      this.serverUrl,
      async (sql) => sql<{ name: string; setting: string; unit: string | null }[]>`
        select name, setting, unit from pg_settings
        where name in ('shared_buffers', 'synchronous_commit', 'fsync', 'max_connections', 'work_mem', 'wal_level')`,
    );
    return Object.fromEntries(rows.map((r) => [r.name, r.unit ? `${r.setting} ${r.unit}` : r.setting]));
  }
}

async function migrate(url: string) {
  const db = await openDatabase({ databaseUrl: url, poolSize: 1 });
  await db.close();
}

// ------------------------------------------------------------------------------------------ statistics

export { setTimeout as sleep } from 'node:timers/promises';

export function median(xs: number[]): number {
  return percentile(xs, 50);
}

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
