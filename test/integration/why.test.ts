// `/ticket why`: the verdicts shown are the ones routing reached when it decided (assigned), or reaches now
// (held); every candidate is named with its reason, and the chosen one is the assignee. Every database.
import { describe, expect, it } from 'vitest';
import { addAgent, setBusy } from '../../src/app/agents.js';
import { fileTicket } from '../../src/app/fileTicket.js';
import { assignTicket, resolveTicket } from '../../src/app/ticketActions.js';
import { explainRouting } from '../../src/app/why.js';
import { user } from '../../src/core/permissions.js';
import { routingExplanation } from '../../src/slack/blocks/index.js';
import { messageBlockErrors } from '../../fake-slack/blockLimits.js';
import { DB_KINDS } from '../support/db.js';
import { ADMIN, makeDeps, ManualClock, useCaseBed } from '../support/deps.js';
import { auditOf, expectDomainError, input, MIN } from '../support/inspect.js';

const admin = user(ADMIN);
const REQ = 'UREQ0001';

describe.each(DB_KINDS)('why on %s', (kind) => {
  let clock: ManualClock;
  let deps: ReturnType<typeof makeDeps>;
  let db: Parameters<typeof auditOf>[0];
  useCaseBed(kind, { per: 'test' }, (bed) => ({ db, clock, deps } = bed));

  const agent = (handle: string, skills: string[], capacity = 5) =>
    addAgent(deps, admin, { handle, skills, channel: `C${handle.toUpperCase()}`, user: `U${handle.toUpperCase()}`, capacity });

  it('when a ticket is routed, then why names the rule that chose and why each other candidate was not chosen', async () => {
    await agent('ann', ['billing'], 1);
    await agent('bob', ['billing']);
    await agent('cat', ['billing']);
    await agent('dan', ['billing']);
    await agent('eve', ['legal']);
    await setBusy(deps, admin, { handle: 'dan' }, { reason: 'dentist' });
    // ann is full (1/1), bob has one ticket, cat none
    await fileTicket(deps, user(REQ), input('first', { type: 'billing', assign: { handle: 'ann' } }));
    await fileTicket(deps, user(REQ), input('second', { type: 'billing', assign: { handle: 'bob' } }));
    clock.advance(MIN);
    const f = await fileTicket(deps, user(REQ), input('third', { type: 'billing' }));
    expect(f.agent?.handle).toBe('cat');

    const x = await explainRouting(deps, f.ticket.key);
    expect(x.kind).toBe('routed');
    // the same words routing wrote in the trail when it chose
    const assigned = (await auditOf(db, f.ticket.key)).find((e) => e.action === 'assigned')!;
    expect(x.reason).toBe(assigned.note);
    expect(x.reason).toBe('cat has the fewest active tickets: 0');
    expect(x.verdicts).toEqual([
      { handle: 'cat', chosen: true, why: 'has the fewest active tickets: 0' },
      { handle: 'ann', chosen: false, why: 'is at capacity (1/1)' },
      { handle: 'bob', chosen: false, why: 'has more active tickets: 1 (cat has 0)' },
      { handle: 'dan', chosen: false, why: 'is busy (dentist)' },
    ]);
    expect(x.verdicts.filter((v) => v.chosen).map((v) => v.handle)).toEqual([f.agent?.handle]);

    // later changes do not rewrite what routing did then
    await resolveTicket(deps, admin, f.ticket.key, 'done');
    const after = await explainRouting(deps, f.ticket.key);
    expect(after.verdicts).toEqual(x.verdicts);

    const m = routingExplanation(x, { timeZone: 'UTC' });
    expect(messageBlockErrors(m.blocks)).toEqual([]);
    const shown = JSON.stringify(m.blocks);
    for (const h of ['cat', 'ann', 'bob', 'dan']) expect(shown).toContain(`@${h}`);
    expect(shown).toContain('is at capacity (1/1)');
    expect(shown).not.toContain('@eve');
  });

  it('when a ticket is held, then why names every agent with its type and what keeps it from taking it', async () => {
    await agent('fay', ['refunds'], 1);
    await agent('gus', ['refunds']);
    await setBusy(deps, admin, { handle: 'gus' }, { reason: 'offsite' });
    await fileTicket(deps, user(REQ), input('fills fay', { type: 'refunds' }));
    const held = await fileTicket(deps, user(REQ), input('waits', { type: 'refunds' }));
    expect(held.agent).toBeNull();

    const x = await explainRouting(deps, held.ticket.key);
    expect(x.kind).toBe('held');
    expect(x.reason).toBe(held.ticket.holdReason);
    expect(x.verdicts).toEqual([
      { handle: 'fay', chosen: false, why: 'is at capacity (1/1)' },
      { handle: 'gus', chosen: false, why: 'is busy (offsite)' },
    ]);
    expect(x.reason).toBe('no `refunds` agent is free: fay is at capacity (1/1); gus is busy (offsite)');
  });

  it('when the key names no ticket, then why says so and names the key', async () => {
    await expectDomainError(explainRouting(deps, 'T-2026-999'), 'unknown_ticket', /T-2026-999/);
  });

  it('when a person assigned the ticket, then why says routing did not choose', async () => {
    await agent('hal', ['ops']);
    await agent('ivy', ['ops']);
    const f = await fileTicket(deps, user(REQ), input('x', { type: 'ops' }));
    const other = f.agent?.handle === 'hal' ? 'ivy' : 'hal';
    await assignTicket(deps, admin, f.ticket.key, { handle: other });
    const x = await explainRouting(deps, f.ticket.key);
    expect(x).toMatchObject({ kind: 'manual', event: { action: 'reassigned', actor: ADMIN } });
    expect(JSON.stringify(routingExplanation(x, { timeZone: 'UTC' }).blocks)).toContain('Routing did not choose');
  });
});
