// Declining a handed-off ticket (src/app/decline.ts) on every database: the child goes to another eligible agent,
// never back to one that declined it, or waits in intake with the reason; the decliner's card and the sender's
// thread say so word for word; the decliner frees up for held work; who may decline, and what, is refused with
// nothing changed.
import { describe, expect, it } from 'vitest';
import { addAgent, setBusy, updateAgent } from '../../src/app/agents.js';
import { declineTicket } from '../../src/app/decline.js';
import { fileTicket } from '../../src/app/fileTicket.js';
import { handoffTicket } from '../../src/app/handoff.js';
import { agentPrincipal, user } from '../../src/core/permissions.js';
import { getTicket } from '../../src/storage/tickets.js';
import type { TestDatabase } from '../support/db.js';
import { ADMIN, makeDeps, ManualClock, useCaseBed } from '../support/deps.js';
import { actionsOf, allOutbox, auditOf, deliverHome, expectDomainError, input, outboxOf, snapshot } from '../support/inspect.js';

const admin = user(ADMIN);
const REQ = 'UREQ0001';

// Use cases at their boundary, on the embedded database only (the storage and concurrency suites run on both).
describe.each(['pglite'] as const)('declining a handoff on %s', (kind) => {
  let db: TestDatabase;
  let clock: ManualClock;
  let deps: ReturnType<typeof makeDeps>;
  useCaseBed(kind, { per: 'test' }, (bed) => ({ db, clock, deps } = bed));

  const add = (handle: string, skills: string[], o: { capacity?: number } = {}) =>
    addAgent(deps, admin, { handle, skills, channel: `C${handle.toUpperCase()}`, user: `U${handle.toUpperCase()}`, ...o });

  /** sam holds a support ticket (delivered) and hands it off to the billing skill; the child's first agent is returned. */
  const handedOff = async () => {
    await add('sam', ['support']);
    await add('iris', ['billing']);
    await add('maya', ['billing']);
    const parent = await fileTicket(deps, user(REQ), input('Refund after outage', { type: 'support' }));
    expect(parent.agent?.handle).toBe('sam');
    await deliverHome(db, parent.ticket.key, '1700000000.000100');
    const h = await handoffTicket(deps, user('USAM'), parent.ticket.key, { skill: 'billing' }, 'needs a refund');
    const first = h.child.assignee!;
    expect(['iris', 'maya']).toContain(first);
    await deliverHome(db, h.child.key, '1700000000.000200');
    return { parent: parent.ticket, child: h.child, first, other: first === 'iris' ? 'maya' : 'iris' };
  };

  it('the assignee declines: the child goes to the other billing agent; the trail, the old card and the sender’s thread say why and where', async () => {
    const { parent, child, first, other } = await handedOff();
    const r = await declineTicket(deps, user(`U${first.toUpperCase()}`), child.key, '  not my area  ');
    expect(r.agent?.handle).toBe(other);
    expect(r.ticket).toMatchObject({ assignee: other, declinedBy: [first] });
    expect(await getTicket(db.db, child.key)).toMatchObject({ assignee: other, declinedBy: [first], status: 'active' });

    const trail = await auditOf(db, child.key);
    const declined = trail.find((e) => e.action === 'declined')!;
    expect(declined).toMatchObject({ actor: `U${first.toUpperCase()}`, fromStatus: 'active', toStatus: 'intake', note: 'not my area', data: { agent: first } });
    expect(await actionsOf(db, child.key)).toEqual(['filed_handoff', 'assigned', 'declined', 'assigned']);
    const assignedId = trail.find((e) => e.action === 'assigned')!.id;
    const cardEdit = (await outboxOf(db, child.key)).find((m) => m.idempotencyKey === `${declined.id}:declined-card`)!;
    expect(cardEdit).toMatchObject({ channel: `C${first.toUpperCase()}`, updatesKey: `${assignedId}:card` });
    expect(cardEdit.text).toContain(first);
    expect(JSON.stringify(cardEdit.blocks)).toContain('not my area');
    expect(JSON.stringify(cardEdit.blocks)).toContain(other);

    const told = (await auditOf(db, parent.key)).find((e) => e.action === 'child_declined')!;
    expect(told).toMatchObject({ actor: `U${first.toUpperCase()}`, note: 'not my area', data: { child: child.key, agent: first } });
    const notice = (await outboxOf(db, parent.key)).find((m) => m.idempotencyKey === `${told.id}:declined`)!;
    expect(notice).toMatchObject({ threadOfTicket: parent.key, threadOf: 'home', channel: 'CSAM' });
    expect(notice.text).toContain(`:leftwards_arrow_with_hook: @${first} declined ${child.key}: not my area It went to @${other}.`);
  });

  it('declined by both: it waits in intake saying why, never back to one that declined; the decliner takes held work at once', async () => {
    const { parent, child, first, other } = await handedOff();
    await declineTicket(deps, agentPrincipal(first, 'api'), child.key, 'no');
    // The second agent is at capacity 1 with the child; a billing ticket filed now is held.
    await updateAgent(deps, admin, { handle: other, capacity: 1 });
    await setBusy(deps, admin, { handle: first }, {});
    const held = await fileTicket(deps, user(REQ), input('Invoice copy', { type: 'billing' }));
    expect(held.agent).toBeNull();
    const r = await declineTicket(deps, admin, child.key, 'still no');
    expect(r.agent).toBeNull();
    expect(r.reason).toBeTruthy();
    expect(await getTicket(db.db, child.key)).toMatchObject({ status: 'intake', assignee: null, declinedBy: [first, other] });
    // The decliner is free again: the held ticket is its now.
    expect((await getTicket(db.db, held.ticket.key))!.assignee).toBe(other);
    const notices = (await outboxOf(db, parent.key)).filter((m) => m.idempotencyKey.endsWith(':declined')).map((m) => m.text);
    expect(notices).toHaveLength(2);
    expect(notices[1]).toContain(`:leftwards_arrow_with_hook: @${other} declined ${child.key}: still no It waits in intake: `);
    expect(notices[1]).toContain(r.reason);
    const declined = (await auditOf(db, child.key)).filter((e) => e.action === 'declined');
    expect(declined.map((e) => [e.actor, e.data])).toEqual([
      [`agent:${first}`, { agent: first }],
      [ADMIN, { agent: other }],
    ]);
    // Room again for the decliner: the child it declined is offered, stays held, and is not reported as assigned.
    const roomier = await updateAgent(deps, admin, { handle: other, capacity: 5 });
    expect(roomier.assigned).toEqual([]);
    expect(await getTicket(db.db, child.key)).toMatchObject({ status: 'intake', assignee: null });
  });

  it('refuses, changing nothing: someone other than its assignee, a ticket never handed off, a blank or over-long reason', async () => {
    const { child, first } = await handedOff();
    const plain = await fileTicket(deps, user(REQ), input('Plain billing', { type: 'billing' }));
    const before = await snapshot(db);
    await expectDomainError(declineTicket(deps, user('USAM'), child.key, 'why not'), 'not_allowed', `Only ${first} can decline ${child.key}.`);
    // Its requester (the sender's user) passes the ticket's permission check, and is still refused here.
    await expectDomainError(declineTicket(deps, agentPrincipal('sam', 'api'), child.key, 'why not'), 'not_allowed', `sam can't decline ${child.key}: it is neither assigned to sam nor filed by it.`);
    const plainAssignee = plain.ticket.assignee!;
    await expectDomainError(
      declineTicket(deps, user(`U${plainAssignee.toUpperCase()}`), plain.ticket.key, 'no'),
      'invalid_input',
      `${plain.ticket.key} was not handed off; only a handed-off ticket can be declined (resolve or hand it off instead).`,
      'key',
    );
    await expectDomainError(declineTicket(deps, user(`U${first.toUpperCase()}`), child.key, '   '), 'invalid_input', /reason/i, 'reason');
    await expectDomainError(declineTicket(deps, user(`U${first.toUpperCase()}`), child.key, 'x'.repeat(5000)), 'invalid_input', /reason/i, 'reason');
    expect(await snapshot(db)).toEqual(before);
  });

  it('an agent that handed off by its token may not decline its own handoff; the sender hears of a decline by webhook; the trail’s reassignment is Baton’s', async () => {
    await add('sam', ['support']);
    await add('iris', ['billing']);
    await add('maya', ['billing']);
    await updateAgent(deps, admin, { handle: 'sam', webhook: 'https://hooks.example.com/sam' });
    // The parent is never delivered: its thread has no home yet, the notice waits for it (channel resolved later).
    const parent = await fileTicket(deps, user(REQ), input('Refund', { type: 'support' }));
    const h = await handoffTicket(deps, agentPrincipal('sam', 'api'), parent.ticket.key, { skill: 'billing' }, undefined);
    expect(h.child.requester).toBe('agent:sam');
    const first = h.child.assignee!;
    const before = await snapshot(db);
    await expectDomainError(declineTicket(deps, agentPrincipal('sam', 'api'), h.child.key, 'no'), 'not_allowed', `Only ${first} can decline ${h.child.key}.`);
    expect(await snapshot(db)).toEqual(before);

    await declineTicket(deps, agentPrincipal(first, 'api'), h.child.key, 'no');
    const declined = (await auditOf(db, h.child.key)).find((e) => e.action === 'declined')!;
    expect((await auditOf(db, h.child.key)).filter((e) => e.id > declined.id && e.toStatus === 'active')[0]).toMatchObject({ actor: 'baton' });
    // The child was never delivered either: no card to edit.
    expect((await outboxOf(db, h.child.key)).some((m) => m.idempotencyKey.endsWith(':declined-card'))).toBe(false);
    const told = (await auditOf(db, parent.ticket.key)).find((e) => e.action === 'child_declined')!;
    expect((await outboxOf(db, parent.ticket.key)).find((m) => m.idempotencyKey === `${told.id}:declined`)).toMatchObject({ channel: '', threadOfTicket: parent.ticket.key, threadOf: 'home' });
    const hooks = (await allOutbox(db)).filter((m) => m.destination === 'webhook' && m.target === 'sam').map((m) => [m.ticketKey, m.text]);
    expect(hooks).toContainEqual([h.child.key, 'ticket.declined']);
  });
});
