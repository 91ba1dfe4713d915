// The audit trail on every database: the database itself refuses to change or delete it, and after a full
// flow every ticket's trail is complete, in order, and agrees with the ticket.
import { beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { addAgent, removeAgent, setAvailable, setBusy } from '../../src/app/agents.js';
import { escalateDue, takeOver } from '../../src/app/escalation.js';
import { fileTicket } from '../../src/app/fileTicket.js';
import { handoffTicket } from '../../src/app/handoff.js';
import { acceptTicket, assignTicket, claimNext, recordThreadReply, reopenTicket, resolveTicket } from '../../src/app/ticketActions.js';
import { user } from '../../src/core/permissions.js';
import { auditEvents, tickets } from '../../src/storage/schema.js';
import { DB_KINDS, type TestDatabase } from '../support/db.js';
import { ADMIN, makeDeps, ManualClock, useCaseBed } from '../support/deps.js';
import { actionsOf, auditOf, HOUR, input, MIN, snapshot } from '../support/inspect.js';

const admin = user(ADMIN);
const REQ = 'UREQ0001';

/** The database's refusal behind a driver's wrapper: every message and SQLSTATE along the `cause` chain. */
async function dbRefusal(p: Promise<unknown>): Promise<{ messages: string; codes: string[] }> {
  try {
    await p;
  } catch (e) {
    const messages: string[] = [];
    const codes: string[] = [];
    for (let cur: unknown = e; cur; cur = (cur as { cause?: unknown }).cause) {
      messages.push(String((cur as Error).message));
      const code = (cur as { code?: unknown }).code;
      if (typeof code === 'string') codes.push(code);
    }
    return { messages: messages.join(' | '), codes };
  }
  throw new Error('expected the database to refuse the statement');
}

async function expectRefused(p: Promise<unknown>, op: 'UPDATE' | 'DELETE' | 'TRUNCATE') {
  const r = await dbRefusal(p);
  expect(r.messages).toContain(`audit_events is append-only: ${op} is not allowed`);
  expect(r.codes).toContain('42501'); // insufficient_privilege
}

describe.each(DB_KINDS)('the audit trail on %s', (kind) => {
  let db: TestDatabase;
  let clock: ManualClock;
  let deps: ReturnType<typeof makeDeps>;
  const k: Record<string, string> = {};

  useCaseBed(kind, { per: 'block' }, (bed) => ({ db, clock, deps } = bed));
  beforeAll(async () => {
    const step = () => clock.advance(MIN);

    await addAgent(deps, admin, { handle: 'felix', skills: ['decision'], channel: 'CFELIX', user: 'UFELIX' });
    await addAgent(deps, admin, { handle: 'devin', skills: ['engineering'], channel: 'CDEVIN', user: 'UDEVIN', escalatesTo: { handle: 'felix' } });
    await addAgent(deps, admin, { handle: 'iris', skills: ['support', 'billing'], channel: 'CIRIS', user: 'UIRIS', escalatesTo: { handle: 'felix' } });
    await addAgent(deps, admin, { handle: 'temp', skills: ['support'], channel: 'CTEMP', user: 'UTEMP' });
    await setBusy(deps, admin, { handle: 'temp' }, {});

    // A billing complaint: handed off to engineering, escalated, taken over, resolved with a briefing, reopened.
    step();
    k.main = (await fileTicket(deps, user(REQ), input('Charged twice', { type: 'billing', priority: 'high', context: { customer: 'xyz' }, handoff: [{ handle: 'felix' }] }))).ticket.key;
    step();
    await acceptTicket(deps, user('UIRIS'), k.main);
    step();
    await recordThreadReply(deps, { ticketKey: k.main, user: REQ, text: 'any news?', ts: '1700000000.000200' });
    step();
    k.child = (await handoffTicket(deps, user('UIRIS'), k.main, { handle: 'devin' }, 'double charge bug')).child.key;
    step();
    await resolveTicket(deps, user('UDEVIN'), k.child, 'fixed');
    clock.advance(30 * MIN);
    await escalateDue(deps); // main: iris → felix
    step();
    await takeOver(deps, user('UFELIX'), k.main, null);
    step();
    await assignTicket(deps, admin, k.main, { handle: 'iris' });
    step();
    k.briefing = (await resolveTicket(deps, user('UIRIS'), k.main, 'refunded')).briefings[0]!;
    step();
    await reopenTicket(deps, user(REQ), k.main, 'charged again');
    step();
    await resolveTicket(deps, admin, k.main, 'refunded again');

    // A support ticket held while no one is free, then pulled; its agent leaves the roster.
    await setBusy(deps, admin, { handle: 'iris' }, { reason: 'offsite' });
    step();
    k.held = (await fileTicket(deps, user(REQ), input('Password reset', { type: 'support' }))).ticket.key;
    step();
    await setAvailable(deps, admin, { handle: 'temp' }); // temp gets it
    step();
    await removeAgent(deps, admin, { handle: 'temp' }); // back to intake: iris is busy
    step();
    await setAvailable(deps, user('UIRIS'), { handle: 'iris' }); // iris gets it
    step();
    k.claimed = (await fileTicket(deps, user(REQ), input('Another', { type: 'support', assign: { handle: 'felix' } }))).ticket.key;
    step();
    await claimNext(deps, user('UFELIX'), { handle: 'felix' }); // nothing left for felix: pinned one was assigned at once
  });

  it('every ticket’s trail is complete and in order, from filing to its current state', async () => {
    const all = await db.db.select().from(tickets);
    expect(all.length).toBeGreaterThanOrEqual(5);
    for (const t of all) {
      const trail = await auditOf(db, t.key);
      expect(trail.length, t.key).toBeGreaterThan(0);
      expect(trail[0]!.action).toMatch(/^filed(_handoff|_briefing)?$/);
      expect(trail[0]!.toStatus).toBe('intake');
      let status: string | null = null;
      let last = trail[0]!;
      for (const e of trail) {
        expect(e.actor, `${t.key} ${e.action}`).not.toBe('');
        if (e !== trail[0]) {
          expect(e.id).toBeGreaterThan(last.id);
          expect(e.at.getTime()).toBeGreaterThanOrEqual(last.at.getTime());
          expect(e.fromStatus, `${t.key} ${e.action} starts where the last event ended`).toBe(status);
        }
        if (e.toStatus) status = e.toStatus;
        last = e;
      }
      expect(status, `${t.key} ends in its current status`).toBe(t.status);
    }
  });

  it('the main ticket’s trail tells its whole story', async () => {
    expect(await actionsOf(db, k.main!)).toEqual([
      'filed',
      'assigned',
      'accepted',
      'commented',
      'handed_off',
      'child_resolved',
      'escalated',
      'taken_over',
      'reassigned',
      'resolved',
      'reopened',
      'assigned',
      'resolved',
    ]);
    const trail = await auditOf(db, k.main!);
    expect(trail.map((e) => e.actor)).toEqual([REQ, 'baton', 'UIRIS', REQ, 'UIRIS', 'baton', 'baton', 'UFELIX', ADMIN, 'UIRIS', REQ, 'baton', ADMIN]);
    expect(trail.find((e) => e.action === 'handed_off')!.data).toMatchObject({ child: k.child, to: 'devin' });
    expect(trail.find((e) => e.action === 'resolved')!.note).toBe('refunded');
    expect(await actionsOf(db, k.child!)).toEqual(['filed_handoff', 'assigned', 'resolved']);
    expect(await actionsOf(db, k.briefing!)).toEqual(['filed_briefing', 'assigned']);
    expect(await actionsOf(db, k.held!)).toEqual(['filed', 'held', 'assigned', 'unassigned', 'held', 'assigned']);
    expect((await auditOf(db, k.held!)).map((e) => e.data.agent ?? null)).toEqual([null, null, 'temp', null, null, 'iris']);
    expect(await actionsOf(db, k.claimed!)).toEqual(['filed', 'assigned']);
    expect(await actionsOf(db, 'agent:temp')).toEqual(['agent_added', 'busy', 'available', 'agent_removed']);
  });

  it('refuses UPDATE of audit_events, and nothing changes', async () => {
    const before = await snapshot(db);
    await expectRefused(db.db.execute(sql`update audit_events set note = 'rewritten'`), 'UPDATE');
    await expectRefused(db.db.update(auditEvents).set({ actor: 'someone else' }).where(eq(auditEvents.ticketKey, k.main!)), 'UPDATE');
    expect(await snapshot(db)).toEqual(before);
  });

  it('refuses DELETE of audit_events, and nothing changes', async () => {
    const before = await snapshot(db);
    await expectRefused(db.db.execute(sql`delete from audit_events`), 'DELETE');
    await expectRefused(db.db.delete(auditEvents).where(eq(auditEvents.ticketKey, k.main!)), 'DELETE');
    expect(await snapshot(db)).toEqual(before);
  });

  it('refuses TRUNCATE of audit_events, and nothing changes', async () => {
    const before = await snapshot(db);
    await expectRefused(db.db.execute(sql`truncate audit_events`), 'TRUNCATE');
    await expectRefused(db.db.execute(sql`truncate audit_events, tickets`), 'TRUNCATE');
    expect(await snapshot(db)).toEqual(before);
  });

  it('a refused change inside a transaction rolls the whole transaction back', async () => {
    const before = await snapshot(db);
    await expectRefused(
      db.db.transaction(async (tx) => {
        await tx.execute(sql`update tickets set title = 'tampered'`);
        await tx.execute(sql`delete from audit_events where ticket_key = ${k.main!}`);
      }),
      'DELETE',
    );
    expect(await snapshot(db)).toEqual(before);
  });

  it('appending is still allowed', async () => {
    clock.advance(HOUR);
    // A ticket of its own: the other tests read the trails of the flow above as they are.
    const own = (await fileTicket(deps, user(REQ), input('Thanks note', { type: 'support' }))).ticket.key;
    await recordThreadReply(deps, { ticketKey: own, user: REQ, text: 'thanks!', ts: '1700000000.000900' });
    expect((await actionsOf(db, own)).at(-1)).toBe('commented');
  });
});
