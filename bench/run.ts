// `npm run bench [-- --quick] [-- --only intake,sweep,claim,delivery,memory,retention]`: Baton's benchmark suite.
// Prints a table (metric, value, target, pass/fail) and writes bench/results.json with the machine it ran on.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runClaim } from './claim.js';
import { runDelivery } from './delivery.js';
import { runIntake } from './intake.js';
import { runMemory } from './memory.js';
import { runCost } from './cost.js';
import { runRetention } from './retention.js';
import { runSweep } from './sweep.js';
import { Databases, machine, parseArgs, printTable, ROOT, type Result, type Section } from './lib.js';

const RUNNERS: Record<Section, (dbs: Databases, o: ReturnType<typeof parseArgs>) => Promise<Result[]>> = {
  intake: runIntake,
  sweep: runSweep,
  claim: runClaim,
  delivery: runDelivery,
  memory: runMemory,
  retention: runRetention,
  cost: runCost,
};

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const dbs = new Databases(process.env);
  const info = await machine(dbs);
  console.log(`Baton benchmarks${o.quick ? ' (quick)' : ''}: ${info.cpus} × ${info.cpuModel}, ${info.memoryGiB} GiB, Node ${info.node}, ${info.postgres.split(' on ')[0]}${dbs.fixedUrl ? ' (BENCH_DATABASE_URL)' : ''}`);
  const results: Result[] = [];
  const errors: Array<{ section: Section; error: string }> = [];
  const timings: Record<string, number> = {};
  for (const section of Object.keys(RUNNERS) as Section[]) {
    if (!o.only.has(section)) continue;
    const started = performance.now();
    console.log(`\n▶ ${section}…`);
    try {
      const r = await RUNNERS[section](dbs, o);
      results.push(...r);
      for (const x of r) console.log(`  ${x.metric}${x.database ? ` [${x.database}]` : ''}: ${x.value} ${x.unit}${x.notes ? ` (${x.notes})` : ''}`);
    } catch (e) {
      const msg = (e as Error).stack ?? String(e);
      console.error(`  ${section} failed: ${msg}`);
      errors.push({ section, error: msg });
    }
    timings[section] = Math.round(performance.now() - started) / 1000;
  }
  console.log(`\n${printTable(results)}\n`);
  const failed = results.filter((r) => r.pass === false);
  if (o.write) {
    const file = path.join(ROOT, 'bench', 'results.json');
    // --only updates its sections and keeps the others' latest figures (each result says when it ran).
    let kept: Result[] = [];
    let keptTimings: Record<string, number> = {};
    if (o.only.size < Object.keys(RUNNERS).length && existsSync(file)) {
      try {
        const prev = JSON.parse(readFileSync(file, 'utf8')) as { results?: Result[]; secondsPerSection?: Record<string, number> };
        kept = (prev.results ?? []).filter((r) => !o.only.has(r.section));
        keptTimings = Object.fromEntries(Object.entries(prev.secondsPerSection ?? {}).filter(([k]) => !o.only.has(k as Section)));
      } catch {
        kept = [];
      }
    }
    const now = new Date().toISOString();
    const all = [...kept, ...results.map((r) => ({ ...r, at: now }))].sort((a, b) => Object.keys(RUNNERS).indexOf(a.section) - Object.keys(RUNNERS).indexOf(b.section));
    writeFileSync(file, `${JSON.stringify({ machine: info, quick: o.quick, sections: [...o.only], secondsPerSection: { ...keptTimings, ...timings }, results: all, errors }, null, 2)}\n`);
    console.log(`Wrote ${path.relative(process.cwd(), file)}`);
  }
  console.log(`${results.filter((r) => r.pass === true).length} targets met, ${failed.length} missed${errors.length ? `, ${errors.length} sections failed` : ''}.`);
  process.exit(errors.length ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
