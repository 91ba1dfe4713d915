// The shapes the fake Slack Web API records, answers and is configured with.

/** Recorded arguments and Slack payloads are free-form JSON; `any` keeps test code readable. */
export type Json = any;

export interface FakeSlackOptions {
  /** `user_id` of the bot (auth.test, author of posted messages). Default `UBATON`. */
  botUserId?: string;
  /** `bot_id` of the bot. Default `BBATON`. */
  botId?: string;
  /** Display name of the bot in transcripts and auth.test `user`. Default `baton`. */
  botName?: string;
  /** Workspace id. Default `T0TEAM`. */
  teamId?: string;
  /** Workspace name (auth.test `team`). Default `Test`. */
  teamName?: string;
  /** App id put on posted messages. Default `A0BATON`. */
  appId?: string;
  /** Integer seconds of the first generated message `ts`. Default `1700000000`. */
  tsBase?: number;
  /** Channels known from the start: id → name (without `#`). */
  channels?: Record<string, string>;
  /** Users known from the start (users.info): id → name, or partial user objects. */
  users?: Record<string, string | Json>;
  /** Port to listen on (127.0.0.1). Default 0 = a free random port. */
  port?: number;
  /** Log one line per API call: `true` → console.log, or your own sink. */
  log?: boolean | ((line: string) => void);
}

/** One request received on `/api/<method>`. */
export interface FakeSlackCall {
  method: string;
  /** Decoded arguments: JSON-valued form fields (`blocks`, `view`, …) are objects again. */
  args: Record<string, Json>;
  /** `Date.now()` when the request arrived. */
  at: number;
  /** Bearer token from the Authorization header (or the `token` argument). */
  token?: string;
  /** HTTP status answered; `0` when the socket was destroyed; undefined while in flight. */
  status?: number;
  /** `ok` of the answer (false for every injected failure). */
  ok?: boolean;
  /** Slack error code answered (`ratelimited`, `channel_not_found`, `http_500`, …). */
  error?: string;
  /** The JSON body answered. */
  response?: Json;
  /** `Date.now()` when the answer was sent (or the socket destroyed); undefined while in flight. */
  answeredAt?: number;
}

/**
 * An injected failure. Fields combine in this order: wait `delayMs`, then `destroy` the
 * socket, or answer HTTP `status` (429 carries `Retry-After: retryAfter`, default 1), or answer
 * HTTP 200 `{ ok: false, error }`. With only `delayMs` the call is then answered normally.
 */
export interface FailureSpec {
  status?: number;
  retryAfter?: number;
  error?: string;
  delayMs?: number;
  destroy?: boolean;
}

export interface RateLimitSpec {
  /** Sustained chat.postMessage calls per second per channel. */
  perSecond: number;
  /** Calls allowed at once before the limit applies. Default 1. */
  burst?: number;
}

/** A message as the fake keeps it (posted by the app, or added by a simulator). */
export interface FakeMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text: string;
  blocks?: Json[];
  attachments?: Json[];
  /** Author user id (the bot's user id for API posts). */
  user?: string;
  bot_id?: string;
  /** Only this user sees it (chat.postEphemeral, ephemeral command answers). */
  ephemeralTo?: string;
  /** How it got here. */
  source: 'api' | 'user' | 'command' | 'ack' | 'response_url';
  edited?: boolean;
}

/** A POST received on a URL handed out by `FakeSlack.responseUrl`. */
export interface FakeResponse {
  url: string;
  body: Json;
  at: number;
  channel?: string;
  user?: string;
}

/** Custom answer for a method; return the response body (`ok` defaults to true). */
export type MethodHandler = (args: Record<string, Json>, call: FakeSlackCall) => Json;
