// Backup and restore of Baton's database. A backup file starts with a line of its own (BACKUP_MAGIC) and a
// JSON header saying what it holds; then comes the copy itself: PGlite's data directory as a gzipped tar
// (PGlite's dumpDataDir, taken while this process holds the data-directory lock, so no Baton writes
// meanwhile), or a `pg_dump` archive in its custom format (a consistent snapshot even while Baton runs).
import { spawn } from 'node:child_process';
import { closeSync, createReadStream, createWriteStream, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { PGlite } from '@electric-sql/pglite';
import { acquireDataDirLock, DataDirLockedError, type DataDirLock } from './dataDirLock.js';
import { MIGRATIONS_DIR } from './db.js';
import { connectPostgres } from './pgConnect.js';

export const BACKUP_MAGIC = 'BATON-BACKUP 1\n';

export interface BackupHeader {
  kind: 'pglite' | 'postgres';
  format: 'pglite-datadir-tar-gzip' | 'pg_dump-custom';
  createdAt: string;
  /** The last migration applied to the database backed up (its tag in drizzle/). */
  migration: string | null;
  tickets: number;
}

/** A backup or restore that was refused or failed: the message is the one line to show. Nothing was changed. */
export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

/** Called with a progress line while a large copy runs. */
export type Progress = (line: string) => void;

const MB = 1024 * 1024;
const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;

// ---------------------------------------------------------------------------------------------
// The file
// ---------------------------------------------------------------------------------------------

/** The header of a backup file and where its payload starts; refuses a file that is not a backup. */
export function readBackupHeader(file: string): { header: BackupHeader; offset: number } {
  if (!existsSync(file)) throw new BackupError(`${file} does not exist.`);
  const fd = openSync(file, 'r');
  const buf = Buffer.alloc(4096);
  let n: number;
  try {
    n = readSync(fd, buf, 0, buf.length, 0);
  } finally {
    closeSync(fd);
  }
  const head = buf.subarray(0, n);
  const magic = Buffer.from(BACKUP_MAGIC);
  const notBackup = `${file} is not a Baton backup (it does not start with the line "${BACKUP_MAGIC.trim()}" that \`npm run backup\` writes); nothing was changed.`;
  if (head.length < magic.length || !head.subarray(0, magic.length).equals(magic)) throw new BackupError(notBackup);
  const end = head.indexOf(0x0a, magic.length);
  if (end < 0) throw new BackupError(notBackup);
  let header: BackupHeader;
  try {
    header = JSON.parse(head.subarray(magic.length, end).toString('utf8')) as BackupHeader;
  } catch {
    throw new BackupError(notBackup);
  }
  if (!['pglite', 'postgres'].includes(header.kind)) throw new BackupError(`${file} is a Baton backup of an unknown kind (${String(header.kind)}); nothing was changed.`);
  return { header, offset: end + 1 };
}

function headerBytes(h: BackupHeader): Buffer {
  return Buffer.from(BACKUP_MAGIC + JSON.stringify(h) + '\n');
}

function refuseExisting(file: string): void {
  if (existsSync(file)) throw new BackupError(`${file} already exists; give a new file name (a backup never overwrites a file).`);
}

/** The tag of the last applied migration, from drizzle's own table and the journal in drizzle/. */
function migrationTag(createdAt: number | null): string | null {
  if (createdAt === null) return null;
  const journal = JSON.parse(readFileSync(path.join(MIGRATIONS_DIR, 'meta/_journal.json'), 'utf8')) as { entries: Array<{ when: number; tag: string }> };
  return journal.entries.find((e) => e.when === createdAt)?.tag ?? null;
}

const FACTS_SQL = `select (select count(*)::int from tickets) as tickets,
  (select max(created_at)::text from drizzle.__drizzle_migrations) as migrated`;

// ---------------------------------------------------------------------------------------------
// PGlite: the data directory
// ---------------------------------------------------------------------------------------------

function lockForBackup(dir: string, what: 'back up' | 'restore into'): DataDirLock {
  try {
    return acquireDataDirLock(dir);
  } catch (e) {
    if (e instanceof DataDirLockedError) {
      throw new BackupError(`Cannot ${what} BATON_DATA_DIR ${dir}: a Baton process (pid ${e.pid}) is running on it. Stop it first; the embedded database allows one process.`);
    }
    throw e;
  }
}

export async function backupPglite(dataDir: string, file: string, progress: Progress): Promise<BackupHeader> {
  const dir = path.resolve(dataDir);
  const pgdata = path.join(dir, 'pgdata');
  if (!existsSync(pgdata)) throw new BackupError(`BATON_DATA_DIR ${dir} holds no Baton database (no pgdata directory); nothing to back up.`);
  refuseExisting(file);
  const lock = lockForBackup(dir, 'back up');
  try {
    progress(`backup: reading the embedded database in ${dir}…`);
    const pg = new PGlite(pgdata);
    let dump: Blob;
    let facts: { tickets: number; migrated: string | null };
    try {
      await pg.waitReady;
      facts = (await pg.query<{ tickets: number; migrated: string | null }>(FACTS_SQL)).rows[0]!;
      dump = await pg.dumpDataDir('gzip');
    } finally {
      await pg.close();
    }
    const header: BackupHeader = {
      kind: 'pglite',
      format: 'pglite-datadir-tar-gzip',
      createdAt: new Date().toISOString(),
      migration: migrationTag(facts.migrated === null ? null : Number(facts.migrated)),
      tickets: Number(facts.tickets),
    };
    await writeAtomically(file, async (out) => {
      out.write(headerBytes(header));
      const bytes = Buffer.from(await dump.arrayBuffer());
      if (bytes.length > 16 * MB) progress(`backup: writing ${mb(bytes.length)}…`);
      out.write(bytes);
    });
    return header;
  } finally {
    lock.release();
  }
}

export async function restorePglite(dataDir: string, file: string, progress: Progress): Promise<BackupHeader> {
  const { header, offset } = readBackupHeader(file);
  if (header.kind !== 'pglite') {
    throw new BackupError(`${file} is a backup of a PostgreSQL database: set DATABASE_URL to an empty PostgreSQL database to restore it; nothing was changed.`);
  }
  const dir = path.resolve(dataDir);
  if (existsSync(dir)) {
    const entries = readdirSync(dir);
    if (entries.length) throw new BackupError(`BATON_DATA_DIR ${dir} is not empty (it holds ${entries.slice(0, 5).join(', ')}); restore into an empty or new directory. Nothing was changed.`);
  }
  mkdirSync(dir, { recursive: true });
  const lock = lockForBackup(dir, 'restore into');
  const pgdata = path.join(dir, 'pgdata');
  try {
    const size = statSync(file).size - offset;
    if (size > 16 * MB) progress(`restore: loading ${mb(size)} into ${dir}…`);
    const bytes = readFileSync(file).subarray(offset);
    const pg = new PGlite(pgdata, { loadDataDir: new Blob([new Uint8Array(bytes)]) });
    try {
      await pg.waitReady;
      await pg.query('select count(*) from tickets');
    } finally {
      await pg.close();
    }
    return header;
  } catch (e) {
    rmSync(pgdata, { recursive: true, force: true });
    if (e instanceof BackupError) throw e;
    throw new BackupError(`${file} could not be loaded (${e instanceof Error ? e.message : String(e)}); BATON_DATA_DIR ${dir} was left empty.`);
  } finally {
    lock.release();
  }
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL: pg_dump and pg_restore
// ---------------------------------------------------------------------------------------------

/** The URL without its password (handed to pg_dump through PGPASSWORD, never on a command line). */
function connection(url: string): { dbname: string; env: NodeJS.ProcessEnv; shown: string } {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = '';
  const shown = `${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
  return { dbname: u.toString(), env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) }, shown };
}

const NO_PG_TOOLS = (tool: string) =>
  `${tool} is not installed: install the PostgreSQL client tools (the server's major version or newer; e.g. \`apt-get install postgresql-client\`), or back up with your provider's own snapshots — see README "Backup and restore".`;

async function databaseFacts(url: string): Promise<{ tables: string[]; tickets: number; migrated: string | null }> {
  const sql = connectPostgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    const tables = await sql<{ name: string }[]>`select table_schema || '.' || table_name as name from information_schema.tables
      where table_schema not in ('pg_catalog', 'information_schema') order by 1`;
    const names = tables.map((t) => t.name);
    if (!names.includes('public.tickets')) return { tables: names, tickets: 0, migrated: null };
    const [f] = await sql.unsafe<{ tickets: number; migrated: string | null }[]>(FACTS_SQL);
    return { tables: names, tickets: Number(f!.tickets), migrated: f!.migrated };
  } catch (e) {
    throw new BackupError(`Cannot reach the database at DATABASE_URL: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Runs a PostgreSQL client tool; rejects with its last error lines. */
function run(
  tool: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  io: { stdin?: NodeJS.ReadableStream; stdout?: NodeJS.WritableStream; counted?: (n: number) => void },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { env, stdio: [io.stdin ? 'pipe' : 'ignore', io.stdout ? 'pipe' : 'ignore', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
    if (io.stdout) {
      child.stdout!.on('data', (d: Buffer) => io.counted?.(d.length));
      child.stdout!.pipe(io.stdout, { end: false });
    }
    if (io.stdin) {
      child.stdin!.on('error', () => {}); // the tool failing early closes its stdin; its exit code says why
      io.stdin.pipe(child.stdin!);
    }
    child.on('error', (e: NodeJS.ErrnoException) => reject(new BackupError(e.code === 'ENOENT' ? NO_PG_TOOLS(tool) : `${tool} could not start: ${e.message}`)));
    // 'close' comes after its output has been read to the end.
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new BackupError(`${tool} failed (exit ${code}): ${err.trim().split('\n').slice(-3).join(' ')}`));
    });
  });
}

function ticker(progress: Progress, verb: string, bytes: () => number): () => void {
  const timer = setInterval(() => progress(`${verb}: ${mb(bytes())} so far…`), 2000);
  return () => clearInterval(timer);
}

export async function backupPostgres(url: string, file: string, progress: Progress): Promise<BackupHeader> {
  refuseExisting(file);
  const c = connection(url);
  const facts = await databaseFacts(url);
  if (!facts.tables.includes('public.tickets')) throw new BackupError(`The database at ${c.shown} holds no Baton database (no tickets table); nothing to back up.`);
  const header: BackupHeader = {
    kind: 'postgres',
    format: 'pg_dump-custom',
    createdAt: new Date().toISOString(),
    migration: migrationTag(facts.migrated === null ? null : Number(facts.migrated)),
    tickets: facts.tickets,
  };
  await writeAtomically(file, async (out) => {
    out.write(headerBytes(header));
    let written = 0;
    const stop = ticker(progress, 'backup', () => written);
    try {
      await run('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--dbname=${c.dbname}`], c.env, {
        stdout: out,
        counted: (n) => (written += n),
      });
    } finally {
      stop();
    }
  });
  return header;
}

export async function restorePostgres(url: string, file: string, progress: Progress): Promise<BackupHeader> {
  const { header, offset } = readBackupHeader(file);
  const c = connection(url);
  if (header.kind !== 'postgres') {
    throw new BackupError(`${file} is a backup of an embedded (PGlite) database: unset DATABASE_URL and set BATON_DATA_DIR to an empty directory to restore it; nothing was changed.`);
  }
  const facts = await databaseFacts(url);
  if (facts.tables.length) {
    throw new BackupError(`The database at ${c.shown} is not empty (it has ${facts.tables.slice(0, 5).join(', ')}${facts.tables.length > 5 ? ', …' : ''}); restore into an empty database (e.g. \`createdb baton_restored\`). Nothing was changed.`);
  }
  let read = 0;
  const input = createReadStream(file, { start: offset });
  input.on('data', (chunk) => (read += chunk.length));
  const stop = ticker(progress, 'restore', () => read);
  try {
    // One transaction: a restore that fails leaves the database as empty as it was.
    await run('pg_restore', ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', `--dbname=${c.dbname}`], c.env, { stdin: input });
  } finally {
    stop();
  }
  return header;
}

/** Writes `file` through a temporary file renamed into place: a failed backup leaves no file that looks like one. */
async function writeAtomically(file: string, write: (out: NodeJS.WritableStream) => Promise<void>): Promise<void> {
  const tmp = `${file}.partial`;
  const out = createWriteStream(tmp);
  try {
    await write(out);
    out.end();
    await once(out, 'finish');
    renameSync(tmp, file);
  } catch (e) {
    out.destroy();
    rmSync(tmp, { force: true });
    throw e;
  }
}
