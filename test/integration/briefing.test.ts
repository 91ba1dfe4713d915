import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, isNull } from 'drizzle-orm';
import { addAgent } from '../../src/app/agents.js';
import { sendBriefing } from '../../src/app/briefing.js';
import { slotOf } from '../../src/core/briefing.js';
import { escalateDue } from '../../src/app/escalation.js';
import { fileTicket } from '../../src/app/fileTicket.js';
import { resolveTicket } from '../../src/app/ticketActions.js';
import { user } from '../../src/core/permissions.js';
import { openDatabase } from '../../src/storage/db.js';
import { outbox } from '../../src/storage/schema.js';
import { DB_KINDS, HAS_POSTGRES, openTestDatabase, type TestDatabase } from '../support/db.js';
import { ADMIN, makeDeps, ManualClock } from '../support/deps.js';

const admin = user(ADMIN);
const file = (deps: ReturnType<typeof makeDeps>, title: string, o: { type?: string; escalateAfterSec?: number } = {}) =>
  fileTicket(deps, user('UREQ0001'), { type: o.type ?? 'support', escalateAfterSec: o.escalateAfterSec, context: {}, handoff: [], title, description: title });

describe.each(DB_KINDS)('the daily briefing on %s', (kind) => {
  let db: TestDatabase;
  const clock = new ManualClock(new Date('2026-03-02T09:00:00Z'));
  let deps: ReturnType<typeof makeDeps>;

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    deps = makeDeps(db, { clock });
    await addAgent(deps, admin, { handle: 'felix', skills: ['decision'], channel: 'CFELIX01' });
    await addAgent(deps, admin, { handle: 'iris', skills: ['support'], channel: 'CIRIS001', escalatesTo: { handle: 'felix' } });
    await addAgent(deps, admin, { handle: 'quiet', skills: ['nothing'], channel: 'CQUIET01' });
  });
  afterAll(async () => db?.close());

  const briefings = async () => (await db.db.select().from(outbox).where(isNull(outbox.ticketKey)).orderBy(asc(outbox.id))).filter((r) => r.idempotencyKey.startsWith('briefing:'));

  it('when the briefing runs, then each busy agent channel gets its open, completed and escalated tickets; quiet agents get nothing; managers get the overview', async () => {
    await file(deps, 'Open one');
    const done = await file(deps, 'Done one');
    await resolveTicket(deps, user('UREQ0001'), done.ticket.key, 'all good');
    await file(deps, 'Stale one', { escalateAfterSec: 60 });
    clock.advance(120_000);
    expect(await escalateDue(deps)).toHaveLength(1);
    await file(deps, 'Needs a decision', { type: 'unknown-type' });

    const r = await sendBriefing(deps, slotOf(clock.now()));
    expect(r.sent).toBe(true);
    expect(r.agents.sort()).toEqual(['felix', 'iris']);
    const rows = await briefings();
    const iris = rows.find((m) => m.channel === 'CIRIS001')!;
    const irisText = JSON.stringify(iris.blocks);
    expect(irisText).toContain('Open one');
    expect(irisText).toContain('Done one');
    expect(irisText).toContain('Escalated (1)');
    expect(rows.some((m) => m.channel === 'CQUIET01')).toBe(false);
    const managers = rows.find((m) => m.channel === 'CESCAL1')!;
    expect(JSON.stringify(managers.blocks)).toContain('*Intake:* 1 (1 held)');
  });

  it('when two copies fire for the same slot, then the briefing is sent once', async () => {
    const before = (await briefings()).length;
    clock.advance(24 * 3600_000);
    const slot = slotOf(clock.now());
    const results = await Promise.all([sendBriefing(deps, slot), sendBriefing(deps, slot)]);
    expect(results.filter((x) => x.sent)).toHaveLength(1);
    const after = await briefings();
    const sentNow = after.slice(before);
    expect(new Set(sentNow.map((m) => m.channel)).size).toBe(sentNow.length);
  });

  it.skipIf(kind !== 'postgres' || !HAS_POSTGRES)('when two separate connections race for the slot, then exactly one sends', async () => {
    const other = await openDatabase({ databaseUrl: db.url, migrate: false });
    try {
      clock.advance(24 * 3600_000);
      const slot = slotOf(clock.now());
      const results = await Promise.all([sendBriefing(deps, slot), sendBriefing(makeDeps(other, { clock }), slot)]);
      expect(results.filter((x) => x.sent)).toHaveLength(1);
    } finally {
      await other.close();
    }
  });
});
