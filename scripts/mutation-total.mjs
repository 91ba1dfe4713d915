#!/usr/bin/env node
// Sums Stryker's JSON reports (mutation-testing-report-schema) in reports/app/*.json: per file and in total,
// killed, timed out, survived and uncovered mutants, and the score (killed + timed out) / (those four).
// Usage: node scripts/mutation-total.mjs [directory]   (default reports/app)
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? 'reports/app';
const KINDS = { Killed: 'killed', Timeout: 'timeout', Survived: 'survived', NoCoverage: 'noCoverage' };
const zero = () => ({ killed: 0, timeout: 0, survived: 0, noCoverage: 0, other: 0 });
const score = (c) => {
  const valid = c.killed + c.timeout + c.survived + c.noCoverage;
  return valid ? (100 * (c.killed + c.timeout)) / valid : NaN;
};

let names;
try {
  names = readdirSync(dir).filter((n) => n.endsWith('.json') && !n.endsWith('.incremental.json')).sort();
} catch (e) {
  console.error(`cannot read ${dir}: ${e.message}`);
  process.exit(1);
}

const total = zero();
const rows = [];
for (const name of names) {
  let report;
  try {
    report = JSON.parse(readFileSync(join(dir, name), 'utf8'));
  } catch (e) {
    console.error(`skipping ${name}: ${e.message}`);
    continue;
  }
  if (!report || typeof report.files !== 'object') continue;
  for (const [file, { mutants = [] }] of Object.entries(report.files)) {
    const c = zero();
    for (const m of mutants) {
      const k = KINDS[m.status];
      if (k) c[k]++;
      else c.other++; // CompileError, RuntimeError, Ignored, Pending: not in the score
    }
    rows.push({ file, ...c });
    for (const k of Object.keys(c)) total[k] += c[k];
  }
}

const pad = (s, n) => String(s).padEnd(n);
const num = (s, n) => String(s).padStart(n);
const line = (file, c) =>
  `${pad(file, 28)} ${num(c.killed, 7)} ${num(c.timeout, 8)} ${num(c.survived, 9)} ${num(c.noCoverage, 11)} ${num(isNaN(score(c)) ? 'n/a' : score(c).toFixed(1) + ' %', 8)}`;
console.log(`${pad('file', 28)} ${num('killed', 7)} ${num('timeout', 8)} ${num('survived', 9)} ${num('no coverage', 11)} ${num('score', 8)}`);
for (const r of rows) console.log(line(r.file, r));
console.log(line(`TOTAL (${rows.length} files)`, total));
