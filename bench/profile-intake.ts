// Profiling aid (not part of `npm run bench`): Baton as a child process under `node --cpu-prof`, loaded
// with signed `/ticket new` requests from 16 clients for a while, then stopped; prints the functions with
// the most self time (the .cpuprofile is kept in reports/profile/ for Chrome DevTools or speedscope).
//   npx tsx bench/profile-intake.ts [seconds]
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { startFakeSlack } from '../fake-slack/index.js';
import { freePort } from '../test/support/slackRequests.js';
import { spawnBaton } from '../test/support/spawnBaton.js';
import { addAgents, batonEnv, fileOne, simFor } from './intake.js';
import { Databases, ROOT } from './lib.js';

const seconds = Number(process.argv[2] ?? 20);
const dir = path.join(ROOT, 'reports', 'profile');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });

const dbs = new Databases(process.env);
const db = await dbs.fresh('profile');
const fake = await startFakeSlack();
const port = await freePort();
const baton = spawnBaton(batonEnv(port, fake.url, { DATABASE_URL: db.url, LOG_LEVEL: 'warn' }), { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
let filed = 0;
try {
  await baton.ready();
  const slack = simFor(port);
  await addAgents(slack, 4);
  let i = 0;
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (performance.now() < end) if (await fileOne(slack, i++).catch(() => false)) filed++;
    }),
  );
} finally {
  await baton.stop(20_000);
  await fake.close();
  await db.drop();
}
console.log(`${filed} filed in ${seconds} s (${Math.round(filed / seconds)}/s)`);

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
if (!file) throw new Error('no profile written');
const prof = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as { nodes: Node[]; startTime: number; endTime: number; samples: number[] };
const hits = prof.samples.length;
const self = new Map<string, number>();
const byPackage = new Map<string, number>();
for (const n of prof.nodes) {
  const url = n.callFrame.url.replace(`file://${ROOT}/`, '');
  const where = url.startsWith('node_modules/') ? url.split('/').slice(0, url.split('/')[1]!.startsWith('@') ? 3 : 2).join('/') : url.startsWith('src/') ? 'src' : url || '(native)';
  const k = `${n.callFrame.functionName || '(anonymous)'} ${url}:${n.callFrame.lineNumber + 1}`;
  self.set(k, (self.get(k) ?? 0) + (n.hitCount ?? 0));
  byPackage.set(where, (byPackage.get(where) ?? 0) + (n.hitCount ?? 0));
}
const pct = (n: number) => `${((100 * n) / hits).toFixed(1).padStart(5)} %`;
console.log(`\nSelf time by package (${hits} samples, ${file}):`);
for (const [k, n] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`${pct(n)}  ${k}`);
console.log('\nFunctions with the most self time:');
for (const [k, n] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`${pct(n)}  ${k}`);
