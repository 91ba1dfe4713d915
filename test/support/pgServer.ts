// PostgreSQL server chores for tests and benchmarks: the URL of another database on the same server, and
// a short-lived one-connection client for statements such as CREATE DATABASE and DROP DATABASE.
import type postgres from 'postgres';
import { connectPostgres } from '../../src/storage/pgConnect.js';

/** `url` with its database replaced by `name` (same server, user and options). */
export function databaseUrl(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Runs `fn` on a one-connection client to `url`, closed afterwards whatever happens. */
export async function onServer<T>(url: string, fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = connectPostgres(url, { max: 1, onnotice: () => {} });
  try {
    return await fn(sql);
  } finally {
    await sql.end();
  }
}
