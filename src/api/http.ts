// The HTTP transport of /api/v1: bearer token, body limits, JSON in and out, validation by the route's zod
// schemas, Idempotency-Key, and every error as {"error":{code,message,field}}. Served through the Slack
// receiver's custom routes, so on PORT in HTTP and Socket Mode alike.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import type { Deps, TxOptions } from '../app/context.js';
import type { Logger } from '../logger.js';
import { ApiError, fromError, type ErrorBody } from './errors.js';
import { runOnce } from './idempotency.js';
import { openApiDocument } from './openapi.js';
import { spendCall } from '../app/rateLimit.js';
import { authenticate, parseJsonText, readBody } from './request.js';
import { answerNow, findRoute, type Route } from './routes.js';


type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

function send(res: ServerResponse, a: Answer): void {
  if (res.headersSent) return;
  const headers = { 'cache-control': 'no-store', ...a.headers };
  if (a.body === undefined || a.status === 204) {
    res.writeHead(a.status, headers);
    res.end();
    return;
  }
  res.writeHead(a.status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(a.body));
}

const errorAnswer = (e: ApiError): Answer => ({
  status: e.status,
  body: e.body,
  headers: e.status === 401 ? { 'www-authenticate': 'Bearer' } : e.retryAfterSec !== undefined ? { 'retry-after': String(e.retryAfterSec) } : undefined,
});

function parseJson(text: string): unknown {
  if (text.trim() === '') return {};
  const value = parseJsonText(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ApiError(400, 'malformed_body', 'The body must be a JSON object.');
  return value;
}

/** The first problem zod found, as a 422 naming its field. */
function validate<T>(schema: z.ZodType<T>, value: unknown, where: 'body' | 'query'): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.code === 'unrecognized_keys' ? issue.keys[0]! : issue.path.join('.') || where;
  const message = issue.code === 'unrecognized_keys' ? `\`${field}\` is not a field of this request.` : `\`${field}\`: ${issue.message}.`;
  throw new ApiError(422, 'invalid_input', message, field);
}

function idempotencyKey(req: IncomingMessage): string | undefined {
  const v = req.headers['idempotency-key'];
  if (v === undefined) return undefined;
  const key = Array.isArray(v) ? v[0]! : v;
  if (!/^[\x21-\x7e]{1,200}$/.test(key)) throw new ApiError(422, 'invalid_input', 'The `Idempotency-Key` header must be 1 to 200 visible ASCII characters.', 'Idempotency-Key');
  return key;
}

async function handle(deps: Deps, logger: Logger, req: IncomingMessage): Promise<Answer> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const method = (req.method ?? 'GET').toUpperCase();
  if (url.pathname === '/api/v1/openapi.json' && method === 'GET') return { status: 200, body: openApiDocument() };
  const found = findRoute(method, url.pathname);
  if (!found) throw new ApiError(404, 'not_found', `There is no \`${method} ${url.pathname}\`; \`GET /api/v1/openapi.json\` lists every route.`);
  if ('methods' in found) throw new ApiError(405, 'method_not_allowed', `\`${url.pathname}\` takes ${found.methods.join(', ')}, not ${method}.`);
  const { route, params } = found;
  const agent = await authenticate(deps, req, 'api');
  await spendCall(deps, agent.handle);
  const raw = method === 'GET' ? '' : await readBody(req);
  const body = route.body ? validate(route.body, parseJson(raw), 'body') : undefined;
  const query = route.query ? validate(route.query, Object.fromEntries(url.searchParams), 'query') : undefined;
  const key = method === 'POST' ? idempotencyKey(req) : undefined;
  const context = (o: TxOptions) => ({ deps, agent, params, query, body, o });
  const run = (o: TxOptions) => route.run(context(o));
  if (!key) return run({});
  const fingerprint = createHash('sha256').update(`${method} ${url.pathname}\n${raw}`).digest('hex');
  return runOnce(deps, { handle: agent.handle, key, fingerprint }, run, (subject) => answerNow(route, context({}), subject), logger);
}

/** Serves one request under /api/v1. Never throws; never answers a stack trace. */
export function apiHandler(deps: Deps, logger: Logger, kick: () => void = () => {}) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let answer: Answer;
    try {
      answer = await handle(deps, logger, req);
    } catch (e) {
      const err = e instanceof ApiError ? e : await fromError(e, deps, logger);
      answer = errorAnswer(err);
    }
    logger.info({ method: req.method, path: new URL(req.url ?? '/', 'http://localhost').pathname, status: answer.status }, 'api request');
    send(res, answer);
    // Messages a use case committed go out now rather than at the next poll.
    if (req.method !== 'GET' && answer.status < 300) kick();
  };
}

export type { ErrorBody, Route };
