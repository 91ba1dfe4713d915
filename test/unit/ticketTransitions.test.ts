import { describe, expect, it } from 'vitest';
import { assign, complete, reopen, unassign } from '../../src/core/ticketState.js';
import type { Ticket } from '../../src/core/types.js';
import { makeTicket } from '../support/fixtures.js';

const NOW = new Date('2026-03-02T09:00:00Z');
const EARLIER = new Date('2026-03-02T08:00:00Z');

/** A ticket deep in its life: assigned, escalated twice, pinned, with a hold reason left over. */
const busy = (o: Partial<Ticket> = {}) =>
  makeTicket({
    status: 'active',
    assignee: 'ann',
    escalationLevel: 2,
    escalatedTo: 'bob',
    chainExhausted: true,
    escalateDueAt: NOW,
    clockStartedAt: EARLIER,
    pinnedAgent: 'ann',
    holdReason: 'waiting for ann',
    ...o,
  });

describe('ticket transitions', () => {
  const cases: Array<{ name: string; ticket: Ticket; apply: (t: Ticket) => void; expected: Partial<Ticket> }> = [
    {
      name: 'assign: active with the agent, the clock started now, the chain from the start, nothing pinned or held',
      ticket: busy({ status: 'intake', assignee: null }),
      apply: (t) => assign(t, 'cy', NOW),
      expected: { status: 'active', assignee: 'cy', assignedAt: NOW, clockStartedAt: NOW, holdReason: null, pinnedAgent: null, escalatedTo: null, chainExhausted: false, escalateDueAt: new Date(NOW.getTime() + 4 * 3600_000), escalationLevel: 2 },
    },
    {
      name: 'assign a ticket waiting on a child: its clock stays stopped',
      ticket: busy({ waitingOn: 'T-2026-009' }),
      apply: (t) => assign(t, 'cy', NOW),
      expected: { status: 'active', assignee: 'cy', escalateDueAt: null },
    },
    {
      name: 'complete: resolved now with its resolution, off the clock, nothing pinned or held; assignee and escalation kept',
      ticket: busy(),
      apply: (t) => complete(t, 'refunded', NOW),
      expected: { status: 'completed', resolvedAt: NOW, resolution: 'refunded', escalateDueAt: null, holdReason: null, pinnedAgent: null, assignee: 'ann', escalationLevel: 2, escalatedTo: 'bob' },
    },
    {
      name: 'complete without a note: no resolution',
      ticket: busy(),
      apply: (t) => complete(t, null, NOW),
      expected: { status: 'completed', resolution: null },
    },
    {
      name: 'reopen: back to intake, no assignee or resolution, escalation starts over',
      ticket: busy({ status: 'completed', resolvedAt: EARLIER, resolution: 'done', escalateDueAt: null }),
      apply: reopen,
      expected: { status: 'intake', assignee: null, resolvedAt: null, resolution: null, escalationLevel: 0, escalatedTo: null, chainExhausted: false, clockStartedAt: EARLIER },
    },
    {
      name: 'unassign: back to intake without an assignee, off the clock; the level is kept',
      ticket: busy(),
      apply: unassign,
      expected: { status: 'intake', assignee: null, escalateDueAt: null, escalatedTo: null, escalationLevel: 2, chainExhausted: true },
    },
  ];
  it.each(cases)('$name', ({ ticket, apply, expected }) => {
    apply(ticket);
    expect(ticket).toMatchObject(expected);
  });
});
