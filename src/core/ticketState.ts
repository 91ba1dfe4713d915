// The ticket state machine: which action is allowed from which state.
import { invalidState } from './errors.js';
import { dueAt } from './escalation.js';
import type { Ticket } from './types.js';

export type Transition = 'assign' | 'accept' | 'resolve' | 'reopen' | 'escalate' | 'handoff' | 'takeover' | 'claim' | 'update' | 'decline';

export function assertTransition(t: Ticket, action: Transition): void {
  switch (action) {
    case 'assign':
      if (t.status === 'completed') throw invalidState(`${t.key} is completed; \`/ticket reopen ${t.key}\` first.`);
      return;
    case 'claim':
      if (t.status !== 'intake') throw invalidState(`${t.key} is not waiting in intake.`);
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

/** Assign: active with `handle`, its escalation clock started now and its chain from the start. */
export function assign(t: Ticket, handle: string, now: Date): void {
  const changesHands = t.assignee !== handle;
  change(t, { status: 'active', assignee: handle, assignedAt: now, clockStartedAt: now, holdReason: null, pinnedAgent: null, escalatedTo: null, chainExhausted: false });
  if (changesHands) change(t, { acceptedAt: null, acceptedBy: null });
  t.escalateDueAt = dueAt(t, now);
}

/** Resolve: completed with its resolution, off the escalation clock, nothing pinned or held. */
export function complete(t: Ticket, resolution: string | null, now: Date): void {
  change(t, { status: 'completed', resolvedAt: now, resolution, escalateDueAt: null, holdReason: null, pinnedAgent: null });
}

/** Reopen: back to intake without an assignee or resolution, its escalation starting over. */
export function reopen(t: Ticket): void {
  change(t, { status: 'intake', assignee: null, resolvedAt: null, resolution: null, escalationLevel: 0, escalatedTo: null, chainExhausted: false, acceptedAt: null, acceptedBy: null });
}

/** Its assignee left the roster: back to intake, off the escalation clock. */
export function unassign(t: Ticket): void {
  change(t, { status: 'intake', assignee: null, escalateDueAt: null, escalatedTo: null, acceptedAt: null, acceptedBy: null });
}
