// The fake Slack Web API server: a plain `node:http` server on 127.0.0.1 (see ./index.ts for what it
// understands), its public API for tests and the demo, and the routing of each request.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Faults } from './faults.js';
import { ResponseUrls } from './responseUrls.js';
import { chatMethods } from './methods/chat.js';
import { conversationMethods } from './methods/conversations.js';
import { identityMethods } from './methods/identity.js';
import { viewMethods } from './methods/views.js';
import { Workspace } from './store.js';
import { transcript } from './transcript.js';
import type { FailureSpec, FakeMessage, FakeResponse, FakeSlackCall, FakeSlackOptions, Json, MethodHandler, RateLimitSpec } from './types.js';
import { formatCall, parseArgs, readBody, sendJson } from './wire.js';

/** Start a fake Slack Web API on 127.0.0.1. Always `close()` it. */
export async function startFakeSlack(opts: FakeSlackOptions = {}): Promise<FakeSlack> {
  const fake = new FakeSlack(opts);
  await fake.listen(opts.port ?? 0);
  return fake;
}

export class FakeSlack {
  readonly botUserId: string;
  readonly botId: string;
  readonly botName: string;
  readonly teamId: string;
  readonly teamName: string;
  readonly appId: string;

  /** Every API call, in arrival order (failed ones included). */
  readonly calls: FakeSlackCall[] = [];
  /** Every POST to a response URL, in arrival order. */
  readonly responses: FakeResponse[];
  /** Number of HTTP 429 answers sent (injected or from {@link rateLimit}). */
  rateLimited = 0;

  private server: Server | undefined;
  private base = '';
  private closed = false;
  private readonly faults = new Faults();
  private readonly ws: Workspace;
  private readonly handlers: Map<string, MethodHandler>;
  private readonly responseUrls: ResponseUrls;
  private readonly logLine: ((line: string) => void) | undefined;

  constructor(opts: FakeSlackOptions = {}) {
    this.botUserId = opts.botUserId ?? 'UBATON';
    this.botId = opts.botId ?? 'BBATON';
    this.botName = opts.botName ?? 'baton';
    this.teamId = opts.teamId ?? 'T0TEAM';
    this.teamName = opts.teamName ?? 'Test';
    this.appId = opts.appId ?? 'A0BATON';
    this.ws = new Workspace(this, opts.tsBase ?? 1_700_000_000);
    this.responseUrls = new ResponseUrls(this.ws, this.faults, {
      isClosed: () => this.closed,
      countRateLimited: () => void (this.rateLimited += 1),
    });
    this.responses = this.responseUrls.received;
    for (const [id, name] of Object.entries(opts.channels ?? {})) this.addChannel(id, name);
    for (const [id, user] of Object.entries(opts.users ?? {})) {
      this.addUser(id, typeof user === 'string' ? { name: user } : user);
    }
    this.logLine = opts.log === true ? (line) => console.log(line) : opts.log || undefined;
    this.handlers = new Map(
      Object.entries({ ...identityMethods(this.ws), ...chatMethods(this.ws), ...conversationMethods(this.ws), ...viewMethods(this.ws) }),
    );
  }

  /** Base URL to give WebClient / Bolt as `slackApiUrl`: `http://127.0.0.1:PORT/api/`. */
  get url(): string {
    return `${this.base}/api/`;
  }

  /** The server's own origin: `http://127.0.0.1:PORT`. */
  get origin(): string {
    return this.base;
  }

  /** @internal used by {@link startFakeSlack}. */
  async listen(port: number): Promise<void> {
    const server = createServer((req, res) => {
      this.route(req, res).catch((err: unknown) => {
        if (!res.headersSent && !res.destroyed) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ ok: false, error: `fake_slack_crash: ${String(err)}` }));
        }
      });
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port: actual } = server.address() as AddressInfo;
    this.base = `http://127.0.0.1:${actual}`;
  }

  /** Stop the server, dropping open connections and pending delayed answers. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.faults.wakeAll();
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  // ------------------------------------------------------------------ failure injection

  /**
   * Make the next `times` calls of `method` fail as `spec` says (`times` may be Infinity).
   * `method` may be `'*'` for any API method, or `'response_url'` for response URL posts.
   * Several `fail()` on one method queue up in order.
   */
  fail(method: string, spec: FailureSpec, times = 1): this {
    this.faults.fail(method, spec, times);
    return this;
  }

  /** Forget every injected failure (not the rate limit, not down()). */
  clearFailures(): this {
    this.faults.clearFailures();
    return this;
  }

  /** From now on every call (API and response URLs) answers HTTP 503. */
  down(): this {
    this.faults.isDown = true;
    return this;
  }

  /** Undo {@link down}. */
  up(): this {
    this.faults.isDown = false;
    return this;
  }

  /**
   * Per-channel token bucket on chat.postMessage: `burst` posts at once, then `perSecond`;
   * excess posts get HTTP 429 with `Retry-After` (whole seconds, at least 1).
   * `rateLimit(undefined)` removes it.
   */
  rateLimit(spec: RateLimitSpec | undefined): this {
    this.faults.rateLimit(spec);
    return this;
  }

  /** Answer `method` with your own handler (takes precedence over the built-in one). */
  on(method: string, handler: MethodHandler): this {
    this.handlers.set(method, handler);
    return this;
  }

  // ------------------------------------------------------------------ response URLs

  /**
   * A fresh response URL on this server (`http://127.0.0.1:PORT/response/<n>`). POSTs to it
   * are recorded in {@link responses}; with a `channel`/`user` context, their text also shows
   * in the transcript (in the channel for `response_type: 'in_channel'`, else ephemeral).
   */
  responseUrl(context: { channel?: string; user?: string } = {}): string {
    return this.responseUrls.create(this.base, context);
  }

  // ------------------------------------------------------------------ queries

  /** Successful chat.postMessage calls, optionally only those into `channel`. */
  posts(channel?: string): FakeSlackCall[] {
    return this.calls.filter(
      (c) =>
        c.method === 'chat.postMessage' &&
        c.ok === true &&
        (channel === undefined || c.args.channel === channel || c.response?.channel === channel),
    );
  }

  /**
   * Calls of `method` carrying the same message (channel, thread, text and blocks) that were in flight
   * at the same time: each pair, in arrival order. A call still unanswered counts as in flight until now.
   */
  concurrentSameSends(method = 'chat.postMessage'): Array<[FakeSlackCall, FakeSlackCall]> {
    const byMessage = new Map<string, FakeSlackCall[]>();
    for (const c of this.calls.filter((x) => x.method === method)) {
      const k = JSON.stringify([c.args.channel, c.args.thread_ts ?? null, c.args.ts ?? null, c.args.text ?? null, c.args.blocks ?? null]);
      byMessage.set(k, [...(byMessage.get(k) ?? []), c]);
    }
    const pairs: Array<[FakeSlackCall, FakeSlackCall]> = [];
    const now = Date.now();
    for (const list of byMessage.values()) {
      for (let i = 0; i < list.length; i++) {
        for (let j = i + 1; j < list.length; j++) {
          if (list[j]!.at < (list[i]!.answeredAt ?? now)) pairs.push([list[i]!, list[j]!]);
        }
      }
    }
    return pairs;
  }

  /** Every call to `method` (failed attempts included). */
  callsTo(method: string): FakeSlackCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Messages the fake holds (posted, updated, added), in ts order; optionally one channel. */
  messages(channel?: string): FakeMessage[] {
    return this.ws.messages(channel);
  }

  /** The message at `ts` in `channel`, if known. */
  message(channel: string, ts: string): FakeMessage | undefined {
    return this.ws.message(channel, ts);
  }

  /** The replies of the thread rooted at `threadTs` in `channel`. */
  replies(channel: string, threadTs: string): FakeMessage[] {
    return this.ws.replies(channel, threadTs);
  }

  /** The most recent view opened/pushed/updated with this `callback_id` (with its `id`). */
  findView(callbackId: string): Json | undefined {
    return this.ws.findView(callbackId);
  }

  /** The Home view last published for `user` (with its `id`), as views.publish left it. */
  homeOf(user: string): (Json & { id: string; blocks?: unknown[] }) | undefined {
    return this.ws.homeOf(user) as (Json & { id: string; blocks?: unknown[] }) | undefined;
  }

  /** Name (without `#`) of a channel the fake knows, else undefined. */
  channelName(id: string): string | undefined {
    return this.ws.channelNames.get(id);
  }

  /** Register a channel name (for transcripts and conversations.info). */
  addChannel(id: string, name: string): this {
    this.ws.addChannel(id, name);
    return this;
  }

  /** Register a user for users.info (and nicer transcripts). */
  addUser(id: string, user: Json = {}): this {
    this.ws.addUser(id, user);
    return this;
  }

  /**
   * Put a message into a channel's history without an API call — used by the request
   * simulator for user messages, slash commands and their answers. Assigns a `ts` if absent.
   */
  addMessage(msg: Omit<FakeMessage, 'ts' | 'source' | 'text'> & Partial<FakeMessage>): FakeMessage {
    return this.ws.addMessage(msg);
  }

  /** A new unique message ts, strictly greater than every earlier one (`1700000000.000100`). */
  nextTs(): string {
    return this.ws.nextTs();
  }

  /**
   * Poll `fn` every 20 ms until it returns something other than undefined/null/false, and
   * return that. Exceptions thrown by `fn` count as "not yet" (so `expect` works inside).
   * On timeout, throws an error naming `label` with the last error and the recent calls.
   */
  async waitFor<T>(fn: () => T | undefined | null | false, timeoutMs = 5000, label?: string): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    for (;;) {
      try {
        const value = fn();
        if (value !== undefined && value !== null && value !== false) return value;
        lastError = undefined;
      } catch (err) {
        lastError = err;
      }
      if (Date.now() >= deadline) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const what = label ?? fn.toString().replace(/\s+/g, ' ').slice(0, 120);
    const why = lastError instanceof Error ? `\nLast error: ${lastError.message}` : '';
    throw new Error(
      `fake Slack: waitFor timed out after ${timeoutMs} ms waiting for ${what}${why}\n${this.describeRecentCalls()}`,
    );
  }

  /** The last `n` calls, one line each (used in timeout errors; handy when debugging). */
  describeRecentCalls(n = 15): string {
    if (this.calls.length === 0) return 'No Slack API calls were received.';
    const recent = this.calls.slice(-n);
    const lines = recent.map((c) => `  ${formatCall(c)}`);
    return `Last ${recent.length} of ${this.calls.length} Slack API calls:\n${lines.join('\n')}`;
  }

  /**
   * Clear the records: calls, response-URL posts, messages, views and the 429 counter.
   * Configuration (failures, rate limit, down, handlers, channels, users) stays.
   */
  reset(): this {
    this.calls.length = 0;
    this.responses.length = 0;
    this.rateLimited = 0;
    this.ws.clear();
    this.faults.resetBuckets();
    return this;
  }

  /** Every channel's messages as a person would read them (see ./transcript.ts). */
  transcript(opts: { channel?: string; ts?: boolean } = {}): string {
    return transcript(this.ws, opts);
  }

  // ------------------------------------------------------------------ HTTP

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.base || 'http://127.0.0.1');
    const raw = await readBody(req);
    if (url.pathname.startsWith('/api/')) {
      await this.handleApi(decodeURIComponent(url.pathname.slice('/api/'.length)), url, raw, req, res);
    } else if (url.pathname.startsWith('/response/') && req.method === 'POST') {
      await this.responseUrls.handle(`${this.base}${url.pathname}`, raw, req, res);
    } else {
      sendJson(res, 404, { ok: false, error: 'unknown_path', path: url.pathname });
    }
  }

  private async handleApi(method: string, url: URL, raw: Buffer, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const args = await parseArgs(raw, req.headers['content-type'], url.searchParams);
    const auth = req.headers.authorization;
    const bearer = typeof auth === 'string' && /^Bearer\s+/i.test(auth) ? auth.replace(/^Bearer\s+/i, '') : undefined;
    const token = bearer ?? (typeof args.token === 'string' ? args.token : undefined);
    const call: FakeSlackCall = { method, args, at: Date.now(), ...(token !== undefined ? { token } : {}) };
    this.calls.push(call);

    const answer = (status: number, body: Json, headers: Record<string, string> = {}) => {
      call.status = status;
      call.ok = status === 200 && body?.ok === true;
      if (!call.ok) call.error = typeof body?.error === 'string' ? body.error : `http_${status}`;
      call.response = body;
      call.answeredAt = Date.now();
      if (status === 429) this.rateLimited += 1;
      this.logLine?.(`[fake-slack] ${formatCall(call)}`);
      sendJson(res, status, body, headers);
    };

    if (this.faults.isDown) return answer(503, { ok: false, error: 'service_unavailable' });

    const failure = this.faults.take(method) ?? this.faults.take('*');
    if (failure) {
      if (failure.delayMs) await this.faults.sleep(failure.delayMs);
      if (this.closed) return void req.socket.destroy();
      if (failure.destroy) {
        call.status = 0;
        call.ok = false;
        call.error = 'connection_destroyed';
        call.answeredAt = Date.now();
        this.logLine?.(`[fake-slack] ${formatCall(call)}`);
        req.socket.destroy();
        return;
      }
      if (failure.status === 429) {
        const retryAfter = String(failure.retryAfter ?? 1);
        return answer(429, { ok: false, error: 'ratelimited' }, { 'retry-after': retryAfter });
      }
      if (failure.status !== undefined && failure.status !== 200) {
        return answer(failure.status, { ok: false, error: `http_${failure.status}` });
      }
      if (failure.error) return answer(200, { ok: false, error: failure.error });
    }

    if (method === 'chat.postMessage' && typeof args.channel === 'string') {
      const retryAfter = this.faults.retryAfter(args.channel);
      if (retryAfter !== undefined) {
        return answer(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(retryAfter) });
      }
    }

    if (token === undefined) return answer(200, { ok: false, error: 'not_authed' });

    const handler = this.handlers.get(method);
    let body: Json;
    try {
      body = handler ? handler(args, call) : { ok: true };
    } catch (err) {
      body = { ok: false, error: `fake_handler_threw: ${err instanceof Error ? err.message : String(err)}` };
    }
    answer(200, { ok: true, ...(body ?? {}) });
  }
}
