import { describe, expect, it } from 'vitest';
import { decide, type Candidate, type RoutingOutcome, type RoutingRequest } from '../../src/core/routing.js';
import type { Agent } from '../../src/core/types.js';
import { makeCandidate } from '../support/fixtures.js';

// What `/ticket why` shows: every candidate's verdict, the chosen one first, then the others in roster order.

const NOW = new Date('2026-03-02T09:00:00Z');
const min = (n: number) => new Date(NOW.getTime() + n * 60_000);

const cand = makeCandidate;

const req = (o: Partial<RoutingRequest> = {}): RoutingRequest => ({ type: 'billing', now: NOW, ...o });
const chosen = (handle: string, why: string) => ({ handle, chosen: true, why });
const passed = (handle: string, why: string) => ({ handle, chosen: false, why });

interface Case {
  name: string;
  request?: Partial<RoutingRequest>;
  candidates: Candidate[];
  expected: RoutingOutcome;
}

const cases: Case[] = [
  {
    name: 'by load: each other agent says why it lost (more load, given one more recently, skill, busy, full)',
    candidates: [
      cand('dan', { skills: ['support'] }),
      cand('ann', { active: 1, lastAssignedAt: min(-5) }),
      cand('eve', { busy: true, busyReason: 'dentist', busyUntil: min(300) }),
      cand('cal', { active: 3 }),
      cand('bob', { active: 1, lastAssignedAt: min(-50) }),
      cand('fay', { capacity: 2, active: 2 }),
    ],
    expected: {
      decision: { kind: 'assign', handle: 'bob', reason: 'bob has the fewest active tickets: 1' },
      verdicts: [
        chosen('bob', 'has the fewest active tickets: 1'),
        passed('dan', 'does not take `billing` tickets'),
        passed('ann', 'as many active tickets (1), but was given one more recently than bob'),
        passed('eve', 'is busy (dentist) until 14:00 UTC'),
        passed('cal', 'has more active tickets: 3 (bob has 1)'),
        passed('fay', 'is at capacity (2/2)'),
      ],
    },
  },
  {
    name: 'by load: an agent given one loses to an agent never given one',
    candidates: [cand('ann', { lastAssignedAt: min(-6000) }), cand('zed')],
    expected: {
      decision: { kind: 'assign', handle: 'zed', reason: 'zed has the fewest active tickets: 0' },
      verdicts: [chosen('zed', 'has the fewest active tickets: 0'), passed('ann', 'as many active tickets (0), but was given one more recently than zed')],
    },
  },
  {
    name: 'by load: a full tie between agents never given one is settled by name, and says so',
    candidates: [cand('cal'), cand('ann'), cand('bob')],
    expected: {
      decision: { kind: 'assign', handle: 'ann', reason: 'ann has the fewest active tickets: 0' },
      verdicts: [
        chosen('ann', 'has the fewest active tickets: 0'),
        passed('cal', 'as many active tickets (0) and as long since its last one; ann comes first by name'),
        passed('bob', 'as many active tickets (0) and as long since its last one; ann comes first by name'),
      ],
    },
  },
  {
    name: 'by load: a full tie between agents given one at the same time is settled by name, and says so',
    candidates: [cand('bob', { active: 2, lastAssignedAt: min(-5) }), cand('ann', { active: 2, lastAssignedAt: min(-5) })],
    expected: {
      decision: { kind: 'assign', handle: 'ann', reason: 'ann has the fewest active tickets: 2' },
      verdicts: [chosen('ann', 'has the fewest active tickets: 2'), passed('bob', 'as many active tickets (2) and as long since its last one; ann comes first by name')],
    },
  },
  {
    name: 'the only free agent says so',
    candidates: [cand('ann', { skills: ['support'] }), cand('bob', { active: 4 }), cand('cal', { busy: true })],
    expected: {
      decision: { kind: 'assign', handle: 'bob', reason: 'bob is the only free `billing` agent' },
      verdicts: [chosen('bob', 'is the only free `billing` agent'), passed('ann', 'does not take `billing` tickets'), passed('cal', 'is busy')],
    },
  },
  {
    name: 'held with nobody free: each agent says what keeps it from the ticket',
    request: { timeZone: 'Europe/Paris' },
    candidates: [cand('ann', { busy: true, busyUntil: min(120) }), cand('bob', { skills: ['support'] }), cand('cal', { capacity: 1, active: 1 })],
    expected: {
      decision: { kind: 'hold', reason: 'no `billing` agent is free: ann is busy until 12:00 CET; cal is at capacity (1/1)' },
      verdicts: [passed('ann', 'is busy until 12:00 CET'), passed('bob', 'does not take `billing` tickets'), passed('cal', 'is at capacity (1/1)')],
    },
  },
  {
    name: 'held with nobody of the type: each agent says it does not take it',
    candidates: [cand('ann', { skills: ['support'] }), cand('bob', { skills: ['legal'] })],
    expected: {
      decision: { kind: 'hold', reason: 'no agent takes `billing` tickets' },
      verdicts: [passed('ann', 'does not take `billing` tickets'), passed('bob', 'does not take `billing` tickets')],
    },
  },
  {
    name: 'customer affinity: the others do not work the customer',
    candidates: [cand('cal', { skills: ['support'] }), cand('ann'), cand('bob', { active: 4, ownsCustomer: true })],
    expected: {
      decision: { kind: 'assign', handle: 'bob', reason: 'bob already works this customer' },
      verdicts: [chosen('bob', 'already works this customer'), passed('cal', 'does not take `billing` tickets'), passed('ann', 'does not work this customer (bob does)')],
    },
  },
  {
    name: 'follows affinity: the others did not handle the ticket it follows',
    request: { followsAssignee: 'bob' },
    candidates: [cand('cal', { busy: true }), cand('ann'), cand('bob', { active: 3 })],
    expected: {
      decision: { kind: 'assign', handle: 'bob', reason: 'bob handled the ticket it follows' },
      verdicts: [chosen('bob', 'handled the ticket it follows'), passed('cal', 'is busy'), passed('ann', 'did not handle the ticket it follows (bob did)')],
    },
  },
  {
    name: 'reopened: back to its previous assignee; the others are not it',
    request: { previousAssignee: 'bob' },
    candidates: [cand('cal', { skills: ['support'] }), cand('ann'), cand('bob', { active: 3 })],
    expected: {
      decision: { kind: 'assign', handle: 'bob', reason: 'reopened: back to its previous assignee bob' },
      verdicts: [chosen('bob', 'had it before it was reopened'), passed('cal', 'does not take `billing` tickets'), passed('ann', 'is not its previous assignee (bob)')],
    },
  },
  {
    name: 'reopened, its previous assignee busy: it says why, and the load decides',
    request: { previousAssignee: 'bob' },
    candidates: [cand('ann', { active: 1 }), cand('bob', { busy: true }), cand('cal', { active: 2 })],
    expected: {
      decision: { kind: 'assign', handle: 'ann', reason: 'reopened, but its previous assignee bob is busy; ann has the fewest active tickets: 1' },
      verdicts: [chosen('ann', 'has the fewest active tickets: 1'), passed('bob', 'is busy'), passed('cal', 'has more active tickets: 2 (ann has 1)')],
    },
  },
  {
    name: 'declined and handed off: each says which, the others are judged as usual',
    request: { excluded: ['ann', 'bob'], declined: ['ann'] },
    candidates: [cand('ann'), cand('bob'), cand('dan', { skills: ['support'] }), cand('cal', { active: 2 })],
    expected: {
      decision: { kind: 'assign', handle: 'cal', reason: 'cal is the only free `billing` agent' },
      verdicts: [
        chosen('cal', 'is the only free `billing` agent'),
        passed('ann', 'declined it'),
        passed('bob', 'handed it off (a handoff never goes back to its sender)'),
        passed('dan', 'does not take `billing` tickets'),
      ],
    },
  },
  {
    name: 'handed off to a skill with no declines yet: the sender says it handed it off',
    request: { excluded: ['ann'] },
    candidates: [cand('ann'), cand('bob', { active: 1 })],
    expected: {
      decision: { kind: 'assign', handle: 'bob', reason: 'bob is the only free `billing` agent' },
      verdicts: [chosen('bob', 'is the only free `billing` agent'), passed('ann', 'handed it off (a handoff never goes back to its sender)')],
    },
  },
  {
    name: 'held with every agent of the type declined or the sender',
    request: { excluded: ['ann', 'bob'], declined: ['ann', 'bob'] },
    candidates: [cand('ann'), cand('cal', { skills: ['support'] }), cand('bob')],
    expected: {
      decision: { kind: 'hold', reason: 'no `billing` agent other than ann, bob' },
      verdicts: [passed('ann', 'declined it'), passed('cal', 'does not take `billing` tickets'), passed('bob', 'declined it')],
    },
  },
  {
    name: 'pinned: the agent asked for is chosen, the others were not asked for',
    request: { pinned: 'bob' },
    candidates: [cand('ann'), cand('bob', { active: 4 }), cand('cal', { skills: ['support'] })],
    expected: {
      decision: { kind: 'assign', handle: 'bob', reason: 'assigned to bob as asked' },
      verdicts: [chosen('bob', 'was asked for'), passed('ann', 'was not asked for (`assign:bob`)'), passed('cal', 'was not asked for (`assign:bob`)')],
    },
  },
  {
    name: 'pinned to an agent without the type: chosen, saying so',
    request: { pinned: 'bob' },
    candidates: [cand('ann'), cand('bob', { skills: ['support'] })],
    expected: {
      decision: { kind: 'assign', handle: 'bob', reason: 'assigned to bob as asked, though bob does not take `billing` tickets' },
      verdicts: [chosen('bob', 'was asked for, though bob does not take `billing` tickets'), passed('ann', 'was not asked for (`assign:bob`)')],
    },
  },
  {
    name: 'pinned to a busy agent: held, it says why, in the configured time zone',
    request: { pinned: 'bob', timeZone: 'Europe/Paris' },
    candidates: [cand('ann'), cand('bob', { busy: true, busyReason: 'offsite', busyUntil: min(120) })],
    expected: {
      decision: { kind: 'hold', reason: 'waiting for bob, who is busy (offsite) until 12:00 CET' },
      verdicts: [passed('ann', 'was not asked for (`assign:bob`)'), passed('bob', 'is busy (offsite) until 12:00 CET')],
    },
  },
  {
    name: 'pinned to an agent not on the roster: nobody else was asked for',
    request: { pinned: 'ghost' },
    candidates: [cand('ann'), cand('bob')],
    expected: {
      decision: { kind: 'hold', reason: 'waiting for ghost, who is not on the roster' },
      verdicts: [passed('ann', 'was not asked for (`assign:ghost`)'), passed('bob', 'was not asked for (`assign:ghost`)')],
    },
  },
  {
    name: 'an empty roster: no verdicts',
    candidates: [],
    expected: { decision: { kind: 'hold', reason: 'no agent takes `billing` tickets' }, verdicts: [] },
  },
];

describe('decide: the decision and every candidate’s verdict', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(decide(req(c.request), c.candidates)).toEqual(c.expected);
  });

  it('each candidate has exactly one verdict, and exactly one is chosen when assigned', () => {
    const cs = [cand('ann', { active: 1 }), cand('bob', { busy: true }), cand('cal', { skills: ['support'] }), cand('dan', { active: 2, ownsCustomer: true })];
    const { decision, verdicts } = decide(req(), cs);
    expect(decision).toEqual({ kind: 'assign', handle: 'dan', reason: 'dan already works this customer' });
    expect(verdicts.map((v) => v.handle)).toEqual(['dan', 'ann', 'bob', 'cal']);
    expect(verdicts.filter((v) => v.chosen).map((v) => v.handle)).toEqual(['dan']);
  });
});
