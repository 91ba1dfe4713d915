// `/ticket why` for a ticket that left intake reads its trail: the latest event that gave the ticket to its
// assignee decides what is shown — routed (with the verdicts kept), manual, or never assigned.
import { describe, expect, it } from 'vitest';
import { explainFromTrail } from '../../src/app/why.js';
import type { AuditEvent, TicketStatus } from '../../src/core/types.js';
import { makeTicket } from '../support/fixtures.js';

let id = 0;
const ev = (action: string, toStatus: TicketStatus | null, data: Record<string, unknown>, note: string | null = null): AuditEvent => ({
  id: ++id,
  ticketKey: 'T-2026-001',
  at: new Date('2026-01-12T09:00:00Z'),
  actor: 'baton',
  action,
  fromStatus: null,
  toStatus,
  note,
  data,
});
const verdicts = [
  { handle: 'iris', chosen: true, why: 'fewest active (0)' },
  { handle: 'maya', chosen: false, why: 'is busy (offsite)' },
];
const filed = ev('filed', 'intake', {});

describe('why, from the trail', () => {
  it('is null for a ticket in intake (its verdicts are computed now)', () => {
    expect(explainFromTrail(makeTicket({ status: 'intake' }), [filed])).toBeNull();
  });

  it('takes the latest event that gave the ticket to its assignee, not a later one that gave it to someone else', () => {
    const routed = ev('assigned', 'active', { agent: 'iris', verdicts }, 'fewest active tickets');
    const toMaya = ev('reassigned', 'active', { agent: 'maya' }, 'assigned by hand');
    const x = explainFromTrail(makeTicket({ assignee: 'iris' }), [filed, routed, toMaya])!;
    expect(x).toMatchObject({ kind: 'routed', reason: 'fewest active tickets', event: { id: routed.id }, verdicts });
  });

  it('passes over events that name no agent or leave the ticket in another status', () => {
    const routed = ev('assigned', 'active', { agent: 'iris', verdicts }, 'fewest active tickets');
    const accepted = ev('accepted', 'active', {}, null);
    const done = ev('resolved', 'completed', { agent: 'iris' }, 'fixed');
    const x = explainFromTrail(makeTicket({ assignee: 'iris', status: 'completed' }), [filed, routed, accepted, done])!;
    expect(x).toMatchObject({ kind: 'routed', event: { id: routed.id } });
  });

  it('without an assignee (resolved and let go), takes the latest assignment to anyone', () => {
    const routed = ev('assigned', 'active', { agent: 'iris', verdicts }, 'fewest active tickets');
    const manual = ev('reassigned', 'active', { agent: 'maya' }, 'assigned by hand');
    const x = explainFromTrail(makeTicket({ assignee: null, status: 'completed' }), [filed, routed, manual])!;
    expect(x).toMatchObject({ kind: 'manual', reason: 'assigned by hand', event: { id: manual.id }, verdicts: [] });
  });

  it('says a ticket that left intake without ever being assigned was never assigned', () => {
    const x = explainFromTrail(makeTicket({ assignee: null, status: 'completed' }), [filed, ev('closed', 'completed', {}, 'duplicate')])!;
    expect(x).toEqual({ ticket: expect.anything(), kind: 'never', reason: 'it was never assigned', event: null, verdicts: [] });
  });

  it('reads verdicts kept in a shape it does not know as a manual assignment, and a missing note as no reason', () => {
    for (const kept of [[{ chosen: true }], ['iris'], [null], { iris: true }]) {
      const e = ev('assigned', 'active', { agent: 'iris', verdicts: kept });
      const x = explainFromTrail(makeTicket({ assignee: 'iris' }), [filed, e])!;
      expect(x, JSON.stringify(kept)).toMatchObject({ kind: 'manual', reason: '', verdicts: [] });
    }
    const empty = explainFromTrail(makeTicket({ assignee: 'iris' }), [filed, ev('assigned', 'active', { agent: 'iris', verdicts: [] })])!;
    expect(empty).toMatchObject({ kind: 'routed', reason: '', verdicts: [] });
  });
});
