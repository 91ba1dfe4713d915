// The managers' channel at the use cases (src/app/managers.ts) on every database: one message per escalated
// ticket, or one summary when more than three escalate for the first time in one sweep; later steps and outcomes
// reply in its thread and edit it; nothing without a channel or before any escalation; the Assign… form's choices.
import { describe, expect, it } from 'vitest';
import { addAgent, setBusy } from '../../src/app/agents.js';
import { escalateDue, escalateTicket } from '../../src/app/escalation.js';
import { fileTicket } from '../../src/app/fileTicket.js';
import { assignChoices, SUMMARY_OVER } from '../../src/app/managers.js';
import { assignTicket, resolveTicket } from '../../src/app/ticketActions.js';
import { user } from '../../src/core/permissions.js';
import { getTicket } from '../../src/storage/tickets.js';
import type { TestDatabase } from '../support/db.js';
import { ADMIN, makeDeps, ManualClock, useCaseBed } from '../support/deps.js';
import { allOutbox, auditOf, expectDomainError, HOUR, input, outboxOf } from '../support/inspect.js';

const admin = user(ADMIN);
const REQ = 'UREQ0001';

// Use cases at their boundary, on the embedded database only (the storage and concurrency suites run on both).
describe.each(['pglite'] as const)('the managers’ channel on %s', (kind) => {
  let db: TestDatabase;
  let clock: ManualClock;
  let deps: ReturnType<typeof makeDeps>;
  useCaseBed(kind, { per: 'test' }, (bed) => ({ db, clock, deps } = bed));

  const agent = (handle: string, escalatesTo?: string, o: { capacity?: number } = {}) =>
    addAgent(deps, admin, { handle, skills: ['ops'], channel: `C${handle.toUpperCase()}`, user: `U${handle.toUpperCase()}`, escalatesTo: escalatesTo ? { handle: escalatesTo } : undefined, ...o });
  const file = async (title: string) => (await fileTicket(deps, user(REQ), input(title, { type: 'ops', priority: 'high', assign: { handle: 'a' } }))).ticket.key;
  const managersRows = async () => (await allOutbox(db)).filter((m) => m.channel === 'CESCAL1');

  it(`exactly ${SUMMARY_OVER} first escalations in one sweep: one message each, recorded as each ticket’s managers message`, async () => {
    expect(SUMMARY_OVER).toBe(3);
    await agent('lead', undefined, { capacity: 100 });
    await agent('a', 'lead', { capacity: 100 });
    const keys = [await file('one'), await file('two'), await file('three')];
    clock.advance(HOUR);
    expect((await escalateDue(deps)).sort()).toEqual(keys);
    const rows = await managersRows();
    expect(rows).toHaveLength(3);
    for (const k of keys) {
      const ev = (await auditOf(db, k)).at(-1)!;
      const row = rows.find((m) => m.ticketKey === k)!;
      expect(row).toMatchObject({ idempotencyKey: `${ev.id}:managers` });
      expect(row.recordsManagersOf).toBe(k);
      expect((await getTicket(db.db, k))!.managersKey).toBe(`${ev.id}:managers`);
    }
  });

  it('more than three in one sweep share one summary listing them in key order; a later step replies in its thread and edits the summary', async () => {
    await agent('boss', undefined, { capacity: 100 });
    await agent('lead', 'boss', { capacity: 100 });
    await agent('a', 'lead', { capacity: 100 });
    const keys = [await file('one'), await file('two'), await file('three'), await file('four')];
    clock.advance(HOUR);
    expect((await escalateDue(deps)).sort()).toEqual(keys);
    const rows = await managersRows();
    expect(rows).toHaveLength(1);
    const summary = rows[0]!;
    const firstIds = await Promise.all(keys.map(async (k) => (await auditOf(db, k)).at(-1)!.id));
    const key = `${Math.min(...firstIds)}:managers-summary`;
    expect(summary).toMatchObject({ ticketKey: null, idempotencyKey: key, recordsManagersOf: [...keys].sort().join(' ') });
    expect(summary.text).toBe(`4 tickets escalated together: ${[...keys].sort().join(', ')}`);
    for (const k of keys) expect(summary.text + JSON.stringify(summary.blocks)).toContain(k);
    for (const k of keys) expect((await getTicket(db.db, k))!.managersKey).toBe(key);

    // The next level of one of them, by hand: a reply in the summary's thread and an edit of the summary.
    const esc = await escalateTicket(deps, admin, keys[1]!, 'still stuck');
    expect(esc.target?.handle).toBe('boss');
    const ev = (await auditOf(db, keys[1]!)).at(-1)!;
    const out = await outboxOf(db, keys[1]!);
    expect(out.find((m) => m.idempotencyKey === `${ev.id}:managers`)).toMatchObject({ channel: 'CESCAL1', threadOfTicket: keys[1], threadOf: 'managers' });
    const edit = out.find((m) => m.idempotencyKey === `${ev.id}:managers-edit`)!;
    expect(edit).toMatchObject({ channel: 'CESCAL1', updatesKey: key });
    // The summary still lists every ticket, each as it is now.
    for (const k of keys) expect(edit.text + JSON.stringify(edit.blocks)).toContain(k);
    expect((await getTicket(db.db, keys[1]!))!.managersKey).toBe(key);
  });

  it('an outcome after an escalation replies and edits the ticket’s own message; before any escalation, or without a channel, the managers hear nothing', async () => {
    await agent('lead');
    await agent('a', 'lead');
    await agent('b');
    const quiet = await file('never escalated');
    await resolveTicket(deps, admin, quiet, 'fine');
    expect(await managersRows()).toEqual([]);

    const k = await file('escalated');
    clock.advance(HOUR);
    await escalateDue(deps);
    const first = (await auditOf(db, k)).at(-1)!;
    await assignTicket(deps, admin, k, { handle: 'b' });
    const assigned = (await auditOf(db, k)).filter((e) => e.action === 'reassigned').at(-1)!;
    const out = await outboxOf(db, k);
    expect(out.find((m) => m.idempotencyKey === `${assigned.id}:managers`)).toMatchObject({ channel: 'CESCAL1', threadOf: 'managers' });
    expect(out.find((m) => m.idempotencyKey === `${assigned.id}:managers`)!.text).toContain('Assigned to @b by <@UADMIN1>');
    const edit = out.find((m) => m.idempotencyKey === `${assigned.id}:managers-edit`)!;
    expect(edit).toMatchObject({ updatesKey: `${first.id}:managers` });

    const silent = { ...deps, escalationsChannel: null };
    const k2 = await file('no channel');
    clock.advance(HOUR);
    const before = (await managersRows()).length;
    await escalateDue(silent);
    await resolveTicket(silent, admin, k2, 'done');
    expect((await managersRows()).length).toBe(before);
    expect((await getTicket(db.db, k2))!.managersKey).toBeNull();
  });

  it('Assign… choices: admins only; the agents taking its type but its assignee, each with its load or why it cannot take work', async () => {
    await agent('a', undefined, { capacity: 4 });
    await agent('b', undefined, { capacity: 7 });
    await agent('c');
    await addAgent(deps, admin, { handle: 'x', skills: ['legal'], channel: 'CX' });
    await setBusy(deps, admin, { handle: 'c' }, { reason: 'offsite' });
    const k = await file('pick someone');
    await fileTicket(deps, user(REQ), input('b has one', { type: 'ops', assign: { handle: 'b' } }));
    await expectDomainError(assignChoices(deps, user('UA'), k), 'not_allowed', `Only an admin can assign ${k} from the managers' channel.`);
    await expectDomainError(assignChoices(deps, admin, 'T-2026-999'), 'unknown_ticket', /T-2026-999/);
    const r = await assignChoices(deps, admin, k);
    expect(r.ticket.key).toBe(k);
    expect(r.agents.map((a) => a.handle).sort()).toEqual(['b', 'c']);
    expect(r.agents.find((a) => a.handle === 'b')!.note).toBe('1/7 active');
    const c = r.agents.find((a) => a.handle === 'c')!.note;
    expect(c).toMatch(/^is busy/);
    expect(c).toContain('offsite');
  });

  it('the summary lists its tickets in key order whatever order they fell due in; a single ticket’s message is edited as that ticket’s message, not a summary', async () => {
    await agent('lead', undefined, { capacity: 100 });
    await agent('a', 'lead', { capacity: 100 });
    const file2 = async (title: string, escalateAfterSec: number) =>
      (await fileTicket(deps, user(REQ), input(title, { type: 'ops', assign: { handle: 'a' }, escalateAfterSec }))).ticket.key;
    // Filed first, due last.
    const keys = [await file2('one', 3000), await file2('two', 2000), await file2('three', 1000), await file2('four', 600)];
    clock.advance(HOUR);
    await escalateDue(deps);
    const [summary] = await managersRows();
    expect(summary!.text).toBe(`4 tickets escalated together: ${keys.join(', ')}`);
    expect(summary!.recordsManagersOf).toBe(keys.join(' '));

    const k = await file2('alone', 600);
    clock.advance(HOUR);
    await escalateDue(deps);
    await resolveTicket(deps, admin, k, 'sorted');
    const resolved = (await auditOf(db, k)).at(-1)!;
    const edit = (await outboxOf(db, k)).find((m) => m.idempotencyKey === `${resolved.id}:managers-edit`)!;
    expect(edit.text).not.toMatch(/escalated together/);
    expect(edit.text).toContain(k);
  });
});
