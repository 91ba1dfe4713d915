// Baton as a real process (`npm start`'s entry point): start-up errors, restarts on the embedded database.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../../fake-slack/index.js';
import { freePort, SlackClientSim } from '../support/slackRequests.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SECRET = 'process-secret';

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function run(env: Record<string, string>): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, output: () => out, exited };
}

async function waitForOutput(r: Running, pattern: RegExp, ms = 30_000): Promise<void> {
  const start = Date.now();
  while (!pattern.test(r.output())) {
    if (r.child.exitCode !== null) throw new Error(`exited early:\n${r.output()}`);
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${pattern}:\n${r.output()}`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

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
    const r = run({});
    const code = await r.exited;
    expect(code).not.toBe(0);
    expect(r.output()).toMatch(/SLACK_BOT_TOKEN/);
    expect(r.output()).toMatch(/README/);
    expect(r.output()).toMatch(/npm run demo/);
  });

  it('when a variable is invalid, then the line names it', async () => {
    const r = run({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', PORT: 'eighty', BATON_TIMEZONE: 'Mars/Base' });
    expect(await r.exited).not.toBe(0);
    expect(r.output()).toMatch(/PORT/);
    expect(r.output()).toMatch(/BATON_TIMEZONE/);
  });

  it('when Slack refuses the token, then start-up fails with a clear line', async () => {
    fake.fail('auth.test', { error: 'invalid_auth' }, Infinity);
    try {
      const r = run({ SLACK_BOT_TOKEN: 'xoxb-bad', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.url, PORT: String(await freePort()), BATON_DATA_DIR: path.join(dataDir, 'refused') });
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

    const first = run(env);
    await waitForOutput(first, /Baton is running/);
    await slack.command('/agent', 'add iris skills:general channel:<#CIRIS001|agent-iris>', { user: 'UADMIN01' });
    const filed = await slack.command('/ticket', 'new Printer on fire', { user: 'UREQ0001' });
    expect(JSON.stringify(filed.body)).toContain('T-2026-001');
    await fake.waitFor(() => fake.posts('CIRIS001')[0]);

    const second = run({ ...env, PORT: String(await freePort()) });
    expect(await second.exited).not.toBe(0);
    expect(second.output()).toMatch(/BATON_DATA_DIR .* is in use by another Baton process/);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const again = run(env);
    await waitForOutput(again, /Baton is running/);
    const shown = await slack.command('/ticket', 'show T-2026-001', { user: 'UREQ0001' });
    expect(JSON.stringify(shown.body)).toContain('Printer on fire');
    const next = await slack.command('/ticket', 'new Second ticket', { user: 'UREQ0001' });
    expect(JSON.stringify(next.body)).toContain('T-2026-002');
    again.child.kill('SIGKILL');
    await again.exited;

    // A lock left by a killed process does not keep Baton from starting.
    const afterKill = run(env);
    await waitForOutput(afterKill, /Baton is running/);
    const list = await slack.command('/ticket', 'list active', { user: 'UREQ0001' });
    expect(JSON.stringify(list.body)).toContain('T-2026-002');
    afterKill.child.kill('SIGTERM');
    expect(await afterKill.exited).toBe(0);
  }, 120_000);
});
