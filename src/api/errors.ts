// Every refusal of the API as {"error":{code,message,field}} with its HTTP status. Domain errors are mapped here,
// in one place; anything else is a 503 when the database is down, else a 500 without details.
import type { Deps } from '../app/context.js';
import { RateLimited } from '../app/rateLimit.js';
import { isDomainError, type ErrorCode } from '../core/errors.js';
import type { Logger } from '../logger.js';

export interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    /** Seconds to wait before trying again (429: sent as `Retry-After`). */
    readonly retryAfterSec?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get body(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.field ? { field: this.field } : {}) } };
  }
}

const STATUS: Record<ErrorCode, number> = {
  invalid_input: 422,
  unknown_agent: 404,
  unknown_ticket: 404,
  not_allowed: 403,
  invalid_state: 409,
  agent_unavailable: 409,
  agent_exists: 409,
  conflict: 409,
};

export async function fromError(e: unknown, deps: Deps, logger: Logger): Promise<ApiError> {
  if (e instanceof ApiError) return e;
  if (e instanceof RateLimited) return new ApiError(429, 'rate_limited', e.message, undefined, e.retryAfterSec);
  if (isDomainError(e)) return new ApiError(STATUS[e.code] ?? 422, e.code, e.message, e.field);
  const up = await deps.database.ping().catch(() => false);
  logger.error({ err: e instanceof Error ? (e.stack ?? e.message) : String(e), database: up ? 'up' : 'down' }, 'api request failed');
  if (!up) return new ApiError(503, 'unavailable', 'The database is unavailable; nothing was done. Try again shortly.');
  return new ApiError(500, 'internal', 'Baton could not do this; nothing was done. Try again, and tell an admin if it keeps failing.');
}
