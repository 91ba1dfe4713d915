// Small helpers shared by the end-to-end suites (test/e2e/*.e2e.test.ts): registering agents through
// `/agent add`, finding the cards Baton posts, polling Baton's answers, and checking that nothing
// Baton sent to Slack can ping or link.
import { expect, vi } from 'vitest';
import { ACTION_WORDS } from '../../src/core/words.js';
import { pendingCount } from '../../src/storage/outbox.js';
import { ADMIN_USER, type Harness } from './batonHarness.js';
import { REQ } from './cast.js';
import { WAIT } from './wait.js';
import type { FakeSlackCall, Json } from '../../fake-slack/index.js';

export const json = (x: unknown): string => JSON.stringify(x);

/** Everything an answer carries (text and blocks), as one string. */
export const bodyOf = (r: { body: Json }): string => json(r.body);

/** The first ticket key in a string (`T-2026-001`). */
export function keyIn(s: string): string {
  const m = /T-\d{4}-\d{3,}/.exec(s);
  if (!m) throw new Error(`no ticket key in ${s.slice(0, 300)}`);
  return m[0];
}

/** Every ticket key in a string, in order of appearance, without repeats. */
export function keysIn(s: string): string[] {
  return [...new Set(s.match(/T-\d{4}-\d{3,}/g) ?? [])];
}

/** The ts Slack gave a posted message. */
export const tsOf = (c: FakeSlackCall): string => String((c.response as { ts?: string } | undefined)?.ts ?? '');

/** Wait until the outbox has nothing pending (every message Baton committed has reached the fake). */
export async function outboxIdle(h: Harness, timeoutMs = 5000): Promise<void> {
  await vi.waitFor(async () => expect((await pendingCount(h.baton.database.db)).pending, 'messages pending in the outbox').toBe(0), {
    ...WAIT,
    timeout: timeoutMs,
  });
}

/** `/agent add` as the admin; answers the agent's channel. */
export async function addAgent(h: Harness, handle: string, options: string, channel?: string): Promise<string> {
  const text = `add ${handle} ${options}${channel ? ` channel:<#${channel}|agent-${handle}>` : ''}`;
  const r = await h.slack.command('/agent', text, { user: ADMIN_USER });
  const body = bodyOf(r);
  if (r.status !== 200 || !body.includes('Added')) throw new Error(`/agent ${text} failed: ${r.status} ${body}`);
  if (channel) return channel;
  const created = h.fake.callsTo('conversations.create').find((c) => c.args.name === `agent-${handle}`);
  return String((created?.response as { channel: { id: string } }).channel.id);
}

/** `/ticket …` as `user`; answers the ephemeral answer as one string. */
export async function ticket(h: Harness, text: string, user = REQ): Promise<string> {
  const r = await h.slack.command('/ticket', text, { user });
  if (r.status !== 200) throw new Error(`/ticket ${text}: HTTP ${r.status}`);
  return bodyOf(r);
}

/** `/agent …` as `user`; answers the ephemeral answer as one string. */
export async function agent(h: Harness, text: string, user = ADMIN_USER): Promise<string> {
  const r = await h.slack.command('/agent', text, { user });
  if (r.status !== 200) throw new Error(`/agent ${text}: HTTP ${r.status}`);
  return bodyOf(r);
}

/** `/ticket new …`; answers the key filed. */
export async function fileTicket(h: Harness, text: string, user = REQ): Promise<string> {
  const body = await ticket(h, `new ${text}`, user);
  if (!body.includes('Filed')) throw new Error(`/ticket new ${text} was not filed: ${body}`);
  return keyIn(body);
}

/** The assignment card of `key` in `channel` (waits for it, and for it to be recorded as the home message). */
export async function cardOf(h: Harness, channel: string, key: string, timeoutMs = 5000): Promise<{ call: FakeSlackCall; ts: string }> {
  const call = await h.fake.waitFor(
    () =>
      h.fake
        .posts(channel)
        .find((p) => !p.args.thread_ts && json(p.args.blocks).includes('ticket_resolve') && json(p.args.blocks).includes(`"value":"${key}"`)),
    timeoutMs,
    `the assignment card of ${key} in ${channel}`,
  );
  // The worker records the card as the ticket's home just after Slack accepted it: wait for that too,
  // so a reply in the thread right away finds its ticket.
  await outboxIdle(h, timeoutMs);
  return { call, ts: tsOf(call) };
}

/** Posts Baton made in the thread `threadTs` of `channel`. */
export function threadPosts(h: Harness, channel: string, threadTs: string): FakeSlackCall[] {
  return h.fake.posts(channel).filter((p) => p.args.thread_ts === threadTs);
}

/** Wait for a post in a thread whose args contain `needle`. */
export function waitThreadPost(h: Harness, channel: string, threadTs: string, needle: string, timeoutMs = 5000): Promise<FakeSlackCall> {
  return h.fake.waitFor(
    () => threadPosts(h, channel, threadTs).find((p) => json(p.args).includes(needle)),
    timeoutMs,
    `a post containing ${needle} in thread ${channel}/${threadTs}`,
  );
}

/** `/ticket show KEY` once the trail contains `needle`. */
export function showWhen(h: Harness, key: string, needle: string, timeoutMs = 5000): Promise<string> {
  return vi.waitFor(
    async () => {
      const body = await ticket(h, `show ${key}`, 'UOBSERVER');
      expect(body, `/ticket show ${key}`).toContain(needle);
      return body;
    },
    { ...WAIT, timeout: timeoutMs },
  );
}

const ACTION_OF_WORDS = new Map(Object.entries(ACTION_WORDS).map(([action, words]) => [words, action]));

/**
 * Audit actions in a `/ticket show` answer, in order, by their action names (`filed`, `taken_over`, …):
 * the trail shows them as words ("taken over"), read back through the one table of action words.
 */
export function trailActions(showBody: string): string[] {
  const trail = showBody.slice(showBody.indexOf('Audit trail'));
  return [...trail.matchAll(/\*([a-z][a-z ]*)\*/g)].map((m) => ACTION_OF_WORDS.get(m[1]!) ?? m[1]!);
}

/** The words an audit action shows as in a `/ticket show` answer, exactly as a person reads them. */
export function trailWords(showBody: string): string[] {
  const trail = showBody.slice(showBody.indexOf('Audit trail'));
  return [...trail.matchAll(/\*([a-z][a-z ]*)\*/g)].map((m) => m[1]!);
}

/** Patterns that would ping or link if they reached Slack unescaped. */
export const DANGEROUS = [/<!/, /<@U999/, /<https:\/\/evil/, /<!subteam/];

/** Every call Baton made to the fake (and every response-URL post) whose arguments contain a dangerous pattern. */
export function unescapedCalls(h: Harness): Array<{ method: string; hit: string }> {
  const out: Array<{ method: string; hit: string }> = [];
  const check = (method: string, payload: unknown) => {
    const s = json(payload);
    for (const re of DANGEROUS) {
      const m = re.exec(s);
      if (m) out.push({ method, hit: s.slice(Math.max(0, m.index - 60), m.index + 60) });
    }
  };
  for (const c of h.fake.calls) check(c.method, c.args);
  for (const r of h.fake.responses) check('response_url', r.body);
  return out;
}

/** Slack's own escaping of what a user types into a slash command. */
export const slackEscape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
