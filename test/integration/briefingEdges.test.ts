// The daily briefing's edges: without an escalations channel, with nothing to say, the copy that loses the
// slot, and the window a briefing covers (since the previous one, not the first briefing's default day).
import { asc, isNull } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { addAgent } from '../../src/app/agents.js';
import { sendBriefing } from '../../src/app/briefing.js';
import { fileTicket } from '../../src/app/fileTicket.js';
import { resolveTicket } from '../../src/app/ticketActions.js';
import { slotOf } from '../../src/core/briefing.js';
import { user } from '../../src/core/permissions.js';
import { outbox } from '../../src/storage/schema.js';
import { DB_KINDS, type TestDatabase } from '../support/db.js';
import { ADMIN, makeDeps, useCaseBed, type UseCaseBed } from '../support/deps.js';

const admin = user(ADMIN);
const requester = user('UREQ0001');
const HOUR = 3600_000;

const briefings = async (db: TestDatabase) =>
  (await db.db.select().from(outbox).where(isNull(outbox.ticketKey)).orderBy(asc(outbox.id))).filter((r) => r.idempotencyKey.startsWith('briefing:'));

describe.each(DB_KINDS)('the daily briefing, edges, on %s', (kind) => {
  let bed!: UseCaseBed;
  useCaseBed(kind, { per: 'test' }, (b) => (bed = b));

  const file = (deps: ReturnType<typeof makeDeps>, title: string) =>
    fileTicket(deps, requester, { type: 'support', context: {}, handoff: [], title, description: title });

  it('when no escalations channel is configured, then the agents get their briefing and no managers overview is written', async () => {
    const deps = makeDeps(bed.db, { clock: bed.clock, escalationsChannel: null });
    await addAgent(deps, admin, { handle: 'iris', skills: ['support'], channel: 'CIRIS001' });
    await file(deps, 'Open one');

    const r = await sendBriefing(deps, slotOf(bed.clock.now()));
    expect(r).toEqual({ sent: true, agents: ['iris'] });
    const rows = await briefings(bed.db);
    expect(rows.map((m) => m.channel)).toEqual(['CIRIS001']);
    expect(rows.map((m) => m.idempotencyKey)).toEqual([`briefing:${slotOf(bed.clock.now())}:iris`]);
  });

  it('when there is nothing open, completed or escalated, then nothing is written, not even the managers overview', async () => {
    await addAgent(bed.deps, admin, { handle: 'iris', skills: ['support'], channel: 'CIRIS001' });

    const r = await sendBriefing(bed.deps, slotOf(bed.clock.now()));
    expect(r).toEqual({ sent: true, agents: [] });
    expect(await briefings(bed.db)).toEqual([]);
  });

  it('when a second copy fires for a slot already sent, then it reports sent: false with no agents and writes nothing', async () => {
    await addAgent(bed.deps, admin, { handle: 'iris', skills: ['support'], channel: 'CIRIS001' });
    await file(bed.deps, 'Open one');
    const slot = slotOf(bed.clock.now());
    expect((await sendBriefing(bed.deps, slot)).sent).toBe(true);
    const before = (await briefings(bed.db)).length;

    expect(await sendBriefing(bed.deps, slot)).toEqual({ sent: false, agents: [] });
    expect(await briefings(bed.db)).toHaveLength(before);
  });

  it('when two days pass between briefings, then the second covers everything completed since the first, not just the last day', async () => {
    await addAgent(bed.deps, admin, { handle: 'iris', skills: ['support'], channel: 'CIRIS001' });
    const first = slotOf(bed.clock.now());
    expect((await sendBriefing(bed.deps, first)).agents).toEqual([]); // nothing yet; the run is recorded all the same

    bed.clock.advance(18 * HOUR); // 30 hours before the next briefing: outside a one-day window, inside "since the last"
    const done = await file(bed.deps, 'Done between briefings');
    await resolveTicket(bed.deps, requester, done.ticket.key, 'all good');

    bed.clock.advance(30 * HOUR);
    const second = slotOf(bed.clock.now());
    const r = await sendBriefing(bed.deps, second);
    expect(r).toEqual({ sent: true, agents: ['iris'] });
    const iris = (await briefings(bed.db)).find((m) => m.idempotencyKey === `briefing:${second}:iris`)!;
    expect(JSON.stringify(iris.blocks)).toContain('Done between briefings');
    const managers = (await briefings(bed.db)).find((m) => m.idempotencyKey === `briefing:${second}:managers`)!;
    expect(managers.channel).toBe('CESCAL1');
  });
});
