// What a limited call is told and what is counted: the error names the token's agent, the limit and the wait;
// /metrics hears of each refusal with the door it came through (API or MCP), and of nothing else.
import { describe, expect, it } from 'vitest';
import { RateLimited, spendCall } from '../../src/app/rateLimit.js';
import type { Happening } from '../../src/app/context.js';
import { DB_KINDS } from '../support/db.js';
import { makeDeps, type ManualClock, useCaseBed } from '../support/deps.js';

describe.each(DB_KINDS)('a limited call on %s', (kind) => {
  let clock: ManualClock;
  let deps: ReturnType<typeof makeDeps>;
  useCaseBed(kind, { per: 'test' }, (bed) => ({ clock, deps } = bed));

  const refusal = async (p: Promise<void>): Promise<RateLimited> => {
    const e = await p.then(
      () => null,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(RateLimited);
    return e as RateLimited;
  };

  it('is refused with the agent, the limit (per second) and the wait, and counted once with its door', async () => {
    const seen: Happening[] = [];
    const limited = { ...deps, apiRateLimit: { perSecond: 2, burst: 1 }, observe: (h: Happening[]) => seen.push(...h) };
    await spendCall(limited, 'iris', 'mcp');
    expect(seen).toEqual([]);
    const e = await refusal(spendCall(limited, 'iris', 'mcp'));
    expect(e.name).toBe('RateLimited');
    expect(e.handle).toBe('iris');
    expect(e.retryAfterSec).toBe(1);
    expect(e.message).toBe("Too many calls with iris's token (at most 2/s with a burst of 1); retry after 1 s.");
    expect(seen).toEqual([{ kind: 'rate_limited', via: 'mcp' }]);
    // Without a door named, the call came through the API.
    await refusal(spendCall(limited, 'iris'));
    expect(seen).toEqual([
      { kind: 'rate_limited', via: 'mcp' },
      { kind: 'rate_limited', via: 'api' },
    ]);
  });

  it('states slow limits per minute and fractional ones as they are', async () => {
    const slow = { ...deps, apiRateLimit: { perSecond: 0.5, burst: 2 } };
    await spendCall(slow, 'otto');
    await spendCall(slow, 'otto');
    expect((await refusal(spendCall(slow, 'otto'))).message).toBe("Too many calls with otto's token (at most 30/min with a burst of 2); retry after 2 s.");
    const exact = { ...deps, apiRateLimit: { perSecond: 1, burst: 1 } };
    await spendCall(exact, 'mira');
    expect((await refusal(spendCall(exact, 'mira'))).message).toBe("Too many calls with mira's token (at most 1/s with a burst of 1); retry after 1 s.");
    const odd = { ...deps, apiRateLimit: { perSecond: 2.5, burst: 1 } };
    await spendCall(odd, 'lena');
    expect((await refusal(spendCall(odd, 'lena'))).message).toBe("Too many calls with lena's token (at most 2.5/s with a burst of 1); retry after 1 s.");
    clock.advance(1_000);
    await spendCall(odd, 'lena');
  });
});
