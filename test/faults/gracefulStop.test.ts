// Graceful stop: SIGTERM in the middle of 100 concurrent /ticket new. Every request Baton received is
// answered (filed, "working on it", or refused with a status) — none is cut off after it was sent; new
// connections are refused; the process exits 0 and releases its data directory; on restart every stored
// ticket has its whole trail and the outbox drains. PGlite and PostgreSQL.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { startFakeSlack } from '../../fake-slack/index.js';
import { DB_KINDS, type DbKind } from '../support/db.js';
import { keysIn } from '../support/e2eHelpers.js';
import { freePort, SlackClientSim } from '../support/slackRequests.js';
import { healthz, spawnBaton, type BatonProcess } from '../support/spawnBaton.js';
import { makeStore } from './support.js';

const SECRET = 'stop-secret';
const ADMIN = 'UADMIN01';
const FILINGS = 100;

/** The error code under a failed fetch (undici puts the socket's in `cause`). */
function codeOf(e: unknown): string {
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur; i++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return String(e);
}

describe.each(DB_KINDS)('graceful stop on %s', (kind: DbKind) => {
  it(`when SIGTERM arrives in the middle of ${FILINGS} concurrent /ticket new, then every request received is answered, nothing is half-done, and the outbox resumes after the restart`, async () => {
    const fake = await startFakeSlack();
    const store = await makeStore(kind);
    const port = await freePort();
    const env = {
      SLACK_BOT_TOKEN: 'xoxb-stop',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: fake.url,
      PORT: String(port),
      ADMIN_USER_IDS: ADMIN,
      ESCALATION_CRON: '0 0 1 1 *',
      DIGEST_CRON: '0 0 1 1 *',
      ...store.env,
    };
    const slack = new SlackClientSim({ baseUrl: `http://127.0.0.1:${port}`, signingSecret: SECRET, fake, timeoutMs: 30_000 });
    let baton: BatonProcess | null = spawnBaton(env);
    try {
      await baton.ready();
      for (let i = 1; i <= 5; i++) {
        const r = await slack.command('/agent', `add s${i} skills:general capacity:30 channel:<#CSTOP00${i}|agent-s${i}>`, { user: ADMIN });
        expect(JSON.stringify(r.body)).toContain('Added');
      }
      // Slack is slow: the outbox holds rows in flight when the stop comes.
      fake.fail('chat.postMessage', { delayMs: 500 }, Infinity);

      const filed: string[] = [];
      let working = 0;
      const refusedWithStatus: number[] = [];
      const notConnected: string[] = [];
      const cutOff: string[] = [];
      let answered = 0;
      const victim = baton;
      let termAt = 0;
      await Promise.all(
        Array.from({ length: FILINGS }, async (_, i) => {
          try {
            const r = await slack.command('/ticket', `new Stop burst ticket ${i}`, { user: `USTOP${String(i).padStart(4, '0')}` });
            const body = JSON.stringify(r.body);
            if (r.status === 200 && body.includes('Filed')) filed.push(keysIn(body)[0]!);
            else if (r.status === 200 && body.includes('Working on it')) working++;
            else if (r.status === 503) expect(body).toContain('nothing was done');
            if (r.status !== 200) refusedWithStatus.push(r.status);
          } catch (e) {
            const code = codeOf(e);
            // Refused before it was received: the listener was already closed.
            if (code === 'ECONNREFUSED') notConnected.push(code);
            else cutOff.push(code);
          }
          if (++answered === 30 && !termAt) {
            termAt = Date.now();
            victim.child.kill('SIGTERM');
          }
        }),
      );
      expect(termAt).toBeGreaterThan(0);
      expect(await victim.exited).toBe(0);
      baton = null;
      expect(cutOff, 'requests cut off after they were sent').toEqual([]);
      expect(filed.length).toBeGreaterThan(0);
      // Refused cleanly: 503 "Baton is stopping; nothing was done".
      expect(refusedWithStatus.filter((st) => st !== 503)).toEqual([]);
      expect(victim.output()).toContain('Baton stopped');
      if (kind === 'pglite') expect(existsSync(path.join(store.env.BATON_DATA_DIR!, 'baton.lock')), 'the data directory lock is released').toBe(false);
      fake.clearFailures();

      // Restart: the outbox resumes and drains; every stored ticket is whole.
      baton = spawnBaton(env);
      await baton.ready();
      await vi.waitFor(async () => expect(await healthz(port)).toMatchObject({ status: 200, body: { outbox: { pending: 0 } } }), { timeout: 60_000, interval: 200 });
      expect(await baton.kill('SIGTERM')).toBe(0);
      baton = null;

      const db = await store.open();
      try {
        const tickets = await db.rows<{ key: string; status: string; home_ts: string | null }>(db.db, sql`select key, status, home_ts from tickets`);
        const events = await db.rows<{ ticket_key: string; action: string }>(db.db, sql`select ticket_key, action from audit_events where ticket_key like 'T-%' order by id`);
        const trail = new Map<string, string[]>();
        for (const e of events) trail.set(e.ticket_key, [...(trail.get(e.ticket_key) ?? []), e.action]);
        const keys = new Set(tickets.map((t) => t.key));
        for (const k of filed) expect(keys.has(k), `acknowledged ${k} is stored`).toBe(true);
        for (const t of tickets) {
          expect(trail.get(t.key)?.[0], `${t.key} has its filed event`).toBe('filed');
          if (t.status === 'active') expect(t.home_ts, `${t.key}'s card was delivered and recorded`).toBeTruthy();
        }
        const [left] = await db.rows<{ n: number }>(db.db, sql`select count(*)::int as n from outbox where status <> 'sent'`);
        expect(Number(left!.n)).toBe(0);
        console.log(
          `[graceful stop ${kind}] ${filed.length} filed, ${working} "working on it", ${refusedWithStatus.length} refused with a status, ` +
            `${notConnected.length} refused at connect, ${cutOff.length} cut off; ${tickets.length} tickets stored`,
        );
      } finally {
        await db.close();
      }
    } finally {
      if (baton) await baton.kill('SIGKILL');
      await fake.close();
      await store.cleanup();
    }
  }, 180_000);
});
