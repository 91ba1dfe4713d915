// The channel pacer and the retry backoff: time is passed in, so each case is a script of calls at
// given milliseconds and the waits they must answer.
import { describe, expect, it } from 'vitest';
import { backoffMs } from '../../src/delivery/options.js';
import { ChannelPacer } from '../../src/delivery/pacer.js';

type Step =
  /** take(channel, at) must answer `wait` ms (0: go now, the slot is reserved). */
  | { take: string; at: number; wait: number }
  | { answered: string; start: number; end: number }
  | { refund: string }
  | { block: string; until: number };

interface Case {
  name: string;
  perSecond: number;
  burst: number;
  steps: Step[];
}

const take = (at: number, wait: number, channel = 'C1'): Step => ({ take: channel, at, wait });

const cases: Case[] = [
  {
    name: 'a burst goes at once, then one post per interval',
    perSecond: 1,
    burst: 3,
    steps: [take(0, 0), take(0, 0), take(0, 0), take(0, 1000), take(999, 1), take(1000, 0), take(1000, 1000)],
  },
  {
    name: 'channels are paced independently',
    perSecond: 1,
    burst: 3,
    steps: [take(0, 0), take(0, 0), take(0, 0), take(0, 1000), take(0, 0, 'C2'), take(0, 0, 'C2'), take(0, 1000)],
  },
  {
    name: 'a refused take reserves nothing: asking again and again does not push the turn back',
    perSecond: 1,
    burst: 1,
    steps: [take(0, 0), take(0, 1000), take(500, 500), take(900, 100), take(1000, 0)],
  },
  {
    name: 'an idle channel refills its burst, and no more',
    perSecond: 1,
    burst: 3,
    steps: [take(0, 0), take(0, 0), take(0, 0), take(10_000, 0), take(10_000, 0), take(10_000, 0), take(10_000, 1000)],
  },
  {
    name: 'a slow answer counts the post as late as the answer came',
    perSecond: 1,
    burst: 3,
    steps: [take(0, 0), { answered: 'C1', start: 0, end: 500 }, take(0, 0), take(0, 500), take(500, 0), take(500, 1000)],
  },
  {
    name: 'an answer that came back at once changes nothing',
    perSecond: 1,
    burst: 3,
    steps: [take(0, 0), { answered: 'C1', start: 0, end: 0 }, take(0, 0), take(0, 0), take(0, 1000)],
  },
  {
    name: 'a post that never reached the limiter gives its slot back',
    perSecond: 1,
    burst: 3,
    steps: [take(0, 0), take(0, 0), take(0, 0), { refund: 'C1' }, take(0, 0), take(0, 1000)],
  },
  {
    name: 'after a 429 nothing goes before Retry-After ends, then one post, then the steady rate',
    perSecond: 1,
    burst: 3,
    steps: [take(0, 0), { block: 'C1', until: 5000 }, take(0, 5000), take(4999, 1), take(5000, 0), take(5000, 1000), take(6000, 0), take(6000, 1000)],
  },
  {
    name: 'a 429 blocks only its channel',
    perSecond: 1,
    burst: 3,
    steps: [{ block: 'C1', until: 5000 }, take(0, 5000), take(0, 0, 'C2')],
  },
  {
    name: 'an earlier Retry-After does not shorten a later one',
    perSecond: 1,
    burst: 3,
    steps: [{ block: 'C1', until: 5000 }, { block: 'C1', until: 2000 }, take(2000, 3000)],
  },
  {
    name: 'a burst below one is a burst of one',
    perSecond: 2,
    burst: 0,
    steps: [take(0, 0), take(0, 500), take(499, 1), take(500, 0)],
  },
  {
    name: 'waits round up to whole milliseconds',
    perSecond: 3,
    burst: 1,
    steps: [take(0, 0), take(0, 334), take(333, 1), take(334, 0)],
  },
];

describe('channel pacer', () => {
  it.each(cases)('$name', ({ perSecond, burst, steps }) => {
    const pacer = new ChannelPacer(perSecond, burst);
    const seen: string[] = [];
    const expected: string[] = [];
    for (const s of steps) {
      if ('take' in s) {
        seen.push(`${s.take}@${s.at}: ${pacer.take(s.take, s.at)}`);
        expected.push(`${s.take}@${s.at}: ${s.wait}`);
      } else if ('answered' in s) pacer.answered(s.answered, s.start, s.end);
      else if ('refund' in s) pacer.refund(s.refund);
      else pacer.block(s.block, s.until);
    }
    expect(seen).toEqual(expected);
  });
});

describe('retry backoff', () => {
  it.each([
    { attempts: 0, base: 500, max: 60_000, jitter: 0.5, ms: 500 },
    { attempts: 1, base: 500, max: 60_000, jitter: 0.5, ms: 1000 },
    { attempts: 3, base: 50, max: 60_000, jitter: 0.5, ms: 400 },
    { attempts: 3, base: 50, max: 60_000, jitter: 0, ms: 300 },
    { attempts: 3, base: 50, max: 60_000, jitter: 1, ms: 500 },
    { attempts: 7, base: 500, max: 60_000, jitter: 0.5, ms: 60_000 },
    { attempts: 7, base: 100, max: 60_000, jitter: 0.5, ms: 12_800 },
    { attempts: 40, base: 100, max: 60_000, jitter: 0.5, ms: 12_800 },
    { attempts: 40, base: 100, max: 5_000, jitter: 0, ms: 3_750 },
  ])('attempt $attempts, base $base ms, at most $max ms, jitter $jitter: $ms ms', ({ attempts, base, max, jitter, ms }) => {
    expect(backoffMs(attempts, base, max, jitter)).toBeCloseTo(ms, 6);
  });
});
