import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/core/errors.js';
import { assertTransition, type Transition } from '../../src/core/ticketState.js';
import type { TicketStatus } from '../../src/core/types.js';
import { makeTicket } from '../support/fixtures.js';

const KEY = 'T-2026-042';

/** null: allowed; a string: refused with exactly this message. */
const TABLE: Record<Transition, Record<TicketStatus, string | null>> = {
  assign: {
    intake: null,
    active: null,
    completed: `${KEY} is completed; \`/ticket reopen ${KEY}\` first.`,
  },
  wait: {
    intake: `${KEY} is not assigned yet; only an assigned ticket can wait on its requester.`,
    active: null,
    completed: `${KEY} is completed; only an assigned ticket can wait on its requester.`,
  },
  resume: {
    intake: `${KEY} is not waiting on its requester, so there is nothing to resume.`,
    active: `${KEY} is not waiting on its requester, so there is nothing to resume.`,
    completed: `${KEY} is not waiting on its requester, so there is nothing to resume.`,
  },
  decline: {
    intake: `${KEY} is not assigned yet (it waits in intake).`,
    active: null,
    completed: `${KEY} is already completed.`,
  },
  update: {
    intake: null,
    active: null,
    completed: `${KEY} is already completed.`,
  },
  claim: {
    intake: null,
    active: `${KEY} is not waiting in intake.`,
    completed: `${KEY} is not waiting in intake.`,
  },
  accept: {
    intake: `${KEY} is not assigned yet (it waits in intake).`,
    active: null,
    completed: `${KEY} is already completed.`,
  },
  escalate: {
    intake: `${KEY} is not assigned yet (it waits in intake).`,
    active: null,
    completed: `${KEY} is already completed.`,
  },
  handoff: {
    intake: `${KEY} is not assigned yet (it waits in intake).`,
    active: null,
    completed: `${KEY} is already completed.`,
  },
  takeover: {
    intake: `${KEY} is not assigned yet (it waits in intake).`,
    active: null,
    completed: `${KEY} is already completed.`,
  },
  resolve: {
    intake: null,
    active: null,
    completed: `${KEY} is already completed.`,
  },
  reopen: {
    intake: `${KEY} is not completed, so there is nothing to reopen.`,
    active: `${KEY} is not completed, so there is nothing to reopen.`,
    completed: null,
  },
};

const rows = (Object.keys(TABLE) as Transition[]).flatMap((action) =>
  (Object.keys(TABLE[action]) as TicketStatus[]).map((status) => [action, status, TABLE[action][status]] as const),
);

describe('assertTransition', () => {
  it.each(rows)('%s from %s', (action, status, refusal) => {
    const t = makeTicket({ key: KEY, status, assignee: status === 'intake' ? null : 'iris' });
    const act = () => assertTransition(t, action);
    if (refusal === null) {
      expect(act).not.toThrow();
      return;
    }
    let error: unknown;
    try {
      act();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('invalid_state');
    expect((error as DomainError).message).toBe(refusal);
  });

  it.each<Transition>(['accept', 'escalate', 'handoff', 'takeover'])('%s of a held ticket says why it waits', (action) => {
    const t = makeTicket({ key: KEY, status: 'intake', holdReason: 'no `legal` agent is free: lex is busy' });
    expect(() => assertTransition(t, action)).toThrow(`${KEY} is not assigned yet (it waits in intake: no \`legal\` agent is free: lex is busy).`);
  });

  it('wait on a ticket already waiting on its requester: refused, saying how to resume it', () => {
    const t = makeTicket({ key: KEY, status: 'active', assignee: 'iris', awaitingRequesterSince: new Date('2026-03-02T09:00:00Z') });
    expect(() => assertTransition(t, 'wait')).toThrow(`${KEY} already waits on its requester; \`/ticket resume ${KEY}\` starts its clock again.`);
  });

  it('resume a ticket waiting on its requester: allowed', () => {
    const t = makeTicket({ key: KEY, status: 'active', assignee: 'iris', awaitingRequesterSince: new Date('2026-03-02T09:00:00Z') });
    expect(() => assertTransition(t, 'resume')).not.toThrow();
  });

  it('covers every transition', () => {
    const all: Transition[] = ['assign', 'accept', 'resolve', 'reopen', 'escalate', 'handoff', 'takeover', 'claim', 'update', 'decline', 'wait', 'resume'];
    expect(Object.keys(TABLE).sort()).toEqual([...all].sort());
  });
});
