// Profiling aid (not part of `npm run bench`): seed a sweep database and run one sweep, timing each query.
// node --cpu-prof --import tsx bench/profile-sweep.ts [tickets]
import { PostgresJsPreparedQuery } from 'drizzle-orm/postgres-js/session';
import { openDatabase } from '../src/storage/db.js';
import { escalateDue } from '../src/app/escalation.js';
import { Databases } from './lib.js';
import { benchDeps, seedSweep } from './sweep.js';

const total = Number(process.argv[2] ?? 10_000);
const dbs = new Databases(process.env);
const b = await dbs.fresh('prof');
const db = await openDatabase({ databaseUrl: b.url, migrate: false });
const stats = new Map<string, { n: number; ms: number }>();
let on = false;
for (const m of ['execute', 'all'] as const) {
  const proto = PostgresJsPreparedQuery.prototype as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
  const orig = proto[m]!;
  proto[m] = async function (this: { query: { sql: string } }, ...a: unknown[]) {
    const t = performance.now();
    try {
      return await orig.apply(this, a);
    } finally {
      if (on) {
        const k = this.query.sql.slice(0, 90);
        const s = stats.get(k) ?? { n: 0, ms: 0 };
        s.n++;
        s.ms += performance.now() - t;
        stats.set(k, s);
      }
    }
  };
}
try {
  await seedSweep(db, total);
  on = true;
  const start = performance.now();
  const n = await escalateDue(benchDeps(db));
  console.log(`${n.length} escalated in ${Math.round(performance.now() - start)} ms`);
  for (const [k, s] of [...stats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12)) console.log(`${Math.round(s.ms).toString().padStart(6)} ms ${String(s.n).padStart(5)}× ${k}`);
} finally {
  await db.close();
  await b.drop();
}
