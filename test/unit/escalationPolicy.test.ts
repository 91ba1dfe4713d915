import { describe, expect, it } from 'vitest';
import { dueAt, escalationStep, nextInChain } from '../../src/core/escalation.js';
import type { Agent, Ticket } from '../../src/core/types.js';
import { makeAgent, makeTicket } from '../support/fixtures.js';

const NOW = new Date('2026-03-02T09:00:00Z');
const min = (n: number) => new Date(NOW.getTime() + n * 60_000);

const roster = (...agents: Agent[]) => new Map(agents.map((a) => [a.handle, a]));

describe('dueAt', () => {
  const cases: Array<{ name: string; ticket: Partial<Ticket>; expected: Date | null }> = [
    { name: 'an active normal ticket is due after 4 hours', ticket: {}, expected: min(240) },
    { name: 'an active urgent ticket is due after 15 minutes', ticket: { priority: 'urgent' }, expected: min(15) },
    { name: 'an active high ticket is due after 30 minutes', ticket: { priority: 'high' }, expected: min(30) },
    { name: 'an active low ticket is due after a day', ticket: { priority: 'low' }, expected: min(24 * 60) },
    { name: 'an explicit threshold wins over the priority', ticket: { priority: 'urgent', escalateAfterSec: 90 }, expected: new Date(NOW.getTime() + 90_000) },
    { name: 'a ticket in intake is never due', ticket: { status: 'intake' }, expected: null },
    { name: 'a completed ticket is never due', ticket: { status: 'completed' }, expected: null },
    { name: 'a ticket waiting on a child is never due', ticket: { waitingOn: 'T-2026-002' }, expected: null },
    { name: 'a ticket whose chain ran out is never due', ticket: { chainExhausted: true }, expected: null },
  ];
  it.each(cases)('$name', ({ ticket, expected }) => {
    expect(dueAt(makeTicket(ticket), NOW)).toEqual(expected);
  });
});

describe('nextInChain', () => {
  const cases: Array<{ name: string; agents: Agent[]; start: string | null; exclude: string | null; expected: string | null }> = [
    {
      name: 'the agent the start escalates to',
      agents: [makeAgent('ann', { escalatesTo: 'bob' }), makeAgent('bob')],
      start: 'ann',
      exclude: 'ann',
      expected: 'bob',
    },
    { name: 'no start: nobody', agents: [makeAgent('ann', { escalatesTo: 'bob' }), makeAgent('bob')], start: null, exclude: null, expected: null },
    { name: 'a start that escalates to nobody: nobody', agents: [makeAgent('ann')], start: 'ann', exclude: 'ann', expected: null },
    { name: 'a start not on the roster: nobody', agents: [makeAgent('bob')], start: 'gone', exclude: null, expected: null },
    {
      name: 'a busy agent is skipped for the one it escalates to',
      agents: [makeAgent('ann', { escalatesTo: 'bob' }), makeAgent('bob', { busy: true, escalatesTo: 'cy' }), makeAgent('cy')],
      start: 'ann',
      exclude: 'ann',
      expected: 'cy',
    },
    {
      name: 'a busy window that has ended counts as available',
      agents: [makeAgent('ann', { escalatesTo: 'bob' }), makeAgent('bob', { busy: true, busyUntil: min(-1) })],
      start: 'ann',
      exclude: 'ann',
      expected: 'bob',
    },
    {
      name: 'the excluded agent (the assignee) is skipped for the one it escalates to',
      agents: [makeAgent('cy', { escalatesTo: 'ann' }), makeAgent('ann', { escalatesTo: 'bob' }), makeAgent('bob')],
      start: 'cy',
      exclude: 'ann',
      expected: 'bob',
    },
    {
      name: 'continues past the last agent pinged',
      agents: [makeAgent('ann', { escalatesTo: 'bob' }), makeAgent('bob', { escalatesTo: 'cy' }), makeAgent('cy')],
      start: 'bob',
      exclude: 'ann',
      expected: 'cy',
    },
    {
      name: 'a chain pointing at an agent no longer on the roster runs out',
      agents: [makeAgent('ann', { escalatesTo: 'gone' })],
      start: 'ann',
      exclude: 'ann',
      expected: null,
    },
    {
      name: 'a loop of busy agents runs out instead of going round',
      agents: [makeAgent('ann', { escalatesTo: 'bob' }), makeAgent('bob', { busy: true, escalatesTo: 'cy' }), makeAgent('cy', { busy: true, escalatesTo: 'bob' })],
      start: 'ann',
      exclude: 'ann',
      expected: null,
    },
  ];
  it.each(cases)('$name', ({ agents, start, exclude, expected }) => {
    expect(nextInChain(roster(...agents), start, exclude, NOW)?.handle ?? null).toBe(expected);
  });
});

describe('escalationStep', () => {
  it('raises the level, pings the next agent past the last one pinged and restarts the clock', () => {
    const t = makeTicket({ assignee: 'ann', escalatedTo: 'bob', escalationLevel: 1, clockStartedAt: min(-300) });
    const step = escalationStep(t, roster(makeAgent('ann', { escalatesTo: 'bob' }), makeAgent('bob', { escalatesTo: 'cy' }), makeAgent('cy')), NOW);
    expect({ target: step.target?.handle, from: step.from }).toEqual({ target: 'cy', from: 'bob' });
    expect(t).toMatchObject({ escalationLevel: 2, escalatedTo: 'cy', chainExhausted: false, clockStartedAt: NOW, escalateDueAt: min(240) });
  });

  it('starts from the assignee when nobody was pinged yet', () => {
    const t = makeTicket({ assignee: 'ann', priority: 'urgent' });
    const step = escalationStep(t, roster(makeAgent('ann', { escalatesTo: 'bob' }), makeAgent('bob')), NOW);
    expect({ target: step.target?.handle, from: step.from }).toEqual({ target: 'bob', from: 'ann' });
    expect(t).toMatchObject({ escalationLevel: 1, escalatedTo: 'bob', escalateDueAt: min(15) });
  });

  it('marks the chain exhausted when it runs out: no target, and the ticket is no longer due', () => {
    const t = makeTicket({ assignee: 'ann', escalatedTo: 'bob', escalationLevel: 1 });
    const step = escalationStep(t, roster(makeAgent('ann', { escalatesTo: 'bob' }), makeAgent('bob')), NOW);
    expect({ target: step.target, from: step.from }).toEqual({ target: null, from: 'bob' });
    expect(t).toMatchObject({ escalationLevel: 2, escalatedTo: 'bob', chainExhausted: true, clockStartedAt: NOW, escalateDueAt: null });
  });
});
