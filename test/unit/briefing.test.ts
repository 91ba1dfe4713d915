import { describe, expect, it } from 'vitest';
import { agentBriefings, briefingSince, overview, slotOf, type BriefingFacts, type EscalationSince, type QueueState } from '../../src/core/briefing.js';
import { makeAgent, makeTicket } from '../support/fixtures.js';

const NOW = new Date('2026-03-02T09:00:00Z');
const ann = makeAgent('ann');
const bob = makeAgent('bob');
const cy = makeAgent('cy');

const open = (key: string, assignee: string) => makeTicket({ key, assignee, status: 'active' });
const done = (key: string, assignee: string) => makeTicket({ key, assignee, status: 'completed', resolvedAt: NOW });
const escalation = (key: string, assignee: string | null, to: string | null, level = 1): EscalationSince => ({ key, title: `Title of ${key}`, assignee, to, level });
const facts = (o: Partial<BriefingFacts> = {}): BriefingFacts => ({ open: [], completed: [], escalations: [], ...o });

describe('agentBriefings', () => {
  const cases: Array<{ name: string; facts: BriefingFacts; expected: Record<string, { open: string[]; completed: string[]; escalated: string[] }> }> = [
    { name: 'nothing happened: nobody is briefed', facts: facts(), expected: {} },
    {
      name: 'each agent gets its own open tickets; agents with nothing get no briefing',
      facts: facts({ open: [open('T-1', 'ann'), open('T-2', 'bob'), open('T-3', 'ann')] }),
      expected: { ann: { open: ['T-1', 'T-3'], completed: [], escalated: [] }, bob: { open: ['T-2'], completed: [], escalated: [] } },
    },
    {
      name: 'completed tickets alone are worth a briefing',
      facts: facts({ completed: [done('T-4', 'cy')] }),
      expected: { cy: { open: [], completed: ['T-4'], escalated: [] } },
    },
    {
      name: 'an escalation is told to the assignee and to the agent it went to',
      facts: facts({ escalations: [escalation('T-5', 'ann', 'bob')] }),
      expected: { ann: { open: [], completed: [], escalated: ['T-5'] }, bob: { open: [], completed: [], escalated: ['T-5'] } },
    },
    {
      name: 'an exhausted chain is told to the assignee only',
      facts: facts({ escalations: [escalation('T-6', 'cy', null, 2)] }),
      expected: { cy: { open: [], completed: [], escalated: ['T-6'] } },
    },
    {
      name: 'tickets of agents no longer on the roster brief nobody',
      facts: facts({ open: [open('T-7', 'gone')], completed: [done('T-8', 'gone')], escalations: [escalation('T-9', 'gone', null)] }),
      expected: {},
    },
  ];
  it.each(cases)('$name', ({ facts, expected }) => {
    const got = Object.fromEntries(
      agentBriefings([ann, bob, cy], facts).map((b) => [
        b.agent.handle,
        { open: b.open.map((t) => t.key), completed: b.completed.map((t) => t.key), escalated: b.escalated.map((e) => e.key) },
      ]),
    );
    expect(got).toEqual(expected);
  });

  it('briefings come in roster order and escalations carry their title and level', () => {
    const bs = agentBriefings([ann, bob], facts({ open: [open('T-1', 'bob')], escalations: [escalation('T-2', 'ann', null, 3)] }));
    expect(bs.map((b) => b.agent.handle)).toEqual(['ann', 'bob']);
    expect(bs[0]!.escalated).toEqual([{ key: 'T-2', title: 'Title of T-2', level: 3 }]);
  });
});

describe('overview', () => {
  const quiet: QueueState = { intake: 0, active: 0, held: 0, stale: [], oldest: null };
  const since = new Date('2026-03-01T09:00:00Z');
  const cases: Array<{ name: string; queue: Partial<QueueState>; facts: BriefingFacts; says: boolean }> = [
    { name: 'nothing waits, runs, escalated or completed: nothing to say', queue: {}, facts: facts(), says: false },
    { name: 'tickets in intake', queue: { intake: 2, held: 1 }, facts: facts(), says: true },
    { name: 'active tickets', queue: { active: 1 }, facts: facts(), says: true },
    { name: 'an escalation since', queue: {}, facts: facts({ escalations: [escalation('T-1', 'ann', null)] }), says: true },
    { name: 'a ticket completed since', queue: {}, facts: facts({ completed: [done('T-2', 'ann')] }), says: true },
  ];
  it.each(cases)('$name', ({ queue, facts, says }) => {
    const o = overview(since, { ...quiet, ...queue }, facts);
    expect(o !== null).toBe(says);
  });

  it('counts the escalations and completions since, and keeps the queue as it stands', () => {
    const stale = [open('T-3', 'ann')];
    const o = overview(since, { intake: 1, active: 4, held: 1, stale, oldest: stale[0]! }, facts({ completed: [done('T-1', 'ann')], escalations: [escalation('T-3', 'ann', 'bob'), escalation('T-3', 'ann', null, 2)] }));
    expect(o).toEqual({ since, intake: 1, active: 4, held: 1, stale, oldest: stale[0], escalated: 2, completed: 1 });
  });
});

describe('briefingSince and slotOf', () => {
  it.each([
    { name: 'since the previous briefing', previous: new Date('2026-02-27T09:00:00Z'), expected: new Date('2026-02-27T09:00:00Z') },
    { name: 'the first briefing covers the last day', previous: null, expected: new Date('2026-03-01T09:00:00Z') },
  ])('$name', ({ previous, expected }) => {
    expect(briefingSince(previous, NOW)).toEqual(expected);
  });

  it.each([
    { at: '2026-03-02T09:00:00.000Z', slot: '2026-03-02T09:00' },
    { at: '2026-03-02T09:00:59.999Z', slot: '2026-03-02T09:00' },
    { at: '2026-03-02T09:01:00.000Z', slot: '2026-03-02T09:01' },
  ])('$at is in slot $slot', ({ at, slot }) => {
    expect(slotOf(new Date(at))).toBe(slot);
  });
});
