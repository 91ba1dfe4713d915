import { describe, expect, it } from 'vitest';
import { scheduleOf } from '../../src/core/hours.js';
import { assign, complete, reopen, resumeClock, unassign, waitOnRequester } from '../../src/core/ticketState.js';
import type { Ticket } from '../../src/core/types.js';
import { makeTicket } from '../support/fixtures.js';

const NOW = new Date('2026-03-02T09:00:00Z');
const hoursLater = (n: number) => new Date(NOW.getTime() + n * 3600_000);
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

describe('assigning again', () => {
  const accepted = () => makeTicket({ status: 'active', assignee: 'ann', acceptedAt: EARLIER, acceptedBy: 'UANN001' });

  it('to the same agent: its acceptance is kept', () => {
    const t = accepted();
    assign(t, 'ann', NOW);
    expect(t).toMatchObject({ assignee: 'ann', acceptedAt: EARLIER, acceptedBy: 'UANN001', assignedAt: NOW });
  });

  it('to another agent: the new agent has not accepted it yet', () => {
    const t = accepted();
    assign(t, 'bob', NOW);
    expect(t).toMatchObject({ assignee: 'bob', acceptedAt: null, acceptedBy: null, assignedAt: NOW });
  });

  it('a ticket waiting on its requester: its clock stays stopped', () => {
    const t = makeTicket({ status: 'active', assignee: 'ann', awaitingRequesterSince: EARLIER, clockLeftSec: 600 });
    assign(t, 'bob', NOW);
    expect(t).toMatchObject({ assignee: 'bob', escalateDueAt: null, awaitingRequesterSince: EARLIER, clockLeftSec: 600 });
  });
});

describe('waiting on the requester', () => {
  it('wait: the clock stops, keeping the time it had left', () => {
    const t = makeTicket({ status: 'active', assignee: 'ann' });
    assign(t, 'ann', NOW);
    waitOnRequester(t, hoursLater(1), scheduleOf({ hours: null, timeZone: 'UTC' }));
    expect(t).toMatchObject({ awaitingRequesterSince: hoursLater(1), clockLeftSec: 3 * 3600, escalateDueAt: null });
  });

  it('wait: the time left counts only the assignee’s working hours', () => {
    // Friday 2026-03-06 17:00 UTC, due Monday 10:00: 30 minutes on Friday and an hour on Monday are left.
    const schedule = scheduleOf({ hours: 'Mon-Fri 09:00-17:30', timeZone: 'UTC' });
    const t = makeTicket({ status: 'active', assignee: 'ann', escalateDueAt: new Date('2026-03-09T10:00:00Z') });
    waitOnRequester(t, new Date('2026-03-06T17:00:00Z'), schedule);
    expect(t.clockLeftSec).toBe(5400);
  });

  it('wait while the clock is already stopped (waiting on a handoff): no time left is recorded', () => {
    const t = makeTicket({ status: 'active', assignee: 'ann', waitingOn: 'T-2026-009', escalateDueAt: null });
    waitOnRequester(t, NOW, scheduleOf({ hours: null, timeZone: 'UTC' }));
    expect(t).toMatchObject({ awaitingRequesterSince: NOW, clockLeftSec: null, escalateDueAt: null });
  });

  it('resume: the clock runs again from now with the time it had left', () => {
    const t = makeTicket({ status: 'active', assignee: 'ann' });
    assign(t, 'ann', NOW);
    const always = scheduleOf({ hours: null, timeZone: 'UTC' });
    waitOnRequester(t, hoursLater(1), always);
    resumeClock(t, hoursLater(30), always);
    expect(t).toMatchObject({ awaitingRequesterSince: null, clockLeftSec: null, clockStartedAt: hoursLater(30), escalateDueAt: hoursLater(33) });
  });

  it('resume in the assignee’s working hours: the time left runs only while it works', () => {
    const schedule = scheduleOf({ hours: 'Mon-Fri 09:00-17:30', timeZone: 'UTC' });
    const t = makeTicket({ status: 'active', assignee: 'ann', awaitingRequesterSince: EARLIER, clockLeftSec: 3600 });
    resumeClock(t, new Date('2026-03-06T17:00:00Z'), schedule);
    expect(t.escalateDueAt?.toISOString()).toBe('2026-03-09T09:30:00.000Z');
  });

  it('resume with no time left recorded: the full threshold', () => {
    const t = makeTicket({ status: 'active', assignee: 'ann', priority: 'high', awaitingRequesterSince: EARLIER, clockLeftSec: null });
    resumeClock(t, NOW, scheduleOf({ hours: null, timeZone: 'UTC' }));
    expect(t).toMatchObject({ awaitingRequesterSince: null, clockStartedAt: NOW, escalateDueAt: new Date(NOW.getTime() + 30 * 60_000) });
  });
});
