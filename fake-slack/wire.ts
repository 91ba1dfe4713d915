// The HTTP side of what `@slack/web-api`'s WebClient sends and expects: request bodies decoded into
// arguments (JSON-valued form fields back into objects), JSON answers, one log line per call.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeSlackCall, Json } from './types.js';

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

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function sendJson(res: ServerResponse, status: number, body: Json, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

/** Decode a request body (+ query string) into recorded arguments. */
export async function parseArgs(
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

/** One line for a call: time, method, arguments (token left out, long ones cut), outcome. */
export function formatCall(c: FakeSlackCall): string {
  const time = new Date(c.at).toISOString().slice(11, 23);
  const { token: _t, ...args } = c.args;
  let shown = JSON.stringify(args);
  if (shown.length > 200) shown = `${shown.slice(0, 197)}...`;
  const outcome =
    c.status === undefined ? 'pending' : c.status === 0 ? 'socket destroyed' : `${c.status} ${c.ok ? 'ok' : c.error}`;
  return `${time} ${c.method} ${shown} -> ${outcome}`;
}
