// DATABASE_URL may name PostgreSQL's Unix socket the libpq way (`?host=/directory`); Baton then connects
// without TCP. The socket test runs when TEST_DATABASE_URL is set and the server's socket is in its usual place.
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../../src/storage/db.js';
import { socketOf } from '../../src/storage/pgConnect.js';
import { HAS_POSTGRES, clonePostgres } from '../support/db.js';

describe('socketOf', () => {
  it('takes the socket directory out of the URL and keeps every other parameter', () => {
    const r = socketOf('postgresql://baton@localhost/baton?host=/var/run/postgresql&application_name=baton');
    expect(r.socketDir).toBe('/var/run/postgresql');
    expect(r.url).toBe('postgresql://baton@localhost/baton?application_name=baton');
  });

  it('leaves TCP URLs, host names in the query and unparseable URLs as they are', () => {
    for (const url of [
      'postgres://postgres@127.0.0.1:5432/baton',
      'postgres://u@localhost/db?host=db.internal',
      'postgres://u@localhost/db?sslmode=require',
      'not a url',
    ]) {
      expect(socketOf(url)).toEqual({ url, socketDir: null });
    }
  });
});

const SOCKET_DIR = '/var/run/postgresql';
const hasSocket = HAS_POSTGRES && existsSync(`${SOCKET_DIR}/.s.PGSQL.${new URL(process.env.TEST_DATABASE_URL ?? 'postgres://x:5432/').port || 5432}`);

describe.skipIf(!hasSocket)('DATABASE_URL naming a Unix socket', () => {
  const drops: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const drop of drops) await drop();
  });

  it('connects through the socket and runs the migrated schema', async () => {
    const clone = await clonePostgres();
    drops.push(clone.drop);
    const url = new URL(clone.url);
    url.hostname = 'localhost';
    url.searchParams.set('host', SOCKET_DIR);
    const database = await openDatabase({ databaseUrl: url.toString(), migrate: true, poolSize: 2 });
    try {
      // inet_server_addr() is null on a Unix-socket connection and the server's address over TCP.
      const [conn] = await database.rows<{ addr: string | null; db: string }>(database.db, sql`select inet_server_addr()::text as addr, current_database() as db`);
      expect(conn).toEqual({ addr: null, db: clone.name });
      const [t] = await database.rows<{ n: number }>(database.db, sql`select count(*)::int as n from tickets`);
      expect(t!.n).toBe(0);
    } finally {
      await database.close();
    }
  });
});
