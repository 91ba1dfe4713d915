// The ticket state machine: which action is allowed from which state.
import { invalidState } from './errors.js';
import type { Ticket } from './types.js';

export type Transition = 'assign' | 'accept' | 'resolve' | 'reopen' | 'escalate' | 'handoff' | 'takeover' | 'claim';

export function assertTransition(t: Ticket, action: Transition): void {
  switch (action) {
    case 'assign':
      if (t.status === 'completed') throw invalidState(`${t.key} is completed; \`/ticket reopen ${t.key}\` first.`);
      return;
    case 'claim':
      if (t.status !== 'intake') throw invalidState(`${t.key} is not waiting in intake.`);
      return;
    case 'accept':
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
      if (t.status === 'completed') throw invalidState(`${t.key} is already completed.`);
      return;
    case 'reopen':
      if (t.status !== 'completed') throw invalidState(`${t.key} is not completed, so there is nothing to reopen.`);
      return;
  }
}
