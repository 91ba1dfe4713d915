// The setting of the outbox worker tests: one database for a describe block and, for each test, an empty
// outbox, a fresh fake Slack Web API, and the workers and extra connections it opened stopped and closed
// after it (workers first, while the fake and the database still answer).
import { sql } from 'drizzle-orm';
import { WebClient } from '@slack/web-api';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../../fake-slack/index.js';
import { openTestDatabase, type DbKind, type TestDatabase } from './db.js';

export interface OutboxBed {
  db: TestDatabase;
  fake: FakeSlack;
}

export interface OutboxBedCleanup {
  /** Stopped after this test, before the fake Slack closes (workers). */
  stopAfterTest<T extends { stop(): Promise<void> }>(s: T): T;
  /** Closed after this test, last (extra database connections). */
  closeAfterTest<T extends { close(): Promise<void> }>(c: T): T;
}

/** See the file's head; `use` gets the database and each test's fake before the test runs. */
export function useOutboxBed(kind: DbKind, use: (bed: OutboxBed) => void): OutboxBedCleanup {
  let db: TestDatabase | undefined;
  let fake: FakeSlack | undefined;
  const running: Array<{ stop(): Promise<void> }> = [];
  const open: Array<{ close(): Promise<void> }> = [];
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(async () => db?.close());
  beforeEach(async () => {
    await db!.db.execute(sql`truncate outbox, tickets, agent_loads restart identity`);
    fake = await startFakeSlack();
    use({ db: db!, fake });
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((w) => w.stop()));
    await fake?.close();
    for (const c of open.splice(0)) await c.close();
  });
  return {
    stopAfterTest: (s) => (running.push(s), s),
    closeAfterTest: (c) => (open.push(c), c),
  };
}

/** A WebClient on the fake that surfaces every failure at once: no retries, a 429 is an error. */
export function noRetryClient(fake: FakeSlack): WebClient {
  return new WebClient('xoxb-test', { slackApiUrl: fake.url, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
}
