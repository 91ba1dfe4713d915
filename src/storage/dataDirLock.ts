// PGlite is single-process: two processes on one data directory silently lose writes. A lock file
// holding the owner's PID keeps a second process out; a lock left by a killed process is taken over.
import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface DataDirLock {
  path: string;
  release(): void;
}

export class DataDirLockedError extends Error {
  constructor(
    dir: string,
    readonly pid: number,
  ) {
    super(
      `BATON_DATA_DIR ${dir} is in use by another Baton process (pid ${pid}); the embedded database allows one process. ` +
        'Stop it, choose another BATON_DATA_DIR, or set DATABASE_URL to run several copies on PostgreSQL.',
    );
    this.name = 'DataDirLockedError';
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function acquireDataDirLock(dir: string): DataDirLock {
  const file = path.join(dir, 'baton.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      // The lock file appears with the PID already in it (written to a private file, then hard-linked
      // into place, which fails if the lock exists): another process never sees it empty and takes it
      // for a stale one.
      const tmp = `${file}.${process.pid}.${attempt}.tmp`;
      writeFileSync(tmp, String(process.pid));
      try {
        linkSync(tmp, file);
      } finally {
        unlinkSync(tmp);
      }
      let released = false;
      return {
        path: file,
        release() {
          if (released) return;
          released = true;
          try {
            if (readFileSync(file, 'utf8').trim() === String(process.pid)) unlinkSync(file);
          } catch {
            // already gone
          }
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let owner = NaN;
      try {
        owner = Number(readFileSync(file, 'utf8').trim());
      } catch {
        continue; // removed meanwhile: try again
      }
      if (owner === process.pid || isAlive(owner)) throw new DataDirLockedError(dir, owner);
      // Stale lock of a process that died without cleaning up.
      try {
        unlinkSync(file);
      } catch {
        // another process took it over first; the next attempt will tell
      }
    }
  }
  throw new Error(`could not lock BATON_DATA_DIR ${dir}; remove ${file} if no Baton process is running`);
}
