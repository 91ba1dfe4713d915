// `npm run demo`: the whole seed story, for real, without a Slack workspace.
//
// Starts the real Baton (Bolt HTTP receiver, outbox worker, scheduler) on the embedded database in a
// temporary directory, against the local stand-in of the Slack Web API the tests use
// (fake-slack/), and plays the story through correctly signed Slack requests
// (test/support/slackRequests.ts): slash commands, button presses, a modal submission and a thread
// reply. Every step waits for what Baton must deliver to Slack and stops with a clear message when it
// does not happen. At the end it prints every channel's transcript and the key facts, then stops Baton,
// closes the stand-in and removes the temporary directory, whatever happened.
//
//   npm run demo               the story, the transcripts, the facts
//   npm run demo -- --verbose  also Baton's JSON logs and one line per Slack API call
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { startBaton, type Baton } from '../src/main.js';
import type { Ticket } from '../src/core/types.js';
import { pendingCount } from '../src/storage/outbox.js';
import { listTickets } from '../src/storage/tickets.js';
import { renderBlocks, startFakeSlack, type FakeSlack, type FakeSlackCall, type Json } from '../fake-slack/index.js';
import { SlackClientSim, type CommandResponse } from '../test/support/slackRequests.js';
import { DemoFailure, cast, createNarrator, type Channel, type Person } from './demoSupport.js';

const verbose = process.argv.includes('--verbose');

interface Answer {
  text: string;
  /** The answer's blocks, rendered one line each. */
  lines: string[];
}
const WAIT_MS = 10_000;
const say = createNarrator();

/** Everything that must be torn down, whatever happens (Baton while it is still starting, too). */
const running: { baton?: Promise<Baton>; fake?: FakeSlack; dataDir?: string } = {};

const { people, channels } = cast;
const { ada, dana, iris, devin, felix } = people;

async function main(): Promise<void> {
  const started = Date.now();
  say.banner('Baton demo — the seed story, played through signed Slack requests', [
    `Cast: @${ada.name} (admin), @${dana.name} (customer success, files tickets), @${iris.name} (support agent),`,
    `      @${devin.name} (engineering agent), @${felix.name} (decisions, end of the escalation chain)`,
  ]);
  running.dataDir = await mkdtemp(path.join(tmpdir(), 'baton-demo-'));
  const fake = await startFakeSlack({
    botName: 'baton',
    teamName: 'Acme Support',
    channels: Object.fromEntries(Object.values(channels).map((c) => [c.id, c.name])),
    users: Object.fromEntries(Object.values(people).map((p) => [p.id, { name: p.name, real_name: p.realName }])),
    ...(verbose ? { log: (line: string) => console.log(line) } : {}),
  });
  running.fake = fake;
  say.useFake(fake);
  say.line(`Starting Baton on the embedded database in ${running.dataDir}, against the Slack stand-in at ${fake.url} …`);
  const signingSecret = randomBytes(16).toString('hex');
  running.baton = startBaton({
    env: {
      SLACK_BOT_TOKEN: 'xoxb-demo',
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_API_URL: fake.url,
      PORT: '0',
      BATON_DATA_DIR: running.dataDir,
      ADMIN_USER_IDS: ada.id,
      ESCALATIONS_CHANNEL: channels.escalations.id,
      ESCALATION_CRON: '* * * * * *',
      BATON_TIMEZONE: 'UTC',
    },
    logger: pino({ level: verbose ? 'info' : 'silent' }),
  });
  const baton = await running.baton;
  const startedIn = (Date.now() - started) / 1000;
  say.line(`Baton is up after ${startedIn.toFixed(1)} s: Slack requests go to http://127.0.0.1:${baton.port}/slack/events, signed with a random secret;`);
  say.line('the escalation sweep runs every second (ESCALATION_CRON="* * * * * *").');
  const slack = new SlackClientSim({ baseUrl: `http://127.0.0.1:${baton.port}`, signingSecret, fake });
  const storyStarted = Date.now();

  // ------------------------------------------------------------------ helpers bound to this run

  const wait = <T>(what: string, fn: () => T | undefined | null | false, timeoutMs = WAIT_MS): Promise<T> =>
    fake.waitFor(fn, timeoutMs, what).catch((e: unknown) => {
      throw new DemoFailure(`Baton never delivered ${what} (waited ${timeoutMs / 1000} s).`, e);
    });

  /** The answer only the caller sees: the synchronous ack, or what Baton posts to the response URL later. */
  async function answerOf(res: { body: Json; responseUrl: string }, what: string): Promise<Answer> {
    const now = typeof res.body === 'object' && res.body !== null && typeof res.body.text === 'string' ? res.body : null;
    const body = now && !String(now.text).includes('Working on it')
      ? now
      : (await wait(`the answer to ${what}`, () => fake.responses.find((r) => r.url === res.responseUrl && typeof r.body?.text === 'string'))).body;
    return { text: String(body.text), lines: renderBlocks(Array.isArray(body.blocks) ? body.blocks : []) };
  }

  async function command(
    who: Person,
    where: Channel,
    name: '/ticket' | '/agent',
    text: string,
    expect?: RegExp,
  ): Promise<Answer> {
    say.typed(who, where, `${name} ${text}`);
    const res: CommandResponse = await slack.command(name, text, { user: who.id, userName: who.name, channel: where.id, channelName: where.name });
    if (res.status !== 200) throw new DemoFailure(`Baton answered HTTP ${res.status} to \`${name} ${text}\`.`);
    const answer = await answerOf(res, `\`${name} ${text}\``);
    say.answer(who, answer.text);
    if (expect && !expect.test([answer.text, ...answer.lines].join('\n'))) {
      throw new DemoFailure(`\`${name} ${text}\` was expected to answer ${expect}, but Baton said:\n  ${answer.text}`);
    }
    return answer;
  }

  async function press(who: Person, where: Channel, actionId: string, key: string, label: string): Promise<string> {
    say.pressed(who, where, label, key);
    const res = await slack.action({ actionId, value: key, user: who.id, channel: where.id });
    if (res.status !== 200) throw new DemoFailure(`Baton answered HTTP ${res.status} to @${who.name} pressing ${label} on ${key}.`);
    const url = String(res.payload.response_url);
    const answer = await wait(`the answer to @${who.name} pressing ${label}`, () => fake.responses.find((r) => r.url === url));
    const text = String(answer.body?.text ?? '');
    say.answer(who, text);
    return text;
  }

  const blocksOf = (c: FakeSlackCall) => JSON.stringify(c.args.blocks ?? []);
  const everything = (c: FakeSlackCall) => JSON.stringify(c.args);
  const tsOf = (c: FakeSlackCall) => String(c.response?.ts ?? '');

  /** The assignment card of `key` in `channel`: top level, with the four buttons carrying the key. */
  const cardOf = (channel: Channel, key: string, what: string) =>
    wait(what, () =>
      fake.posts(channel.id).find((p) => !p.args.thread_ts && blocksOf(p).includes('"ticket_resolve"') && blocksOf(p).includes(`"value":"${key}"`)),
    );
  const repliesIn = (channel: Channel, threadTs: string) => fake.posts(channel.id).filter((p) => p.args.thread_ts === threadTs);
  const threadReply = (channel: Channel, threadTs: string, needle: string, what: string) =>
    wait(what, () => repliesIn(channel, threadTs).find((p) => everything(p).includes(needle)));
  const keyIn = (s: string, what: string): string => {
    const m = /T-\d{4}-\d{3,}/.exec(s);
    if (!m) throw new DemoFailure(`No ticket key in ${what}: ${s}`);
    return m[0];
  };

  // ------------------------------------------------------------------ the story

  say.step(`@${ada.name}, an admin, registers the agents: Felix first (the end of the chain), then Devin and Iris`);
  await command(ada, channels.ops, '/agent', `add felix skills:decision channel:<#${channels.felix.id}|${channels.felix.name}> user:<@${felix.id}|${felix.name}>`, /Added/);
  await command(ada, channels.ops, '/agent', `add devin skills:engineering channel:<#${channels.devin.id}|${channels.devin.name}> user:<@${devin.id}|${devin.name}> escalates-to:felix`, /Added/);
  await command(ada, channels.ops, '/agent', `add iris skills:support,billing user:<@${iris.id}|${iris.name}> escalates-to:felix`, /Added/);
  const created = await wait('the #agent-iris channel Baton creates', () => fake.callsTo('conversations.create').find((c) => c.args.name === 'agent-iris' && c.ok));
  const irisChannel: Channel = { id: String(created.response.channel.id), name: 'agent-iris' };
  say.saw(`Baton created #agent-iris (${irisChannel.id}) for Iris; Devin and Felix use the channels given.`);

  say.step(`@${dana.name} files a billing complaint for enterprise_client_xyz (Felix must be briefed when it is done)`);
  const filed = await command(dana, channels.helpdesk, '/ticket', 'new type:billing priority:high customer:enterprise_client_xyz handoff:felix Charged twice for the annual plan', /Filed.*iris/);
  const complaint = keyIn(filed.text, 'the answer to the complaint');
  const irisCard = await cardOf(irisChannel, complaint, `the assignment card of ${complaint} in #agent-iris`);
  const irisCardTs = tsOf(irisCard);
  if (!blocksOf(irisCard).includes(`<@${iris.id}>`)) throw new DemoFailure(`The card of ${complaint} does not mention @iris.`);
  say.saw(`${complaint} is on Iris's card in #agent-iris, mentioning @iris, with Accept · Resolve · Hand off · Escalate.`);

  say.step(`@${iris.name} accepts it, then hands it to Devin with the Hand off button and form`);
  await press(iris, irisChannel, 'ticket_accept', complaint, 'Accept');
  say.pressed(iris, irisChannel, 'Hand off', complaint);
  const before = fake.callsTo('views.open').length;
  const opened = await slack.action({ actionId: 'ticket_handoff', value: complaint, user: iris.id, channel: irisChannel.id });
  if (opened.status !== 200) throw new DemoFailure(`Baton answered HTTP ${opened.status} to the Hand off button.`);
  await wait('the handoff form (views.open)', () => fake.callsTo('views.open').length > before && fake.findView('ticket_handoff'));
  const note = 'Looks like a double-charge bug in invoicing: two identical charges on the renewal date';
  say.typed(iris, null, `(form) Hand off to: devin   Note: ${note}`);
  const submitted = await slack.viewSubmission({ callbackId: 'ticket_handoff', user: iris.id, values: { handoff_agent: { agent: 'devin' }, handoff_note: { note } } });
  const formAnswer = String(submitted.body?.view?.blocks?.[0]?.text?.text ?? JSON.stringify(submitted.body?.errors ?? submitted.text));
  say.answer(iris, formAnswer);
  if (submitted.status !== 200 || !/Handed/.test(formAnswer)) throw new DemoFailure(`The handoff form was not accepted: ${formAnswer}`);
  const child = keyIn(formAnswer.replace(complaint, ''), 'the handoff answer');
  const devinCard = await cardOf(channels.devin, child, `the handoff card of ${child} in #agent-devin`);
  if (!blocksOf(devinCard).includes('enterprise_client_xyz')) throw new DemoFailure(`Devin's card for ${child} lacks the customer context.`);
  await threadReply(irisChannel, irisCardTs, child, `a note in Iris's thread that ${complaint} went to Devin as ${child}`);
  say.saw(`Devin got ${child} in #agent-devin with the customer and the history; Iris's thread says where it went.`);

  say.step(`@${devin.name} fixes the bug and says so in his card's thread; Iris hears`);
  const fix = 'Fixed: the renewal job retried a timed-out charge. Deployed; no more double charges.';
  say.typed(devin, channels.devin, `(thread of ${child}) @baton resolve ${fix}`);
  const reply = await slack.message({ channel: channels.devin.id, user: devin.id, text: `<@${fake.botUserId}> resolve ${fix}`, thread_ts: tsOf(devinCard) });
  if (reply.status !== 200) throw new DemoFailure(`Baton answered HTTP ${reply.status} to Devin's thread reply.`);
  await threadReply(irisChannel, irisCardTs, 'renewal job', `the news in Iris's thread that ${child} was resolved, with Devin's note`);
  say.saw(`Iris's thread of ${complaint} says ${child} was resolved, with Devin's note; her clock runs again.`);

  say.step(`@${iris.name} refunds the customer and resolves the complaint; Dana and Felix are told`);
  const resolved = await command(iris, irisChannel, '/ticket', `resolve ${complaint} Refunded the second charge; the customer confirmed`, /Resolved/);
  const briefing = keyIn(resolved.text.replace(complaint, ''), 'the resolve answer');
  const dm = await wait(`a DM to @${dana.name} about ${complaint}`, () => fake.posts(dana.id).find((p) => everything(p).includes(complaint)));
  const felixBriefing = await cardOf(channels.felix, briefing, `the briefing ${briefing} in #agent-felix`);
  if (!blocksOf(felixBriefing).includes('enterprise_client_xyz')) throw new DemoFailure(`Felix's briefing ${briefing} lacks the customer context.`);
  say.saw(`@${dana.name} got a DM with the resolution (${String(dm.response?.channel)}); Felix got the briefing ${briefing} with the full context.`);

  say.step(`@${dana.name} files a support ticket that nobody answers (escalate:2s stands in for hours)`);
  const staleFiledAt = Date.now();
  const staleAnswer = await command(dana, channels.helpdesk, '/ticket', 'new type:support escalate:2s customer:northwind SSO login loops back to the sign-in page', /Filed.*iris/);
  const stale = keyIn(staleAnswer.text, 'the answer to the stale ticket');
  const staleCard = await cardOf(irisChannel, stale, `the assignment card of ${stale} in #agent-iris`);
  say.waiting(`Nobody touches ${stale}; the sweep runs every second…`);
  const ping = await wait(`the escalation ping of ${stale} with a Take over button in #agent-felix`, () =>
    fake.posts(channels.felix.id).find((p) => blocksOf(p).includes('"ticket_takeover"') && blocksOf(p).includes(stale)),
  );
  await wait(`the notice of ${stale} in #escalations`, () => fake.posts(channels.escalations.id).find((p) => everything(p).includes(stale)));
  const escalatedNote = await threadReply(irisChannel, tsOf(staleCard), 'felix', `a note in the thread of ${stale} that it was escalated to Felix`);
  say.saw(`${((ping.at - staleFiledAt) / 1000).toFixed(1)} s after filing: Felix is pinged with a Take over button, #escalations is told, Iris's thread says so.`);
  await press(felix, channels.felix, 'ticket_takeover', stale, 'Take over');
  await cardOf(channels.felix, stale, `Felix's new card for ${stale}`);
  await wait(`a note in the thread of ${stale} that Felix took it over`, () =>
    repliesIn(irisChannel, tsOf(staleCard)).find((p) => p.at > escalatedNote.at && everything(p).includes('felix')),
  );
  say.saw(`${stale} is Felix's now: a new card in #agent-felix, and Iris's thread says where it went.`);
  await command(felix, channels.felix, '/ticket', `resolve ${stale} Sent the SSO fix guide; login works again`, /Resolved/);

  say.step(`@${felix.name} goes into a strategy session (3 s stand in for the afternoon); a decision for him waits until he is free`);
  await command(felix, channels.felix, '/agent', 'busy felix for:3s strategy session', /busy/);
  const decisionAnswer = await command(
    dana,
    channels.helpdesk,
    '/ticket',
    `new type:decision follows:${complaint} customer:enterprise_client_xyz Approve a goodwill credit for enterprise_client_xyz`,
    /waits in intake.*strategy session/,
  );
  const decision = keyIn(decisionAnswer.text, 'the answer to the decision');
  const heldAt = Date.now();
  say.waiting(`${decision} waits in intake while Felix is busy…`);
  const decisionCard = await cardOf(channels.felix, decision, `the card of ${decision} in #agent-felix once Felix is free`);
  say.saw(`The busy window ended; ${((decisionCard.at - heldAt) / 1000).toFixed(1)} s later ${decision} was assigned to Felix.`);

  say.step(`Anyone can read the trail: @${dana.name} looks at ${complaint}`);
  const shown = await command(dana, channels.helpdesk, '/ticket', `show ${complaint}`, /\*resolved\*/);
  say.detail(shown.lines.slice(shown.lines.findIndex((l) => l.includes('Audit trail'))));

  // Everything Baton committed has reached Slack: nothing pending in the outbox, nothing failed.
  const outbox = await outboxSettled(baton);
  if (outbox.failed > 0) throw new DemoFailure(`${outbox.failed} message(s) could not be delivered to Slack.`);
  const tickets = await allTickets(baton);

  say.transcripts(fake, [channels.ops, channels.helpdesk, irisChannel, channels.devin, channels.felix, channels.escalations, { id: `D${dana.id.slice(1)}`, name: `DM @${dana.name}` }]);
  say.facts(tickets, fake, {
    [complaint]: 'billing complaint',
    [child]: 'handoff of the complaint',
    [briefing]: 'briefing for Felix',
    [stale]: 'stale ticket',
    [decision]: 'held decision',
  });
  say.line(
    `The story took ${((Date.now() - storyStarted) / 1000).toFixed(1)} s (${fake.calls.length} Slack API calls); the whole run ${((Date.now() - started) / 1000).toFixed(1)} s, of which Baton's start-up ${startedIn.toFixed(1)} s.`,
  );
}

async function outboxSettled(baton: Baton): Promise<{ pending: number; failed: number }> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const count = await pendingCount(baton.database.db);
    if (count.pending === 0) return count;
    if (Date.now() > deadline) throw new DemoFailure(`${count.pending} message(s) were still waiting in Baton's outbox after ${WAIT_MS / 1000} s.`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function allTickets(baton: Baton): Promise<Ticket[]> {
  const db = baton.database.db;
  const lists = await Promise.all((['intake', 'active', 'completed'] as const).map((status) => listTickets(db, { status }, 1000)));
  return lists.flat().sort((a, b) => a.key.localeCompare(b.key));
}

let cleaning: Promise<void> | undefined;

/** Stop Baton, close the Slack stand-in, remove the temporary directory: once, however often asked. */
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    const began = Date.now();
    const { baton, fake, dataDir } = running;
    const problems: string[] = [];
    const started = await baton?.catch(() => undefined); // a start-up that failed has closed its database itself
    if (started) await started.stop().catch((e: unknown) => problems.push(`stopping Baton: ${String(e)}`));
    if (fake) await fake.close().catch((e: unknown) => problems.push(`closing the Slack stand-in: ${String(e)}`));
    if (dataDir) await rm(dataDir, { recursive: true, force: true }).catch((e: unknown) => problems.push(`removing ${dataDir}: ${String(e)}`));
    for (const p of problems) console.error(`demo: clean-up problem — ${p}`);
    if (!problems.length && (started || fake || dataDir)) {
      console.log(`Cleaned up in ${((Date.now() - began) / 1000).toFixed(1)} s: Baton stopped, Slack stand-in closed, ${dataDir ?? 'temporary directory'} removed.`);
    }
  })();
  return cleaning;
}

/** Exit once everything is closed; if something still holds the process open, say so and exit anyway. */
function exit(code: number): void {
  process.exitCode = code;
  setTimeout(() => {
    console.error('demo: something was still running after clean-up; exiting anyway.');
    process.exit(code);
  }, 3000).unref();
}

const where = () => (say.currentStep() ? `at step ${say.currentStep()}` : 'while starting Baton');

let interrupted = false;
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`\ndemo: ${signal} received ${where()}, cleaning up…`);
    void cleanUp().finally(() => process.exit(code));
  });
}

main().then(
  async () => {
    await cleanUp();
    exit(0);
  },
  async (e: unknown) => {
    if (interrupted) return;
    console.error('');
    if (e instanceof DemoFailure) {
      console.error(`demo: FAILED ${where()}: ${e.message}`);
      if (e.detail) console.error(e.detail);
    } else {
      console.error(`demo: FAILED ${where()}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
    if (running.fake) {
      console.error('\nWhat Slack had seen so far:\n');
      console.error(running.fake.transcript());
    }
    await cleanUp();
    exit(1);
  },
);
