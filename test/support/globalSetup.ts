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
import { MIGRATIONS_DIR, openDatabase } from '../../src/storage/db.js';
import { databaseUrl, onServer } from './pgServer.js';

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

  const url = process.env.TEST_DATABASE_URL;
  const template = url ? `baton_tpl_${process.pid}` : null;
  if (url && template) {
    await onServer(url, async (sql) => {
      await sql.unsafe(`drop database if exists ${template}`);
      await sql.unsafe(`create database ${template}`);
    });
    const db = await openDatabase({ databaseUrl: databaseUrl(url, template) });
    await db.close();
  }
  project.provide('pgTemplate', template);

  return async () => {
    rmSync(dir, { recursive: true, force: true });
    if (url && template) {
      // Only this run's databases: its template and its clones (`<template>_c_…`). No LIKE: `_` is a wildcard there,
      // and runs going on at the same time (other terminals, CI jobs) must keep theirs.
      const prefix = `${template}_c_`;
      await onServer(url, async (sql) => {
        const rows = await sql`select datname from pg_database where datname = ${template} or left(datname, ${prefix.length}) = ${prefix} order by datname = ${template}`;
        for (const r of rows) await sql.unsafe(`drop database if exists ${r.datname} with (force)`);
      });
    }
  };
}
