import { describe, expect, it } from 'vitest';
import {
  ackReason,
  compareLoad,
  isAvailable,
  isGone,
  isSilent,
  makeResponsive,
  markHeard,
  markUnresponsive,
  preference,
  route,
  setAck,
  setHeartbeat,
  silentReason,
  silentSince,
  unavailability,
  type Candidate,
  type RoutingDecision,
  type RoutingRequest,
} from '../../src/core/routing.js';
import type { Agent } from '../../src/core/types.js';
import { makeAgent, makeCandidate } from '../support/fixtures.js';

const NOW = new Date('2026-03-02T09:00:00Z');
const min = (n: number) => new Date(NOW.getTime() + n * 60_000);

const cand = makeCandidate;

const req = (o: Partial<RoutingRequest> = {}): RoutingRequest => ({ type: 'billing', now: NOW, ...o });

interface Case {
  name: string;
  request?: Partial<RoutingRequest>;
  candidates: Candidate[];
  expected: RoutingDecision;
}

const cases: Case[] = [
  // --- skill ---------------------------------------------------------------------------------
  {
    name: 'only agents with the ticket type among their skills are eligible',
    candidates: [cand('ann', { skills: ['support'] }), cand('bob', { skills: ['support', 'billing'], active: 4 })],
    expected: { kind: 'assign', handle: 'bob', reason: 'bob is the only free `billing` agent' },
  },
  {
    name: 'no agent has the skill: held, naming the type',
    candidates: [cand('ann', { skills: ['support'] }), cand('bob', { skills: ['legal'] })],
    expected: { kind: 'hold', reason: 'no agent takes `billing` tickets' },
  },
  {
    name: 'an empty roster: held, naming the type',
    request: { type: 'legal' },
    candidates: [],
    expected: { kind: 'hold', reason: 'no agent takes `legal` tickets' },
  },
  // --- availability --------------------------------------------------------------------------
  {
    name: 'a busy agent is skipped even when it has the least load',
    candidates: [cand('ann', { busy: true }), cand('bob', { active: 3 })],
    expected: { kind: 'assign', handle: 'bob', reason: 'bob is the only free `billing` agent' },
  },
  {
    name: 'a busy agent with a busy window still running is skipped',
    candidates: [cand('ann', { busy: true, busyUntil: min(1) }), cand('bob', { active: 3 })],
    expected: { kind: 'assign', handle: 'bob', reason: 'bob is the only free `billing` agent' },
  },
  {
    name: 'a busy agent whose busy window has ended counts as available',
    candidates: [cand('ann', { busy: true, busyUntil: min(-1) }), cand('bob', { active: 3 })],
    expected: { kind: 'assign', handle: 'ann', reason: 'ann has the fewest active tickets: 0' },
  },
  {
    name: 'a busy window ending exactly now counts as ended',
    candidates: [cand('ann', { busy: true, busyUntil: NOW })],
    expected: { kind: 'assign', handle: 'ann', reason: 'ann is the only free `billing` agent' },
  },
  // --- capacity ------------------------------------------------------------------------------
  {
    name: 'an agent at capacity is skipped',
    candidates: [cand('ann', { capacity: 2, active: 2 }), cand('bob', { capacity: 9, active: 7 })],
    expected: { kind: 'assign', handle: 'bob', reason: 'bob is the only free `billing` agent' },
  },
  {
    name: 'an agent over capacity (capacity lowered since) is skipped',
    candidates: [cand('ann', { capacity: 1, active: 3 }), cand('bob', { capacity: 9, active: 7 })],
    expected: { kind: 'assign', handle: 'bob', reason: 'bob is the only free `billing` agent' },
  },
  {
    name: 'an agent one below capacity is eligible',
    candidates: [cand('ann', { capacity: 3, active: 2 })],
    expected: { kind: 'assign', handle: 'ann', reason: 'ann is the only free `billing` agent' },
  },
  // --- customer affinity ---------------------------------------------------------------------
  {
    name: 'the agent already working the customer gets it, even with more load',
    candidates: [cand('ann', { active: 0 }), cand('bob', { active: 4, ownsCustomer: true })],
    expected: { kind: 'assign', handle: 'bob', reason: 'bob already works this customer' },
  },
  {
    name: 'customer affinity only among eligible agents: a busy owner is passed over',
    candidates: [cand('ann', { active: 2 }), cand('bob', { busy: true, ownsCustomer: true })],
    expected: { kind: 'assign', handle: 'ann', reason: 'ann is the only free `billing` agent' },
  },
  {
    name: 'customer affinity only among eligible agents: a full owner is passed over',
    candidates: [cand('ann', { active: 2 }), cand('bob', { capacity: 1, active: 1, ownsCustomer: true })],
    expected: { kind: 'assign', handle: 'ann', reason: 'ann is the only free `billing` agent' },
  },
  {
    name: 'customer affinity only among eligible agents: an owner without the skill is passed over',
    candidates: [cand('ann', { active: 2 }), cand('bob', { skills: ['support'], ownsCustomer: true }), cand('cal', { active: 3 })],
    expected: { kind: 'assign', handle: 'ann', reason: 'ann has the fewest active tickets: 2' },
  },
  {
    name: 'customer affinity wins over follows affinity',
    request: { followsAssignee: 'ann' },
    candidates: [cand('ann'), cand('bob', { active: 1, ownsCustomer: true })],
    expected: { kind: 'assign', handle: 'bob', reason: 'bob already works this customer' },
  },
  // --- follows affinity ----------------------------------------------------------------------
  {
    name: 'the last assignee of the followed ticket gets it, even with more load',
    request: { followsAssignee: 'bob' },
    candidates: [cand('ann'), cand('bob', { active: 3 })],
    expected: { kind: 'assign', handle: 'bob', reason: 'bob handled the ticket it follows' },
  },
  {
    name: 'follows affinity only when that agent is eligible (busy)',
    request: { followsAssignee: 'bob' },
    candidates: [cand('ann', { active: 1 }), cand('bob', { busy: true }), cand('cal', { active: 2 })],
    expected: { kind: 'assign', handle: 'ann', reason: 'ann has the fewest active tickets: 1' },
  },
  {
    name: 'follows affinity only when that agent is eligible (lacks the skill)',
    request: { followsAssignee: 'bob' },
    candidates: [cand('ann', { active: 1 }), cand('bob', { skills: ['support'] })],
    expected: { kind: 'assign', handle: 'ann', reason: 'ann is the only free `billing` agent' },
  },
  {
    name: 'follows affinity to an agent no longer on the roster falls back to load',
    request: { followsAssignee: 'gone' },
    candidates: [cand('ann', { active: 1 }), cand('bob', { active: 0 })],
    expected: { kind: 'assign', handle: 'bob', reason: 'bob has the fewest active tickets: 0' },
  },
  // --- load ----------------------------------------------------------------------------------
  {
    name: 'the fewest active tickets wins',
    candidates: [cand('ann', { active: 3 }), cand('bob', { active: 1 }), cand('cal', { active: 2 })],
    expected: { kind: 'assign', handle: 'bob', reason: 'bob has the fewest active tickets: 1' },
  },
  {
    name: 'fewest active is counted before the last assignment time',
    candidates: [cand('ann', { active: 2, lastAssignedAt: min(-600) }), cand('bob', { active: 1, lastAssignedAt: min(-1) })],
    expected: { kind: 'assign', handle: 'bob', reason: 'bob has the fewest active tickets: 1' },
  },
  {
    name: 'a tie goes to the longest since last assignment',
    candidates: [
      cand('ann', { active: 1, lastAssignedAt: min(-5) }),
      cand('bob', { active: 1, lastAssignedAt: min(-60) }),
      cand('cal', { active: 1, lastAssignedAt: min(-30) }),
    ],
    expected: { kind: 'assign', handle: 'bob', reason: 'bob has the fewest active tickets: 1' },
  },
  {
    name: 'a tie goes to a never-assigned agent first',
    candidates: [cand('ann', { lastAssignedAt: min(-6000) }), cand('zed', { lastAssignedAt: null })],
    expected: { kind: 'assign', handle: 'zed', reason: 'zed has the fewest active tickets: 0' },
  },
  {
    name: 'a full tie is settled by handle, whatever the order given',
    candidates: [cand('cal'), cand('ann'), cand('bob')],
    expected: { kind: 'assign', handle: 'ann', reason: 'ann has the fewest active tickets: 0' },
  },
  {
    name: 'a full tie is settled by handle, the earlier handle given last',
    candidates: [cand('bob'), cand('ann')],
    expected: { kind: 'assign', handle: 'ann', reason: 'ann has the fewest active tickets: 0' },
  },
  // --- pinned (`assign:`) --------------------------------------------------------------------
  {
    name: 'a pinned agent gets it even when another has less load',
    request: { pinned: 'bob' },
    candidates: [cand('ann'), cand('bob', { active: 4 })],
    expected: { kind: 'assign', handle: 'bob', reason: 'assigned to bob as asked' },
  },
  {
    name: 'a pinned agent gets it even without the skill',
    request: { pinned: 'bob' },
    candidates: [cand('bob', { skills: ['support'] })],
    expected: { kind: 'assign', handle: 'bob', reason: 'assigned to bob as asked, though bob does not take `billing` tickets' },
  },
  {
    name: 'a pinned agent wins over customer affinity',
    request: { pinned: 'bob' },
    candidates: [cand('ann', { ownsCustomer: true }), cand('bob')],
    expected: { kind: 'assign', handle: 'bob', reason: 'assigned to bob as asked' },
  },
  {
    name: 'a busy pinned agent: held for it, even when others are free',
    request: { pinned: 'bob' },
    candidates: [cand('ann'), cand('bob', { busy: true, busyReason: 'offsite', busyUntil: min(120) })],
    expected: { kind: 'hold', reason: 'waiting for bob, who is busy (offsite) until 11:00 UTC' },
  },
  {
    name: 'a full pinned agent: held for it',
    request: { pinned: 'bob' },
    candidates: [cand('ann'), cand('bob', { capacity: 2, active: 2 })],
    expected: { kind: 'hold', reason: 'waiting for bob, who is at capacity (2/2)' },
  },
  {
    name: 'a pinned agent not on the roster: held, saying so',
    request: { pinned: 'ghost' },
    candidates: [cand('ann')],
    expected: { kind: 'hold', reason: 'waiting for ghost, who is not on the roster' },
  },
  {
    name: 'a pinned agent whose busy window has ended gets it',
    request: { pinned: 'bob' },
    candidates: [cand('bob', { busy: true, busyUntil: min(-5) })],
    expected: { kind: 'assign', handle: 'bob', reason: 'assigned to bob as asked' },
  },
  {
    name: 'a busy pinned agent: the hold gives its end in the configured time zone',
    request: { pinned: 'bob', timeZone: 'Europe/Paris' },
    candidates: [cand('ann'), cand('bob', { busy: true, busyUntil: min(120) })],
    expected: { kind: 'hold', reason: 'waiting for bob, who is busy until 12:00 CET' },
  },
  {
    name: 'a pinned agent outside its working hours: held for it, saying until when',
    request: { pinned: 'bob' },
    // Monday 2 March 2026, 09:00 UTC: 18:00 in Tokyo, after bob's hours.
    candidates: [cand('ann'), cand('bob', { hours: 'Mon-Fri 09:00-17:00', timeZone: 'Asia/Tokyo' })],
    expected: { kind: 'hold', reason: 'waiting for bob, who is outside working hours until Tue 09:00 GMT+9' },
  },
  // --- working hours -------------------------------------------------------------------------
  {
    name: 'an agent outside its working hours is skipped even when it has the least load',
    candidates: [cand('ann', { hours: 'Mon-Fri 09:00-17:00', timeZone: 'Asia/Tokyo' }), cand('bob', { active: 3 })],
    expected: { kind: 'assign', handle: 'bob', reason: 'bob is the only free `billing` agent' },
  },
  {
    name: 'an agent within its working hours is eligible',
    candidates: [cand('ann', { hours: 'Mon-Fri 08:00-17:00', timeZone: 'Europe/London' }), cand('bob', { active: 3 })],
    expected: { kind: 'assign', handle: 'ann', reason: 'ann has the fewest active tickets: 0' },
  },
  {
    name: 'held: an agent outside its working hours is named with when it starts again',
    candidates: [cand('ann', { hours: 'Mon-Fri 09:00-17:00', timeZone: 'Asia/Tokyo' })],
    expected: { kind: 'hold', reason: 'no `billing` agent is free: ann is outside working hours until Tue 09:00 GMT+9' },
  },
  // --- declined and handed off (`excluded`) --------------------------------------------------
  {
    name: 'an agent that declined the ticket is never offered it again, even with the least load',
    request: { excluded: ['ann'], declined: ['ann'] },
    candidates: [cand('ann'), cand('bob', { active: 2 }), cand('cal', { active: 3 })],
    expected: { kind: 'assign', handle: 'bob', reason: 'bob has the fewest active tickets: 2' },
  },
  {
    name: 'the sender of a handoff to a skill is never given it back',
    request: { excluded: ['ann'] },
    candidates: [cand('ann'), cand('bob', { active: 2 })],
    expected: { kind: 'assign', handle: 'bob', reason: 'bob is the only free `billing` agent' },
  },
  {
    name: 'every agent with the type declined or sent it: held, naming them',
    request: { excluded: ['ann', 'bob'], declined: ['ann'] },
    candidates: [cand('ann'), cand('bob'), cand('cal', { skills: ['support'] })],
    expected: { kind: 'hold', reason: 'no `billing` agent other than ann, bob' },
  },
  // --- reopened (`previousAssignee`) ---------------------------------------------------------
  {
    name: 'reopened: back to its previous assignee, even with more load',
    request: { previousAssignee: 'bob' },
    candidates: [cand('ann'), cand('bob', { active: 3 }), cand('cal', { active: 1 })],
    expected: { kind: 'assign', handle: 'bob', reason: 'reopened: back to its previous assignee bob' },
  },
  {
    name: 'reopened: its previous assignee wins over follows affinity',
    request: { previousAssignee: 'bob', followsAssignee: 'ann' },
    candidates: [cand('ann'), cand('bob', { active: 3 })],
    expected: { kind: 'assign', handle: 'bob', reason: 'reopened: back to its previous assignee bob' },
  },
  {
    name: 'reopened: customer affinity wins over the previous assignee',
    request: { previousAssignee: 'bob' },
    candidates: [cand('ann', { ownsCustomer: true }), cand('bob')],
    expected: { kind: 'assign', handle: 'ann', reason: 'ann already works this customer' },
  },
  {
    name: 'reopened, its previous assignee busy: routed by load, the reason saying why it did not go back',
    request: { previousAssignee: 'bob' },
    candidates: [cand('ann', { active: 2 }), cand('bob', { busy: true, busyReason: 'offsite', busyUntil: min(120) }), cand('cal', { active: 1 })],
    expected: { kind: 'assign', handle: 'cal', reason: 'reopened, but its previous assignee bob is busy (offsite) until 11:00 UTC; cal has the fewest active tickets: 1' },
  },
  {
    name: 'reopened, its previous assignee full: the only free agent gets it, saying why',
    request: { previousAssignee: 'bob' },
    candidates: [cand('ann', { active: 2 }), cand('bob', { capacity: 2, active: 2 })],
    expected: { kind: 'assign', handle: 'ann', reason: 'reopened, but its previous assignee bob is at capacity (2/2); ann is the only free `billing` agent' },
  },
  {
    name: 'reopened, its previous assignee no longer has the type',
    request: { previousAssignee: 'bob' },
    candidates: [cand('ann', { active: 2 }), cand('bob', { skills: ['support'] })],
    expected: { kind: 'assign', handle: 'ann', reason: 'reopened, but its previous assignee bob no longer takes `billing` tickets; ann is the only free `billing` agent' },
  },
  {
    name: 'reopened, its previous assignee left the roster',
    request: { previousAssignee: 'gone' },
    candidates: [cand('ann', { active: 2 }), cand('bob', { active: 1 })],
    expected: { kind: 'assign', handle: 'bob', reason: 'reopened, but its previous assignee gone no longer takes `billing` tickets; bob has the fewest active tickets: 1' },
  },
  {
    name: 'reopened, its previous assignee busy: follows affinity decides, after saying why it did not go back',
    request: { previousAssignee: 'bob', followsAssignee: 'cal' },
    candidates: [cand('ann'), cand('bob', { busy: true }), cand('cal', { active: 3 })],
    expected: { kind: 'assign', handle: 'cal', reason: 'reopened, but its previous assignee bob is busy; cal handled the ticket it follows' },
  },
  {
    name: 'reopened, nobody free: held like any other ticket',
    request: { previousAssignee: 'bob' },
    candidates: [cand('bob', { busy: true })],
    expected: { kind: 'hold', reason: 'no `billing` agent is free: bob is busy' },
  },
  // --- hold reasons --------------------------------------------------------------------------
  {
    name: 'held: every skilled agent is named with why it cannot take it',
    candidates: [
      cand('ann', { busy: true, busyReason: 'dentist', busyUntil: min(90) }),
      cand('bob', { capacity: 3, active: 3 }),
      cand('cal', { busy: true }),
      cand('dan', { skills: ['support'] }),
    ],
    expected: {
      kind: 'hold',
      reason: 'no `billing` agent is free: ann is busy (dentist) until 10:30 UTC; bob is at capacity (3/3); cal is busy',
    },
  },
  {
    name: 'held: busy until a time without a reason',
    candidates: [cand('ann', { busy: true, busyUntil: min(30) })],
    expected: { kind: 'hold', reason: 'no `billing` agent is free: ann is busy until 09:30 UTC' },
  },
  {
    name: 'held: times are shown in the configured time zone',
    request: { timeZone: 'Europe/Paris' },
    candidates: [cand('ann', { busy: true, busyReason: 'lunch', busyUntil: min(180) })],
    expected: { kind: 'hold', reason: 'no `billing` agent is free: ann is busy (lunch) until 13:00 CET' },
  },
];

describe('route', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(route(req(c.request), c.candidates)).toEqual(c.expected);
  });

  it('does not depend on the order of the candidates', () => {
    const cs = [cand('ann', { active: 1, lastAssignedAt: min(-5) }), cand('bob', { active: 1, lastAssignedAt: min(-50) }), cand('cal', { active: 2 })];
    const orders = [cs, [...cs].reverse(), [cs[2]!, cs[0]!, cs[1]!]];
    for (const o of orders) expect(route(req(), o)).toMatchObject({ kind: 'assign', handle: 'bob' });
  });

  it('does not reorder or change the candidates it is given', () => {
    const cs = [cand('cal', { active: 2 }), cand('ann', { active: 1 })];
    const before = JSON.stringify(cs);
    route(req(), cs);
    expect(JSON.stringify(cs)).toBe(before);
  });
});

describe('isAvailable', () => {
  it.each<[string, Partial<Agent>, boolean]>([
    ['not busy', {}, true],
    ['busy with no end', { busy: true }, false],
    ['busy until later', { busy: true, busyUntil: min(1) }, false],
    ['busy until exactly now', { busy: true, busyUntil: NOW }, true],
    ['busy until earlier', { busy: true, busyUntil: min(-1) }, true],
    ['not busy, stale busyUntil', { busy: false, busyUntil: min(60) }, true],
  ])('%s → %s', (_n, a, expected) => {
    expect(isAvailable(makeAgent('ann', a), NOW)).toBe(expected);
  });
});

describe('unavailability', () => {
  it.each<[string, Candidate, string | null]>([
    ['free', cand('ann', { active: 1 }), null],
    ['busy', cand('ann', { busy: true }), 'ann is busy'],
    ['busy with reason', cand('ann', { busy: true, busyReason: 'in a meeting' }), 'ann is busy (in a meeting)'],
    ['busy until', cand('ann', { busy: true, busyUntil: min(45) }), 'ann is busy until 09:45 UTC'],
    ['full', cand('ann', { capacity: 4, active: 4 }), 'ann is at capacity (4/4)'],
    ['busy and full: busy is the reason', cand('ann', { busy: true, capacity: 1, active: 1 }), 'ann is busy'],
    [
      'did not acknowledge in time',
      cand('ann', { unresponsive: 'unacknowledged', unresponsiveReason: 'did not acknowledge T-2026-001 within 2m' }),
      'ann is unavailable: did not acknowledge T-2026-001 within 2m',
    ],
    ['heartbeat: heard from within the period', cand('ann', { heartbeatSec: 600, heartbeatSince: min(-60), lastHeardAt: min(-9) }), null],
    ['heartbeat: silent for a period since last heard', cand('ann', { heartbeatSec: 600, heartbeatSince: min(-60), lastHeardAt: min(-10) }), 'ann is unavailable: silent since 08:50 UTC'],
    ['heartbeat: never heard, the clock starts when it was set', cand('ann', { heartbeatSec: 600, heartbeatSince: min(-18) }), 'ann is unavailable: silent since 08:42 UTC'],
    ['heartbeat: set after it was last heard from', cand('ann', { heartbeatSec: 600, heartbeatSince: min(-5), lastHeardAt: min(-50) }), null],
  ])('%s', (_n, c, expected) => {
    expect(unavailability(c, NOW)).toBe(expected);
  });
});

describe('acknowledgement and heartbeat', () => {
  it('an unresponsive agent is skipped by routing, and the hold names why', () => {
    const d = route(req(), [cand('ann', { unresponsive: 'silent', unresponsiveReason: 'silent since 08:10 UTC' })]);
    expect(d).toEqual({ kind: 'hold', reason: 'no `billing` agent is free: ann is unavailable: silent since 08:10 UTC' });
    expect(route(req(), [cand('ann', { unresponsive: 'silent', unresponsiveReason: 'x' }), cand('bob', { active: 3 })])).toMatchObject({ kind: 'assign', handle: 'bob' });
  });

  it('silent after one period, gone after two', () => {
    const a = makeAgent('ann', { heartbeatSec: 60, heartbeatSince: min(-1) });
    expect([isSilent(a, NOW), isGone(a, NOW), isAvailable(a, NOW)]).toEqual([true, false, false]);
    expect(isGone(a, min(1))).toBe(true);
    markHeard(a, NOW);
    expect([isSilent(a, NOW), isAvailable(a, NOW), silentSince(a)]).toEqual([false, true, NOW]);
  });

  it('an admin making it available restarts the silence clock; clearing the heartbeat ends a silent spell', () => {
    const a = makeAgent('ann', { heartbeatSec: 60, heartbeatSince: min(-10), unresponsive: 'silent', unresponsiveReason: 'silent since 08:50 UTC' });
    makeResponsive(a, NOW);
    expect([a.unresponsive, a.heartbeatSince, isAvailable(a, NOW)]).toEqual([null, NOW, true]);
    const b = makeAgent('bob', { heartbeatSec: 60, heartbeatSince: min(-10), unresponsive: 'silent', unresponsiveReason: 'x' });
    setHeartbeat(b, null, NOW);
    expect([b.unresponsive, b.heartbeatSec, isAvailable(b, NOW)]).toEqual([null, null, true]);
    expect(ackReason('T-2026-007', 120)).toBe('did not acknowledge T-2026-007 within 2m');
    expect(silentReason(min(-20), 'Europe/Paris')).toBe('silent since 09:40 CET');
  });
});

describe('compareLoad', () => {
  it('sorts by active, then the oldest last assignment (never first), then handle', () => {
    const cs = [
      cand('e', { active: 2 }),
      cand('d', { active: 1, lastAssignedAt: min(-1) }),
      cand('c', { active: 1, lastAssignedAt: min(-10) }),
      cand('b', { active: 1 }),
      cand('a', { active: 1 }),
    ];
    expect([...cs].sort(compareLoad).map((c) => c.agent.handle)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});

describe('compareLoad as a sort order', () => {
  it('puts the earlier handle first and the later one after, on a full tie', () => {
    expect(Math.sign(compareLoad(cand('ann'), cand('bob')))).toBe(-1);
    expect(Math.sign(compareLoad(cand('bob'), cand('ann')))).toBe(1);
  });

  it('puts the longer since its last assignment first, and the more recent after', () => {
    const old = cand('zed', { lastAssignedAt: min(-60) });
    const recent = cand('ann', { lastAssignedAt: min(-1) });
    expect(Math.sign(compareLoad(old, recent))).toBe(-1);
    expect(Math.sign(compareLoad(recent, old))).toBe(1);
  });
});

describe('marking an agent unresponsive and responsive', () => {
  it('an agent marked unresponsive gets no work, and says why and since when', () => {
    const a = makeAgent('ann');
    markUnresponsive(a, 'unacknowledged', 'did not acknowledge T-2026-001 within 2m', NOW);
    expect([a.unresponsive, a.unresponsiveReason, a.unresponsiveSince]).toEqual(['unacknowledged', 'did not acknowledge T-2026-001 within 2m', NOW]);
    expect(isAvailable(a, NOW)).toBe(false);
    expect(unavailability({ agent: a, active: 0, ownsCustomer: false }, NOW)).toBe('ann is unavailable: did not acknowledge T-2026-001 within 2m');
    expect(route(req(), [{ agent: a, active: 0, ownsCustomer: false }])).toEqual({ kind: 'hold', reason: 'no `billing` agent is free: ann is unavailable: did not acknowledge T-2026-001 within 2m' });
  });

  it('the silence reason gives the time in UTC unless told another zone', () => {
    expect(silentReason(min(-20))).toBe('silent since 08:40 UTC');
  });

  it('an admin making available an agent without a heartbeat leaves it without a silence clock', () => {
    const a = makeAgent('ann', { unresponsive: 'unacknowledged', unresponsiveReason: 'did not acknowledge T-2026-001 within 2m' });
    makeResponsive(a, NOW);
    expect([a.unresponsive, a.unresponsiveReason, a.heartbeatSince, isAvailable(a, min(10_000))]).toEqual([null, null, null, true]);
  });
});

describe('`ack:` setting', () => {
  it('set: assignments already waiting are timed from now; cleared: no timing', () => {
    const a = makeAgent('ann');
    setAck(a, 120, NOW);
    expect([a.ackAfterSec, a.ackSince]).toEqual([120, NOW]);
    setAck(a, null, min(5));
    expect([a.ackAfterSec, a.ackSince]).toEqual([null, null]);
  });
});

describe('`heartbeat:` setting', () => {
  it('set: its clock starts now, however long ago the agent was last heard from', () => {
    const a = makeAgent('ann', { lastHeardAt: min(-600) });
    setHeartbeat(a, 600, NOW);
    expect(silentSince(a)).toEqual(NOW);
    expect([isSilent(a, min(9)), isSilent(a, min(10))]).toEqual([false, true]);
    expect(unavailability({ agent: a, active: 0, ownsCustomer: false }, min(10))).toBe('ann is unavailable: silent since 09:00 UTC');
  });

  it('set on an agent that did not acknowledge: it stays unavailable for that', () => {
    const a = makeAgent('ann', { unresponsive: 'unacknowledged', unresponsiveReason: 'did not acknowledge T-2026-001 within 2m' });
    setHeartbeat(a, 600, NOW);
    expect([a.unresponsive, isAvailable(a, NOW)]).toEqual(['unacknowledged', false]);
  });

  it('set again on a silent agent: it stays silent until heard from', () => {
    const a = makeAgent('ann', { heartbeatSec: 60, heartbeatSince: min(-10), unresponsive: 'silent', unresponsiveReason: 'silent since 08:51 UTC' });
    setHeartbeat(a, 600, NOW);
    expect([a.unresponsive, isAvailable(a, NOW)]).toEqual(['silent', false]);
  });

  it('cleared on an agent that did not acknowledge: it stays unavailable for that', () => {
    const a = makeAgent('ann', { heartbeatSec: 60, heartbeatSince: min(-10), unresponsive: 'unacknowledged', unresponsiveReason: 'did not acknowledge T-2026-001 within 2m' });
    setHeartbeat(a, null, NOW);
    expect([a.unresponsive, a.unresponsiveReason, isAvailable(a, NOW)]).toEqual(['unacknowledged', 'did not acknowledge T-2026-001 within 2m', false]);
  });

  it('without a heartbeat an agent is never silent nor gone, however long since it was heard from', () => {
    const a = makeAgent('ann', { lastHeardAt: min(-6000) });
    expect([silentSince(a), isSilent(a, NOW), isGone(a, NOW), isAvailable(a, NOW)]).toEqual([null, false, false, true]);
  });

  it('a cleared heartbeat leaves no silence clock behind, even when an old start is still recorded', () => {
    const a = makeAgent('ann', { heartbeatSec: null, heartbeatSince: min(-600) });
    expect([silentSince(a), isSilent(a, NOW), isGone(a, NOW), isAvailable(a, NOW)]).toEqual([null, false, false, true]);
  });

  it('a heartbeat whose clock was never started does not count the time since it was last heard from', () => {
    const a = makeAgent('ann', { heartbeatSec: 60, heartbeatSince: null, lastHeardAt: min(-600) });
    expect([silentSince(a), isSilent(a, NOW), isAvailable(a, NOW)]).toEqual([null, false, true]);
  });
});

describe('preference', () => {
  it('ranks the free agents with the type, not excluded, fewest active first, as decide would choose them', () => {
    const cs = [
      cand('busy', { busy: true, busyReason: 'lunch' }),
      cand('full', { capacity: 2, active: 2 }),
      cand('other', { skills: ['refunds'] }),
      cand('declined'),
      cand('two', { active: 2 }),
      cand('recent', { active: 1, lastAssignedAt: min(-1) }),
      cand('older', { active: 1, lastAssignedAt: min(-30) }),
      cand('zero', { active: 0, lastAssignedAt: min(-1) }),
    ];
    const r = req({ excluded: ['declined'], declined: ['declined'] });
    const ranked = preference(r, cs).map((c) => c.agent.handle);
    expect(ranked).toEqual(['zero', 'older', 'recent', 'two']);
    expect(route(r, cs)).toEqual({ kind: 'assign', handle: ranked[0], reason: 'zero has the fewest active tickets: 0' });
  });

  it('is empty when nobody with the type is free (routing holds the ticket)', () => {
    const cs = [cand('busy', { busy: true }), cand('full', { capacity: 1, active: 1 }), cand('other', { skills: ['refunds'] })];
    expect(preference(req(), cs)).toEqual([]);
    expect(route(req(), cs).kind).toBe('hold');
  });

  it('leaves out an agent outside its working hours or silent past its heartbeat', () => {
    const cs = [
      cand('closed', { hours: 'Mon-Fri 13:00-17:00', timeZone: 'UTC' }),
      cand('silent', { heartbeatSec: 60, heartbeatSince: min(-5) }),
      cand('open', { active: 3 }),
    ];
    expect(preference(req(), cs).map((c) => c.agent.handle)).toEqual(['open']);
  });
});
