// The read-only use cases (src/app/queries.ts) on every database: lists and their pages with titles and refusals
// word for word, the ticket a thread or a direct message is about, and the roster checks made before anything is
// written.
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { addAgent } from '../../src/app/agents.js';
import { fileTicket } from '../../src/app/fileTicket.js';
import { agentByUserId, checkAddable, LIST_PAGE_SIZE, listFor, ticketForDirectMessage, ticketForThread, ticketListing, unknownAgentError } from '../../src/app/queries.js';
import { resolveTicket } from '../../src/app/ticketActions.js';
import { waitOnRequesterTicket } from '../../src/app/waiting.js';
import { agentPrincipal, BATON, user } from '../../src/core/permissions.js';
import type { TestDatabase } from '../support/db.js';
import { ADMIN, makeDeps, ManualClock, useCaseBed } from '../support/deps.js';
import { deliverHome, domainError, expectDomainError, input } from '../support/inspect.js';

const admin = user(ADMIN);
const REQ = 'UREQ0001';

// Use cases at their boundary, on the embedded database only (the storage and concurrency suites run on both).
describe.each(['pglite'] as const)('read-only use cases on %s', (kind) => {
  let db: TestDatabase;
  let clock: ManualClock;
  let deps: ReturnType<typeof makeDeps>;
  useCaseBed(kind, { per: 'test' }, (bed) => ({ db, clock, deps } = bed));

  const add = (handle: string, skills = ['support']) => addAgent(deps, admin, { handle, skills, channel: `C${handle.toUpperCase()}`, user: `U${handle.toUpperCase()}` });

  it('ticketListing: titles and filter words of each filter; pages of 50 with the total; a page past the end and an unknown filter are refused saying what there is', async () => {
    expect(LIST_PAGE_SIZE).toBe(50);
    await add('iris');
    const first = await fileTicket(deps, user(REQ), input('First', { type: 'support' }));
    await fileTicket(deps, user('UOTHER'), input('Other requester', { type: 'legal' }));

    const active = await ticketListing(deps, admin, { kind: 'queue', status: 'active' });
    expect(active).toMatchObject({ title: 'Active tickets', filterWord: 'active', total: 1, page: 1, pages: 1 });
    expect(active.tickets.map((t) => t.key)).toEqual([first.ticket.key]);
    expect(await ticketListing(deps, admin, { kind: 'queue', status: 'intake' })).toMatchObject({ title: 'Intake tickets', filterWord: 'intake', total: 1 });
    const byAgent = await ticketListing(deps, admin, { kind: 'agent', agent: { user: 'UIRIS' } });
    expect(byAgent).toMatchObject({ title: 'Open tickets of iris', filterWord: 'iris', total: 1 });
    const mine = await ticketListing(deps, user(REQ), { kind: 'mine' });
    expect(mine).toMatchObject({ title: 'Your open tickets (filed by you or assigned to you)', filterWord: 'mine', total: 1 });
    expect((await ticketListing(deps, user('UIRIS'), { kind: 'mine' })).tickets.map((t) => t.key)).toEqual([first.ticket.key]);
    // Not a user: nothing of its own to list.
    expect(await ticketListing(deps, agentPrincipal('iris', 'api'), { kind: 'mine' })).toMatchObject({ tickets: [], total: 0, pages: 1 });

    await expectDomainError(
      ticketListing(deps, admin, { kind: 'agent', agent: { handle: 'actve' } }),
      'invalid_input',
      '`/ticket list` takes `mine`, `intake`, `active`, `completed` or an agent’s handle; there is no filter or agent `actve`. Add `page:2` for the next page.',
      'filter',
    );
    // A user that is no agent keeps the roster's refusal.
    expect((await domainError(ticketListing(deps, admin, { kind: 'agent', agent: { user: 'UNOBODY' } }))).code).toBe('unknown_agent');
    await expectDomainError(ticketListing(deps, admin, { kind: 'queue', status: 'active' }, 2), 'invalid_input', 'Active tickets: 1 ticket on 1 page; there is no page 2.', 'page');
    await expectDomainError(ticketListing(deps, admin, { kind: 'queue', status: 'completed' }, 2), 'invalid_input', 'Completed tickets: 0 tickets on 1 page; there is no page 2.', 'page');

    // 51 intake tickets: two pages, the second with one.
    for (let i = 0; i < 50; i++) await fileTicket(deps, user(REQ), input(`Legal ${i}`, { type: 'legal' }));
    const p1 = await ticketListing(deps, admin, { kind: 'queue', status: 'intake' });
    expect(p1).toMatchObject({ total: 51, page: 1, pages: 2 });
    expect(p1.tickets).toHaveLength(50);
    const p2 = await ticketListing(deps, admin, { kind: 'queue', status: 'intake' }, 2);
    expect(p2).toMatchObject({ total: 51, page: 2, pages: 2 });
    expect(p2.tickets).toHaveLength(1);
    expect(p1.tickets.map((t) => t.key)).not.toContain(p2.tickets[0]!.key);
    await expectDomainError(ticketListing(deps, admin, { kind: 'queue', status: 'intake' }, 3), 'invalid_input', 'Intake tickets: 51 tickets on 2 pages; there is no page 3.', 'page');
  });

  it('listFor: titles per filter; an agent’s own token lists what it filed or holds; Baton has nothing of its own', async () => {
    await add('iris');
    const a = await fileTicket(deps, user(REQ), input('For iris', { type: 'support' }));
    const b = await fileTicket(deps, agentPrincipal('iris', 'api'), input('Filed by iris', { type: 'legal' }));
    await fileTicket(deps, user(REQ), input('Not iris', { type: 'legal' }));
    const own = await listFor(deps, agentPrincipal('iris', 'api'), { kind: 'mine' });
    expect(own.title).toBe('Open tickets of iris (filed by it or assigned to it)');
    expect(own.tickets.map((t) => t.key).sort()).toEqual([a.ticket.key, b.ticket.key].sort());
    expect(await listFor(deps, BATON, { kind: 'mine' })).toEqual({ title: 'Your open tickets', tickets: [] });
    expect((await listFor(deps, admin, { kind: 'queue', status: 'intake' })).title).toBe('Intake tickets');
    expect((await listFor(deps, admin, { kind: 'queue', status: 'intake' }, 1)).tickets).toHaveLength(1);
    expect((await listFor(deps, admin, { kind: 'agent', agent: { handle: 'iris' } })).title).toBe('Open tickets of iris');
    expect((await listFor(deps, user('UIRIS'), { kind: 'mine' })).title).toBe('Your open tickets (filed by you or assigned to you)');
  });

  it('the ticket of a thread: its home message or the intake message it came from; a direct message: the one ticket waiting on its author', async () => {
    await add('iris');
    const origin = { channel: 'CINTAKE', ts: '1700000000.000100' };
    const f = await fileTicket(deps, user(REQ), input('From intake', { type: 'support', origin }));
    await deliverHome(db, f.ticket.key, '1700000000.000900');
    expect((await ticketForThread(deps, 'CINTAKE', '1700000000.000100'))?.key).toBe(f.ticket.key);
    expect((await ticketForThread(deps, 'CIRIS', '1700000000.000900'))?.key).toBe(f.ticket.key);
    expect(await ticketForThread(deps, 'CIRIS', '1700000000.000100')).toBeNull();

    const dm = await fileTicket(deps, user('UDM'), input('By command', { type: 'support' }));
    expect(await ticketForDirectMessage(deps, 'DDM', undefined, 'UDM')).toBeNull();
    await waitOnRequesterTicket(deps, user('UIRIS'), dm.ticket.key, 'Which laptop?');
    expect((await ticketForDirectMessage(deps, 'DDM', undefined, 'UDM'))?.key).toBe(dm.ticket.key);
    // The question, once delivered, is the thread a reply in the DM belongs to.
    await db.db.execute(sql`update outbox set status = 'sent', sent_channel = 'DDM', sent_ts = '1700000001.000100' where ticket_key = ${dm.ticket.key} and idempotency_key like '%:question'`);
    expect((await ticketForDirectMessage(deps, 'DDM', '1700000001.000100', 'UDM'))?.key).toBe(dm.ticket.key);
    expect(await ticketForDirectMessage(deps, 'DDM', '1700000001.999999', 'UDM')).toBeNull();
    // Two waiting on the same requester: which one is unknown.
    const dm2 = await fileTicket(deps, user('UDM'), input('Second by command', { type: 'support' }));
    await waitOnRequesterTicket(deps, user('UIRIS'), dm2.ticket.key, 'And this one?');
    expect(await ticketForDirectMessage(deps, 'DDM', undefined, 'UDM')).toBeNull();
    await resolveTicket(deps, admin, dm.ticket.key, 'done');
    expect((await ticketForDirectMessage(deps, 'DDM', undefined, 'UDM'))?.key).toBe(dm2.ticket.key);
  });

  it('roster checks before anything is written: unknownAgentError, agentByUserId and checkAddable’s refusals word for word', async () => {
    await add('iris');
    expect(await unknownAgentError(deps, { handle: 'iris' })).toBeNull();
    expect((await unknownAgentError(deps, { handle: 'ghost' }))?.code).toBe('unknown_agent');
    expect((await unknownAgentError(deps, { user: 'UNOBODY' }))?.code).toBe('unknown_agent');
    expect((await agentByUserId(deps, 'UIRIS'))?.handle).toBe('iris');
    expect(await agentByUserId(deps, 'UNOBODY')).toBeNull();

    await expect(checkAddable(deps, admin, { handle: 'maya', user: 'UMAYA', escalatesTo: { user: 'UIRIS' } })).resolves.toBeUndefined();
    await expect(checkAddable(deps, admin, { handle: 'maya', escalatesTo: { handle: 'nobody-yet' } })).resolves.toBeUndefined();
    await expect(checkAddable(deps, admin, { handle: 'maya', user: null, escalatesTo: null })).resolves.toBeUndefined();
    await expectDomainError(checkAddable(deps, user('UIRIS'), { handle: 'maya' }), 'not_allowed', /admins/);
    await expectDomainError(checkAddable(deps, admin, { handle: 'iris' }), 'agent_exists', 'There is already an agent `iris`; use `/agent update` to change it.', 'handle');
    await expectDomainError(checkAddable(deps, admin, { handle: 'maya', user: 'UIRIS' }), 'conflict', '<@UIRIS> is already the user of agent iris.', 'user');
    await expectDomainError(
      checkAddable(deps, admin, { handle: 'maya', escalatesTo: { user: 'UNOBODY' } }),
      'unknown_agent',
      '`escalates-to:` <@UNOBODY> is not the user of any agent. Name the agent by its handle, e.g. `escalates-to:felix` (it may be one not added yet).',
      'escalates-to',
    );
  });
});
