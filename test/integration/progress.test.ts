// Progress notes (src/app/progress.ts) on every database: kept in the trail, trimmed, posted in the home thread
// keyed by their event; a held ticket with no home keeps the note only; blank or over-long notes and strangers are
// refused with nothing changed.
import { describe, expect, it } from 'vitest';
import { addAgent } from '../../src/app/agents.js';
import { fileTicket } from '../../src/app/fileTicket.js';
import { postUpdate } from '../../src/app/progress.js';
import { agentPrincipal, user } from '../../src/core/permissions.js';
import type { TestDatabase } from '../support/db.js';
import { ADMIN, makeDeps, ManualClock, useCaseBed } from '../support/deps.js';
import { auditOf, deliverHome, expectDomainError, input, outboxOf, snapshot } from '../support/inspect.js';

const admin = user(ADMIN);
const REQ = 'UREQ0001';

// Use cases at their boundary, on the embedded database only (the storage and concurrency suites run on both).
describe.each(['pglite'] as const)('progress notes on %s', (kind) => {
  let db: TestDatabase;
  let clock: ManualClock;
  let deps: ReturnType<typeof makeDeps>;
  useCaseBed(kind, { per: 'test' }, (bed) => ({ db, clock, deps } = bed));

  it('a note by the agent’s token: trimmed in the trail, in the home thread naming who wrote it', async () => {
    await addAgent(deps, admin, { handle: 'iris', skills: ['support'], channel: 'CIRIS', user: 'UIRIS' });
    const f = await fileTicket(deps, user(REQ), input('VPN', { type: 'support' }));
    await deliverHome(db, f.ticket.key, '1700000000.000100');
    const r = await postUpdate(deps, agentPrincipal('iris', 'api'), f.ticket.key, '  rebooted the gateway  ');
    expect(r.ticket.key).toBe(f.ticket.key);
    const ev = (await auditOf(db, f.ticket.key)).at(-1)!;
    expect(ev).toMatchObject({ action: 'progress', actor: 'agent:iris', note: 'rebooted the gateway', fromStatus: 'active', toStatus: 'active' });
    const m = (await outboxOf(db, f.ticket.key)).find((x) => x.idempotencyKey === `${ev.id}:progress`)!;
    expect(m).toMatchObject({ channel: 'CIRIS', threadOfTicket: f.ticket.key, threadOf: 'home' });
    expect(m.text).toContain(':memo: @iris: rebooted the gateway');
    await postUpdate(deps, user(REQ), f.ticket.key, 'thanks');
    const ev2 = (await auditOf(db, f.ticket.key)).at(-1)!;
    expect((await outboxOf(db, f.ticket.key)).find((x) => x.idempotencyKey === `${ev2.id}:progress`)!.text).toContain(`:memo: <@${REQ}>: thanks`);
  });

  it('a held ticket (no assignee, no home): the note is kept, nothing posted', async () => {
    const f = await fileTicket(deps, user(REQ), input('Nobody yet', { type: 'legal' }));
    await postUpdate(deps, user(REQ), f.ticket.key, 'more detail');
    const ev = (await auditOf(db, f.ticket.key)).at(-1)!;
    expect(ev).toMatchObject({ action: 'progress', note: 'more detail', fromStatus: 'intake', toStatus: 'intake' });
    expect((await outboxOf(db, f.ticket.key)).some((x) => x.idempotencyKey.endsWith(':progress'))).toBe(false);
  });

  it('refuses, changing nothing: blank, over-long, and someone with no part in it', async () => {
    await addAgent(deps, admin, { handle: 'iris', skills: ['support'], channel: 'CIRIS', user: 'UIRIS' });
    const f = await fileTicket(deps, user(REQ), input('VPN', { type: 'support' }));
    const before = await snapshot(db);
    await expectDomainError(postUpdate(deps, user(REQ), f.ticket.key, '   '), 'invalid_input', /./, 'text');
    await expectDomainError(postUpdate(deps, user(REQ), f.ticket.key, 'x'.repeat(5000)), 'invalid_input', /./, 'text');
    await expectDomainError(postUpdate(deps, user('USTRANGER'), f.ticket.key, 'hi'), 'not_allowed', `You can't post an update on ${f.ticket.key}: only its assignee (iris), its requester or an admin can.`);
    expect(await snapshot(db)).toEqual(before);
  });

  it('a note on an assigned ticket whose card is not delivered yet is still posted (its thread resolved at delivery); a blank note is refused as empty', async () => {
    await addAgent(deps, admin, { handle: 'iris', skills: ['support'], channel: 'CIRIS', user: 'UIRIS' });
    const f = await fileTicket(deps, user(REQ), input('VPN', { type: 'support' }));
    await postUpdate(deps, user('UIRIS'), f.ticket.key, 'on it');
    const ev = (await auditOf(db, f.ticket.key)).at(-1)!;
    expect((await outboxOf(db, f.ticket.key)).find((x) => x.idempotencyKey === `${ev.id}:progress`)).toMatchObject({ channel: '', threadOfTicket: f.ticket.key, threadOf: 'home' });
    await expectDomainError(postUpdate(deps, user('UIRIS'), f.ticket.key, ' \n '), 'invalid_input', 'The text is empty; it is required.', 'text');
  });
});
