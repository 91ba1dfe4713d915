// Per-token limits of the API and MCP: a runaway agent is slowed down, everyone else is not. Slack users are
// never limited by it.
import type { Deps } from './context.js';
import { takeCall } from '../storage/rateLimits.js';

export class RateLimited extends Error {
  constructor(
    readonly handle: string,
    readonly retryAfterSec: number,
  ) {
    super(`Too many calls with ${handle}'s token; retry after ${retryAfterSec} s.`);
    this.name = 'RateLimited';
  }
}

/** Spends one call of the agent's budget; throws RateLimited (with the seconds to wait) when it is spent. */
export async function spendCall(deps: Deps, handle: string, via: 'api' | 'mcp' = 'api'): Promise<void> {
  const limit = deps.apiRateLimit;
  if (!limit) return;
  const wait = await takeCall(deps.database.db, handle, deps.clock.now(), limit);
  if (wait > 0) {
    deps.observe?.([{ kind: 'rate_limited', via }]);
    const e = new RateLimited(handle, wait);
    e.message = `Too many calls with ${handle}'s token (at most ${rate(limit.perSecond)} with a burst of ${limit.burst}); retry after ${wait} s.`;
    throw e;
  }
}

const rate = (perSecond: number) => (perSecond >= 1 ? `${+perSecond.toFixed(2)}/s` : `${+(perSecond * 60).toFixed(2)}/min`);
