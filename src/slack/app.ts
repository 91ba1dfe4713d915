// The Bolt app: HTTP receiver (POST /slack/events, GET /healthz, /api/v1, /mcp) or Socket Mode, and every listener.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { App, HTTPReceiver, SocketModeReceiver, type App as BoltApp } from '@slack/bolt';
import { a2aPushHandler } from '../a2a/push.js';
import { apiHandler } from '../api/http.js';
import { mcpHandler } from '../mcp/http.js';
import type { Deps } from '../app/context.js';
import { heardFrom } from '../app/liveness.js';
import { failingWebhookStatuses } from '../app/webhooks.js';
import type { Config } from '../config.js';
import { boltLogger, type Logger } from '../logger.js';
import type { Metrics } from '../metrics/metrics.js';
import { pendingCount } from '../storage/outbox.js';
import type { SlackDeps } from './context.js';
import { registerAgentCommand } from './listeners/agentCommand.js';
import { registerButtons } from './listeners/buttons.js';
import { registerHome } from './listeners/home.js';
import { registerMessages } from './listeners/messages.js';
import { registerReactions } from './listeners/reactions.js';
import { registerModals } from './listeners/modals.js';
import { registerShortcuts } from './listeners/shortcuts.js';
import { registerTicketCommand } from './listeners/ticketCommand.js';

export interface SlackApp {
  app: BoltApp;
  /** Initialise (auth.test) and start listening. Throws a clear error when Slack refuses the token. */
  start(): Promise<{ port: number | null; botUserId: string }>;
  stop(): Promise<void>;
  /** The HTTP server on PORT (Slack's endpoint in HTTP mode, /healthz, /metrics, the API and MCP in both modes), once started. */
  server(): Server | undefined;
}

export function createSlackApp(o: { config: Config; deps: Deps; logger: Logger; kick: () => void; metrics?: Metrics }): SlackApp {
  const { config, deps, logger } = o;
  const clientOptions = config.slackApiUrl ? { slackApiUrl: ensureSlash(config.slackApiUrl) } : {};
  let botUserId = '';
  /** Set once stopping: every answer from then on closes its connection. */
  let closing = false;
  /** Requests received and not yet answered. */
  let inProgress = 0;
  /** Connections accepted whose first request has not been read yet. */
  const unread = new Set<Socket>();
  const marked = new WeakSet<Server>();

  const healthz = {
    path: '/healthz',
    method: ['GET'],
    handler: async (_req: IncomingMessage, res: ServerResponse) => {
      const ok = await deps.database.ping();
      let outbox: { pending: number; failed: number } | null = null;
      let webhooks: { failing: Array<{ agent: string; error: string; at: string; gaveUp: boolean }> } | null = null;
      if (ok) {
        outbox = await pendingCount(deps.database.db).catch(() => null);
        // Never the URL (it may carry a token) nor the secret: who, what failed, when.
        webhooks = await failingWebhookStatuses(deps)
          .then((list) => ({ failing: list.map((w) => ({ agent: w.agent, error: w.failing!.error, at: w.failing!.at.toISOString(), gaveUp: w.failing!.gaveUp })) }))
          .catch(() => null);
      }
      res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify(ok ? { ok: true, outbox, webhooks } : { ok: false, error: 'database unavailable' }));
    },
  };

  // Prometheus scrapes this beside /healthz, in HTTP and Socket Mode alike.
  const metrics = {
    path: '/metrics',
    method: ['GET'],
    handler: async (_req: IncomingMessage, res: ServerResponse) => {
      if (!o.metrics) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('metrics are not collected by this process\n');
        return;
      }
      try {
        const { contentType, body } = await o.metrics.render(deps.database, deps.clock.now());
        res.writeHead(200, { 'content-type': contentType });
        res.end(body);
      } catch (e) {
        logger.warn({ err: String(e) }, '/metrics could not read the database');
        res.writeHead(503, { 'content-type': 'text/plain' });
        res.end('database unavailable\n');
      }
    },
  };

  // The agents' HTTP API shares PORT with Slack (and with /healthz in Socket Mode).
  const api = { path: '/api/v1/*rest', method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], handler: apiHandler(deps, logger, o.kick) };
  const mcp = { path: '/mcp', method: ['GET', 'POST', 'DELETE'], handler: mcpHandler(deps, logger, o.kick) };
  // A2A agents push their tasks' updates here (BATON_PUBLIC_URL + /a2a/push/{task}).
  const a2aPush = { path: '/a2a/push/:task', method: ['POST'], handler: a2aPushHandler(deps, logger, o.kick) };
  const customRoutes = [healthz, metrics, api, mcp, a2aPush];

  const receiver = config.slackAppToken
    ? new SocketModeReceiver({
        appToken: config.slackAppToken,
        logger: boltLogger(logger),
        // /healthz is served on PORT in Socket Mode too.
        installerOptions: { clientOptions, port: config.port },
        customRoutes,
      })
    : new HTTPReceiver({
        signingSecret: config.slackSigningSecret!,
        endpoints: ['/slack/events'],
        logger: boltLogger(logger),
        customRoutes,
        // Malformed bodies and bad signatures are answered by the receiver itself (400/401).
        unhandledRequestTimeoutMillis: 2900,
        // Listeners answer every failure themselves; what reaches this handler is a payload Bolt could not
        // even dispatch (an event that is not an object, an action without a user…): a bad request, not a 5xx.
        processEventErrorHandler: async ({ error, response, logger: log }) => {
          if (response.headersSent) {
            log.error(`error after the request was acknowledged: ${String(error)}`);
            return false;
          }
          const unauthorized = (error as { code?: string }).code === 'slack_bolt_authorization_error';
          log.warn(`refused a request Baton could not process: ${String(error)}`);
          response.writeHead(unauthorized ? 401 : 400);
          response.end();
          return true;
        },
      });

  const app = new App({
    token: config.slackBotToken,
    receiver,
    logger: boltLogger(logger),
    clientOptions: { ...clientOptions, retryConfig: { retries: 2 } },
    deferInitialization: true,
    // Bolt's in-memory conversation store is unused (state lives in the database, shared by every copy); left on,
    // it looks up every event's channel and builds a "Conversation not found" error with its stack each time.
    convoStore: false,
  });

  const sd: SlackDeps = { deps, config, logger, botUserId: () => botUserId, kick: o.kick };
  // Any action in Slack by an agent's user (a command, a button, a message, a reaction) is a sign of life: after
  // the listener has answered, the agent's silence clock starts again and an unresponsive agent is available again.
  app.use(async ({ context, next }) => {
    await next();
    const who: unknown = context.userId;
    if (typeof who !== 'string' || !/^[UW][A-Z0-9]{2,}$/.test(who) || who === botUserId) return;
    try {
      if ((await heardFrom(deps, { user: who }, 'slack')).length) o.kick();
    } catch (e) {
      logger.warn({ err: String(e) }, 'could not record that an agent was heard from');
    }
  });
  registerTicketCommand(app, sd);
  registerAgentCommand(app, sd);
  registerMessages(app, sd);
  registerReactions(app, sd);
  registerButtons(app, sd);
  registerModals(app, sd);
  registerShortcuts(app, sd);
  registerHome(app, sd);
  app.error(async (e) => {
    logger.error({ err: (e as Error).stack ?? String(e) }, 'unhandled error in a Slack listener');
  });

  return {
    app,
    async start() {
      try {
        await app.init();
      } catch (e) {
        const err = (e as { data?: { error?: string }; message?: string }).data?.error ?? (e as Error).message;
        throw new Error(`Slack refused the bot token (auth.test: ${err}). Check SLACK_BOT_TOKEN${config.slackApiUrl ? ` and SLACK_API_URL (${config.slackApiUrl})` : ''}.`);
      }
      const auth = await app.client.auth.test();
      botUserId = String(auth.user_id ?? '');
      if (config.slackAppToken) {
        await app.start();
        return { port: null, botUserId };
      }
      const server = (await app.start(config.port)) as unknown as { address(): { port: number } | string | null };
      const addr = server.address();
      return { port: typeof addr === 'object' && addr ? addr.port : config.port, botUserId };
    },
    async stop() {
      // Requests already received are answered; a request read from now on is refused with 503 (and every
      // answer closes its connection), so nothing is cut off mid-way. Once none is in progress, the port
      // closes; after 10 s, whatever is left is cut.
      const server = this.server();
      closing = true;
      if (server) {
        const start = Date.now();
        let quiet = 0;
        while (Date.now() - start < 10_000 && quiet < 3) {
          await new Promise((r) => setTimeout(r, 100));
          quiet = inProgress === 0 && unread.size === 0 ? quiet + 1 : 0;
        }
      }
      const stopped = app.stop();
      const cut = server ? setTimeout(() => server.closeAllConnections(), 10_000) : undefined;
      try {
        await stopped;
      } finally {
        clearTimeout(cut);
      }
    },
    server() {
      // Bolt keeps it on the receiver: `server` in HTTP mode, `httpServer` in Socket Mode.
      const r = receiver as unknown as { server?: Server; httpServer?: Server };
      const server = r.server ?? r.httpServer;
      if (server && !marked.has(server)) {
        marked.add(server);
        const handlers = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
        server.removeAllListeners('request');
        // A connection accepted whose request has not been read yet (the process was busy) is received too.
        server.on('connection', (socket: Socket) => {
          unread.add(socket);
          socket.once('close', () => unread.delete(socket));
        });
        server.on('request', (req: IncomingMessage, res: ServerResponse) => {
          unread.delete(req.socket);
          if (closing) {
            res.writeHead(503, { 'content-type': 'application/json', connection: 'close', 'retry-after': '5' });
            res.end(JSON.stringify({ error: { code: 'shutting_down', message: 'Baton is stopping; nothing was done. Retry in a few seconds.' } }));
            return;
          }
          inProgress++;
          res.once('close', () => inProgress--);
          for (const h of handlers) h.call(server, req, res);
        });
      }
      return server;
    },
  };
}

function ensureSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
