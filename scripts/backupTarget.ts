// What `npm run backup` and `npm run restore` work on, read from the environment the way Baton reads it:
// DATABASE_URL (PostgreSQL) when set, else the embedded database in BATON_DATA_DIR (default ./data).
import { statSync } from 'node:fs';
import { BackupError } from '../src/storage/backup.js';

export type Target = { kind: 'postgres'; url: string; shown: string } | { kind: 'pglite'; dataDir: string; shown: string };

export function targetFromEnv(env: NodeJS.ProcessEnv = process.env): Target {
  const url = env.DATABASE_URL?.trim();
  if (url) {
    if (!/^postgres(ql)?:\/\//.test(url)) throw new BackupError('DATABASE_URL must start with postgres:// or postgresql://');
    const u = new URL(url);
    return { kind: 'postgres', url, shown: `PostgreSQL database ${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}` };
  }
  const dataDir = env.BATON_DATA_DIR?.trim() || './data';
  return { kind: 'pglite', dataDir, shown: `embedded database in ${dataDir}` };
}

/** The FILE argument (`npm run backup -- FILE`); refuses none, or more than one. */
export function fileArgument(command: 'backup' | 'restore', argv: string[] = process.argv.slice(2)): string {
  const files = argv.filter((a) => a !== '--');
  if (files.length !== 1) throw new BackupError(`usage: npm run ${command} -- FILE (${files.length === 0 ? 'no FILE given' : `one FILE, got ${files.length}: ${files.join(' ')}`})`);
  return files[0]!;
}

export const sizeOf = (file: string) => `${(statSync(file).size / (1024 * 1024)).toFixed(1)} MB`;

/** Runs `main`; a BackupError is one line on stderr and exit code 1. */
export function runCli(command: string, main: () => Promise<string>): void {
  main().then(
    (line) => {
      console.log(line);
    },
    (e: unknown) => {
      console.error(`baton ${command}: ${e instanceof BackupError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      process.exitCode = 1;
    },
  );
}
