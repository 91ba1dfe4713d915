// What the HTTP API and the MCP endpoint read from a request alike: the agent behind the bearer token and a
// body of at most MAX_BODY_BYTES.
import type { IncomingMessage } from 'node:http';
import type { Deps } from '../app/context.js';
import { heardFrom } from '../app/liveness.js';
import { agentOfToken } from '../app/tokens.js';
import { agentPrincipal } from '../core/permissions.js';
import { ApiError } from './errors.js';
import type { AgentPrincipal } from './operations.js';

export const MAX_BODY_BYTES = 1024 * 1024;

/** The agent whose token the request carries, acting through `via`; 401 without a live token. */
export async function authenticate(deps: Deps, req: IncomingMessage, via: 'api' | 'mcp'): Promise<AgentPrincipal> {
  const header = req.headers.authorization;
  const m = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!m) throw new ApiError(401, 'unauthorized', 'Send an agent token as `Authorization: Bearer bat_…`; `/agent token HANDLE` in Slack issues one.');
  const agent = await agentOfToken(deps, m[1]!);
  if (!agent) throw new ApiError(401, 'unauthorized', 'This token is unknown or was revoked; `/agent token HANDLE` in Slack issues a new one.');
  // Every authenticated call is a sign of life: an unresponsive agent is available again before the call runs.
  await heardFrom(deps, { handle: agent.handle }, via);
  return agentPrincipal(agent.handle, via) as AgentPrincipal;
}

/** The body as text, at most MAX_BODY_BYTES; a larger one is refused with 413 without reading it all. */
export function readBody(req: IncomingMessage): Promise<string> {
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        reject(tooLarge());
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const tooLarge = () => new ApiError(413, 'too_large', `The body is larger than ${MAX_BODY_BYTES} bytes (1 MB).`);

/** JSON text parsed; 400 naming what is wrong with it. */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ApiError(400, 'malformed_json', `The body is not valid JSON: ${(e as Error).message}.`);
  }
}
