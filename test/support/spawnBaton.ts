// Baton as a real child process, the way `npm start` runs it: for the process tests, the fault suites
// (SIGKILL, memory) and the benchmarks.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const READY = /Baton is running/;
/** The output kept: the last 200-400 KB, enough to explain a failure, bounded under load. */
const KEEP_CHARS = 200_000;

export interface BatonProcess {
  child: ChildProcess;
  pid: number;
  /** What it wrote to stdout and stderr (the tail, on a long run). */
  output(): string;
  /** Its exit code; -1 when a signal ended it. */
  exited: Promise<number | null>;
  /** Resolves once the output matches `pattern`; rejects if the process exits first or `ms` pass. */
  waitForOutput(pattern: RegExp, ms?: number): Promise<void>;
  /**
   * Resolves once the log says "Baton is running"; with a LOG_LEVEL quieter than info, once /healthz
   * answers 200 on PORT. Rejects if the process exits first or `ms` pass.
   */
  ready(ms?: number): Promise<void>;
  /** Resident set size now, in MiB (from /proc/<pid>/status). */
  rssMiB(): number;
  /** Sends `signal` (unless it has exited) and resolves with the exit code. */
  kill(signal: NodeJS.Signals): Promise<number | null>;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** `node --import tsx src/main.ts` with exactly `env` (plus PATH, HOME and LOG_LEVEL=info unless given). */
export function spawnBaton(env: Record<string, string>, o: { nodeArgs?: string[] } = {}): BatonProcess {
  const child = spawn(process.execPath, [...(o.nodeArgs ?? []), '--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const add = (d: Buffer) => {
    out += d.toString();
    if (out.length > 2 * KEEP_CHARS) out = out.slice(-KEEP_CHARS);
  };
  child.stdout!.on('data', add);
  child.stderr!.on('data', add);
  const exited = new Promise<number | null>((r) => child.on('exit', (code, signal) => r(code ?? (signal ? -1 : null))));
  const running = () => child.exitCode === null && child.signalCode === null;
  const quiet = env.LOG_LEVEL !== undefined && !['info', 'debug', 'trace'].includes(env.LOG_LEVEL);
  const healthy = async () =>
    env.PORT !== undefined && (await healthz(Number(env.PORT)).then((h) => h.status === 200, () => false));

  async function until(done: () => boolean | Promise<boolean>, what: string, ms: number, everyMs: number): Promise<void> {
    const start = Date.now();
    while (!(await done())) {
      if (!running()) throw new Error(`Baton exited early:\n${out.slice(-3000)}`);
      if (Date.now() - start > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}:\n${out.slice(-3000)}`);
      await sleep(everyMs);
    }
  }

  return {
    child,
    pid: child.pid!,
    output: () => out,
    exited,
    waitForOutput: (pattern, ms = 60_000) => until(() => pattern.test(out), String(pattern), ms, 5),
    ready: (ms = 60_000) => (quiet ? until(healthy, '/healthz to answer 200', ms, 50) : until(() => READY.test(out), String(READY), ms, 5)),
    rssMiB() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const m = /VmRSS:\s+(\d+)\s+kB/.exec(status);
      if (!m) throw new Error(`no VmRSS for ${child.pid}`);
      return Number(m[1]) / 1024;
    },
    async kill(signal) {
      if (running()) child.kill(signal);
      return exited;
    },
    async stop(graceMs = 15_000) {
      if (!running()) return;
      child.kill('SIGTERM');
      const done = await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)]);
      if (!done) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
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
