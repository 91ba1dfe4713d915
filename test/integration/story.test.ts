import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc } from 'drizzle-orm';
import { addAgent, setAvailable, setBusy } from '../../src/app/agents.js';
import { fileTicket } from '../../src/app/fileTicket.js';
import { handoffTicket } from '../../src/app/handoff.js';
import { resolveTicket, showTicket } from '../../src/app/ticketActions.js';
import { user } from '../../src/core/permissions.js';
import { outbox } from '../../src/storage/schema.js';
import { DB_KINDS, openTestDatabase, type TestDatabase } from '../support/db.js';
import { ADMIN, makeDeps, ManualClock } from '../support/deps.js';

const admin = user(ADMIN);
const REQUESTER = 'UREQ0001';

// A story: each test continues where the last one left off, so they run in the order written.
for (const kind of DB_KINDS) describe(`the seed story on ${kind}`, { shuffle: false }, () => {
  let db: TestDatabase;
  let deps: ReturnType<typeof makeDeps>;
  const clock = new ManualClock();

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    deps = makeDeps(db, { clock });
    await addAgent(deps, admin, { handle: 'felix', skills: ['decision'], channel: 'CFELIX1', user: 'UFELIX1' });
    await addAgent(deps, admin, { handle: 'devin', skills: ['engineering'], channel: 'CDEVIN1', user: 'UDEVIN1', escalatesTo: { handle: 'felix' } });
    await addAgent(deps, admin, { handle: 'iris', skills: ['support', 'billing'], channel: 'CIRIS01', user: 'UIRIS01', escalatesTo: { handle: 'felix' } });
  });
  afterAll(async () => db?.close());

  const messages = async () => db.db.select().from(outbox).orderBy(asc(outbox.id));

  it('when a billing complaint is filed, then Iris gets it with the customer context', async () => {
    const filed = await fileTicket(deps, user(REQUESTER), {
      type: 'billing',
      context: { customer: 'enterprise_client_xyz' },
      handoff: [{ handle: 'felix' }],
      title: 'Charged twice for the annual plan',
      description: 'Charged twice for the annual plan\nInvoice 1234 and 1235',
    });
    expect(filed.ticket.key).toBe('T-2026-001');
    expect(filed.agent?.handle).toBe('iris');
    expect(filed.ticket.status).toBe('active');
    const card = (await messages()).find((m) => m.channel === 'CIRIS01');
    expect(card?.recordsHomeOf).toBe('T-2026-001');
    expect(JSON.stringify(card?.blocks)).toContain('ticket_accept');
  });

  it('when Iris hands it to Devin, then his ticket carries the customer context and the parent waits', async () => {
    clock.advance(60_000);
    const r = await handoffTicket(deps, user('UIRIS01'), 'T-2026-001', { handle: 'devin' }, 'Looks like a double charge bug in invoicing');
    expect(r.child.key).toBe('T-2026-002');
    expect(r.child.assignee).toBe('devin');
    expect(r.child.context.customer).toBe('enterprise_client_xyz');
    expect(r.child.context.handoff_from).toBe('T-2026-001');
    expect(r.child.description).toContain('Invoice 1234');
    expect(r.child.parentKey).toBe('T-2026-001');
    const { ticket: parent } = await showTicket(deps, 'T-2026-001');
    expect(parent.waitingOn).toBe('T-2026-002');
    expect(parent.escalateDueAt).toBeNull();
    const rows = await messages();
    expect(rows.some((m) => m.channel === 'CDEVIN1' && m.recordsHomeOf === 'T-2026-002')).toBe(true);
    expect(rows.some((m) => m.threadOfTicket === 'T-2026-001' && m.text.includes('T-2026-002'))).toBe(true);
  });

  it('when Devin resolves, then Iris\'s ticket is told and its clock starts again', async () => {
    clock.advance(60_000);
    await resolveTicket(deps, user('UDEVIN1'), 'T-2026-002', 'Fixed the double charge; refund issued');
    const { ticket: parent, trail } = await showTicket(deps, 'T-2026-001');
    expect(parent.waitingOn).toBeNull();
    expect(parent.escalateDueAt?.getTime()).toBe(clock.now().getTime() + 4 * 3600 * 1000);
    expect(trail.map((e) => e.action)).toContain('child_resolved');
    const told = (await messages()).find((m) => m.threadOfTicket === 'T-2026-001' && JSON.stringify(m.blocks).includes('Fixed the double charge'));
    expect(told).toBeDefined();
    expect(JSON.stringify(told!.blocks)).toContain('<@UIRIS01>');
  });

  it('when Iris resolves, then the requester is told by DM and Felix gets a briefing with the context', async () => {
    clock.advance(60_000);
    const r = await resolveTicket(deps, user('UIRIS01'), 'T-2026-001', 'Refunded and apologised');
    expect(r.briefings).toEqual(['T-2026-003']);
    const { ticket: briefing } = await showTicket(deps, 'T-2026-003');
    expect(briefing.assignee).toBe('felix');
    expect(briefing.context.customer).toBe('enterprise_client_xyz');
    expect(briefing.description).toContain('Refunded and apologised');
    const dm = (await messages()).find((m) => m.channel === REQUESTER);
    expect(dm?.text).toContain('T-2026-001');
  });

  it('while Felix is busy a decision waits in intake with the reason, and is assigned the moment he is available', async () => {
    await setBusy(deps, admin, { handle: 'felix' }, { until: new Date(clock.now().getTime() + 3 * 3600_000), reason: 'strategy session' });
    const held = await fileTicket(deps, user(REQUESTER), { type: 'decision', context: {}, handoff: [], title: 'Approve the refund policy', description: 'Approve the refund policy' });
    expect(held.agent).toBeNull();
    expect(held.ticket.status).toBe('intake');
    expect(held.reason).toContain('felix is busy (strategy session)');
    const after = await setAvailable(deps, user('UFELIX1'), { handle: 'felix' });
    expect(after.assigned).toEqual([held.ticket.key]);
    const { ticket, trail } = await showTicket(deps, held.ticket.key);
    expect(ticket.status).toBe('active');
    expect(ticket.assignee).toBe('felix');
    expect(trail.map((e) => e.action)).toEqual(['filed', 'held', 'assigned']);
  });
});
