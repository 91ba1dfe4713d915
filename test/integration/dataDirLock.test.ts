// The embedded database's data directory (BATON_DATA_DIR) on a real temporary directory: one process at a
// time, a lock left by a killed process is taken over, and data survives a restart.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { addAgent } from '../../src/app/agents.js';
import { fileTicket } from '../../src/app/fileTicket.js';
import { showTicket } from '../../src/app/ticketActions.js';
import { user } from '../../src/core/permissions.js';
import { getAgent } from '../../src/storage/agents.js';
import { acquireDataDirLock, DataDirLockedError } from '../../src/storage/dataDirLock.js';
import { openDatabase, type Database } from '../../src/storage/db.js';
import { ADMIN, makeDeps, ManualClock } from '../support/deps.js';
import { input } from '../support/inspect.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CHILD = path.join(ROOT, 'test/support/openDataDir.ts');

interface Child {
  proc: ChildProcess;
  /** Resolves with the child's pid once its database is open. */
  ready: Promise<number>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

const children: ChildProcess[] = [];

function openInChild(dir: string, note?: string): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, ...(note ? [note] : [])], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(proc);
  let stdout = '';
  let stderr = '';
  proc.stderr!.on('data', (d) => (stderr += String(d)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  const ready = new Promise<number>((resolve, reject) => {
    proc.stdout!.on('data', (d) => {
      stdout += String(d);
      const m = /ready (\d+)/.exec(stdout);
      if (m) resolve(Number(m[1]));
    });
    void exited.then((e) => reject(new Error(`child exited (${e.code ?? e.signal}) before it was ready: ${e.stderr}`)));
  });
  ready.catch(() => {}); // a child that is meant to fail never gets ready
  return { proc, ready, exited };
}

describe('the data directory lock (BATON_DATA_DIR)', { timeout: 120_000 }, () => {
  let template: string;
  let dir: string;
  const open: Database[] = [];

  // A migrated data directory to copy for each test: creating one from nothing (initdb) takes many seconds.
  beforeAll(async () => {
    template = mkdtempSync(path.join(os.tmpdir(), 'baton-datadir-tpl-'));
    const dump = new Blob([new Uint8Array(readFileSync(inject('pgliteDump')))]);
    const pg = new PGlite(path.join(template, 'pgdata'), { loadDataDir: dump });
    await pg.waitReady;
    await pg.close();
  });
  afterAll(() => rmSync(template, { recursive: true, force: true }));

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'baton-datadir-'));
    cpSync(template, dir, { recursive: true });
  });
  afterEach(async () => {
    for (const d of open.splice(0)) await d.close().catch(() => {});
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  const openHere = async () => {
    const d = await openDatabase({ dataDir: dir });
    open.push(d);
    return d;
  };
  const closeHere = async (d: Database) => {
    open.splice(open.indexOf(d), 1);
    await d.close();
  };
  const lockFile = () => path.join(dir, 'baton.lock');

  it('a second process on the same data directory is refused with a clear message naming BATON_DATA_DIR', async () => {
    const first = openInChild(dir);
    const pid = await first.ready;
    expect(readFileSync(lockFile(), 'utf8').trim()).toBe(String(pid));

    const second = openInChild(dir);
    const result = await second.exited;
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`BATON_DATA_DIR ${dir} is in use by another Baton process (pid ${pid})`);
    expect(result.stderr).toContain('DATABASE_URL');

    // The same from this process, as a typed error.
    const e = await openDatabase({ dataDir: dir }).then(
      () => null,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(DataDirLockedError);
    expect((e as Error).message).toMatch(/^BATON_DATA_DIR .* is in use by another Baton process/);
    expect(readFileSync(lockFile(), 'utf8').trim()).toBe(String(pid)); // the refusals left the lock alone

    // Once the first one stops cleanly, its lock is gone and the directory opens.
    first.proc.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
    expect(existsSync(lockFile())).toBe(false);
    const db = await openHere();
    expect(await db.ping()).toBe(true);
  });

  it('a lock left by a killed process does not keep Baton out, and what it wrote is kept', async () => {
    const victim = openInChild(dir, 'written-before-kill');
    const pid = await victim.ready;
    victim.proc.kill('SIGKILL');
    expect((await victim.exited).signal).toBe('SIGKILL');
    expect(readFileSync(lockFile(), 'utf8').trim()).toBe(String(pid)); // left behind

    const db = await openHere();
    const rows = await db.rows<{ key: string; value: { pid: number } }>(db.db, sql`select key, value from settings where key like 'note:%'`);
    expect(rows).toEqual([{ key: 'note:written-before-kill', value: { pid } }]);
    expect(readFileSync(lockFile(), 'utf8').trim()).toBe(String(process.pid));
    await closeHere(db);
    expect(existsSync(lockFile())).toBe(false);
  });

  it('data written before a restart is still there after it', async () => {
    const clock = new ManualClock();
    let db = await openHere();
    let deps = makeDeps(db, { clock });
    await addAgent(deps, user(ADMIN), { handle: 'iris', skills: ['billing'], channel: 'CIRIS', user: 'UIRIS' });
    const first = await fileTicket(deps, user('UREQ1'), input('Charged twice', { type: 'billing', context: { customer: 'acme' } }));
    await closeHere(db);

    db = await openHere(); // migrations run again on start-up: they must keep the data
    deps = makeDeps(db, { clock });
    expect(await getAgent(db.db, 'iris')).toMatchObject({ skills: ['billing'], user: 'UIRIS' });
    const shown = await showTicket(deps, first.ticket.key);
    expect(shown.ticket).toMatchObject({ status: 'active', assignee: 'iris', context: { customer: 'acme' } });
    expect(shown.trail.map((e) => e.action)).toEqual(['filed', 'assigned']);
    const second = await fileTicket(deps, user('UREQ1'), input('Again', { type: 'billing' }));
    expect(second.ticket.key).toBe('T-2026-002'); // the key sequence survived too
    expect(second.agent?.handle).toBe('iris');
    await closeHere(db);
  });
});

describe('acquireDataDirLock', () => {
  let dir: string;
  const lockFile = () => path.join(dir, 'baton.lock');
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'baton-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a second lock in the same process and allows one after release', () => {
    const lock = acquireDataDirLock(dir);
    expect(() => acquireDataDirLock(dir)).toThrow(DataDirLockedError);
    expect(() => acquireDataDirLock(dir)).toThrow(`BATON_DATA_DIR ${dir} is in use by another Baton process (pid ${process.pid})`);
    lock.release();
    lock.release(); // twice is harmless
    expect(existsSync(lockFile())).toBe(false);
    acquireDataDirLock(dir).release();
  });

  it('takes over a lock whose process is gone', () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(lockFile(), dead.stdout);
    const lock = acquireDataDirLock(dir);
    expect(readFileSync(lockFile(), 'utf8')).toBe(String(process.pid));
    lock.release();
  });

  it.each(['', 'not a pid', '-1', '0'])('takes over a lock file holding %j', (content) => {
    writeFileSync(lockFile(), content);
    const lock = acquireDataDirLock(dir);
    expect(readFileSync(lockFile(), 'utf8')).toBe(String(process.pid));
    lock.release();
  });

  it('holds the PID and leaves no temporary file behind', () => {
    const lock = acquireDataDirLock(dir);
    expect(readdirSync(dir)).toEqual(['baton.lock']);
    expect(readFileSync(lockFile(), 'utf8')).toBe(String(process.pid));
    expect(() => acquireDataDirLock(dir)).toThrow(DataDirLockedError);
    expect(readdirSync(dir)).toEqual(['baton.lock']);
    lock.release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('reports a directory it cannot write to instead of looping', () => {
    expect(() => acquireDataDirLock(path.join(dir, 'missing', 'deeper'))).toThrow(/ENOENT/);
  });

  it('release leaves a lock that another process has taken since', () => {
    const lock = acquireDataDirLock(dir);
    writeFileSync(lockFile(), '999999');
    lock.release();
    expect(readFileSync(lockFile(), 'utf8')).toBe('999999');
  });
});
