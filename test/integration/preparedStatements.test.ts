// On PostgreSQL every statement with parameters goes as a named prepared statement (parsed and described once per
// connection, then bound and executed in one round trip), in a transaction and a savepoint too; statements
// without parameters go as they are. Seen from the server: pg_prepared_statements of the (only) connection.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_POSTGRES, openTestDatabase, type TestDatabase } from '../support/db.js';

describe.skipIf(!HAS_POSTGRES)('prepared statements on PostgreSQL', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase('postgres', { poolSize: 1 });
  });
  afterAll(async () => {
    await db?.close();
  });

  /** The statements of this connection prepared through the protocol (not by SQL PREPARE) whose text has `marker`. */
  const prepared = async (marker: string) => {
    const rows = await db.rows<{ statement: string }>(db.db, sql`select statement from pg_prepared_statements where not from_sql`);
    return rows.filter((r) => r.statement.includes(marker)).length;
  };

  it('prepares a statement with parameters once, outside and inside a transaction and a savepoint', async () => {
    const [a] = await db.rows<{ n: number }>(db.db, sql`select ${41}::int + 1 as n /* outside */`);
    expect(a!.n).toBe(42);
    expect(await prepared('/* outside */')).toBe(1);
    await db.rows(db.db, sql`select ${1}::int + 1 as n /* outside */`);
    // Another value, same text: the same statement, not a second one.
    expect(await prepared('/* outside */')).toBe(1);

    await db.db.transaction(async (tx) => {
      await db.rows(tx, sql`select ${1}::int as n /* in a transaction */`);
      await tx.transaction(async (sp) => {
        await db.rows(sp, sql`select ${1}::int as n /* in a savepoint */`);
      });
    });
    expect(await prepared('/* in a transaction */')).toBe(1);
    expect(await prepared('/* in a savepoint */')).toBe(1);
  });

  it('sends a statement without parameters as it is', async () => {
    await db.rows(db.db, sql`select 1 as n /* no parameters */`);
    expect(await prepared('/* no parameters */')).toBe(0);
  });
});
