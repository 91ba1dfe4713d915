// The shape of src/, checked on every run: storage stays in storage/, core imports nothing of the project outside
// itself, no import circle, files stay small.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../../src');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return filesUnder(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

const files = filesUnder(SRC);
const rel = (f: string) => path.relative(SRC, f).split(path.sep).join('/');
const IMPORT = /^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gm;

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => m[1]!);
}

function localImports(file: string): string[] {
  return importsOf(file)
    .filter((s) => s.startsWith('.'))
    .map((s) => path.resolve(path.dirname(file), s.replace(/\.js$/, '.ts')));
}

describe('the shape of src/', () => {
  it('when a module outside storage/ imports, then it never reaches drizzle or the schema', () => {
    const leaks = files
      .filter((f) => !rel(f).startsWith('storage/'))
      .flatMap((f) => importsOf(f).filter((s) => s.startsWith('drizzle-orm') || s.endsWith('storage/schema.js')).map((s) => `${rel(f)} → ${s}`));
    expect(leaks).toEqual([]);
  });

  it('when core/ imports, then only core/ modules (no Slack, database, scheduler or process environment)', () => {
    const leaks = files
      .filter((f) => rel(f).startsWith('core/'))
      .flatMap((f) => {
        const outside = localImports(f).filter((t) => !rel(t).startsWith('core/')).map((t) => `${rel(f)} → ${rel(t)}`);
        const packages = importsOf(f)
          .filter((s) => !s.startsWith('.') && !s.startsWith('node:') && s !== 'luxon' && s !== 'zod')
          .map((s) => `${rel(f)} → ${s}`);
        // core/clock.ts holds the one real clock every other module receives.
        const readsClock = rel(f) !== 'core/clock.ts' && /process\.env|Date\.now\(\)|new Date\(\)/.test(readFileSync(f, 'utf8'));
        const env = readsClock ? [`${rel(f)} reads the environment or the clock`] : [];
        return [...outside, ...packages, ...env];
      });
    expect(leaks).toEqual([]);
  });

  it('when the import graph is walked, then it has no circle', () => {
    const graph = new Map(files.map((f) => [f, localImports(f).filter((t) => files.includes(t))]));
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (f: string) => {
      state.set(f, 'open');
      stack.push(f);
      for (const t of graph.get(f) ?? []) {
        if (state.get(t) === 'open') cycles.push([...stack.slice(stack.indexOf(t)), t].map(rel).join(' → '));
        else if (!state.has(t)) visit(t);
      }
      stack.pop();
      state.set(f, 'done');
    };
    for (const f of files) if (!state.has(f)) visit(f);
    expect(cycles).toEqual([]);
  });

  it('when a file is read, then it has at most 400 lines', () => {
    const long = files.map((f) => [rel(f), readFileSync(f, 'utf8').split('\n').length] as const).filter(([, n]) => n > 400);
    expect(long).toEqual([]);
  });
});
