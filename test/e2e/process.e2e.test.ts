// Baton as a real process (`npm start`'s entry point): start-up errors, restarts on the embedded database.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../../fake-slack/index.js';
import { freePort, SlackClientSim } from '../support/slackRequests.js';
import { spawnBaton } from '../support/spawnBaton.js';

const SECRET = 'process-secret';

// Spawning processes is slow on a loaded machine: generous timeouts, no timing assertions.
describe('Baton as a process', { timeout: 120_000 }, () => {
  let fake: FakeSlack;
  let dataDir: string;

  beforeAll(async () => {
    fake = await startFakeSlack();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'baton-proc-'));
  });
  afterAll(async () => {
    await fake?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('when started without Slack credentials, then it exits non-zero with one line naming SLACK_BOT_TOKEN', async () => {
    const r = spawnBaton({});
    const code = await r.exited;
    expect(code).not.toBe(0);
    expect(r.output()).toMatch(/SLACK_BOT_TOKEN/);
    expect(r.output()).toMatch(/README/);
    expect(r.output()).toMatch(/npm run demo/);
  });

  it('when a variable is invalid, then the line names it', async () => {
    const r = spawnBaton({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', PORT: 'eighty', BATON_TIMEZONE: 'Mars/Base' });
    expect(await r.exited).not.toBe(0);
    expect(r.output()).toMatch(/PORT/);
    expect(r.output()).toMatch(/BATON_TIMEZONE/);
  });

  it('when Slack refuses the token, then start-up fails with a clear line', async () => {
    fake.fail('auth.test', { error: 'invalid_auth' }, Infinity);
    try {
      const r = spawnBaton({ SLACK_BOT_TOKEN: 'xoxb-bad', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.url, PORT: String(await freePort()), BATON_DATA_DIR: path.join(dataDir, 'refused') });
      expect(await r.exited).not.toBe(0);
      expect(r.output()).toMatch(/auth\.test: invalid_auth/);
    } finally {
      fake.clearFailures();
    }
  });

  it('when restarted on the embedded database, then every ticket is still there; a second copy on the same data directory refuses', async () => {
    const port = await freePort();
    const env = { SLACK_BOT_TOKEN: 'xoxb-proc', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.url, PORT: String(port), BATON_DATA_DIR: dataDir, ADMIN_USER_IDS: 'UADMIN01' };
    const slack = new SlackClientSim({ baseUrl: `http://127.0.0.1:${port}`, signingSecret: SECRET, fake });

    const first = spawnBaton(env);
    await first.ready();
    await slack.command('/agent', 'add iris skills:general channel:<#CIRIS001|agent-iris>', { user: 'UADMIN01' });
    const filed = await slack.command('/ticket', 'new Printer on fire', { user: 'UREQ0001' });
    expect(JSON.stringify(filed.body)).toContain('T-2026-001');
    await fake.waitFor(() => fake.posts('CIRIS001')[0]);

    const second = spawnBaton({ ...env, PORT: String(await freePort()) });
    expect(await second.exited).not.toBe(0);
    expect(second.output()).toMatch(/BATON_DATA_DIR .* is in use by another Baton process/);

    expect(await first.kill('SIGTERM')).toBe(0);

    const again = spawnBaton(env);
    await again.ready();
    const shown = await slack.command('/ticket', 'show T-2026-001', { user: 'UREQ0001' });
    expect(JSON.stringify(shown.body)).toContain('Printer on fire');
    const next = await slack.command('/ticket', 'new Second ticket', { user: 'UREQ0001' });
    expect(JSON.stringify(next.body)).toContain('T-2026-002');
    await again.kill('SIGKILL');

    // A lock left by a killed process does not keep Baton from starting.
    const afterKill = spawnBaton(env);
    await afterKill.ready();
    const list = await slack.command('/ticket', 'list active', { user: 'UREQ0001' });
    expect(JSON.stringify(list.body)).toContain('T-2026-002');
    expect(await afterKill.kill('SIGTERM')).toBe(0);
  }, 120_000);
});
