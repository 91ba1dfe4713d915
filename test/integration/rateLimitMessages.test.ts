// What a rate-limited caller is told and what is counted: the error (its name, the limit in words, the wait),
// the metric noted with the way the call came in, and that an allowed call does not throw at all.
import { describe, expect, it } from 'vitest';
import { RateLimited, spendCall } from '../../src/app/rateLimit.js';
import { DB_KINDS } from '../support/db.js';
import { makeDeps, useCaseBed } from '../support/deps.js';

async function refusal(p: Promise<void>): Promise<RateLimited> {
  try {
    await p;
  } catch (e) {
    if (e instanceof RateLimited) return e;
    throw e;
  }
  throw new Error('the call was not limited');
}

describe.each(DB_KINDS)('what a rate-limited call is told, on %s', (kind) => {
  let deps: ReturnType<typeof makeDeps>;
  useCaseBed(kind, { per: 'block' }, (bed) => ({ deps } = bed));

  it('when a call is within the budget, then it resolves without an error and notes nothing', async () => {
    const seen: unknown[] = [];
    const limited = { ...deps, apiRateLimit: { perSecond: 2, burst: 2 }, observe: (e: unknown[]) => void seen.push(...e) };
    await expect(spendCall(limited, 'msg0')).resolves.toBeUndefined();
    await expect(spendCall(limited, 'msg0')).resolves.toBeUndefined();
    expect(seen).toEqual([]);
  });

  it('when a fast budget is spent, then the error names the token, the rate per second, the burst and the wait, and the API call is counted', async () => {
    const seen: unknown[] = [];
    const limited = { ...deps, apiRateLimit: { perSecond: 2.5, burst: 1 }, observe: (e: unknown[]) => void seen.push(...e) };
    await spendCall(limited, 'msg1');
    const e = await refusal(spendCall(limited, 'msg1'));
    expect(e.name).toBe('RateLimited');
    expect(e.handle).toBe('msg1');
    expect(e.retryAfterSec).toBe(1);
    expect(e.message).toBe("Too many calls with msg1's token (at most 2.5/s with a burst of 1); retry after 1 s.");
    expect(seen).toEqual([{ kind: 'rate_limited', via: 'api' }]);
  });

  it('when a rate of exactly one a second is spent, then it reads per second', async () => {
    const limited = { ...deps, apiRateLimit: { perSecond: 1, burst: 1 } };
    await spendCall(limited, 'msg2');
    expect((await refusal(spendCall(limited, 'msg2'))).message).toBe("Too many calls with msg2's token (at most 1/s with a burst of 1); retry after 1 s.");
  });

  it('when a slow budget is spent over MCP, then the rate reads per minute and the MCP call is counted', async () => {
    const seen: unknown[] = [];
    const limited = { ...deps, apiRateLimit: { perSecond: 0.05, burst: 2 }, observe: (e: unknown[]) => void seen.push(...e) };
    await spendCall(limited, 'msg3', 'mcp');
    await spendCall(limited, 'msg3', 'mcp');
    const e = await refusal(spendCall(limited, 'msg3', 'mcp'));
    expect(e.message).toBe("Too many calls with msg3's token (at most 3/min with a burst of 2); retry after 20 s.");
    expect(seen).toEqual([{ kind: 'rate_limited', via: 'mcp' }]);
  });

  it('when RateLimited is made directly, then its default message says the handle and the wait', () => {
    const e = new RateLimited('msg4', 7);
    expect(e.message).toBe("Too many calls with msg4's token; retry after 7 s.");
    expect(e.name).toBe('RateLimited');
  });
});
