// Statements on the hot paths (filing, routing, showing a ticket), built by drizzle once and then sent as text:
// no query building per request, and on PostgreSQL a named prepared statement, parsed and planned once per
// connection (later executions send only their values). Values go through the columns' own encoders, rows
// come back through their decoders, so a compiled statement reads and writes exactly what the builder would.
import { getTableColumns, is, Param, Placeholder, sql, type Column, type Table } from 'drizzle-orm';
import type { Queryable } from './db.js';

type Built = { toSQL(): { sql: string; params: unknown[] } };

/** The driver under a drizzle database or transaction: postgres.js (`unsafe`) or PGlite (`query`). */
interface PostgresJsClient {
  unsafe(text: string, params: unknown[], o: { prepare: boolean }): Promise<Array<Record<string, unknown>>>;
}
interface PgliteClient {
  query(text: string, params: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
}

function clientOf(q: Queryable): PostgresJsClient | PgliteClient {
  // drizzle keeps the driver (the pool, or the transaction's reserved connection) on the session it runs on.
  const client = (q as unknown as { session?: { client?: unknown } }).session?.client;
  if (!client) throw new Error('compiled statement: no driver client on this database handle');
  return client as PostgresJsClient | PgliteClient;
}

/** A value for each placeholder, encoded as its column encodes it (null stays null). */
function fill(params: unknown[], values: Record<string, unknown>): unknown[] {
  return params.map((p) => {
    if (is(p, Param) && is(p.value, Placeholder)) {
      const v = values[p.value.name];
      if (v === undefined) throw new Error(`compiled statement: no value for ${p.value.name}`);
      return v === null ? null : p.encoder.mapToDriverValue(v);
    }
    if (is(p, Placeholder)) {
      const v = values[p.name];
      if (v === undefined) throw new Error(`compiled statement: no value for ${p.name}`);
      return v;
    }
    return p;
  });
}

/**
 * Two statements sent together on one connection (one round trip), in this order: the second sees what the
 * first did (the loads read after the lock it waited for). Issued in order whatever either one is.
 */
export async function inOrder<A extends Record<string, unknown>, B extends Record<string, unknown>>(
  q: Queryable,
  first: [Compiled<A>, A],
  second: [Compiled<B>, B],
): Promise<[Array<Record<string, unknown>>, Array<Record<string, unknown>>]> {
  // Promise.all awaits them in array order: postgres.js queues them on the connection in that order.
  const [a, b] = await Promise.all([first[0].send(q, first[1]), second[0].send(q, second[1])]);
  return [first[0].decode(a), second[0].decode(b)];
}

/** A placeholder named after each column of `table`: the values of an insert or an update of every column. */
export function placeholdersOf<T extends Table>(table: T, omit: string[] = []): Record<string, ReturnType<typeof sql.placeholder>> {
  return Object.fromEntries(
    Object.keys(getTableColumns(table))
      .filter((k) => !omit.includes(k))
      .map((k) => [k, sql.placeholder(k)]),
  );
}

/**
 * A statement built on first use (`build` gets the database handle the first run is given; its values are
 * `sql.placeholder`s) and reused as text from then on. With `columns` (a table's, or a selection of them by
 * result key), rows are decoded as drizzle decodes them.
 */
export class Compiled<V extends Record<string, unknown>> {
  private query: { sql: string; params: unknown[] } | null = null;
  private readonly decoders: Array<[string, Column]> | null;
  private readonly extra: string[];

  /** `o.columns`: decode rows by these columns (keyed as the result wants them); `o.extra`: result columns copied as they come. */
  constructor(
    private readonly build: (q: Queryable) => Built,
    o: { columns?: Record<string, Column>; extra?: string[] } = {},
  ) {
    this.decoders = o.columns ? Object.entries(o.columns) : null;
    this.extra = o.extra ?? [];
  }

  /** The statement's text and parameters, built once. */
  private compiled(q: Queryable): { sql: string; params: unknown[] } {
    return (this.query ??= this.build(q).toSQL());
  }

  async run(q: Queryable, values: V): Promise<Array<Record<string, unknown>>> {
    return this.decode(await this.send(q, values));
  }

  /** Sent as soon as it is awaited (postgres.js sends a query when it is first awaited). */
  send(q: Queryable, values: V): PromiseLike<Array<Record<string, unknown>>> {
    const query = this.compiled(q);
    const client = clientOf(q);
    const params = fill(query.params, values);
    if ('unsafe' in client) return client.unsafe(query.sql, params, { prepare: true });
    return client.query(query.sql, params).then((r) => r.rows);
  }

  decode(rows: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
    const decoders = this.decoders;
    if (!decoders) return rows;
    return rows.map((row) => {
      const out: Record<string, unknown> = {};
      for (const [key, column] of decoders) {
        const v = row[column.name];
        out[key] = v === null || v === undefined ? null : column.mapFromDriverValue(v);
      }
      for (const key of this.extra) out[key] = row[key] ?? null;
      return out;
    });
  }
}

/** A text[] parameter as PostgreSQL's array literal (each element quoted): one statement text whatever the length. */
export function textArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}
