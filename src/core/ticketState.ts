// The ticket state machine: which action is allowed from which state.
import { invalidState } from './errors.js';
import { dueAt } from './escalation.js';
import { ALWAYS, businessSeconds, type Schedule } from './hours.js';
import type { Ticket } from './types.js';
import { thresholdSec } from './types.js';

export type Transition = 'assign' | 'accept' | 'resolve' | 'reopen' | 'escalate' | 'handoff' | 'takeover' | 'claim' | 'update' | 'decline' | 'wait' | 'resume';

export function assertTransition(t: Ticket, action: Transition): void {
  switch (action) {
    case 'assign':
      if (t.status === 'completed') throw invalidState(`${t.key} is completed; \`/ticket reopen ${t.key}\` first.`);
      return;
    case 'claim':
      if (t.status !== 'intake') throw invalidState(`${t.key} is not waiting in intake.`);
      return;
    case 'wait':
      if (t.status !== 'active') throw invalidState(`${t.key} is ${t.status === 'completed' ? 'completed' : 'not assigned yet'}; only an assigned ticket can wait on its requester.`);
      if (t.awaitingRequesterSince) throw invalidState(`${t.key} already waits on its requester; \`/ticket resume ${t.key}\` starts its clock again.`);
      return;
    case 'resume':
      if (!t.awaitingRequesterSince) throw invalidState(`${t.key} is not waiting on its requester, so there is nothing to resume.`);
      return;
    case 'accept':
    case 'decline':
    case 'escalate':
    case 'handoff':
    case 'takeover':
      if (t.status !== 'active') {
        throw invalidState(
          t.status === 'completed'
            ? `${t.key} is already completed.`
            : `${t.key} is not assigned yet (it waits in intake${t.holdReason ? `: ${t.holdReason}` : ''}).`,
        );
      }
      return;
    case 'resolve':
    case 'update':
      if (t.status === 'completed') throw invalidState(`${t.key} is already completed.`);
      return;
    case 'reopen':
      if (t.status !== 'completed') throw invalidState(`${t.key} is not completed, so there is nothing to reopen.`);
      return;
  }
}

/** Sets fields of a ticket, checked against its type. */
const change = (t: Ticket, fields: Partial<Ticket>): void => void Object.assign(t, fields);

/** Assign: active with `handle`, its escalation clock started now (in the agent's hours) and its chain from the start. */
export function assign(t: Ticket, handle: string, now: Date, schedule: Schedule = ALWAYS): void {
  const changesHands = t.assignee !== handle;
  change(t, { status: 'active', assignee: handle, assignedAt: now, clockStartedAt: now, holdReason: null, pinnedAgent: null, escalatedTo: null, chainExhausted: false, escalationRound: 0 });
  if (changesHands) change(t, { acceptedAt: null, acceptedBy: null });
  t.escalateDueAt = dueAt(t, now, schedule);
}

/** Wait on the requester: the clock stops, keeping the working time it had left. */
export function waitOnRequester(t: Ticket, now: Date, schedule: Schedule): void {
  const left = t.escalateDueAt ? Math.ceil(businessSeconds(schedule, now, t.escalateDueAt)) : null;
  change(t, { awaitingRequesterSince: now, clockLeftSec: left, escalateDueAt: null });
}

/** The requester answered (or the assignee resumed): the clock runs again with the time it had left. */
export function resumeClock(t: Ticket, now: Date, schedule: Schedule): void {
  const left = t.clockLeftSec ?? thresholdSec(t);
  change(t, { awaitingRequesterSince: null, clockLeftSec: null, clockStartedAt: now });
  t.escalateDueAt = dueAt(t, now, schedule, left);
}

/** Resolve: completed with its resolution, off the escalation clock, nothing pinned or held. */
export function complete(t: Ticket, resolution: string | null, now: Date): void {
  change(t, { status: 'completed', resolvedAt: now, resolution, escalateDueAt: null, holdReason: null, pinnedAgent: null, awaitingRequesterSince: null, clockLeftSec: null });
}

/** Reopen: back to intake without an assignee or resolution, its escalation starting over. */
export function reopen(t: Ticket): void {
  change(t, { status: 'intake', assignee: null, resolvedAt: null, resolution: null, escalationLevel: 0, escalatedTo: null, chainExhausted: false, escalationRound: 0, acceptedAt: null, acceptedBy: null, awaitingRequesterSince: null, clockLeftSec: null });
}

/** Its assignee left the roster: back to intake, off the escalation clock. */
export function unassign(t: Ticket): void {
  change(t, { status: 'intake', assignee: null, escalateDueAt: null, escalatedTo: null, acceptedAt: null, acceptedBy: null });
}
