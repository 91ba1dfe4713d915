// Response URLs (`http://127.0.0.1:PORT/response/<n>`): handed out for slash commands and interactions;
// what is POSTed to them is recorded and, with a channel, shows in that channel (ephemeral unless
// `response_type: 'in_channel'`).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Faults } from './faults.js';
import type { Workspace } from './store.js';
import type { FakeResponse, Json } from './types.js';
import { invalidBlocks } from './methods/args.js';
import { parseArgs, sendJson } from './wire.js';

export class ResponseUrls {
  /** Every POST to a response URL, in arrival order. */
  readonly received: FakeResponse[] = [];
  private seq = 0;
  private readonly context = new Map<string, { channel?: string; user?: string }>();

  constructor(
    private readonly ws: Workspace,
    private readonly faults: Faults,
    private readonly host: { isClosed(): boolean; countRateLimited(): void },
  ) {}

  create(origin: string, context: { channel?: string; user?: string }): string {
    this.seq += 1;
    const url = `${origin}/response/${this.seq}`;
    this.context.set(url, context);
    return url;
  }

  async handle(url: string, raw: Buffer, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = (await parseArgs(raw, req.headers['content-type'], new URLSearchParams())) as Json;
    const context = this.context.get(url) ?? {};
    this.received.push({ url, body, at: Date.now(), ...context });
    if (this.faults.isDown) return sendJson(res, 503, { ok: false, error: 'service_unavailable' });
    const failure = this.faults.take('response_url');
    if (failure) {
      if (failure.delayMs) await this.faults.sleep(failure.delayMs);
      if (this.host.isClosed() || failure.destroy) return void req.socket.destroy();
      if (failure.status === 429) {
        this.host.countRateLimited();
        return sendJson(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(failure.retryAfter ?? 1) });
      }
      if (failure.status !== undefined && failure.status !== 200) {
        return sendJson(res, failure.status, { ok: false, error: `http_${failure.status}` });
      }
      if (failure.error) return sendJson(res, 404, { ok: false, error: failure.error });
    }
    const invalid = typeof body === 'object' && body !== null ? invalidBlocks(body) : undefined;
    if (invalid) return sendJson(res, 400, invalid);
    if (context.channel && (typeof body?.text === 'string' || Array.isArray(body?.blocks))) {
      const inChannel = body.response_type === 'in_channel';
      this.ws.addBotMessage({
        channel: context.channel,
        text: typeof body.text === 'string' ? body.text : '',
        ...(Array.isArray(body.blocks) ? { blocks: body.blocks } : {}),
        ...(typeof body.thread_ts === 'string' ? { thread_ts: body.thread_ts } : {}),
        source: 'response_url',
        ...(!inChannel && context.user ? { ephemeralTo: context.user } : {}),
      });
    }
    sendJson(res, 200, { ok: true });
  }
}
