/**
 * A stand-in for the Slack Web API, for end-to-end tests and the `npm run demo` script.
 *
 * It is a plain `node:http` server on 127.0.0.1 (random port) that understands what
 * `@slack/web-api`'s `WebClient` sends, records every call, answers with plausible Slack
 * responses, keeps the messages of every channel (with threads) so it can print a readable
 * transcript, and lets a test inject failures (HTTP 500/503, 429 with `Retry-After`,
 * `ok:false` errors, slow answers, dropped connections) and a per-channel rate limit.
 *
 * ```ts
 * const fake = await startFakeSlack();
 * const app = new App({ token: 'xoxb-test', signingSecret, clientOptions: { slackApiUrl: fake.url } });
 * // ... drive the app (see ./slackRequests.ts) ...
 * const post = await fake.waitFor(() => fake.posts('C_AGENT')[0]);
 * console.log(fake.transcript());
 * await fake.close();
 * ```
 *
 * Wire format handled (what WebClient really does, see @slack/web-api WebClient#serializeBody):
 * - `POST {slackApiUrl}{method}`; `slackApiUrl` must end with `/` (WebClient appends one if
 *   missing) — use {@link FakeSlack.url}, i.e. `http://127.0.0.1:PORT/api/`.
 * - body `application/x-www-form-urlencoded`; every non-scalar argument (`blocks`, `view`,
 *   `attachments`, `metadata`...) is a JSON string. The fake decodes them back into objects in
 *   the recorded `args`. `application/json` bodies and multipart bodies are accepted too.
 *   Booleans and numbers arrive as strings (`"true"`, `"5"`) and are recorded as such.
 * - the token is in `Authorization: Bearer xoxb-…` (or, for old clients, a `token` argument).
 * - anything but HTTP 200 or 429 becomes a `WebAPIHTTPError`; a 429 is retried after
 *   `Retry-After` seconds unless the client has `rejectRateLimitedCalls: true`.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

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

/** A POST received on a URL handed out by {@link FakeSlack.responseUrl}. */
export interface FakeResponse {
  url: string;
  body: Json;
  at: number;
  channel?: string;
  user?: string;
}

/** Custom answer for a method; return the response body (`ok` defaults to true). */
export type MethodHandler = (args: Record<string, Json>, call: FakeSlackCall) => Json;

interface PendingFailure {
  spec: FailureSpec;
  remaining: number;
}

interface Bucket {
  tokens: number;
  updated: number;
}

/** Arguments that are plain strings even when they look like JSON. */
const NEVER_DECODE = new Set([
  'text',
  'markdown_text',
  'name',
  'topic',
  'purpose',
  'title',
  'username',
  'private_metadata',
  'external_id',
  'initial_comment',
]);

/** Start a fake Slack Web API on 127.0.0.1. Always `close()` it. */
export async function startFakeSlack(opts: FakeSlackOptions = {}): Promise<FakeSlack> {
  const fake = new FakeSlack(opts);
  await fake.listen(opts.port ?? 0);
  return fake;
}

// ---------------------------------------------------------------------------------------------
// The fake
// ---------------------------------------------------------------------------------------------

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
  readonly responses: FakeResponse[] = [];
  /** Number of HTTP 429 answers sent (injected or from {@link rateLimit}). */
  rateLimited = 0;

  private server: Server | undefined;
  private base = '';
  private closed = false;
  private isDown = false;
  private failures = new Map<string, PendingFailure[]>();
  private limit: Required<RateLimitSpec> | undefined;
  private buckets = new Map<string, Bucket>();
  private handlers = new Map<string, MethodHandler>();
  private sleepers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();

  private tsCounter: number;
  private seq = 0;
  private responseSeq = 0;
  private readonly channelMessages = new Map<string, FakeMessage[]>();
  private readonly channelNames = new Map<string, string>();
  private readonly members = new Set<string>();
  private readonly users = new Map<string, Json>();
  private readonly views = new Map<string, Json>();
  private readonly responseContext = new Map<string, { channel?: string; user?: string }>();
  private readonly logLine: ((line: string) => void) | undefined;

  constructor(opts: FakeSlackOptions = {}) {
    this.botUserId = opts.botUserId ?? 'UBATON';
    this.botId = opts.botId ?? 'BBATON';
    this.botName = opts.botName ?? 'baton';
    this.teamId = opts.teamId ?? 'T0TEAM';
    this.teamName = opts.teamName ?? 'Test';
    this.appId = opts.appId ?? 'A0BATON';
    this.tsCounter = (opts.tsBase ?? 1_700_000_000) * 1_000_000;
    for (const [id, name] of Object.entries(opts.channels ?? {})) this.addChannel(id, name);
    for (const [id, user] of Object.entries(opts.users ?? {})) {
      this.addUser(id, typeof user === 'string' ? { name: user } : user);
    }
    this.logLine = opts.log === true ? (line) => console.log(line) : opts.log || undefined;
    this.installDefaultHandlers();
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
    for (const sleeper of this.sleepers) {
      clearTimeout(sleeper.timer);
      sleeper.resolve();
    }
    this.sleepers.clear();
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
    const queue = this.failures.get(method) ?? [];
    queue.push({ spec, remaining: times });
    this.failures.set(method, queue);
    return this;
  }

  /** Forget every injected failure (not the rate limit, not down()). */
  clearFailures(): this {
    this.failures.clear();
    return this;
  }

  /** From now on every call (API and response URLs) answers HTTP 503. */
  down(): this {
    this.isDown = true;
    return this;
  }

  /** Undo {@link down}. */
  up(): this {
    this.isDown = false;
    return this;
  }

  /**
   * Per-channel token bucket on chat.postMessage: `burst` posts at once, then `perSecond`;
   * excess posts get HTTP 429 with `Retry-After` (whole seconds, at least 1).
   * `rateLimit(undefined)` removes it.
   */
  rateLimit(spec: RateLimitSpec | undefined): this {
    this.limit = spec ? { perSecond: spec.perSecond, burst: spec.burst ?? 1 } : undefined;
    this.buckets.clear();
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
    this.responseSeq += 1;
    const url = `${this.base}/response/${this.responseSeq}`;
    this.responseContext.set(url, context);
    return url;
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

  /** Every call to `method` (failed attempts included). */
  callsTo(method: string): FakeSlackCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Messages the fake holds (posted, updated, added), in ts order; optionally one channel. */
  messages(channel?: string): FakeMessage[] {
    if (channel !== undefined) return [...(this.channelMessages.get(channel) ?? [])].sort(byTs);
    return [...this.channelMessages.values()].flat().sort(byTs);
  }

  /** The message at `ts` in `channel`, if known. */
  message(channel: string, ts: string): FakeMessage | undefined {
    return this.channelMessages.get(channel)?.find((m) => m.ts === ts);
  }

  /** The replies of the thread rooted at `threadTs` in `channel`. */
  replies(channel: string, threadTs: string): FakeMessage[] {
    return this.messages(channel).filter((m) => m.thread_ts === threadTs && m.ts !== threadTs);
  }

  /** The most recent view opened/pushed/updated with this `callback_id` (with its `id`). */
  findView(callbackId: string): Json | undefined {
    return [...this.views.values()].reverse().find((v) => v.callback_id === callbackId);
  }

  /** Name (without `#`) of a channel the fake knows, else undefined. */
  channelName(id: string): string | undefined {
    return this.channelNames.get(id);
  }

  /** Register a channel name (for transcripts and conversations.info). */
  addChannel(id: string, name: string): this {
    this.channelNames.set(id, name);
    return this;
  }

  /** Register a user for users.info (and nicer transcripts). */
  addUser(id: string, user: Json = {}): this {
    this.users.set(id, { ...this.defaultUser(id), ...user, id });
    return this;
  }

  /**
   * Put a message into a channel's history without an API call — used by the request
   * simulator for user messages, slash commands and their answers. Assigns a `ts` if absent.
   */
  addMessage(msg: Omit<FakeMessage, 'ts' | 'source' | 'text'> & Partial<FakeMessage>): FakeMessage {
    const full: FakeMessage = { source: 'user', text: '', ...msg, ts: msg.ts ?? this.nextTs() };
    const list = this.channelMessages.get(full.channel) ?? [];
    list.push(full);
    this.channelMessages.set(full.channel, list);
    return full;
  }

  /** A new unique message ts, strictly greater than every earlier one (`1700000000.000100`). */
  nextTs(): string {
    this.tsCounter += 100;
    const seconds = Math.floor(this.tsCounter / 1_000_000);
    const micros = this.tsCounter % 1_000_000;
    return `${seconds}.${String(micros).padStart(6, '0')}`;
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
    this.channelMessages.clear();
    this.views.clear();
    this.buckets.clear();
    return this;
  }

  // ------------------------------------------------------------------ transcript

  /**
   * Every channel's messages, readably: a `#name (ID)` heading per channel (`DM with @name (D…)`
   * for a known user's DM), one line per message (`@baton: text`), thread replies indented under
   * their parent with `↳`, block contents under the message after `|` (section texts, fields,
   * context, and buttons as `[Label](action_id=value)`), ephemeral messages marked
   * `[only U… sees]`. Known users (and the bot) are shown by name: as authors (`@iris`,
   * `@dana ran /ticket …`, `[only @dana sees]`) and in mentions (`<@UIRIS001>` → `@iris`, a
   * known channel `<#C…>` → `#name`); unknown ids stay as they are. A first block line that only
   * repeats the message text (Slack's notification fallback) is not printed twice.
   */
  transcript(opts: { channel?: string; ts?: boolean } = {}): string {
    const out: string[] = [];
    for (const [channel, list] of this.channelMessages) {
      if (opts.channel !== undefined && channel !== opts.channel) continue;
      if (list.length === 0) continue;
      out.push(this.channelHeading(channel));
      const sorted = [...list].sort(byTs);
      const byTsMap = new Set(sorted.map((m) => m.ts));
      for (const msg of sorted) {
        const isReply = msg.thread_ts !== undefined && msg.thread_ts !== msg.ts;
        if (isReply && byTsMap.has(msg.thread_ts as string)) continue;
        out.push(...this.renderMessage(msg, '  ', isReply ? `(in thread ${msg.thread_ts}) ` : '', opts.ts));
        for (const reply of sorted.filter((m) => m.thread_ts === msg.ts && m.ts !== msg.ts)) {
          out.push(...this.renderMessage(reply, '    ↳ ', '', opts.ts));
        }
      }
      out.push('');
    }
    return out.length ? out.join('\n') : '(no messages)\n';
  }

  private renderMessage(msg: FakeMessage, indent: string, prefix: string, showTs?: boolean): string[] {
    const pad = ' '.repeat([...indent].length + 2);
    const author = this.authorName(msg);
    const flags = [
      msg.ephemeralTo ? `[only ${this.userLabel(msg.ephemeralTo)} sees] ` : '',
      showTs ? `${msg.ts} ` : '',
      prefix,
    ].join('');
    const text = this.readableText(msg.text);
    const textLines = (text || (msg.blocks?.length ? '' : '(no text)')).split('\n');
    const edited = msg.edited ? ' (edited)' : '';
    const sep = msg.source === 'command' ? ' ' : ': ';
    const lines = [`${indent}${flags}${author}${sep}${textLines[0] ?? ''}${textLines.length === 1 ? edited : ''}`];
    textLines.slice(1).forEach((l, i) => lines.push(`${pad}${l}${i === textLines.length - 2 ? edited : ''}`));
    const blockLines = renderBlocks(msg.blocks ?? []).map((b) => this.readableText(b));
    // The text of a message with blocks is usually the notification fallback of its first block.
    if (blockLines[0]?.trim() && text.includes(blockLines[0].trim())) blockLines.shift();
    for (const b of blockLines) lines.push(`${pad}| ${b}`);
    for (const a of msg.attachments ?? []) {
      const raw = a?.text ?? a?.fallback;
      if (typeof raw === 'string' && raw) lines.push(`${pad}> ${this.readableText(raw).replace(/\n/g, `\n${pad}> `)}`);
      for (const b of renderBlocks(Array.isArray(a?.blocks) ? a.blocks : [])) lines.push(`${pad}> ${this.readableText(b)}`);
    }
    return lines;
  }

  private authorName(msg: FakeMessage): string {
    if (msg.source === 'command') return `${msg.user ? this.userLabel(msg.user) : '?'} ran`;
    if (msg.user === this.botUserId || (msg.bot_id && msg.bot_id === this.botId)) return `@${this.botName}`;
    if (msg.user) return this.userLabel(msg.user);
    return msg.bot_id ? `bot:${msg.bot_id}` : '?';
  }

  /** `@name` for the bot and for users registered with a name of their own, else the id. */
  private userLabel(id: string): string {
    if (id === this.botUserId) return `@${this.botName}`;
    const known = this.users.get(id);
    return known?.name && known.name !== id.toLowerCase() ? `@${known.name}` : id;
  }

  /** Mentions of known users and channels as Slack shows them (`@iris`, `#agent-iris`). */
  private readableText(text: string): string {
    return text
      .replace(/<@([UW][A-Z0-9_]+)(?:\|[^>]*)?>/g, (m, id: string) => {
        const label = this.userLabel(id);
        return label === id ? m : label;
      })
      .replace(/<#([CGD][A-Z0-9_]+)(?:\|([^>]*))?>/g, (m, id: string, given: string | undefined) => {
        const name = this.channelNames.get(id) ?? given;
        return name ? `#${name}` : m;
      });
  }

  private channelHeading(channel: string): string {
    const name = this.channelNames.get(channel);
    if (name) return `#${name} (${channel})`;
    if (channel.startsWith('D')) {
      const label = this.userLabel(`U${channel.slice(1)}`);
      if (label.startsWith('@')) return `DM with ${label} (${channel})`;
    }
    return `#${channel}`;
  }

  // ------------------------------------------------------------------ HTTP plumbing

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.base || 'http://127.0.0.1');
    const raw = await readBody(req);
    if (url.pathname.startsWith('/api/')) {
      await this.handleApi(decodeURIComponent(url.pathname.slice('/api/'.length)), url, raw, req, res);
    } else if (url.pathname.startsWith('/response/') && req.method === 'POST') {
      await this.handleResponseUrl(`${this.base}${url.pathname}`, raw, req, res);
    } else {
      sendJson(res, 404, { ok: false, error: 'unknown_path', path: url.pathname });
    }
  }

  private async handleApi(
    method: string,
    url: URL,
    raw: Buffer,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
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
      if (status === 429) this.rateLimited += 1;
      this.logLine?.(`[fake-slack] ${formatCall(call)}`);
      sendJson(res, status, body, headers);
    };

    if (this.isDown) return answer(503, { ok: false, error: 'service_unavailable' });

    const failure = this.takeFailure(method) ?? this.takeFailure('*');
    if (failure) {
      if (failure.delayMs) await this.sleep(failure.delayMs);
      if (this.closed) return void req.socket.destroy();
      if (failure.destroy) {
        call.status = 0;
        call.ok = false;
        call.error = 'connection_destroyed';
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

    if (method === 'chat.postMessage' && this.limit && typeof args.channel === 'string') {
      const retryAfter = this.consumeToken(args.channel, this.limit);
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

  private async handleResponseUrl(url: string, raw: Buffer, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = (await parseArgs(raw, req.headers['content-type'], new URLSearchParams())) as Json;
    const context = this.responseContext.get(url) ?? {};
    this.responses.push({ url, body, at: Date.now(), ...context });
    if (this.isDown) return sendJson(res, 503, { ok: false, error: 'service_unavailable' });
    const failure = this.takeFailure('response_url');
    if (failure) {
      if (failure.delayMs) await this.sleep(failure.delayMs);
      if (this.closed || failure.destroy) return void req.socket.destroy();
      if (failure.status === 429) {
        this.rateLimited += 1;
        return sendJson(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(failure.retryAfter ?? 1) });
      }
      if (failure.status !== undefined && failure.status !== 200) {
        return sendJson(res, failure.status, { ok: false, error: `http_${failure.status}` });
      }
      if (failure.error) return sendJson(res, 404, { ok: false, error: failure.error });
    }
    if (context.channel && (typeof body?.text === 'string' || Array.isArray(body?.blocks))) {
      const inChannel = body.response_type === 'in_channel';
      this.addMessage({
        channel: context.channel,
        text: typeof body.text === 'string' ? body.text : '',
        ...(Array.isArray(body.blocks) ? { blocks: body.blocks } : {}),
        ...(typeof body.thread_ts === 'string' ? { thread_ts: body.thread_ts } : {}),
        user: this.botUserId,
        bot_id: this.botId,
        source: 'response_url',
        ...(!inChannel && context.user ? { ephemeralTo: context.user } : {}),
      });
    }
    sendJson(res, 200, { ok: true });
  }

  private takeFailure(method: string): FailureSpec | undefined {
    const queue = this.failures.get(method);
    const head = queue?.[0];
    if (!queue || !head) return undefined;
    head.remaining -= 1;
    if (head.remaining <= 0) queue.shift();
    return head.spec;
  }

  /** Returns undefined when allowed, else the Retry-After seconds. */
  private consumeToken(channel: string, limit: Required<RateLimitSpec>): number | undefined {
    const now = Date.now();
    const bucket = this.buckets.get(channel) ?? { tokens: limit.burst, updated: now };
    bucket.tokens = Math.min(limit.burst, bucket.tokens + ((now - bucket.updated) / 1000) * limit.perSecond);
    bucket.updated = now;
    this.buckets.set(channel, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / limit.perSecond));
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const sleeper = {
        resolve,
        timer: setTimeout(() => {
          this.sleepers.delete(sleeper);
          resolve();
        }, ms),
      };
      this.sleepers.add(sleeper);
    });
  }

  // ------------------------------------------------------------------ built-in methods

  private newId(prefix: string): string {
    this.seq += 1;
    return `${prefix}${String(this.seq).padStart(6, '0')}`;
  }

  private defaultUser(id: string): Json {
    const name = id.toLowerCase();
    return {
      id,
      team_id: this.teamId,
      name,
      real_name: id,
      deleted: false,
      is_bot: false,
      is_admin: false,
      tz: 'UTC',
      profile: { real_name: id, display_name: name },
    };
  }

  private channelInfo(id: string): Json {
    const name = this.channelNames.get(id) ?? id.toLowerCase();
    const im = id.startsWith('D');
    return {
      id,
      name,
      is_channel: !im,
      is_im: im,
      is_private: false,
      is_archived: false,
      is_member: im || this.members.has(id),
      created: 1_700_000_000,
      topic: { value: '' },
      purpose: { value: '' },
    };
  }

  private botMessage(m: FakeMessage): Json {
    return {
      type: 'message',
      text: m.text,
      user: m.user,
      bot_id: m.bot_id,
      app_id: this.appId,
      team: this.teamId,
      ts: m.ts,
      ...(m.thread_ts !== undefined ? { thread_ts: m.thread_ts } : {}),
      ...(m.blocks !== undefined ? { blocks: m.blocks } : {}),
      ...(m.attachments !== undefined ? { attachments: m.attachments } : {}),
      ...(m.edited ? { edited: { user: m.user, ts: m.ts } } : {}),
    };
  }

  private installDefaultHandlers(): void {
    const h = this.handlers;
    const err = (error: string) => ({ ok: false, error });
    const str = (v: Json): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
    const asArray = (v: Json): Json[] | undefined => (Array.isArray(v) ? v : undefined);
    const resolveChannel = (channel: string) => (/^[UW]/.test(channel) ? `D${channel.slice(1)}` : channel);

    h.set('auth.test', () => ({
      url: 'https://test.slack.com/',
      team: this.teamName,
      user: this.botName,
      team_id: this.teamId,
      user_id: this.botUserId,
      bot_id: this.botId,
      is_enterprise_install: false,
    }));

    h.set('chat.postMessage', (a) => {
      const requested = str(a.channel);
      if (!requested) return err('channel_not_found');
      const blocks = asArray(a.blocks);
      const attachments = asArray(a.attachments);
      if (!str(a.text) && !blocks?.length && !attachments?.length) return err('no_text');
      const channel = resolveChannel(requested);
      const m = this.addMessage({
        channel,
        text: str(a.text) ?? '',
        ...(blocks ? { blocks } : {}),
        ...(attachments ? { attachments } : {}),
        ...(str(a.thread_ts) ? { thread_ts: String(a.thread_ts) } : {}),
        user: this.botUserId,
        bot_id: this.botId,
        source: 'api',
      });
      return { channel, ts: m.ts, message: this.botMessage(m) };
    });

    h.set('chat.postEphemeral', (a) => {
      const channel = str(a.channel);
      if (!channel) return err('channel_not_found');
      if (!str(a.user)) return err('user_not_in_channel');
      const blocks = asArray(a.blocks);
      if (!str(a.text) && !blocks?.length && !asArray(a.attachments)?.length) return err('no_text');
      const m = this.addMessage({
        channel,
        text: str(a.text) ?? '',
        ...(blocks ? { blocks } : {}),
        ...(str(a.thread_ts) ? { thread_ts: String(a.thread_ts) } : {}),
        user: this.botUserId,
        bot_id: this.botId,
        ephemeralTo: String(a.user),
        source: 'api',
      });
      return { message_ts: m.ts };
    });

    h.set('chat.update', (a) => {
      const channel = str(a.channel);
      const ts = str(a.ts);
      if (!channel) return err('channel_not_found');
      const m = ts ? this.message(channel, ts) : undefined;
      if (!m || !ts) return err('message_not_found');
      if (typeof a.text === 'string') m.text = a.text;
      if (a.blocks !== undefined) m.blocks = asArray(a.blocks) ?? [];
      if (a.attachments !== undefined) m.attachments = asArray(a.attachments) ?? [];
      m.edited = true;
      return { channel, ts, text: m.text, message: this.botMessage(m) };
    });

    h.set('chat.delete', (a) => {
      const channel = str(a.channel);
      const ts = str(a.ts);
      const list = channel ? this.channelMessages.get(channel) : undefined;
      const index = list?.findIndex((m) => m.ts === ts) ?? -1;
      if (!list || index < 0) return err('message_not_found');
      list.splice(index, 1);
      return { channel, ts };
    });

    h.set('chat.getPermalink', (a) => {
      const channel = str(a.channel);
      const ts = str(a.message_ts);
      if (!channel) return err('channel_not_found');
      if (!ts) return err('message_not_found');
      const threadTs = this.message(channel, ts)?.thread_ts;
      const thread = threadTs && threadTs !== ts ? `?thread_ts=${threadTs}&cid=${channel}` : '';
      return { channel, permalink: `https://test.slack.com/archives/${channel}/p${ts.replace('.', '')}${thread}` };
    });

    h.set('conversations.info', (a) => {
      const channel = str(a.channel);
      return channel ? { channel: this.channelInfo(channel) } : err('channel_not_found');
    });

    h.set('conversations.join', (a) => {
      const channel = str(a.channel);
      if (!channel) return err('channel_not_found');
      this.members.add(channel);
      return { channel: this.channelInfo(channel) };
    });

    h.set('conversations.invite', (a) => {
      const channel = str(a.channel);
      if (!channel) return err('channel_not_found');
      if (!str(a.users)) return err('no_user');
      return { channel: this.channelInfo(channel) };
    });

    h.set('conversations.create', (a) => {
      const name = str(a.name);
      if (!name) return err('invalid_name_required');
      if (!/^[a-z0-9][a-z0-9._-]{0,79}$/.test(name)) return err('invalid_name_specials');
      if ([...this.channelNames.values()].includes(name)) return err('name_taken');
      const id = this.newId('C0');
      this.addChannel(id, name);
      this.members.add(id);
      return { channel: { ...this.channelInfo(id), is_private: String(a.is_private) === 'true' } };
    });

    h.set('conversations.open', (a) => {
      const users = str(a.users)?.split(',');
      const first = users?.[0];
      if (!first) return err('users_list_not_supplied');
      return { channel: { id: resolveChannel(first) } };
    });

    h.set('conversations.history', (a) => {
      const channel = str(a.channel);
      if (!channel) return err('channel_not_found');
      const top = this.messages(channel).filter(
        (m) => !m.ephemeralTo && m.source !== 'command' && (!m.thread_ts || m.thread_ts === m.ts),
      );
      return { messages: top.reverse().map((m) => this.botMessage(m)), has_more: false };
    });

    h.set('conversations.replies', (a) => {
      const channel = str(a.channel);
      const ts = str(a.ts);
      if (!channel || !ts) return err('thread_not_found');
      const parent = this.message(channel, ts);
      if (!parent) return err('thread_not_found');
      const thread = [parent, ...this.replies(channel, ts)].filter((m) => !m.ephemeralTo && m.source !== 'command');
      return { messages: thread.map((m) => this.botMessage(m)), has_more: false };
    });

    h.set('users.info', (a) => {
      const id = str(a.user);
      if (!id) return err('user_not_found');
      if (id === this.botUserId) {
        return { user: { ...this.defaultUser(id), name: this.botName, is_bot: true, profile: { bot_id: this.botId } } };
      }
      return { user: this.users.get(id) ?? this.defaultUser(id) };
    });

    const storeView = (view: Json, id: string): Json => {
      const stored = {
        ...(typeof view === 'object' && view !== null ? view : {}),
        id,
        team_id: this.teamId,
        app_id: this.appId,
        bot_id: this.botId,
        state: { values: {} },
        hash: `${Date.now()}.${this.seq}`,
        private_metadata: typeof view?.private_metadata === 'string' ? view.private_metadata : '',
        callback_id: typeof view?.callback_id === 'string' ? view.callback_id : '',
      };
      this.views.set(id, stored);
      return { view: stored };
    };
    const openView = (a: Json) => {
      if (!str(a.trigger_id) && !str(a.interactivity_pointer)) return err('invalid_arguments');
      if (typeof a.view !== 'object' || a.view === null) return err('invalid_arguments');
      return storeView(a.view, this.newId('V0'));
    };
    h.set('views.open', openView);
    h.set('views.push', openView);
    h.set('views.update', (a) => {
      if (typeof a.view !== 'object' || a.view === null) return err('invalid_arguments');
      const byExternal = str(a.external_id)
        ? [...this.views.values()].find((v) => v.external_id === a.external_id)?.id
        : undefined;
      const id = str(a.view_id) ?? byExternal;
      if (!id) return err('not_found');
      return storeView(a.view, id);
    });
    h.set('views.publish', (a) => storeView(a.view, this.newId('V0')));

    h.set('apps.connections.open', () => ({ url: 'ws://127.0.0.1:1/' }));
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: Json, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

/** Decode a request body (+ query string) into recorded arguments. */
async function parseArgs(
  raw: Buffer,
  contentType: string | undefined,
  query: URLSearchParams,
): Promise<Record<string, Json>> {
  const args: Record<string, Json> = {};
  for (const [k, v] of query) args[k] = decodeValue(k, v);
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const text = raw.toString('utf8');
  if (text === '') return args;
  if (type === 'application/json') {
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return { ...args, ...parsed };
      return { ...args, _body: parsed };
    } catch {
      return { ...args, _raw: text };
    }
  }
  if (type === 'multipart/form-data' && contentType) {
    const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData();
    for (const [k, v] of form) {
      args[k] = typeof v === 'string' ? decodeValue(k, v) : { filename: v.name, size: v.size, type: v.type };
    }
    return args;
  }
  for (const [k, v] of new URLSearchParams(text)) args[k] = decodeValue(k, v);
  return args;
}

/** JSON-valued form fields (`blocks=[...]`, `view={...}`) back into objects. */
function decodeValue(key: string, value: string): Json {
  if (NEVER_DECODE.has(key)) return value;
  const first = value.trimStart()[0];
  if (first !== '[' && first !== '{') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function compareTs(a: string, b: string): number {
  const [ai = '0', af = ''] = a.split('.');
  const [bi = '0', bf = ''] = b.split('.');
  const byInt = Number(ai) - Number(bi);
  if (byInt !== 0) return byInt;
  return af.padEnd(6, '0').localeCompare(bf.padEnd(6, '0'));
}

function byTs(a: FakeMessage, b: FakeMessage): number {
  return compareTs(a.ts, b.ts);
}

function formatCall(c: FakeSlackCall): string {
  const time = new Date(c.at).toISOString().slice(11, 23);
  const { token: _t, ...args } = c.args;
  let shown = JSON.stringify(args);
  if (shown.length > 200) shown = `${shown.slice(0, 197)}...`;
  const outcome =
    c.status === undefined ? 'pending' : c.status === 0 ? 'socket destroyed' : `${c.status} ${c.ok ? 'ok' : c.error}`;
  return `${time} ${c.method} ${shown} -> ${outcome}`;
}

function plain(obj: Json): string {
  if (typeof obj === 'string') return obj;
  if (obj && typeof obj.text === 'string') return obj.text;
  return '';
}

function renderElement(el: Json): string {
  if (!el || typeof el !== 'object') return '';
  switch (el.type) {
    case 'button': {
      const target = el.action_id ? (el.value !== undefined ? `${el.action_id}=${el.value}` : el.action_id) : (el.url ?? '');
      return `[${plain(el.text)}](${target})`;
    }
    case 'overflow':
    case 'static_select':
    case 'multi_static_select':
    case 'radio_buttons':
    case 'checkboxes': {
      const options = Array.isArray(el.options) ? el.options.map((o: Json) => plain(o.text)).join(' | ') : '';
      return `<${el.type} ${el.action_id ?? ''}${options ? `: ${options}` : ''}>`;
    }
    case 'image':
      return `[image: ${el.alt_text ?? ''}]`;
    case 'mrkdwn':
    case 'plain_text':
      return el.text ?? '';
    default:
      return `<${el.type} ${el.action_id ?? ''}>`.replace(' >', '>');
  }
}

function richText(el: Json): string {
  if (!el || typeof el !== 'object') return '';
  if (typeof el.text === 'string') return el.text;
  if (el.type === 'user') return `<@${el.user_id}>`;
  if (el.type === 'channel') return `<#${el.channel_id}>`;
  if (el.type === 'link') return el.url ?? '';
  return Array.isArray(el.elements) ? el.elements.map(richText).join('') : '';
}

/** Readable lines for Block Kit blocks (used by transcripts). */
export function renderBlocks(blocks: Json[]): string[] {
  const lines: string[] = [];
  const push = (s: string) => {
    for (const l of s.split('\n')) lines.push(l);
  };
  for (const b of blocks) {
    if (!b || typeof b !== 'object') continue;
    switch (b.type) {
      case 'section': {
        const text = plain(b.text);
        const accessory = b.accessory ? renderElement(b.accessory) : '';
        if (text || accessory) push([text, accessory].filter(Boolean).join('  '));
        if (Array.isArray(b.fields)) for (const f of b.fields) push(`• ${plain(f)}`);
        break;
      }
      case 'header':
        push(`# ${plain(b.text)}`);
        break;
      case 'context':
        push((Array.isArray(b.elements) ? b.elements : []).map(renderElement).filter(Boolean).join(' · '));
        break;
      case 'actions':
        push((Array.isArray(b.elements) ? b.elements : []).map(renderElement).join('  '));
        break;
      case 'divider':
        push('---');
        break;
      case 'image':
        push(`[image: ${b.alt_text ?? ''}]`);
        break;
      case 'input':
        push(`${plain(b.label)}: ${renderElement(b.element)}`);
        break;
      case 'markdown':
        push(String(b.text ?? ''));
        break;
      case 'rich_text':
        push(richText(b));
        break;
      default:
        push(`<${b.type}>`);
    }
  }
  return lines;
}
