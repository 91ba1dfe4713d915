// Profiling aid (not part of `npm run bench`): every statement Baton sends to PostgreSQL for one signed
// `/ticket new` (routed), the delivery of its card, and one `/ticket show`, in order, as the driver sends them.
//   npx tsx bench/trace-statements.ts
import { pino } from 'pino';
import { startFakeSlack } from '../fake-slack/index.js';
import { startBaton } from '../src/main.js';
import { openDatabase } from '../src/storage/db.js';
import { addAgents, batonEnv, fileOne, simFor } from './intake.js';
import { Databases } from './lib.js';

const dbs = new Databases(process.env);
const bench = await dbs.fresh('trace');
const fake = await startFakeSlack();
let log: string[] | null = null;
const database = await openDatabase({ databaseUrl: bench.url, onQuery: (s) => log?.push(s.replace(/\s+/g, ' ').trim().slice(0, 160)) });
const baton = await startBaton({ env: batonEnv(0, fake.url, { ESCALATION_CRON: '0 0 1 1 *', BRIEFING_CRON: '0 0 1 1 *' }), database, logger: pino({ level: 'silent' }) });
const show = (title: string, l: string[]) => console.log(`\n${title}: ${l.length} statements\n${l.map((s) => `  ${s}`).join('\n')}`);
try {
  await baton.scheduler.stop();
  const slack = simFor(baton.port!);
  await addAgents(slack, 4);
  for (let k = 0; k < 5; k++) await fileOne(slack, k);
  await new Promise((r) => setTimeout(r, 1500));
  await baton.worker.stop();
  log = [];
  await fileOne(slack, 100);
  show('filing', log);
  log = [];
  baton.worker.start();
  await new Promise((r) => setTimeout(r, 1500));
  await baton.worker.stop();
  show('delivery of its messages', log);
  log = [];
  const year = new Date().getUTCFullYear();
  await slack.command('/ticket', `show T-${year}-003`, { user: 'UADMIN001', channel: 'CGENERAL01' });
  show('/ticket show', log);
} finally {
  await baton.stop();
  await fake.close();
  await bench.drop();
}
