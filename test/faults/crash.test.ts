// Baton as a real process, SIGKILLed in the middle of a burst of `/ticket new`, then restarted on the
// same data. Every ticket whose filing was acknowledged with its key must survive with its whole trail
// and get its assignment card; at most the messages in flight at the instant of the kill are posted
// twice. PGlite always (a BATON_DATA_DIR), PostgreSQL when TEST_DATABASE_URL is set (a cloned database).
import { sql } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { DB_KINDS } from '../support/db.js';
import { startFakeSlack, type FakeSlack } from '../../fake-slack/index.js';
import { freePort, SlackClientSim } from '../support/slackRequests.js';
import { keysIn } from '../support/e2eHelpers.js';
import { healthz, spawnBaton, type BatonProcess } from '../support/spawnBaton.js';
import { cardKey, makeStore, pool } from './support.js';

const SECRET = 'crash-secret';
const ADMIN = 'UADMIN01';
const AGENTS = 20;
const BURST = 100;
const CONCURRENCY = 10;
/** SIGKILL once this many filings have been acknowledged. */
const KILL_AFTER_ACKS = 40;

const channelOf = (i: number) => `CAGT${String(i).padStart(3, '0')}`;

describe.each(DB_KINDS)('Baton killed mid-burst on %s', (kind) => {
  it(
    `when Baton is SIGKILLed in the middle of ${BURST} concurrent /ticket new and restarted on the same data, then every acknowledged ticket exists with its trail, gets its card, and only in-flight messages are posted twice`,
    async () => {
      const fake: FakeSlack = await startFakeSlack();
      const store = await makeStore(kind);
      const port = await freePort();
      const env = {
        SLACK_BOT_TOKEN: 'xoxb-crash',
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: fake.url,
        PORT: String(port),
        ADMIN_USER_IDS: ADMIN,
        ESCALATION_CRON: '0 0 1 1 *',
        DIGEST_CRON: '0 0 1 1 *',
        ...store.env,
      };
      const slack = new SlackClientSim({ baseUrl: `http://127.0.0.1:${port}`, signingSecret: SECRET, fake, timeoutMs: 15_000 });
      let baton: BatonProcess | null = null;
      const t0 = Date.now();
      const phase = (what: string) => process.env.FAULTS_DEBUG && console.log(`[crash ${kind}] +${Date.now() - t0} ms ${what}`);
      try {
        baton = spawnBaton(env);
        await baton.ready();
        phase('started');
        for (let i = 1; i <= AGENTS; i++) {
          const handle = `a${String(i).padStart(2, '0')}`;
          const r = await slack.command('/agent', `add ${handle} skills:general capacity:10 channel:<#${channelOf(i)}|agent-${handle}>`, { user: ADMIN });
          expect(JSON.stringify(r.body), handle).toContain('Added');
        }

        phase('agents added');
        // The burst: 10 at a time; SIGKILL as soon as 40 filings have been acknowledged.
        const acked = new Map<string, number>(); // key → request index
        const working: number[] = []; // acknowledged with "Working on it…" only: no key promised
        let killed = false;
        let failed = 0;
        const victim = baton;
        await pool(BURST, CONCURRENCY, async (i) => {
          try {
            const r = await slack.command('/ticket', `new Crash burst ticket ${i}`, { user: `UREQ${String(i).padStart(4, '0')}` });
            const body = JSON.stringify(r.body);
            if (r.status === 200 && body.includes('Filed')) acked.set(keysIn(body)[0]!, i);
            else if (r.status === 200 && body.includes('Working on it')) working.push(i);
            else failed++;
          } catch {
            failed++; // the connection died with the process: not acknowledged
          }
          if (!killed && acked.size >= KILL_AFTER_ACKS) {
            killed = true;
            victim.child.kill('SIGKILL');
          }
        }, () => killed);
        await baton.exited;
        expect(killed).toBe(true);
        expect(acked.size).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);

        phase('killed');
        const postsBefore = fake.posts().length;
        const cardsBeforeRestart = new Map<string, number>();
        for (const c of fake.posts()) {
          const key = cardKey(c.args);
          if (key) cardsBeforeRestart.set(key, (cardsBeforeRestart.get(key) ?? 0) + 1);
        }

        // What the dead process held: rows it claimed (leased, attempts > 0) and never marked sent. Some
        // of them reached Slack before the kill — those, and only those, may be posted twice. Their lease
        // (60 s) is expired by hand, as a minute's wait would.
        let inFlight: Array<{ id: number; ticket_key: string }> = [];
        {
          const db = await store.open();
          try {
            inFlight = await db.rows(db.db, sql`select id::int as id, ticket_key from outbox where status = 'pending' and attempts > 0 order by id`);
            await db.db.execute(sql`update outbox set next_attempt_at = now() - interval '1 second' where status = 'pending'`);
          } finally {
            await db.close();
          }
        }
        phase('leases expired');
        const inFlightPosted = inFlight.filter((r) => cardsBeforeRestart.has(r.ticket_key));

        // Restart on the same data and let the outbox drain.
        baton = spawnBaton(env);
        await baton.ready();
        phase('restarted');
        const running = baton;
        await vi.waitFor(
          async () => expect(await healthz(port), `the outbox to drain\n${running.output().slice(-3000)}`).toMatchObject({ status: 200, body: { outbox: { pending: 0 } } }),
          { timeout: 60_000, interval: 100 },
        );
        phase('drained');
        const after = await slack.command('/ticket', 'new Filed after the restart', { user: 'UREQAFTER' });
        expect(JSON.stringify(after.body)).toContain('Filed');
        const afterKey = keysIn(JSON.stringify(after.body))[0]!;
        await fake.waitFor(() => fake.posts().some((c) => cardKey(c.args) === afterKey), 10_000, 'the card of the ticket filed after the restart');

        expect(await baton.kill('SIGTERM')).toBe(0);
        baton = null;

        phase('stopped');
        // The database, read from the test.
        const db = await store.open();
        try {
          phase('opened');
          const tickets = await db.rows<{ key: string; status: string; assignee: string | null; home_ts: string | null }>(
            db.db,
            sql`select key, status, assignee, home_ts from tickets order by key`,
          );
          const events = await db.rows<{ ticket_key: string; action: string }>(db.db, sql`select ticket_key, action from audit_events where ticket_key like 'T-%' order by id`);
          const outboxRows = await db.rows<{ ticket_key: string | null; status: string; records_home_of: string | null }>(db.db, sql`select ticket_key, status, records_home_of from outbox`);
          const seq = await db.rows<{ year: number; last: number }>(db.db, sql`select year, last from ticket_sequences`);
          const trail = new Map<string, string[]>();
          for (const e of events) trail.set(e.ticket_key, [...(trail.get(e.ticket_key) ?? []), e.action]);
          const byKey = new Map(tickets.map((t) => [t.key, t]));

          // Every acknowledged ticket exists, with `filed` then `assigned` (or `held`).
          for (const key of acked.keys()) {
            const t = byKey.get(key);
            expect(t, `acknowledged ${key} is missing`).toBeDefined();
            expect(trail.get(key)?.slice(0, 2), key).toSatisfy((a: string[]) => a[0] === 'filed' && (a[1] === 'assigned' || a[1] === 'held'));
          }
          // No half-written ticket: every stored ticket (acknowledged or not) has its whole trail, and each
          // assigned one its delivered card, which became its home message.
          for (const t of tickets) {
            const actions = trail.get(t.key) ?? [];
            expect(actions[0], `${t.key} has no filed event`).toBe('filed');
            if (t.status === 'active') {
              expect(actions).toContain('assigned');
              const cards = outboxRows.filter((o) => o.records_home_of === t.key);
              expect(cards.length, `${t.key} has no card in the outbox`).toBeGreaterThanOrEqual(1);
              expect(cards.every((o) => o.status === 'sent'), `${t.key}'s card was not sent`).toBe(true);
              expect(t.home_ts, `${t.key} has no home message`).toBeTruthy();
            } else {
              expect(t.status).toBe('intake');
              expect(actions).toContain('held');
            }
          }
          expect(outboxRows.filter((o) => o.status !== 'sent')).toEqual([]);
          // Keys: unique and never reused (a filing cut short by the kill may leave a gap); the counter is
          // past every key, and the ticket filed after the restart got the next one.
          const seqs = tickets.map((t) => Number(t.key.split('-')[2]));
          expect(new Set(seqs).size).toBe(seqs.length);
          expect(seq).toHaveLength(1);
          expect(Number(seq[0]!.last)).toBe(Math.max(...seqs));
          expect(Number(afterKey.split('-')[2])).toBe(Math.max(...seqs));

          // Every assigned ticket's card reached Slack; none more than twice; duplicates only from rows in flight.
          const cardCount = new Map<string, number>();
          for (const c of fake.posts()) {
            const key = cardKey(c.args);
            if (key) cardCount.set(key, (cardCount.get(key) ?? 0) + 1);
          }
          for (const t of tickets.filter((x) => x.status === 'active')) expect(cardCount.get(t.key) ?? 0, `card of ${t.key}`).toBeGreaterThanOrEqual(1);
          const duplicated = [...cardCount].filter(([, n]) => n > 1);
          expect(Math.max(0, ...cardCount.values())).toBeLessThanOrEqual(2);
          expect(duplicated.length).toBeLessThanOrEqual(inFlightPosted.length);
          for (const [key] of duplicated) expect(inFlightPosted.map((r) => r.ticket_key)).toContain(key);
          // Any message at all (not only cards): never more than twice.
          const same = new Map<string, number>();
          for (const c of fake.posts()) {
            const k = JSON.stringify([c.args.channel, c.args.thread_ts ?? null, c.args.text]);
            same.set(k, (same.get(k) ?? 0) + 1);
          }
          expect(Math.max(...same.values())).toBeLessThanOrEqual(2);

          console.log(
            `[crash ${kind}] acknowledged ${acked.size} (+${working.length} "working on it", ${failed} refused or cut off) of ${BURST}; ` +
              `stored ${tickets.length - 1} burst tickets; ${postsBefore} posts before the kill; ${inFlight.length} outbox rows in flight ` +
              `(${inFlightPosted.length} already posted); ${duplicated.length} card(s) posted twice`,
          );
        } finally {
          await db.close();
        }
      } finally {
        if (baton) await baton.kill('SIGKILL');
        await fake.close();
        await store.cleanup();
      }
    },
    150_000,
  );
});
