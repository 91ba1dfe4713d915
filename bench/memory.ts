// 5. Memory and start: a fresh Baton process (`node --import tsx src/main.ts`) on PGlite and on
// PostgreSQL: start time on an empty database (migrations included) and on restart, RSS idle and after
// 10,000 tickets filed over HTTP (2,000 in quick mode).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startFakeSlack } from '../fake-slack/index.js';
import { freePort } from '../test/support/slackRequests.js';
import { addAgents, AGENTS, batonEnv, fileOne, simFor } from './intake.js';
import { spawnBaton } from '../test/support/spawnBaton.js';
import { round, sleep, type BenchOptions, type Databases, type Result } from './lib.js';

const SETTLE_MS = 3000;
/** Filing stops here whatever the count (the figure then names how many were filed). */
const MAX_FILING_MS = 300_000;

async function startTimed(env: Record<string, string>) {
  const start = performance.now();
  const child = spawnBaton(env);
  await child.ready(120_000);
  return { child, ms: performance.now() - start };
}

export async function runMemory(dbs: Databases, o: BenchOptions): Promise<Result[]> {
  const tickets = o.quick ? 2_000 : 10_000;
  const results: Result[] = [];
  const fake = await startFakeSlack();
  try {
    for (const kind of ['pglite', 'postgres'] as const) {
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'baton-bench-'));
      const pg = kind === 'postgres' ? await dbs.empty('memory') : null;
      try {
        const port = await freePort();
        const env = batonEnv(port, fake.url, kind === 'postgres' ? { DATABASE_URL: pg!.url } : { BATON_DATA_DIR: dataDir });
        // Cold: an empty database, so the migrations run.
        const first = await startTimed(env);
        await first.child.stop();
        // Restart on the migrated database: the usual start.
        const again = await startTimed(env);
        const baton = again.child;
        try {
          await sleep(SETTLE_MS);
          const idle = baton.rssMiB();
          const slack = simFor(port);
          await addAgents(slack, AGENTS);
          let i = 0;
          let failed = 0;
          const started = performance.now();
          const until = started + MAX_FILING_MS;
          await Promise.all(
            Array.from({ length: 8 }, async () => {
              while (i < tickets && performance.now() < until) {
                const ok = await fileOne(slack, i++).catch(() => false);
                if (!ok) failed++;
              }
            }),
          );
          const fileSeconds = (performance.now() - started) / 1000;
          await sleep(SETTLE_MS);
          const loaded = baton.rssMiB();
          results.push(
            { section: 'memory', metric: 'start on an empty database (migrations)', value: round(first.ms, 0), unit: 'ms', target: '', pass: null, database: kind },
            { section: 'memory', metric: 'start (cold process, migrated database)', value: round(again.ms, 0), unit: 'ms', target: '', pass: null, database: kind },
            { section: 'memory', metric: 'RSS idle', value: round(idle, 0), unit: 'MiB', target: '', pass: null, database: kind },
            { section: 'memory', metric: `RSS after ${i.toLocaleString('en')} tickets`, value: round(loaded, 0), unit: 'MiB', target: '', pass: null, database: kind, notes: `filed in ${round(fileSeconds, 1)} s (${round(i / fileSeconds, 0)}/s, 8 clients)${failed ? `, ${failed} not filed` : ''}` },
          );
        } finally {
          await baton.stop();
        }
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
        await pg?.drop();
      }
    }
  } finally {
    await fake.close();
  }
  return results;
}
