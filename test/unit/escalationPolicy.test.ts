import { describe, expect, it } from 'vitest';
import { dueAt, escalationChain, escalationLoop, escalationStep, nextInChain } from '../../src/core/escalation.js';
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
  // One round walks from the assignee along `escalates-to`, each agent at most once (the assignee counts
  // as visited), continuing past the last agent pinged and skipping busy agents and agents not on the roster.
  const cases: Array<{ name: string; agents: Agent[]; assignee: string; lastPinged: string | null; expected: string | null }> = [
    { name: 'the agent the assignee escalates to', agents: [makeAgent('ann', { escalatesTo: 'bob' }), makeAgent('bob')], assignee: 'ann', lastPinged: null, expected: 'bob' },
    { name: 'an assignee that escalates to nobody: nobody', agents: [makeAgent('ann')], assignee: 'ann', lastPinged: null, expected: null },
    { name: 'an assignee no longer on the roster: nobody', agents: [makeAgent('bob')], assignee: 'gone', lastPinged: null, expected: null },
    {
      name: 'a busy agent is skipped for the one it escalates to',
      agents: [makeAgent('ann', { escalatesTo: 'bob' }), makeAgent('bob', { busy: true, escalatesTo: 'cy' }), makeAgent('cy')],
      assignee: 'ann',
      lastPinged: null,
      expected: 'cy',
    },
    {
      name: 'a busy window that has ended counts as available',
      agents: [makeAgent('ann', { escalatesTo: 'bob' }), makeAgent('bob', { busy: true, busyUntil: min(-1) })],
      assignee: 'ann',
      lastPinged: null,
      expected: 'bob',
    },
    {
      name: 'continues past the last agent pinged',
      agents: [makeAgent('ann', { escalatesTo: 'bob' }), makeAgent('bob', { escalatesTo: 'cy' }), makeAgent('cy')],
      assignee: 'ann',
      lastPinged: 'bob',
      expected: 'cy',
    },
    {
      name: 'a busy agent skipped earlier in the round is not gone back to',
      agents: [makeAgent('ann', { escalatesTo: 'bob' }), makeAgent('bob', { escalatesTo: 'cy' }), makeAgent('cy', { escalatesTo: 'dan' }), makeAgent('dan')],
      assignee: 'ann',
      lastPinged: 'cy',
      expected: 'dan',
    },
    { name: 'the last agent of the chain pinged: the round has nobody left', agents: [makeAgent('ann', { escalatesTo: 'bob' }), makeAgent('bob')], assignee: 'ann', lastPinged: 'bob', expected: null },
    {
      name: 'item 1: a loop back to the assignee ends the round instead of pinging the assignee',
      agents: [makeAgent('felix', { escalatesTo: 'iris' }), makeAgent('iris', { escalatesTo: 'felix' })],
      assignee: 'iris',
      lastPinged: 'felix',
      expected: null,
    },
    {
      name: 'item 1: a loop that does not pass the assignee ends the round at its end',
      agents: [makeAgent('ann', { escalatesTo: 'bob' }), makeAgent('bob', { escalatesTo: 'cy' }), makeAgent('cy', { escalatesTo: 'bob' })],
      assignee: 'ann',
      lastPinged: 'cy',
      expected: null,
    },
    {
      name: 'item 1: a loop of busy agents runs out instead of going round',
      agents: [makeAgent('ann', { escalatesTo: 'bob' }), makeAgent('bob', { busy: true, escalatesTo: 'cy' }), makeAgent('cy', { busy: true, escalatesTo: 'bob' })],
      assignee: 'ann',
      lastPinged: null,
      expected: null,
    },
    {
      name: 'item 1: an agent that escalates to itself ends the round',
      agents: [makeAgent('ann', { escalatesTo: 'bob' }), makeAgent('bob', { escalatesTo: 'bob' })],
      assignee: 'ann',
      lastPinged: 'bob',
      expected: null,
    },
    {
      name: 'a removed agent (a dangling reference) is skipped, and the chain cannot go past it',
      agents: [makeAgent('ann', { escalatesTo: 'gone' }), makeAgent('cy')],
      assignee: 'ann',
      lastPinged: null,
      expected: null,
    },
    {
      name: 'a removed agent further up the chain ends it there',
      agents: [makeAgent('ann', { escalatesTo: 'bob' }), makeAgent('bob', { escalatesTo: 'gone' })],
      assignee: 'ann',
      lastPinged: 'bob',
      expected: null,
    },
    {
      name: 'a forward reference (an agent not added yet) is skipped like a removed one',
      agents: [makeAgent('ann', { escalatesTo: 'felix' })],
      assignee: 'ann',
      lastPinged: null,
      expected: null,
    },
    {
      name: 'a forward reference is followed once the agent is added',
      agents: [makeAgent('ann', { escalatesTo: 'felix' }), makeAgent('felix')],
      assignee: 'ann',
      lastPinged: null,
      expected: 'felix',
    },
    {
      // Monday 2 March 2026, 09:00 UTC: 18:00 in Tokyo, after bob's hours.
      name: 'an agent outside its working hours is skipped like a busy one',
      agents: [makeAgent('ann', { escalatesTo: 'bob' }), makeAgent('bob', { escalatesTo: 'cy', hours: 'Mon-Fri 09:00-17:00', timeZone: 'Asia/Tokyo' }), makeAgent('cy')],
      assignee: 'ann',
      lastPinged: null,
      expected: 'cy',
    },
    {
      name: 'an agent within its working hours is pinged',
      agents: [makeAgent('ann', { escalatesTo: 'bob' }), makeAgent('bob', { escalatesTo: 'cy', hours: 'Mon-Fri 08:00-17:00', timeZone: 'Europe/London' }), makeAgent('cy')],
      assignee: 'ann',
      lastPinged: null,
      expected: 'bob',
    },
    {
      name: 'the last agent pinged left the chain (the roster changed): the round starts again from the assignee, past it',
      agents: [makeAgent('ann', { escalatesTo: 'cy' }), makeAgent('bob', { escalatesTo: 'cy' }), makeAgent('cy')],
      assignee: 'ann',
      lastPinged: 'bob',
      expected: 'cy',
    },
  ];
  it.each(cases)('$name', ({ agents, assignee, lastPinged, expected }) => {
    expect(nextInChain(roster(...agents), assignee, lastPinged, NOW)?.handle ?? null).toBe(expected);
  });

  it('item 1: around a loop, escalating until the chain runs out pings each agent at most once, never the assignee', () => {
    const agents = roster(makeAgent('felix', { escalatesTo: 'iris' }), makeAgent('iris', { escalatesTo: 'maya' }), makeAgent('maya', { escalatesTo: 'felix' }));
    const rounds: Record<string, string[]> = { felix: ['iris', 'maya'], iris: ['maya', 'felix'], maya: ['felix', 'iris'] };
    for (const [assignee, expected] of Object.entries(rounds)) {
      const t = makeTicket({ assignee });
      const pinged: string[] = [];
      for (let i = 0; i < 10 && !t.chainExhausted; i++) {
        const step = escalationStep(t, agents, NOW);
        if (step.target) pinged.push(step.target.handle);
      }
      expect(t.chainExhausted).toBe(true);
      expect(pinged).toEqual(expected);
      expect(t.escalationLevel).toBe(3);
    }
  });
});

describe('escalationLoop', () => {
  const agents = roster(makeAgent('felix', { escalatesTo: 'iris' }), makeAgent('iris'), makeAgent('maya', { escalatesTo: 'felix' }));
  it.each([
    { name: 'a link back to the agent that escalates to it closes a loop', handle: 'iris', to: 'felix', expected: ['iris', 'felix', 'iris'] },
    { name: 'a longer loop is named in order', handle: 'iris', to: 'maya', expected: ['iris', 'maya', 'felix', 'iris'] },
    { name: 'a chain that ends is no loop', handle: 'iris', to: 'nobody', expected: null },
    { name: 'a chain that reaches a loop not through the agent is no loop of its own', handle: 'zed', to: 'maya', expected: null },
    { name: 'no link: no loop', handle: 'iris', to: null, expected: null },
  ])('$name', ({ handle, to, expected }) => {
    expect(escalationLoop(agents, handle, to)).toEqual(expected);
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

describe('escalationStep with ESCALATION_REPEAT', () => {
  const chain = () => roster(makeAgent('ann', { escalatesTo: 'bob' }), makeAgent('bob', { escalatesTo: 'cy' }), makeAgent('cy'));

  it('walks the chain 1 + repeat times, then runs out once', () => {
    const t = makeTicket({ assignee: 'ann', status: 'active' });
    const pinged: Array<string | null> = [];
    for (let i = 0; i < 6; i++) {
      if (t.chainExhausted) break;
      pinged.push(escalationStep(t, chain(), NOW, { repeat: 1 }).target?.handle ?? null);
    }
    expect(pinged).toEqual(['bob', 'cy', 'bob', 'cy', null]);
    expect(t.escalationLevel).toBe(5);
    expect(t.escalationRound).toBe(1);
    expect(t.chainExhausted).toBe(true);
    expect(t.escalateDueAt).toBeNull();
  });

  it('without repeat the chain runs out after one walk', () => {
    const t = makeTicket({ assignee: 'ann', status: 'active' });
    const pinged = [0, 1, 2].map(() => escalationStep(t, chain(), NOW).target?.handle ?? null);
    expect(pinged).toEqual(['bob', 'cy', null]);
    expect(t.escalationRound).toBe(0);
  });

  it('the next due time counts the assignee’s working hours', () => {
    // Friday 2026-03-06 17:00 UTC, ann works Mon-Fri 09:00-17:30 UTC: one hour: 30 minutes on Friday, 30 on Monday.
    const agents = roster(makeAgent('ann', { escalatesTo: 'bob', hours: 'Mon-Fri 09:00-17:30', timeZone: 'UTC' }), makeAgent('bob'));
    const t = makeTicket({ assignee: 'ann', status: 'active', escalateAfterSec: 3600 });
    escalationStep(t, agents, new Date('2026-03-06T17:00:00Z'));
    expect(t.escalateDueAt?.toISOString()).toBe('2026-03-09T09:30:00.000Z');
  });
});

describe('dueAt while waiting on the requester', () => {
  it('is never due while the requester is asked', () => {
    expect(dueAt(makeTicket({ awaitingRequesterSince: NOW }), NOW)).toBeNull();
  });
});

describe('escalationChain', () => {
  const handles = (agents: Agent[], assignee: string) => escalationChain(roster(...agents), assignee).map((a) => a.handle);

  it('lists the agents the escalations reach, in order, busy ones included', () => {
    expect(handles([makeAgent('ann', { escalatesTo: 'bob' }), makeAgent('bob', { busy: true, escalatesTo: 'cy' }), makeAgent('cy')], 'ann')).toEqual(['bob', 'cy']);
  });

  it('is empty for an assignee that escalates to nobody', () => {
    expect(handles([makeAgent('ann'), makeAgent('bob')], 'ann')).toEqual([]);
  });

  it('stops before coming back to the assignee or to an agent already listed', () => {
    expect(handles([makeAgent('ann', { escalatesTo: 'bob' }), makeAgent('bob', { escalatesTo: 'cy' }), makeAgent('cy', { escalatesTo: 'ann' })], 'ann')).toEqual(['bob', 'cy']);
    expect(handles([makeAgent('ann', { escalatesTo: 'bob' }), makeAgent('bob', { escalatesTo: 'cy' }), makeAgent('cy', { escalatesTo: 'bob' })], 'ann')).toEqual(['bob', 'cy']);
  });
});

describe('escalationStep: a round started again that finds nobody', () => {
  it('does not use up a repeat: a later escalation, once an agent is free, starts the round again', () => {
    const bob = makeAgent('bob', { busy: true });
    const agents = roster(makeAgent('ann', { escalatesTo: 'bob' }), bob);
    const t = makeTicket({ assignee: 'ann', status: 'active', escalatedTo: 'bob', escalationLevel: 1 });
    const first = escalationStep(t, agents, NOW, { repeat: 1 });
    expect([first.target, t.escalationRound, t.chainExhausted]).toEqual([null, 0, true]);
    bob.busy = false;
    const second = escalationStep(t, agents, min(5), { repeat: 1 });
    expect([second.target?.handle, t.escalationRound, t.escalatedTo, t.escalationLevel]).toEqual(['bob', 1, 'bob', 3]);
  });

  it('a step that finds someone after the chain ran out makes the ticket due again, so the sweep goes on if nobody acts', () => {
    const bob = makeAgent('bob', { busy: true });
    const agents = roster(makeAgent('ann', { escalatesTo: 'bob' }), bob);
    const t = makeTicket({ assignee: 'ann', status: 'active', escalationLevel: 0 });
    expect(escalationStep(t, agents, NOW).target).toBeNull();
    expect([t.chainExhausted, t.escalateDueAt]).toEqual([true, null]);
    bob.busy = false;
    expect(escalationStep(t, agents, min(5)).target?.handle).toBe('bob');
    expect(t.chainExhausted).toBe(false);
    expect(t.escalateDueAt).not.toBeNull();
  });
});
