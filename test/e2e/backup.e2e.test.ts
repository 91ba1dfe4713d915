// `npm run backup` and `npm run restore` as processes, around Baton as a process: a backup of a running
// PostgreSQL-backed Baton and of a stopped embedded one, restored into a fresh place, where a new Baton shows
// every ticket with its trail; and each refusal with its reason, changing nothing.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../../fake-slack/index.js';
import { seedPgliteDataDir } from '../faults/support.js';
import { clonePostgres, HAS_POSTGRES } from '../support/db.js';
import { keysIn, trailActions } from '../support/e2eHelpers.js';
import { databaseUrl, onServer } from '../support/pgServer.js';
import { freePort, SlackClientSim } from '../support/slackRequests.js';
import { ROOT, spawnBaton, type BatonProcess } from '../support/spawnBaton.js';

const SECRET = 'backup-secret';
const ADMIN = 'UADMIN01';

/** Runs `npm run <script> -- FILE` the way npm does (tsx), with exactly `env`; its exit code and output. */
function runScript(script: 'backup' | 'restore', file: string, env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `scripts/${script}.ts`, file], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

describe('backup and restore', { timeout: 300_000 }, () => {
  let fake: FakeSlack;
  let tmp: string;
  beforeAll(async () => {
    fake = await startFakeSlack();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'baton-backup-'));
  });
  afterAll(async () => {
    await fake?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  async function startOn(env: Record<string, string>): Promise<{ baton: BatonProcess; slack: SlackClientSim }> {
    const port = await freePort();
    const baton = spawnBaton({ SLACK_BOT_TOKEN: 'xoxb-backup', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.url, PORT: String(port), ADMIN_USER_IDS: ADMIN, ...env });
    await baton.ready(120_000);
    return { baton, slack: new SlackClientSim({ baseUrl: `http://127.0.0.1:${port}`, signingSecret: SECRET, fake, timeoutMs: 20_000 }) };
  }

  /** An agent, three tickets (one resolved, one with progress): what a restore must bring back. */
  async function fill(slack: SlackClientSim): Promise<Map<string, string[]>> {
    await slack.command('/agent', 'add iris skills:general channel:<#CIRIS001|agent-iris> user:<@UIRIS001>', { user: ADMIN });
    const keys: string[] = [];
    for (const title of ['Printer on fire', 'VPN drops every hour', 'Invoice total is wrong']) {
      const r = await slack.command('/ticket', `new ${title}`, { user: 'UREQ0001' });
      keys.push(keysIn(JSON.stringify(r.body))[0]!);
    }
    await slack.command('/ticket', `resolve ${keys[0]} replaced the fuser`, { user: 'UIRIS001' });
    const trails = new Map<string, string[]>();
    for (const key of keys) trails.set(key, trailActions(JSON.stringify((await slack.command('/ticket', `show ${key}`, { user: 'UREQ0001' })).body)));
    expect(trails.get(keys[0]!)).toEqual(expect.arrayContaining(['filed', 'resolved']));
    return trails;
  }

  /** `/ticket show` of every ticket gives its title and the same trail as before the backup. */
  async function expectEveryTicket(slack: SlackClientSim, trails: Map<string, string[]>) {
    const titles = ['Printer on fire', 'VPN drops every hour', 'Invoice total is wrong'];
    let i = 0;
    for (const [key, trail] of trails) {
      const body = JSON.stringify((await slack.command('/ticket', `show ${key}`, { user: 'UREQ0001' })).body);
      expect(body).toContain(titles[i++]!);
      expect(trailActions(body)).toEqual(trail);
    }
  }

  it('when the embedded database is backed up while Baton is stopped and restored into a new directory, then a Baton started there shows every ticket with its trail; each refusal says why', async () => {
    const dataDir = path.join(tmp, 'pglite-a');
    mkdirSync(dataDir);
    await seedPgliteDataDir(dataDir);
    const { baton, slack } = await startOn({ BATON_DATA_DIR: dataDir });
    const file = path.join(tmp, 'pglite.backup');
    let trails: Map<string, string[]>;
    try {
      trails = await fill(slack);
      const running = await runScript('backup', file, { BATON_DATA_DIR: dataDir });
      expect(running.code).toBe(1);
      expect(running.err).toContain(`baton backup: Cannot back up BATON_DATA_DIR ${dataDir}: a Baton process (pid ${baton.pid}) is running on it. Stop it first`);
      expect(existsSync(file)).toBe(false);
    } finally {
      expect(await baton.kill('SIGTERM')).toBe(0);
    }

    const made = await runScript('backup', file, { BATON_DATA_DIR: dataDir });
    expect(made.err + made.out).toMatch(new RegExp(`Backed up the embedded database in ${dataDir} \\(3 tickets, schema \\d{4}_\\w+\\) to ${file}`));
    expect(made.code).toBe(0);
    const again = await runScript('backup', file, { BATON_DATA_DIR: dataDir });
    expect(again.code).toBe(1);
    expect(again.err).toContain(`${file} already exists; give a new file name`);

    // Refusals: a non-empty directory, a file that is not a backup, a missing file, no file.
    const intoUsed = await runScript('restore', file, { BATON_DATA_DIR: dataDir });
    expect(intoUsed.code).toBe(1);
    expect(intoUsed.err).toContain(`BATON_DATA_DIR ${dataDir} is not empty`);
    const fresh = path.join(tmp, 'pglite-b');
    const notBackup = path.join(tmp, 'notes.txt');
    writeFileSync(notBackup, 'just some notes\n');
    const wrong = await runScript('restore', notBackup, { BATON_DATA_DIR: fresh });
    expect(wrong.code).toBe(1);
    expect(wrong.err).toContain(`${notBackup} is not a Baton backup (it does not start with the line "BATON-BACKUP 1"`);
    expect(existsSync(fresh) ? readdirSync(fresh) : []).toEqual([]);
    const missing = await runScript('restore', path.join(tmp, 'nope.backup'), { BATON_DATA_DIR: fresh });
    expect(missing.err).toContain('nope.backup does not exist.');

    const restored = await runScript('restore', file, { BATON_DATA_DIR: fresh });
    expect(restored.err + restored.out).toContain(`Restored ${file} (3 tickets`);
    expect(restored.code).toBe(0);
    const b = await startOn({ BATON_DATA_DIR: fresh });
    try {
      await expectEveryTicket(b.slack, trails!);
      const next = await b.slack.command('/ticket', 'new After the restore', { user: 'UREQ0001' });
      expect(JSON.stringify(next.body)).toContain('T-2026-004');
    } finally {
      await b.baton.stop();
    }
  });

  it.skipIf(!HAS_POSTGRES)('when a running PostgreSQL-backed Baton is backed up and restored into an empty database, then a Baton started there shows every ticket with its trail; a non-empty database and the wrong kind of backup are refused', async () => {
    const source = await clonePostgres();
    const server = process.env.TEST_DATABASE_URL!;
    const emptyName = `${source.name}_restored`;
    await onServer(server, (sql) => sql.unsafe(`create database ${emptyName}`));
    const emptyUrl = databaseUrl(server, emptyName);
    const file = path.join(tmp, 'postgres.backup');
    try {
      const { baton, slack } = await startOn({ DATABASE_URL: source.url });
      let trails: Map<string, string[]>;
      try {
        trails = await fill(slack);
        const made = await runScript('backup', file, { DATABASE_URL: source.url });
        expect(made.err + made.out).toMatch(/Backed up the PostgreSQL database .* \(3 tickets, schema \d{4}_\w+\) to /);
        expect(made.code).toBe(0);
      } finally {
        await baton.stop();
      }

      const intoUsed = await runScript('restore', file, { DATABASE_URL: source.url });
      expect(intoUsed.code).toBe(1);
      expect(intoUsed.err).toMatch(/The database at .* is not empty \(it has .*public\.agent_loads, public\.agent_tokens.*\); restore into an empty database/);
      const pgliteFile = path.join(tmp, 'pglite.backup');
      if (existsSync(pgliteFile)) {
        const wrongKind = await runScript('restore', pgliteFile, { DATABASE_URL: emptyUrl });
        expect(wrongKind.code).toBe(1);
        expect(wrongKind.err).toContain('is a backup of an embedded (PGlite) database: unset DATABASE_URL');
      }

      const restored = await runScript('restore', file, { DATABASE_URL: emptyUrl });
      expect(restored.err + restored.out).toContain(`Restored ${file} (3 tickets`);
      expect(restored.code).toBe(0);
      const b = await startOn({ DATABASE_URL: emptyUrl });
      try {
        await expectEveryTicket(b.slack, trails!);
      } finally {
        await b.baton.stop();
      }
    } finally {
      await source.drop();
      await onServer(server, (sql) => sql.unsafe(`drop database if exists ${emptyName} with (force)`));
    }
  });
});
