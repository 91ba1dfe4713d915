// A delivered message is recorded in one statement: the outbox row sent and, when the message is to become a
// ticket's home message or the managers' message of tickets, those tickets record where it is.
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { addAgent } from '../../src/app/agents.js';
import { fileTicket } from '../../src/app/fileTicket.js';
import { user } from '../../src/core/permissions.js';
import { claimDue, enqueue, markSent } from '../../src/storage/outbox.js';
import { DB_KINDS, type TestDatabase } from '../support/db.js';
import { ADMIN, type makeDeps, type ManualClock, useCaseBed } from '../support/deps.js';
import { input } from '../support/inspect.js';

const admin = user(ADMIN);
const REQ = user('UREQ0001');
type Refs = { key: string; home_channel: string | null; home_ts: string | null; managers_channel: string | null; managers_ts: string | null };

for (const kind of DB_KINDS) describe(`recording a delivered message on ${kind}`, () => {
  let db: TestDatabase;
  let clock: ManualClock;
  let deps: ReturnType<typeof makeDeps>;
  useCaseBed(kind, { per: 'test' }, (bed) => ({ db, clock, deps } = bed));

  const refs = async (keys: string[]) =>
    db.rows<Refs>(db.db, sql`select key, home_channel, home_ts, managers_channel, managers_ts from tickets where key in (${sql.join(keys.map((k) => sql`${k}`), sql`, `)}) order by key`);
  const claimAll = () => claimDue(db.db, { now: clock.now(), leaseUntil: new Date(clock.now().getTime() + 60_000), limit: 100 });

  async function threeTickets() {
    await addAgent(deps, admin, { handle: 'iris', skills: ['general'], channel: 'CIRIS01', user: 'UIRIS01' }, { requestKey: 'slack:add-iris' });
    const keys: string[] = [];
    for (const title of ['One', 'Two', 'Three']) keys.push((await fileTicket(deps, REQ, input(title), { requestKey: `slack:file-${title}` })).ticket.key);
    // Deliver the filings' own messages, so that only the messages of the test are due.
    for (const r of await claimAll()) await markSent(db.db, r, { channel: r.channel, ts: null }, clock.now());
    return keys as [string, string, string];
  }

  it('records the home message of one ticket and the managers\' message of several in one go, the same ticket being both', async () => {
    const [a, b, c] = await threeTickets();
    const before = await refs([a, b, c]);
    await enqueue(db.db, [{ ticketKey: null, idempotencyKey: 'both', channel: 'CMGR01', text: 'both', recordsHomeOf: a, recordsManagersOf: [a, b, a] }], clock.now());
    const [row] = await claimAll();
    await markSent(db.db, row!, { channel: 'CMGR01', ts: '1700000000.000100' }, clock.now());

    expect(await refs([a, b, c])).toEqual([
      { key: a, home_channel: 'CMGR01', home_ts: '1700000000.000100', managers_channel: 'CMGR01', managers_ts: '1700000000.000100' },
      { ...before[1]!, managers_channel: 'CMGR01', managers_ts: '1700000000.000100' },
      before[2],
    ]);
    const [sent] = await db.rows<{ status: string; sent_ts: string; sent_channel: string }>(db.db, sql`select status, sent_ts, sent_channel from outbox where idempotency_key = 'both'`);
    expect(sent).toEqual({ status: 'sent', sent_ts: '1700000000.000100', sent_channel: 'CMGR01' });
  });

  it('records the managers\' message alone, and the home message alone, without touching the other reference', async () => {
    const [a, b, c] = await threeTickets();
    const before = await refs([a, b, c]);
    await enqueue(db.db, [{ ticketKey: null, idempotencyKey: 'summary', channel: 'CMGR01', text: 'summary', recordsManagersOf: [b, c] }], clock.now());
    for (const r of await claimAll()) await markSent(db.db, r, { channel: 'CMGR01', ts: '1700000001.000100' }, clock.now());
    await enqueue(db.db, [{ ticketKey: c, idempotencyKey: 'card', channel: 'CIRIS01', text: 'card', recordsHomeOf: c }], clock.now());
    for (const r of await claimAll()) await markSent(db.db, r, { channel: 'CIRIS01', ts: '1700000002.000100' }, clock.now());

    expect(await refs([a, b, c])).toEqual([
      before[0],
      { ...before[1]!, managers_channel: 'CMGR01', managers_ts: '1700000001.000100' },
      { key: c, home_channel: 'CIRIS01', home_ts: '1700000002.000100', managers_channel: 'CMGR01', managers_ts: '1700000001.000100' },
    ]);
  });

  it('records nothing on the tickets when the destination gave no message reference', async () => {
    const [a, b] = await threeTickets();
    const before = await refs([a, b]);
    await enqueue(db.db, [{ ticketKey: null, idempotencyKey: 'nots', channel: 'CMGR01', text: 'x', recordsHomeOf: a, recordsManagersOf: [b] }], clock.now());
    for (const r of await claimAll()) await markSent(db.db, r, { channel: 'CMGR01', ts: null }, clock.now());
    expect(await refs([a, b])).toEqual(before);
    const [sent] = await db.rows<{ status: string }>(db.db, sql`select status from outbox where idempotency_key = 'nots'`);
    expect(sent!.status).toBe('sent');
  });
});
