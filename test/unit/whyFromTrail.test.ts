// `/ticket why` read from a ticket's trail (explainFromTrail): which event gave the ticket to its assignee, and
// whether routing chose (its verdicts kept in that event) or a person did. Trails made by hand, no database.
import { describe, expect, it } from 'vitest';
import { explainFromTrail } from '../../src/app/why.js';
import type { AuditEvent, TicketStatus } from '../../src/core/types.js';
import { makeTicket } from '../support/fixtures.js';

let nextId = 1;
const ev = (action: string, toStatus: TicketStatus | null, data: Record<string, unknown> = {}, note: string | null = null): AuditEvent => ({
  id: nextId++,
  ticketKey: 'T-2026-001',
  at: new Date('2026-03-02T09:00:00Z'),
  actor: 'baton',
  action,
  fromStatus: null,
  toStatus,
  note,
  data,
});
const verdicts = [
  { handle: 'ann', chosen: true, why: 'has the fewest active tickets: 0' },
  { handle: 'bob', chosen: false, why: 'is busy (dentist)' },
];
const filed = () => ev('filed', 'intake', { type: 'billing' }, 'Refund');

describe('why, from the trail', () => {
  it('when the ticket is in intake, then the trail says nothing (its verdicts are computed now)', () => {
    expect(explainFromTrail(makeTicket({ status: 'intake' }), [filed()])).toBeNull();
  });

  it('when a ticket left intake without ever being assigned, then why says it was never assigned', () => {
    const t = makeTicket({ status: 'completed', assignee: null });
    expect(explainFromTrail(t, [filed(), ev('resolved', 'completed', {}, 'not needed')])).toEqual({ ticket: t, kind: 'never', reason: 'it was never assigned', event: null, verdicts: [] });
  });

  it('when routing assigned it, then why shows that event, its note and its verdicts; later events without an agent, or leaving active, do not count', () => {
    const t = makeTicket({ status: 'active', assignee: 'ann' });
    const assigned = ev('assigned', 'active', { agent: 'ann', verdicts }, 'ann has the fewest active tickets: 0');
    const trail = [filed(), assigned, ev('accepted', 'active', {}), ev('resolved', 'completed', { agent: 'ann' })];
    expect(explainFromTrail(t, trail)).toEqual({ ticket: t, kind: 'routed', reason: 'ann has the fewest active tickets: 0', event: assigned, verdicts });
  });

  it('when the assignment event is the only one in the trail, then it is still found', () => {
    const t = makeTicket({ status: 'active', assignee: 'ann' });
    const assigned = ev('assigned', 'active', { agent: 'ann', verdicts }, 'chosen');
    expect(explainFromTrail(t, [assigned])).toMatchObject({ kind: 'routed', event: assigned });
  });

  it('when a later event names another agent than the assignee, then the event that gave it to the assignee is the one shown', () => {
    const t = makeTicket({ status: 'active', assignee: 'ann' });
    const byHand = ev('reassigned', 'active', { agent: 'ann' }, 'moved by hand');
    const trail = [filed(), ev('assigned', 'active', { agent: 'bob', verdicts }, 'bob first'), byHand, ev('declined', 'active', { agent: 'bob' }, 'bob again')];
    expect(explainFromTrail(t, trail)).toEqual({ ticket: t, kind: 'manual', reason: 'moved by hand', event: byHand, verdicts: [] });
  });

  it('when the ticket has no assignee any more, then the last event that made it active with an agent is shown', () => {
    const t = makeTicket({ status: 'completed', assignee: null });
    const assigned = ev('assigned', 'active', { agent: 'bob', verdicts }, null);
    const trail = [filed(), assigned, ev('resolved', 'completed', {}, 'done')];
    expect(explainFromTrail(t, trail)).toEqual({ ticket: t, kind: 'routed', reason: '', event: assigned, verdicts });
  });

  it('when the ticket has no assignee any more and a later active event names no agent, then that event is not taken for the assignment', () => {
    const t = makeTicket({ status: 'completed', assignee: null });
    const assigned = ev('assigned', 'active', { agent: 'bob', verdicts }, 'bob first');
    const trail = [filed(), assigned, ev('accepted', 'active', {}), ev('resolved', 'completed', {}, 'done')];
    expect(explainFromTrail(t, trail)).toMatchObject({ kind: 'routed', event: assigned, verdicts });
  });

  it('when the event gave it by hand without a note, then the reason is empty', () => {
    const t = makeTicket({ status: 'active', assignee: 'ann' });
    const byHand = ev('reassigned', 'active', { agent: 'ann' }, null);
    expect(explainFromTrail(t, [filed(), byHand])).toEqual({ ticket: t, kind: 'manual', reason: '', event: byHand, verdicts: [] });
  });

  it.each([
    ['not a list', 'chosen'],
    ['a list with a string in it', [verdicts[0], 'junk']],
    ['a list with null in it', [verdicts[0], null]],
    ['a list with an entry without a handle', [verdicts[0], { chosen: false, why: 'x' }]],
    ['a list with a numeric handle', [{ handle: 7, chosen: true, why: 'x' }]],
  ])('when the kept verdicts are malformed (%s), then why treats the assignment as manual', (_name, kept) => {
    const t = makeTicket({ status: 'active', assignee: 'ann' });
    const assigned = ev('assigned', 'active', { agent: 'ann', verdicts: kept }, 'chosen');
    expect(explainFromTrail(t, [filed(), assigned])).toMatchObject({ kind: 'manual', reason: 'chosen', verdicts: [] });
  });
});
