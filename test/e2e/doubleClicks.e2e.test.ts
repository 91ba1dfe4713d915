// Issue 18 item 2: people double-click. Each click of a button acts at most once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../../src/storage/db.js';
import { E2E_KINDS, HAS_POSTGRES, openTestDatabase } from '../support/db.js';
import { ADMIN_USER, startHarness, type Harness } from '../support/batonHarness.js';
import { cardOf, fileTicket, json, outboxIdle, threadPosts } from '../support/e2eHelpers.js';

async function setUp(h: Harness) {
  await h.slack.command('/agent', 'add felix skills:decision channel:<#CFELIX01|agent-felix> user:<@UFELIX01>', { user: ADMIN_USER });
  await h.slack.command('/agent', 'add iris skills:support channel:<#CIRIS001|agent-iris> user:<@UIRIS001> escalates-to:felix', { user: ADMIN_USER });
}

async function countActions(h: Harness, key: string, action: string): Promise<number> {
  const [r] = await h.baton.database.rows<{ n: number }>(
    h.baton.database.db,
    sql`select count(*)::int as n from audit_events where ticket_key = ${key} and action = ${action}`,
  );
  return Number(r?.n ?? 0);
}

/** Two clicks of one button on one card, `via` saying which copy of Baton receives each. */
async function doubleClick(via: [Harness, Harness], actionId: string, key: string, channel: string, messageTs: string) {
  return Promise.all(via.map((h) => h.slack.action({ actionId, value: key, user: 'UIRIS001', channel, messageTs })));
}

async function checkDoubleClicks(first: Harness, second: Harness) {
  const key = await fileTicket(first, 'type:support Double clicked everywhere');
  const card = await cardOf(first, 'CIRIS001', key);

  // Accept, twice: one event, one thread reply, and the second click hears it was already accepted.
  const accepts = await doubleClick([first, second], 'ticket_accept', key, 'CIRIS001', card.ts);
  expect(accepts.map((r) => r.status)).toEqual([200, 200]);
  await first.fake.waitFor(() => first.fake.responses.find((r) => json(r.body).includes(`already accepted by you`) && json(r.body).includes(key)));
  await outboxIdle(first);
  expect(await countActions(first, key, 'accepted')).toBe(1);
  expect(threadPosts(first, 'CIRIS001', card.ts).filter((p) => json(p.args).includes('Accepted by'))).toHaveLength(1);

  // Escalate, twice: one level up (to felix), the second click is refused with the current level.
  await doubleClick([first, second], 'ticket_escalate', key, 'CIRIS001', card.ts);
  await first.fake.waitFor(() => first.fake.responses.find((r) => json(r.body).includes(`now at level 1`) && json(r.body).includes(key)));
  await outboxIdle(first);
  expect(await countActions(first, key, 'escalated')).toBe(1);
  expect(await countActions(first, key, 'escalation_exhausted')).toBe(0);
  expect(first.fake.posts('CFELIX01').filter((p) => json(p.args).includes(key))).toHaveLength(1);
}

describe.each(E2E_KINDS)('double clicks on %s', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(kind);
    await setUp(h);
  });
  afterAll(async () => h?.close());

  it('item 2: when Accept and Escalate are each clicked twice, then each acts once and the second click is told why', async () => {
    await checkDoubleClicks(h, h);
  }, 20_000);

  it('item 2: a deliberate Escalate from the same card after the repeat window still escalates', async () => {
    const key = await fileTicket(h, 'type:support Escalated twice on purpose');
    const card = await cardOf(h, 'CIRIS001', key);
    await h.slack.action({ actionId: 'ticket_escalate', value: key, user: 'UIRIS001', channel: 'CIRIS001', messageTs: card.ts });
    await h.fake.waitFor(() => h.fake.responses.find((r) => json(r.body).includes(`Escalated`) && json(r.body).includes(key)));
    // The block id of the card still says level 0; a later click (past the window) goes on up the chain.
    // Ten minutes pass (the window counts from the escalation in the trail, which refuses changes: triggers off to move it).
    await h.baton.database.db.transaction(async (tx) => {
      await tx.execute(sql`set local session_replication_role = replica`);
      await tx.execute(sql`update audit_events set at = at - interval '10 minutes' where ticket_key = ${key}`);
    });
    await h.slack.action({ actionId: 'ticket_escalate', value: key, user: 'UIRIS001', channel: 'CIRIS001', messageTs: card.ts });
    await h.fake.waitFor(() => h.fake.responses.find((r) => json(r.body).includes('chain has run out') && json(r.body).includes(key)));
    expect(await countActions(h, key, 'escalation_exhausted')).toBe(1);
  }, 20_000);
});

describe.skipIf(!HAS_POSTGRES)('double clicks reaching two copies of Baton on one PostgreSQL', () => {
  let a: Harness;
  let b: Harness;
  beforeAll(async () => {
    const db = await openTestDatabase('postgres');
    const second = await openDatabase({ databaseUrl: db.url, migrate: false });
    a = await startHarness('postgres', { database: db });
    b = await startHarness('postgres', { database: second, fake: a.fake });
    await setUp(a);
  }, 60_000);
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('item 2: when the two clicks of Accept and of Escalate reach two copies at once, then each acts once', async () => {
    await checkDoubleClicks(a, b);
  }, 30_000);
});
