/**
 * Simulates Slack calling the app: builds correctly signed requests (slash commands, Events
 * API callbacks, block_actions, view_submission) and POSTs them with fetch to a Bolt HTTP
 * receiver (`POST /slack/events`). Pair it with the fake Web API of fake-slack/:
 *
 * ```ts
 * const fake = await startFakeSlack();
 * const slack = new SlackClientSim({ baseUrl: 'http://127.0.0.1:3000', signingSecret, fake });
 * const res = await slack.command('/ticket', 'new printer on fire');
 * expect(res.status).toBe(200);
 * await slack.action({ actionId: 'ticket_resolve', value: 'T-2026-001' }); // finds the button's message
 * ```
 *
 * What Bolt 5's HTTPReceiver checks (receivers/HTTPModuleFunctions.js, verify-request.js):
 * - `x-slack-signature: v0=<hex HMAC-SHA256(secret, "v0:<ts>:<raw body>")>` and
 *   `x-slack-request-timestamp: <unix seconds>`; older than 5 minutes → 401 (a timestamp in
 *   the future is accepted). Any verification failure answers 401 with an empty body.
 * - `content-type` is compared with `===`: it must be exactly
 *   `application/x-www-form-urlencoded` for commands/interactivity (a `; charset=…` suffix
 *   makes Bolt parse the body as JSON and answer 400). Everything else is parsed as JSON.
 * - interactivity bodies are `payload=<url-encoded JSON>`.
 *
 * With a `fake` attached the simulator also: hands every command/action a response URL on
 * the fake; puts user messages, slash commands and their synchronous answers into the fake's
 * transcript; uses the fake's message `ts` sequence; finds the message that carries a button
 * (`action()`) and the modal that was opened (`viewSubmission()`).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { FakeSlack, Json } from '../../fake-slack/index.js';

// ---------------------------------------------------------------------------------------------
// Signing
// ---------------------------------------------------------------------------------------------

export interface SignedHeaders {
  'x-slack-signature': string;
  'x-slack-request-timestamp': string;
}

/** Current unix time in whole seconds. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** Slack's v0 request signature headers for `rawBody`. */
export function signSlackRequest(signingSecret: string, rawBody: string, timestamp = nowSeconds()): SignedHeaders {
  const hash = createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`).digest('hex');
  return { 'x-slack-signature': `v0=${hash}`, 'x-slack-request-timestamp': String(timestamp) };
}

/** A free TCP port on 127.0.0.1 (racy by nature; prefer listening on port 0 when you can). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Block Kit state values
// ---------------------------------------------------------------------------------------------

/**
 * A simple input value for {@link stateValues}:
 * - `string` / `null` → plain_text_input (`null` = left empty)
 * - `{ staticSelect: 'high' }` or `{ staticSelect: { value: 'high', text: 'High' } }`
 * - `{ multiStaticSelect: ['a', 'b'] }` (or option objects)
 * - `{ usersSelect: 'U1' }`, `{ multiUsersSelect: ['U1'] }`
 * - `{ conversationsSelect: 'C1' }`, `{ channelsSelect: 'C1' }`
 * - any object with a `type` field is taken as a finished state value and passed through.
 */
export type SimpleInput =
  | string
  | null
  | { staticSelect: string | SelectOption | null }
  | { multiStaticSelect: (string | SelectOption)[] }
  | { usersSelect: string | null }
  | { multiUsersSelect: string[] }
  | { conversationsSelect: string | null }
  | { channelsSelect: string | null }
  | { type: string; [key: string]: unknown };

export interface SelectOption {
  value: string;
  text?: string;
}

export type StateValues = Record<string, Record<string, Json>>;

function option(o: string | SelectOption): Json {
  const { value, text } = typeof o === 'string' ? { value: o, text: o } : o;
  return { text: { type: 'plain_text', text: text ?? value, emoji: true }, value };
}

/** One Block Kit state value from a {@link SimpleInput}. */
export function stateValue(input: SimpleInput): Json {
  if (input === null || typeof input === 'string') return { type: 'plain_text_input', value: input };
  if ('type' in input) return input;
  if ('staticSelect' in input) {
    return { type: 'static_select', selected_option: input.staticSelect === null ? null : option(input.staticSelect) };
  }
  if ('multiStaticSelect' in input) {
    return { type: 'multi_static_select', selected_options: input.multiStaticSelect.map(option) };
  }
  if ('usersSelect' in input) return { type: 'users_select', selected_user: input.usersSelect };
  if ('multiUsersSelect' in input) return { type: 'multi_users_select', selected_users: input.multiUsersSelect };
  if ('conversationsSelect' in input) {
    return { type: 'conversations_select', selected_conversation: input.conversationsSelect };
  }
  return { type: 'channels_select', selected_channel: input.channelsSelect };
}

/**
 * `view.state.values` from a simple `{ blockId: { actionId: input } }` map, e.g.
 * `stateValues({ title: { title: 'Printer' }, prio: { prio: { staticSelect: 'high' } } })`.
 * Values already in state form (objects with `type`) pass through unchanged.
 */
export function stateValues(simple: Record<string, Record<string, SimpleInput>>): StateValues {
  const out: StateValues = {};
  for (const [blockId, actions] of Object.entries(simple)) {
    out[blockId] = {};
    for (const [actionId, input] of Object.entries(actions)) out[blockId][actionId] = stateValue(input);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The simulator
// ---------------------------------------------------------------------------------------------

export interface SlackClientSimOptions {
  /** The app's origin, e.g. `http://127.0.0.1:3000`, or a full URL with its path. */
  baseUrl: string;
  signingSecret: string;
  /** Attach the fake Web API for response URLs, transcripts, ts values and lookups. */
  fake?: FakeSlack;
  /** Request path when `baseUrl` has none. Default `/slack/events`. */
  path?: string;
  /** Default `fake.teamId` or `T0TEAM`. */
  teamId?: string;
  /** Default `test`. */
  teamDomain?: string;
  /** Default `fake.appId` or `A0BATON`. */
  apiAppId?: string;
  /** The bot's user id (event `authorizations`). Default `fake.botUserId` or `UBATON`. */
  botUserId?: string;
  /** Legacy verification token put in bodies. Default `verification-token`. */
  verificationToken?: string;
  /** Per-request timeout. Default 10 s. */
  timeoutMs?: number;
}

/** How to sign / send one request. */
export interface SendOptions {
  /** Sign with a wrong secret. */
  badSignature?: boolean;
  /** Sign with this secret instead. */
  secret?: string;
  /** Unix seconds to sign with (default now). */
  timestamp?: number;
  /** Shorthand for `timestamp: now - ageSeconds`. */
  ageSeconds?: number;
  /** Send no signature headers at all. */
  unsigned?: boolean;
  /** Extra/overriding HTTP headers (applied last). */
  headers?: Record<string, string>;
}

export interface SimResponse {
  status: number;
  /** Parsed JSON when the answer is JSON, else the text ('' for an empty ack). */
  body: Json;
  text: string;
  headers: Headers;
}

export interface CommandOptions extends SendOptions {
  user?: string;
  userName?: string;
  channel?: string;
  channelName?: string;
  /** Default: a fresh `fake.responseUrl()`, or an unreachable local URL without a fake. */
  responseUrl?: string;
  triggerId?: string;
}

export interface CommandResponse extends SimResponse {
  responseUrl: string;
  triggerId: string;
}

export interface EventOptions extends SendOptions {
  eventId?: string;
  eventTime?: number;
  /** Sets `x-slack-retry-num` (and `x-slack-retry-reason`, default `http_timeout`). */
  retryNum?: number;
  retryReason?: string;
}

export interface EventResponse extends SimResponse {
  eventId: string;
}

export interface MessageInput {
  channel: string;
  user?: string;
  text: string;
  ts?: string;
  thread_ts?: string;
  bot_id?: string;
  subtype?: string;
  blocks?: Json[];
  channel_type?: string;
  /** Any further event fields. */
  [key: string]: Json;
}

export interface MessageResponse extends EventResponse {
  ts: string;
}

export interface ActionOptions extends SendOptions {
  actionId: string;
  /** Button value (also used to find the right button on the fake). */
  value?: string;
  /** Makes it a static_select action with this selection instead of a button. */
  selectedOption?: string | SelectOption;
  user?: string;
  /** Default: the channel of the message found on the fake, else `C_GENERAL`. */
  channel?: string;
  /** Default: the latest message on the fake carrying this action (and value). */
  messageTs?: string;
  blockId?: string;
  triggerId?: string;
  responseUrl?: string;
  /** Override the `message` object of the payload. */
  message?: Json;
  /** `state.values` of the message (inputs in the message). */
  state?: StateValues;
}

export interface ActionResponse extends SimResponse {
  payload: Json;
}

export interface ViewSubmissionOptions extends SendOptions {
  callbackId: string;
  user?: string;
  /** `state.values`, or the simple map {@link stateValues} takes (both accepted). */
  values?: StateValues | Record<string, Record<string, SimpleInput>>;
  /** Default: the private_metadata of the view opened on the fake with this callback id. */
  privateMetadata?: string;
  /** Default: the id of that view, else a generated one. */
  viewId?: string;
  externalId?: string;
  blocks?: Json[];
  triggerId?: string;
  /** `response_urls` (for modals with `response_url_enabled` inputs). */
  responseUrls?: { block_id: string; action_id: string; channel_id: string; response_url: string }[];
}

export interface ViewSubmissionResponse extends SimResponse {
  payload: Json;
}

/** Drives a Bolt HTTP receiver the way Slack does. */
export class SlackClientSim {
  readonly endpoint: string;
  readonly signingSecret: string;
  readonly fake: FakeSlack | undefined;
  readonly teamId: string;
  readonly teamDomain: string;
  readonly apiAppId: string;
  readonly botUserId: string;
  readonly verificationToken: string;
  private readonly timeoutMs: number;
  private seq = 0;
  private tsCounter = 0;

  constructor(opts: SlackClientSimOptions) {
    const base = new URL(opts.baseUrl);
    this.endpoint = base.pathname !== '/' ? base.toString() : new URL(opts.path ?? '/slack/events', base).toString();
    this.signingSecret = opts.signingSecret;
    this.fake = opts.fake;
    this.teamId = opts.teamId ?? opts.fake?.teamId ?? 'T0TEAM';
    this.teamDomain = opts.teamDomain ?? 'test';
    this.apiAppId = opts.apiAppId ?? opts.fake?.appId ?? 'A0BATON';
    this.botUserId = opts.botUserId ?? opts.fake?.botUserId ?? 'UBATON';
    this.verificationToken = opts.verificationToken ?? 'verification-token';
    this.timeoutMs = opts.timeoutMs ?? 10_000;
  }

  // ------------------------------------------------------------------ slash commands

  /**
   * A slash command, form-encoded like Slack sends it. Answers `{status, body}` — the
   * synchronous ack body (what Slack shows the user) — plus the response URL and trigger id.
   */
  async command(command: string, text = '', opts: CommandOptions = {}): Promise<CommandResponse> {
    const user = opts.user ?? 'U_REQ';
    const channel = opts.channel ?? 'C_GENERAL';
    const responseUrl = opts.responseUrl ?? this.fake?.responseUrl({ channel, user }) ?? 'http://127.0.0.1:9/no-fake-attached';
    const triggerId = opts.triggerId ?? this.triggerId();
    const fields: Record<string, string> = {
      token: this.verificationToken,
      team_id: this.teamId,
      team_domain: this.teamDomain,
      channel_id: channel,
      channel_name: opts.channelName ?? this.channelName(channel),
      user_id: user,
      user_name: opts.userName ?? user.toLowerCase(),
      command,
      text,
      api_app_id: this.apiAppId,
      is_enterprise_install: 'false',
      response_url: responseUrl,
      trigger_id: triggerId,
    };
    this.fake?.addMessage({ channel, user, text: `${command}${text ? ` ${text}` : ''}`, source: 'command' });
    const res = await this.send(new URLSearchParams(fields).toString(), FORM, opts);
    this.recordAck(res, channel, user);
    return { ...res, responseUrl, triggerId };
  }

  // ------------------------------------------------------------------ Events API

  /** An Events API `event_callback` envelope around `event`. */
  async event(event: Json, opts: EventOptions = {}): Promise<EventResponse> {
    const eventId = opts.eventId ?? `Ev${this.next().toString().padStart(8, '0')}${randomBytes(2).toString('hex').toUpperCase()}`;
    const eventTime = opts.eventTime ?? nowSeconds();
    const envelope = {
      token: this.verificationToken,
      team_id: this.teamId,
      context_team_id: this.teamId,
      context_enterprise_id: null,
      api_app_id: this.apiAppId,
      event: { event_ts: event?.ts ?? `${eventTime}.000000`, ...event },
      type: 'event_callback',
      event_id: eventId,
      event_time: eventTime,
      authorizations: [
        { enterprise_id: null, team_id: this.teamId, user_id: this.botUserId, is_bot: true, is_enterprise_install: false },
      ],
      is_ext_shared_channel: false,
      event_context: `4-${Buffer.from(eventId).toString('base64url')}`,
    };
    const headers: Record<string, string> = {};
    if (opts.retryNum !== undefined) {
      headers['x-slack-retry-num'] = String(opts.retryNum);
      headers['x-slack-retry-reason'] = opts.retryReason ?? 'http_timeout';
    }
    const res = await this.send(JSON.stringify(envelope), JSON_TYPE, opts, headers);
    return { ...res, eventId };
  }

  /**
   * A `message` event (a person — or another bot with `bot_id` — writing in a channel or
   * thread). With a fake attached the message also enters the fake's history/transcript.
   */
  async message(input: MessageInput, opts: EventOptions = {}): Promise<MessageResponse> {
    const { channel, user = 'U_REQ', text, ts: givenTs, thread_ts, bot_id, subtype, blocks, channel_type, ...rest } = input;
    const ts = givenTs ?? this.fake?.nextTs() ?? this.localTs();
    const event = {
      type: 'message',
      channel,
      user,
      text,
      ts,
      team: this.teamId,
      channel_type: channel_type ?? (channel.startsWith('D') ? 'im' : channel.startsWith('G') ? 'group' : 'channel'),
      event_ts: ts,
      ...(thread_ts !== undefined ? { thread_ts } : {}),
      ...(bot_id !== undefined ? { bot_id } : {}),
      ...(subtype !== undefined ? { subtype } : {}),
      ...(blocks !== undefined ? { blocks } : {}),
      ...rest,
    };
    this.fake?.addMessage({
      channel,
      ts,
      text,
      user,
      source: 'user',
      ...(thread_ts !== undefined ? { thread_ts } : {}),
      ...(bot_id !== undefined ? { bot_id } : {}),
      ...(blocks !== undefined ? { blocks } : {}),
    });
    const res = await this.event(event, opts);
    return { ...res, ts };
  }

  /** Slack's one-time `url_verification` handshake. */
  async urlVerification(challenge = 'challenge-token', opts: SendOptions = {}): Promise<SimResponse> {
    const body = JSON.stringify({ token: this.verificationToken, challenge, type: 'url_verification' });
    return this.send(body, JSON_TYPE, opts);
  }

  // ------------------------------------------------------------------ interactivity

  /** A `block_actions` payload: a button click (or a static_select choice) on a message. */
  async action(opts: ActionOptions): Promise<ActionResponse> {
    const found =
      opts.messageTs === undefined
        ? this.findActionMessage(opts)
        : opts.channel === undefined
          ? this.fake?.messages().find((m) => m.ts === opts.messageTs)
          : undefined;
    const channel = opts.channel ?? found?.channel ?? 'C_GENERAL';
    const user = opts.user ?? 'U_REQ';
    const messageTs = opts.messageTs ?? found?.ts ?? this.fake?.nextTs() ?? this.localTs();
    const stored = this.fake?.message(channel, messageTs);
    const element = findElement(stored?.blocks ?? [], opts.actionId, opts.value);
    const actionTs = `${nowSeconds()}.${String(this.next()).padStart(6, '0')}`;
    const blockId = opts.blockId ?? element?.blockId ?? `b_${opts.actionId}`;
    const action =
      opts.selectedOption !== undefined
        ? {
            type: 'static_select',
            action_id: opts.actionId,
            block_id: blockId,
            selected_option: option(opts.selectedOption),
            placeholder: { type: 'plain_text', text: 'Select', emoji: true },
            action_ts: actionTs,
          }
        : {
            type: 'button',
            action_id: opts.actionId,
            block_id: blockId,
            text: { type: 'plain_text', text: plainText(element?.element?.text) || opts.actionId, emoji: true },
            ...(opts.value !== undefined ? { value: opts.value } : element?.element?.value !== undefined ? { value: element.element.value } : {}),
            ...(element?.element?.style ? { style: element.element.style } : {}),
            action_ts: actionTs,
          };
    const message =
      opts.message ??
      (stored
        ? {
            type: 'message',
            user: stored.user,
            ...(stored.bot_id ? { bot_id: stored.bot_id, app_id: this.apiAppId } : {}),
            text: stored.text,
            ts: stored.ts,
            ...(stored.thread_ts ? { thread_ts: stored.thread_ts } : {}),
            blocks: stored.blocks ?? [],
            team: this.teamId,
          }
        : { type: 'message', user: this.botUserId, text: '', ts: messageTs, blocks: [], team: this.teamId });
    const payload = {
      type: 'block_actions',
      user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: this.teamId },
      api_app_id: this.apiAppId,
      token: this.verificationToken,
      container: {
        type: 'message',
        message_ts: messageTs,
        channel_id: channel,
        is_ephemeral: stored?.ephemeralTo !== undefined,
        ...(stored?.thread_ts ? { thread_ts: stored.thread_ts } : {}),
      },
      trigger_id: opts.triggerId ?? this.triggerId(),
      team: { id: this.teamId, domain: this.teamDomain },
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: channel, name: this.channelName(channel) },
      message,
      state: { values: opts.state ?? {} },
      response_url: opts.responseUrl ?? this.fake?.responseUrl({ channel, user }) ?? 'http://127.0.0.1:9/no-fake-attached',
      actions: [action],
    };
    const res = await this.sendPayload(payload, opts);
    return { ...res, payload };
  }

  /**
   * A button pressed on a user's Home tab (the view Baton published for them, found on the fake): a
   * `block_actions` payload with a view container, no channel, no message and no response URL, as Slack sends it.
   */
  async homeAction(opts: { user: string; actionId: string; value: string; triggerId?: string; view?: { id: string; blocks?: unknown[] } } & SendOptions): Promise<ActionResponse> {
    const view = opts.view ?? this.fake?.homeOf(opts.user);
    if (!view) throw new Error(`no Home published for ${opts.user}`);
    const element = findElement((view.blocks as never) ?? [], opts.actionId, opts.value);
    if (!element) throw new Error(`no ${opts.actionId} button for ${opts.value} on ${opts.user}'s Home`);
    const payload = {
      type: 'block_actions',
      user: { id: opts.user, username: opts.user.toLowerCase(), name: opts.user.toLowerCase(), team_id: this.teamId },
      api_app_id: this.apiAppId,
      token: this.verificationToken,
      container: { type: 'view', view_id: view.id },
      trigger_id: opts.triggerId ?? this.triggerId(),
      team: { id: this.teamId, domain: this.teamDomain },
      enterprise: null,
      is_enterprise_install: false,
      view: { ...view, type: 'home' },
      actions: [
        {
          type: 'button',
          action_id: opts.actionId,
          block_id: element.blockId,
          text: { type: 'plain_text', text: plainText(element.element?.text) || opts.actionId, emoji: true },
          value: opts.value,
          action_ts: `${nowSeconds()}.${String(this.next()).padStart(6, '0')}`,
        },
      ],
    };
    const res = await this.sendPayload(payload, opts);
    return { ...res, payload };
  }

  /** A `message_action` payload: a message shortcut (`callbackId`) used on a message Slack sends along. */
  async messageShortcut(opts: { callbackId: string; user: string; channel: string; message: { ts: string; user?: string; text: string }; triggerId?: string } & SendOptions): Promise<SimResponse> {
    const payload = {
      type: 'message_action',
      callback_id: opts.callbackId,
      user: { id: opts.user, username: opts.user.toLowerCase(), name: opts.user.toLowerCase(), team_id: this.teamId },
      api_app_id: this.apiAppId,
      token: this.verificationToken,
      trigger_id: opts.triggerId ?? this.triggerId(),
      team: { id: this.teamId, domain: this.teamDomain },
      channel: { id: opts.channel, name: this.channelName(opts.channel) },
      message: { type: 'message', ...opts.message },
      message_ts: opts.message.ts,
      action_ts: `${nowSeconds()}.${String(this.next()).padStart(6, '0')}`,
      response_url: this.fake?.responseUrl({ channel: opts.channel, user: opts.user }) ?? 'http://127.0.0.1:9/no-fake-attached',
    };
    return this.sendPayload(payload, opts);
  }

  /**
   * A `view_submission` payload (a modal's submit). With a fake attached, the modal most
   * recently opened with `callbackId` supplies id, blocks, title and private_metadata.
   */
  async viewSubmission(opts: ViewSubmissionOptions): Promise<ViewSubmissionResponse> {
    const user = opts.user ?? 'U_REQ';
    const opened = this.fake?.findView(opts.callbackId);
    const viewId = opts.viewId ?? opened?.id ?? `V_SIM${String(this.next()).padStart(6, '0')}`;
    const values = stateValues((opts.values ?? {}) as Record<string, Record<string, SimpleInput>>);
    const payload = {
      type: 'view_submission',
      team: { id: this.teamId, domain: this.teamDomain },
      user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: this.teamId },
      api_app_id: this.apiAppId,
      token: this.verificationToken,
      trigger_id: opts.triggerId ?? this.triggerId(),
      view: {
        id: viewId,
        team_id: this.teamId,
        type: 'modal',
        blocks: opts.blocks ?? opened?.blocks ?? [],
        private_metadata: opts.privateMetadata ?? opened?.private_metadata ?? '',
        callback_id: opts.callbackId,
        state: { values },
        hash: `${nowSeconds()}.${randomBytes(4).toString('hex')}`,
        title: opened?.title ?? { type: 'plain_text', text: 'Modal', emoji: true },
        clear_on_close: false,
        notify_on_close: false,
        close: opened?.close ?? null,
        submit: opened?.submit ?? { type: 'plain_text', text: 'Submit', emoji: true },
        previous_view_id: null,
        root_view_id: viewId,
        app_id: this.apiAppId,
        external_id: opts.externalId ?? opened?.external_id ?? '',
        app_installed_team_id: this.teamId,
        bot_id: this.fake?.botId ?? 'BBATON',
      },
      response_urls: opts.responseUrls ?? [],
      is_enterprise_install: false,
      enterprise: null,
    };
    const res = await this.sendPayload(payload, opts);
    return { ...res, payload };
  }

  // ------------------------------------------------------------------ raw

  /**
   * POST `body` as-is. Signed correctly unless `opts` say otherwise; `content-type` defaults to
   * JSON when the body starts with `{`, else form-encoded; `headers` override everything.
   */
  async raw(body: string, headers: Record<string, string> = {}, opts: SendOptions = {}): Promise<SimResponse> {
    const type = body.trimStart().startsWith('{') ? JSON_TYPE : FORM;
    return this.send(body, type, { ...opts, headers: { ...opts.headers, ...headers } });
  }

  /** Interactivity payloads go as `payload=<json>`, form-encoded. */
  private sendPayload(payload: Json, opts: SendOptions): Promise<SimResponse> {
    return this.send(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), FORM, opts);
  }

  private async send(
    body: string,
    contentType: string,
    opts: SendOptions,
    extraHeaders: Record<string, string> = {},
  ): Promise<SimResponse> {
    const timestamp = opts.timestamp ?? nowSeconds() - (opts.ageSeconds ?? 0);
    const secret = opts.badSignature ? `${opts.secret ?? this.signingSecret}-wrong` : (opts.secret ?? this.signingSecret);
    const headers: Record<string, string> = {
      'content-type': contentType,
      ...(opts.unsigned ? {} : signSlackRequest(secret, body, timestamp)),
      ...extraHeaders,
      ...opts.headers,
    };
    const res = await fetch(this.endpoint, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await res.text();
    let parsed: Json = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: res.status, body: parsed, text, headers: res.headers };
  }

  // ------------------------------------------------------------------ helpers

  /** Put a command's synchronous answer into the fake's transcript. */
  private recordAck(res: SimResponse, channel: string, user: string): void {
    if (!this.fake || res.status !== 200) return;
    const body = res.body;
    const text = typeof body === 'string' ? body : typeof body?.text === 'string' ? body.text : '';
    const blocks = typeof body === 'object' && body !== null && Array.isArray(body.blocks) ? body.blocks : undefined;
    if (!text && !blocks) return;
    const inChannel = typeof body === 'object' && body?.response_type === 'in_channel';
    this.fake.addMessage({
      channel,
      text,
      ...(blocks ? { blocks } : {}),
      user: this.fake.botUserId,
      bot_id: this.fake.botId,
      source: 'ack',
      ...(inChannel ? {} : { ephemeralTo: user }),
    });
  }

  private findActionMessage(opts: ActionOptions): { channel: string; ts: string } | undefined {
    if (!this.fake) return undefined;
    const candidates = this.fake.messages(opts.channel).reverse();
    const hit = candidates.find((m) => findElement(m.blocks ?? [], opts.actionId, opts.value) !== undefined);
    return hit ? { channel: hit.channel, ts: hit.ts } : undefined;
  }

  private channelName(channel: string): string {
    return this.fake?.channelName(channel) ?? (channel === 'C_GENERAL' ? 'general' : channel.toLowerCase());
  }

  private triggerId(): string {
    return `${this.next()}.${Date.now()}.${randomBytes(8).toString('hex')}`;
  }

  private localTs(): string {
    this.tsCounter += 1;
    return `${nowSeconds()}.${String(this.tsCounter).padStart(6, '0')}`;
  }

  private next(): number {
    this.seq += 1;
    return this.seq;
  }
}

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

function plainText(t: Json): string {
  return typeof t === 'string' ? t : typeof t?.text === 'string' ? t.text : '';
}

/** The element with `actionId` (and `value`, if given) in a message's blocks. */
function findElement(blocks: Json[], actionId: string, value?: string): { blockId: string; element: Json } | undefined {
  for (const block of blocks) {
    if (!block || typeof block !== 'object') continue;
    const elements: Json[] = [
      ...(Array.isArray(block.elements) ? block.elements : []),
      ...(block.accessory ? [block.accessory] : []),
      ...(block.element ? [block.element] : []),
    ];
    for (const el of elements) {
      if (el?.action_id === actionId && (value === undefined || el.value === undefined || el.value === value)) {
        return { blockId: typeof block.block_id === 'string' ? block.block_id : `b_${actionId}`, element: el };
      }
    }
  }
  return undefined;
}
