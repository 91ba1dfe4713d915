// Runs the real Baton (Bolt app over HTTP, outbox worker, use cases, a real database) against the fake
// Slack Web API, and a signed-request client to talk to it.
import { pino } from 'pino';
import { startBaton, type Baton } from '../../src/main.js';
import type { Clock } from '../../src/core/clock.js';
import { startFakeSlack, type FakeSlack } from '../../fake-slack/index.js';
import { SlackClientSim } from './slackRequests.js';
import { openTestDatabase, type DbKind } from './db.js';
import type { Database } from '../../src/storage/db.js';
import type { Logger } from '../../src/logger.js';

export const SIGNING_SECRET = 'e2e-signing-secret';
export const ADMIN_USER = 'UADMIN01';

export interface Harness {
  baton: Baton;
  fake: FakeSlack;
  slack: SlackClientSim;
  close(): Promise<void>;
}

export async function startHarness(
  kind: DbKind,
  o: { env?: Record<string, string>; clock?: Clock; fake?: FakeSlack; database?: Database; logger?: Logger } = {},
): Promise<Harness> {
  const fake = o.fake ?? (await startFakeSlack());
  const database = o.database ?? (await openTestDatabase(kind));
  const baton = await startBaton({
    env: {
      SLACK_BOT_TOKEN: 'xoxb-e2e',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.url,
      PORT: '0',
      ADMIN_USER_IDS: ADMIN_USER,
      ESCALATIONS_CHANNEL: 'CESCALATE',
      ESCALATION_CRON: '0 0 1 1 *',
      ...o.env,
    },
    clock: o.clock,
    database,
    logger: o.logger ?? pino({ level: process.env.E2E_LOG ?? 'silent' }),
    workerOptions: { pollMs: 20, perChannel: { perSecond: 100, burst: 100 } },
  });
  const slack = new SlackClientSim({ baseUrl: `http://127.0.0.1:${baton.port}`, signingSecret: SIGNING_SECRET, fake });
  return {
    baton,
    fake,
    slack,
    async close() {
      await baton.stop();
      if (!o.fake) await fake.close();
    },
  };
}
