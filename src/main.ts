// Composition root: config → database → use-case deps → Slack app, outbox worker, scheduler.
// SIGTERM/SIGINT: stop taking work, finish what is in flight, close the database.
import { hostname } from 'node:os';
import { pathToFileURL } from 'node:url';
import { WebClient } from '@slack/web-api';
import { sdkA2aPort } from './a2a/sdk.js';
import type { A2aPort } from './app/a2aPort.js';
import { InFlight, type Deps } from './app/context.js';
import { a2aDestination } from './delivery/a2aDestination.js';
import { systemClock, type Clock } from './core/clock.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { startScheduler, type Scheduler } from './scheduler/scheduler.js';
import { createSlackApp } from './slack/app.js';
import { WEBHOOK_DESTINATION } from './app/agentEvents.js';
import { OutboxWorker } from './delivery/outboxWorker.js';
import { webhookDestination } from './delivery/webhookDestination.js';
import { homeDestination } from './delivery/homeDestination.js';
import { HOME_DESTINATION, homeOf } from './app/home.js';
import { homeView } from './slack/blocks/home.js';
import { Metrics } from './metrics/metrics.js';
import { blockKitRenderer } from './slack/renderer.js';
import { openDatabase, type Database } from './storage/db.js';

export interface Baton {
  config: Config;
  metrics: Metrics;
  database: Database;
  deps: Deps;
  worker: OutboxWorker;
  scheduler: Scheduler;
  port: number | null;
  botUserId: string;
  stop(): Promise<void>;
}

export async function startBaton(
  o: { env?: Record<string, string | undefined>; clock?: Clock; logger?: Logger; database?: Database; a2a?: A2aPort; workerOptions?: { pollMs?: number; perChannel?: { perSecond: number; burst: number } } } = {},
): Promise<Baton> {
  const config = loadConfig(o.env ?? process.env);
  const logger = o.logger ?? createLogger();
  const clock = o.clock ?? systemClock;
  const database = o.database ?? (await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }));
  const metrics = new Metrics();
  const deps: Deps = {
    database,
    clock,
    policy: { admins: config.adminUserIds },
    render: blockKitRenderer(clock, config.timeZone),
    timeZone: config.timeZone,
    defaultTicketType: config.defaultTicketType,
    escalationsChannel: config.escalationsChannel,
    handoffDepthLimit: config.handoffDepthLimit,
    escalationRepeat: config.escalationRepeat,
    apiRateLimit: config.apiRateLimit,
    secretKey: config.secretKey,
    outboxRetentionSec: config.outboxRetentionSec,
    a2a: o.a2a ?? sdkA2aPort(),
    publicUrl: config.publicUrl,
    observe: (h) => metrics.observe(h),
    inFlight: new InFlight(),
  };
  const client = new WebClient(config.slackBotToken, {
    ...(config.slackApiUrl ? { slackApiUrl: config.slackApiUrl.endsWith('/') ? config.slackApiUrl : `${config.slackApiUrl}/` } : {}),
    // The outbox worker retries itself, with the state kept in the database.
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
  });
  // The worker is made once the port is known: host and port name its delivery instance, so a process
  // restarted on them takes back at once what its predecessor left in flight.
  let worker: OutboxWorker | undefined;
  // A webhook's `{"accept":true}` commits an accept, whose messages the worker then delivers.
  const kick = () => worker?.kick();
  const slack = createSlackApp({ config, deps, logger, kick, metrics });
  let started: { port: number | null; botUserId: string };
  try {
    started = await slack.start();
  } catch (e) {
    await database.close();
    throw e;
  }
  // Taken at once: from here on, a stop answers what was received and refuses what comes after.
  const server = slack.server();
  if (server) metrics.instrument(server);
  const port = started.port ?? config.port;
  worker = new OutboxWorker({
    database,
    client,
    clock,
    logger,
    destinations: {
      [WEBHOOK_DESTINATION]: webhookDestination({ deps, logger, kick }),
      a2a: a2aDestination({ deps, logger, kick }),
      [HOME_DESTINATION]: homeDestination({ client, view: async (user) => homeView(await homeOf(deps, user), { now: clock.now(), timeZone: deps.timeZone }) }),
    },
    ...o.workerOptions,
    instance: port ? { name: `${hostname()}:${port}` } : {},
    onCall: (destination, method, outcome) => metrics.call(destination, method, outcome),
  });
  worker.start();
  const scheduler = startScheduler({ deps, logger, escalationCron: config.escalationCron, briefingCron: config.briefingCron, timeZone: config.timeZone, after: () => worker?.kick() });
  logger.info({ port: started.port, mode: config.slackAppToken ? 'socket' : 'http', database: database.kind }, 'Baton is running');

  let stopping: Promise<void> | null = null;
  return {
    config,
    metrics,
    database,
    deps,
    worker,
    scheduler,
    port: started.port,
    botUserId: started.botUserId,
    stop() {
      stopping ??= (async () => {
        // No new requests; those received are answered (their use cases commit or roll back whole).
        await slack.stop().catch((e) => logger.warn({ err: String(e) }, 'stopping Slack failed'));
        await scheduler.stop();
        // Work a request started but answers later (past Slack's 3 s, through its response URL) finishes too.
        if (!(await deps.inFlight!.idle(15_000))) logger.warn('stopping with use cases still running; their transactions roll back');
        // The outbox loop finishes its current sends; what it still holds is due at once for the next process.
        await worker?.stop();
        await database.close();
        logger.info('Baton stopped');
      })();
      return stopping;
    },
  };
}

async function main() {
  // A promise that rejects with nobody awaiting it (Bolt's HTTP receiver does this for a signed body
  // that parses to JSON null) would end the process, dropping every request in flight. Everything
  // Baton promises lives in database transactions, so logging it and carrying on is safe.
  const log = createLogger();
  process.on('unhandledRejection', (reason) => {
    log.error({ err: reason instanceof Error ? (reason.stack ?? reason.message) : String(reason) }, 'unhandled promise rejection');
  });
  let baton: Baton;
  try {
    baton = await startBaton();
  } catch (e) {
    if (e instanceof ConfigError) {
      for (const line of e.problems) console.error(`baton: ${line}`);
    } else {
      console.error(`baton: ${(e as Error).message ?? String(e)}`);
    }
    process.exit(1);
  }
  const shutdown = (signal: string) => {
    console.error(`baton: ${signal} received, finishing in-flight work`);
    baton.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void main();
}
