// Escalation at the use cases (src/app/escalation.ts) on every database, the cases usecases.escalation.test.ts
// leaves out: the second click of a double click on Escalate (refused for two minutes after the ticket went up a
// level, with where it is now), take-over refusals word for word, and the ping losing its button once taken over.
import { describe, expect, it } from 'vitest';
import { addAgent } from '../../src/app/agents.js';
import { escalateDue, escalateTicket, REPEAT_ESCALATION_WINDOW_SEC, takeOver } from '../../src/app/escalation.js';
import { fileTicket } from '../../src/app/fileTicket.js';
import { user } from '../../src/core/permissions.js';
import { getTicket } from '../../src/storage/tickets.js';
import type { TestDatabase } from '../support/db.js';
import { ADMIN, makeDeps, ManualClock, useCaseBed } from '../support/deps.js';
import { auditOf, deliverHome, expectDomainError, input, MIN, outboxOf, snapshot } from '../support/inspect.js';

const admin = user(ADMIN);
const REQ = 'UREQ0001';
const SEC = 1000;

// Use cases at their boundary, on the embedded database only (the storage and concurrency suites run on both).
describe.each(['pglite'] as const)('escalation by hand and take-over on %s', (kind) => {
  let db: TestDatabase;
  let clock: ManualClock;
  let deps: ReturnType<typeof makeDeps>;
  useCaseBed(kind, { per: 'test' }, (bed) => ({ db, clock, deps } = bed));

  const agent = (handle: string, escalatesTo?: string) =>
    addAgent(deps, admin, { handle, skills: ['ops'], channel: `C${handle.toUpperCase()}`, user: `U${handle.toUpperCase()}`, escalatesTo: escalatesTo ? { handle: escalatesTo } : undefined });
  const file = async (title: string, assign = 'a') => (await fileTicket(deps, user(REQ), input(title, { type: 'ops', priority: 'urgent', assign: { handle: assign } }))).ticket.key;

  it(`a click from a card that showed a lower level, within ${REPEAT_ESCALATION_WINDOW_SEC} s of the last step, is refused saying where it is; later, or by command, it escalates`, async () => {
    expect(REPEAT_ESCALATION_WINDOW_SEC).toBe(120);
    await agent('boss');
    await agent('lead', 'boss');
    await agent('a', 'lead');
    const K = await file('double click');
    await escalateTicket(deps, user('UA'), K, undefined, { seenLevel: 0 }); // the first click: level 1
    expect((await getTicket(db.db, K))!.escalationLevel).toBe(1);
    clock.advance(119 * SEC);
    const before = await snapshot(db);
    await expectDomainError(
      escalateTicket(deps, user('UA'), K, undefined, { seenLevel: 0 }),
      'invalid_state',
      `${K} was escalated moments ago and is now at level 1 (it is with lead); nothing changed. To go one level further, use \`/ticket escalate ${K}\`.`,
    );
    expect(await snapshot(db)).toEqual(before);
    // The card showed the current level: a deliberate click.
    clock.advance(1 * SEC);
    const later = await escalateTicket(deps, user('UA'), K, undefined, { seenLevel: 0 });
    expect(later.target?.handle).toBe('boss');
    // Past the chain's end: the refusal says the chain ran out.
    await escalateTicket(deps, user('UA'), K, undefined);
    expect((await getTicket(db.db, K))!.chainExhausted).toBe(true);
    clock.advance(10 * SEC);
    await expectDomainError(escalateTicket(deps, user('UA'), K, undefined, { seenLevel: 1 }), 'invalid_state', new RegExp(`^${K} was escalated moments ago and is now at level \\d \\(the chain has run out and the managers were told\\); nothing changed\\.`));
  });

  it('take-over: by its current agent’s user with no escalation, "already with"; once pinged, the ping loses its button and the managers hear who took it', async () => {
    await agent('lead');
    await agent('a', 'lead');
    const K = await file('stale');
    await deliverHome(db, K, '1700000000.000100');
    await expectDomainError(takeOver(deps, user('UA'), K, null), 'invalid_state', `${K} is already with a.`);
    await expectDomainError(takeOver(deps, user('UA'), 'T-2026-999', null), 'unknown_ticket', /T-2026-999/);
    clock.advance(15 * MIN);
    expect(await escalateDue(deps)).toEqual([K]);
    const ping = (await auditOf(db, K)).at(-1)!;
    const managers = (await getTicket(db.db, K))!.managersKey;
    expect(managers).toBe(`${ping.id}:managers`);

    clock.advance(MIN);
    const r = await takeOver(deps, user('ULEAD'), K, null);
    expect(r.agent.handle).toBe('lead');
    const out = await outboxOf(db, K);
    expect(out.find((m) => m.idempotencyKey === `${ping.id}:ping-taken`)).toMatchObject({ channel: 'CLEAD', updatesKey: `${ping.id}:ping` });
    const taken = (await auditOf(db, K)).at(-1)!;
    expect(taken).toMatchObject({ action: 'taken_over', actor: 'ULEAD' });
    const reply = out.find((m) => m.idempotencyKey === `${taken.id}:managers`)!;
    expect(reply).toMatchObject({ channel: 'CESCAL1', threadOf: 'managers' });
    expect(reply.text).toContain(':raised_hand: Taken over by @lead');
    expect(out.find((m) => m.idempotencyKey === `${taken.id}:managers-edit`)).toMatchObject({ updatesKey: managers });
    // Escalated 90 s ago, taken over since: a stale card's click is still the second of a double click.
    clock.advance(30 * SEC);
    await expectDomainError(
      escalateTicket(deps, user('ULEAD'), K, undefined, { seenLevel: 0 }),
      'invalid_state',
      `${K} was escalated moments ago and is now at level 1 (it stays with its assignee); nothing changed. To go one level further, use \`/ticket escalate ${K}\`.`,
    );
  });

  it('a click on the old card just after a take-over of an escalation made long ago escalates (the window counts from the escalation, not the take-over)', async () => {
    await agent('boss');
    await agent('lead', 'boss');
    await agent('a', 'lead');
    const K = await file('taken over late');
    clock.advance(15 * MIN);
    expect(await escalateDue(deps)).toEqual([K]);
    clock.advance(10 * MIN);
    await takeOver(deps, user('ULEAD'), K, null);
    clock.advance(30 * SEC);
    const r = await escalateTicket(deps, user('ULEAD'), K, undefined, { seenLevel: 0 });
    expect(r.target?.handle).toBe('boss');
    expect((await getTicket(db.db, K))!.escalationLevel).toBe(2);
  });

  it('take-over named by an admin, of an agent never pinged: no ping to edit', async () => {
    await agent('lead');
    await agent('b');
    await agent('a', 'lead');
    const K = await file('named');
    clock.advance(15 * MIN);
    await escalateDue(deps);
    const r = await takeOver(deps, admin, K, { handle: 'b' });
    expect(r.agent.handle).toBe('b');
    expect((await outboxOf(db, K)).some((m) => m.idempotencyKey.endsWith(':ping-taken'))).toBe(false);
  });
});
