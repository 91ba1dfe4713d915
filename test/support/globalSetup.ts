// Prepares the databases once per run: a migrated PGlite data directory dumped to a file (each test file
// loads it instead of migrating from nothing) and, with TEST_DATABASE_URL, a migrated template database
// on PostgreSQL that each test file clones.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import postgres from 'postgres';
import { MIGRATIONS_DIR, openDatabase } from '../../src/storage/db.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteDump: string;
    pgTemplate: string | null;
  }
}

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'baton-test-'));
  const pg = new PGlite();
  await migrate(drizzle(pg), { migrationsFolder: MIGRATIONS_DIR });
  const dump = await pg.dumpDataDir('none');
  await pg.close();
  const dumpFile = path.join(dir, 'pglite.tar');
  writeFileSync(dumpFile, Buffer.from(await dump.arrayBuffer()));
  project.provide('pgliteDump', dumpFile);

  let template: string | null = null;
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    template = `baton_tpl_${process.pid}`;
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${template}`);
    await admin.unsafe(`create database ${template}`);
    await admin.end();
    const db = await openDatabase({ databaseUrl: withDatabase(url, template) });
    await db.close();
  }
  project.provide('pgTemplate', template);

  return async () => {
    rmSync(dir, { recursive: true, force: true });
    if (url && template) {
      const admin = postgres(url, { max: 1, onnotice: () => {} });
      // Only this run's databases: its template and its clones (`<template>_c_…`). No LIKE: `_` is a wildcard there,
      // and runs going on at the same time (other terminals, CI jobs) must keep theirs.
      const prefix = `${template}_c_`;
      const rows = await admin`select datname from pg_database where datname = ${template} or left(datname, ${prefix.length}) = ${prefix} order by datname = ${template}`;
      for (const r of rows) await admin.unsafe(`drop database if exists ${r.datname} with (force)`);
      await admin.end();
    }
  };
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
