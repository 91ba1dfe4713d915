// The HTTP transport of /mcp: MCP over Streamable HTTP, stateless (a server and a transport per request), behind the
// same bearer token as /api/v1. Served through the Slack receiver's custom routes, so on PORT in HTTP and Socket
// Mode alike.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { ApiError, fromError } from '../api/errors.js';
import { authenticate, parseJsonText, readBody } from '../api/request.js';
import type { Deps } from '../app/context.js';
import type { Logger } from '../logger.js';
import { createMcpServer } from './tools.js';

/** A refusal before MCP is spoken: the API's error body, and JSON-RPC's error for MCP clients. */
function refuse(res: ServerResponse, e: ApiError, rpcCode: number, extra: Record<string, string> = {}): void {
  if (res.headersSent) return;
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...extra };
  if (e.status === 401) headers['www-authenticate'] = 'Bearer';
  res.writeHead(e.status, headers);
  res.end(JSON.stringify({ jsonrpc: '2.0', id: null, ...e.body, error: { ...e.body.error, code: rpcCode, reason: e.code } }));
}

/** JSON-RPC error codes for refusals at the HTTP level. */
const RPC = { parse: -32700, invalidRequest: -32600, server: -32000 } as const;

/** Serves one request to /mcp. Never throws; never answers a stack trace. */
export function mcpHandler(deps: Deps, logger: Logger, kick: () => void = () => {}) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    let status = 200;
    try {
      const agent = await authenticate(deps, req, 'mcp');
      // Stateless: no session to resume (GET) or end (DELETE).
      if (method !== 'POST') {
        status = 405;
        refuse(res, new ApiError(405, 'method_not_allowed', '`/mcp` takes POST (MCP over Streamable HTTP, without sessions).'), RPC.invalidRequest, { allow: 'POST' });
        return;
      }
      const body = parseJsonText(await readBody(req));
      const server = createMcpServer({ deps, logger, agent });
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      res.on('close', () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      await transport.handleRequest(req, res, body);
      status = res.statusCode;
    } catch (e) {
      const err = e instanceof ApiError ? e : await fromError(e, deps, logger);
      status = err.status;
      refuse(res, err, err.status === 400 ? RPC.parse : RPC.server);
    } finally {
      logger.info({ method, path: '/mcp', status }, 'mcp request');
    }
    // Messages a tool committed go out now rather than at the next poll.
    if (status < 300) kick();
  };
}
