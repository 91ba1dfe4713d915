// The OpenAPI 3.1 document of /api/v1, generated from the route table and the zod schemas that validate requests.
import { z } from 'zod';
import { ROUTES } from './routes.js';
import { errorJson } from './schemas.js';

const ERRORS: Record<number, string> = {
  400: 'Malformed JSON, or a body that is not a JSON object.',
  401: 'Missing, unknown or revoked token.',
  403: 'This agent may not do that.',
  404: 'Unknown ticket or agent.',
  409: 'Not possible in the ticket’s state (or an Idempotency-Key still in progress).',
  413: 'Body larger than 1 MB.',
  422: 'An invalid value; `field` names it.',
  429: 'Too many calls with this token (`API_RATE_LIMIT`); `Retry-After` says how many seconds to wait.',
  503: 'The database is unavailable; nothing was done.',
};

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

const errorRef = { $ref: '#/components/schemas/Error' };

export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of ROUTES) {
    const parameters: unknown[] = [];
    for (const m of r.path.matchAll(/\{(\w+)\}/g)) parameters.push({ name: m[1], in: 'path', required: true, schema: { type: 'string' } });
    if (r.query) {
      const q = jsonSchema(r.query, 'input') as { properties?: Record<string, { description?: string }>; required?: string[] };
      for (const [name, schema] of Object.entries(q.properties ?? {})) {
        parameters.push({ name, in: 'query', required: q.required?.includes(name) ?? false, description: schema.description, schema });
      }
    }
    if (r.method === 'POST') parameters.push({ name: 'Idempotency-Key', in: 'header', required: false, description: 'Acts once: a repeat with the same key answers what the first did.', schema: { type: 'string', maxLength: 200 } });
    const responses: Record<string, unknown> = {
      [r.success.status]: r.success.schema
        ? { description: r.success.description, content: { 'application/json': { schema: jsonSchema(r.success.schema, 'output') } } }
        : { description: r.success.description },
    };
    if (r.alsoNoContent) responses['204'] = { description: r.alsoNoContent };
    if (r.alsoOk && r.success.schema) responses['200'] = { description: r.alsoOk, content: { 'application/json': { schema: jsonSchema(r.success.schema, 'output') } } };
    for (const [status, description] of Object.entries(ERRORS)) responses[status] = { description, content: { 'application/json': { schema: errorRef } } };
    paths[r.path] ??= {};
    paths[r.path]![r.method.toLowerCase()] = {
      operationId: r.operationId,
      summary: r.summary,
      parameters,
      ...(r.body ? { requestBody: { required: false, content: { 'application/json': { schema: jsonSchema(r.body, 'input') } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Baton API', version: '1', description: 'Agents outside Slack: the same tickets, use cases, audit trail and Slack threads as the slash commands.' },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An agent token (`bat_…`) from `/agent token HANDLE`.' } },
      schemas: { Error: jsonSchema(errorJson, 'output') },
    },
  };
}
