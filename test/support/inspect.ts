// Reading the database in integration tests: snapshots of every table, audit events, outbox rows.
import { asc, eq, sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { DomainError, type ErrorCode } from '../../src/core/errors.js';
import type { FileTicketInput } from '../../src/app/fileTicket.js';
import type { Database } from '../../src/storage/db.js';
import { auditEvents, outbox } from '../../src/storage/schema.js';

const SNAPSHOT_TABLES = ['tickets', 'agents', 'audit_events', 'outbox', 'ticket_sequences', 'processed_requests'] as const;
const ORDER: Record<(typeof SNAPSHOT_TABLES)[number], string> = {
  tickets: 'key',
  agents: 'handle',
  audit_events: 'id',
  outbox: 'id',
  ticket_sequences: 'year',
  processed_requests: 'key',
};

/** Every row of every table Baton writes, as JSON, to compare before and after. */
export async function snapshot(db: Database): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of SNAPSHOT_TABLES) {
    const rows = await db.rows(db.db, sql.raw(`select * from ${table} order by ${ORDER[table]}`));
    out[table] = JSON.stringify(rows);
  }
  return out;
}

export async function auditOf(db: Database, key: string) {
  return db.db.select().from(auditEvents).where(eq(auditEvents.ticketKey, key)).orderBy(asc(auditEvents.id));
}

export async function actionsOf(db: Database, key: string): Promise<string[]> {
  return (await auditOf(db, key)).map((e) => e.action);
}

export async function outboxOf(db: Database, key: string) {
  return db.db.select().from(outbox).where(eq(outbox.ticketKey, key)).orderBy(asc(outbox.id));
}

export async function allOutbox(db: Database) {
  return db.db.select().from(outbox).orderBy(asc(outbox.id));
}

export async function countEvents(db: Database, action: string, key?: string): Promise<number> {
  const rows = await db.rows<{ n: number }>(
    db.db,
    key === undefined
      ? sql`select count(*)::int as n from audit_events where action = ${action}`
      : sql`select count(*)::int as n from audit_events where action = ${action} and ticket_key = ${key}`,
  );
  return Number(rows[0]!.n);
}

/** Awaits a use case that must fail with a DomainError and returns it. */
export async function domainError(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError, the use case succeeded');
}

export async function expectDomainError(p: Promise<unknown>, code: ErrorCode, message: string | RegExp, field?: string) {
  const e = await domainError(p);
  expect(e.code).toBe(code);
  if (typeof message === 'string') expect(e.message).toBe(message);
  else expect(e.message).toMatch(message);
  if (field !== undefined) expect(e.field).toBe(field);
  return e;
}

export const MIN = 60_000;
export const HOUR = 3_600_000;

/** The input of `/ticket new` with only a title. */
export const input = (title: string, o: Partial<FileTicketInput> = {}): FileTicketInput => ({
  handoff: [],
  context: {},
  title,
  description: title,
  ...o,
});

/** What the outbox worker does when an assignment card is delivered: it becomes the ticket's home message. */
export async function deliverHome(db: Database, key: string, ts: string) {
  await db.db.execute(
    sql`update tickets set home_channel = (select channel from outbox where records_home_of = ${key} order by id desc limit 1), home_ts = ${ts} where key = ${key}`,
  );
}
