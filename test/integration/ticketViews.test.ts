// The API's read-only views (src/app/ticketViews.ts) and stored Idempotency-Key answers (src/app/idempotency.ts)
// on every database: a ticket with its children, pages of a list with `more`, an agent with its load, and the
// first stored answer winning.
import { describe, expect, it } from 'vitest';
import { addAgent } from '../../src/app/agents.js';
import { fileTicket } from '../../src/app/fileTicket.js';
import { handoffTicket } from '../../src/app/handoff.js';
import { answerTo, keepAnswer } from '../../src/app/idempotency.js';
import { agentWithLoad, ticketPage, ticketWithFamily } from '../../src/app/ticketViews.js';
import { user } from '../../src/core/permissions.js';
import type { TestDatabase } from '../support/db.js';
import { ADMIN, makeDeps, ManualClock, useCaseBed } from '../support/deps.js';
import { expectDomainError, input } from '../support/inspect.js';

const admin = user(ADMIN);
const REQ = 'UREQ0001';

// Use cases at their boundary, on the embedded database only (the storage and concurrency suites run on both).
describe.each(['pglite'] as const)('API views on %s', (kind) => {
  let db: TestDatabase;
  let clock: ManualClock;
  let deps: ReturnType<typeof makeDeps>;
  useCaseBed(kind, { per: 'test' }, (bed) => ({ db, clock, deps } = bed));

  it('a ticket with its children and trail; a list page by page with whether more follow; an agent with its load', async () => {
    await addAgent(deps, admin, { handle: 'iris', skills: ['support'], channel: 'CIRIS', user: 'UIRIS' });
    await addAgent(deps, admin, { handle: 'maya', skills: ['billing'], channel: 'CMAYA', user: 'UMAYA' });
    const p = await fileTicket(deps, user(REQ), input('Parent', { type: 'support' }));
    const h = await handoffTicket(deps, user('UIRIS'), p.ticket.key, { handle: 'maya' }, undefined);
    const fam = await ticketWithFamily(deps, p.ticket.key);
    expect(fam.ticket.key).toBe(p.ticket.key);
    expect(fam.children).toEqual([h.child.key]);
    expect(fam.trail.map((e) => e.action)).toEqual(['filed', 'assigned', 'handed_off']);
    expect((await ticketWithFamily(deps, h.child.key)).children).toEqual([]);
    await expectDomainError(ticketWithFamily(deps, 'T-2026-999'), 'unknown_ticket', /T-2026-999/);

    await fileTicket(deps, user(REQ), input('Third', { type: 'support' }));
    const all = await ticketPage(deps, admin, { kind: 'queue', status: 'active' }, 0, 10);
    expect(all.more).toBe(false);
    expect(all.tickets).toHaveLength(3);
    const keys = all.tickets.map((x) => x.ticket.key);
    expect(all.tickets.find((x) => x.ticket.key === p.ticket.key)!.children).toEqual([h.child.key]);
    const first = await ticketPage(deps, admin, { kind: 'queue', status: 'active' }, 0, 2);
    expect(first.more).toBe(true);
    expect(first.tickets.map((x) => x.ticket.key)).toEqual(keys.slice(0, 2));
    const second = await ticketPage(deps, admin, { kind: 'queue', status: 'active' }, 2, 2);
    expect(second.more).toBe(false);
    expect(second.tickets.map((x) => x.ticket.key)).toEqual(keys.slice(2));
    expect((await ticketPage(deps, admin, { kind: 'queue', status: 'active' }, 1, 2)).more).toBe(false);
    expect((await ticketPage(deps, admin, { kind: 'queue', status: 'active' }, 0, 3)).more).toBe(false);

    expect(await agentWithLoad(deps, 'iris')).toMatchObject({ handle: 'iris', active: 2 });
    expect(await agentWithLoad(deps, 'maya')).toMatchObject({ handle: 'maya', active: 1 });
    await addAgent(deps, admin, { handle: 'omar', skills: ['legal'], channel: 'COMAR' });
    expect((await agentWithLoad(deps, 'omar')).active).toBe(0);
    await expectDomainError(agentWithLoad(deps, 'ghost'), 'unknown_agent', /ghost/);
  });

  it('stored answers: none until kept; the first kept wins; per agent and key', async () => {
    expect(await answerTo(deps, 'iris', 'k1')).toBeNull();
    expect(await keepAnswer(deps, { handle: 'iris', key: 'k1', fingerprint: 'f1', status: 201, body: { ok: 1 } })).toBe(true);
    expect(await answerTo(deps, 'iris', 'k1')).toMatchObject({ fingerprint: 'f1', status: 201, body: { ok: 1 } });
    expect(await keepAnswer(deps, { handle: 'iris', key: 'k1', fingerprint: 'f1', status: 500, body: { ok: 2 } })).toBe(false);
    expect(await answerTo(deps, 'iris', 'k1')).toMatchObject({ status: 201, body: { ok: 1 } });
    expect(await answerTo(deps, 'maya', 'k1')).toBeNull();
  });
});
