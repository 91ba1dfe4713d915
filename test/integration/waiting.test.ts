// Waiting on the requester at the use cases, on every database: the question goes where the requester filed
// (the intake thread, or a direct message), the clock stops keeping the time it had left, and the requester's
// reply or `resume` starts it again; who may do it, and tickets with nobody to ask, are refused with nothing
// changed.
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { addAgent } from '../../src/app/agents.js';
import { fileTicket } from '../../src/app/fileTicket.js';
import { inTransaction } from '../../src/app/context.js';
import { recordThreadReply } from '../../src/app/ticketActions.js';
import { resumeOnRequesterReply, resumeTicket, waitOnRequesterTicket } from '../../src/app/waiting.js';
import { BATON, user } from '../../src/core/permissions.js';
import { getTicket } from '../../src/storage/tickets.js';
import { DB_KINDS, type TestDatabase } from '../support/db.js';
import { ADMIN, makeDeps, ManualClock, useCaseBed } from '../support/deps.js';
import { actionsOf, auditOf, deliverHome, expectDomainError, HOUR, input, MIN, outboxOf, snapshot } from '../support/inspect.js';

const admin = user(ADMIN);
const IRIS = 'UIRIS001';
const REQ = 'UREQ0001';

describe.each(DB_KINDS)('waiting on the requester on %s', (kind) => {
  let db: TestDatabase;
  let clock: ManualClock;
  let deps: ReturnType<typeof makeDeps>;
  useCaseBed(kind, { per: 'test' }, (bed) => ({ db, clock, deps } = bed));

  const setUp = async () => {
    clock.set('2026-03-02T10:00:00Z');
    await addAgent(deps, admin, { handle: 'iris', skills: ['support'], channel: 'CIRIS001', user: IRIS });
  };
  const texts = async (key: string) => (await outboxOf(db, key)).map((m) => ({ channel: m.channel, thread: m.threadTs, text: m.text }));

  it('a ticket filed by slash command: the question goes to the requester by DM, mentioning them; the clock stops with the time it had left; resume starts it again with that time', async () => {
    await setUp();
    const f = await fileTicket(deps, user(REQ), input('VPN drops every hour', { type: 'support', escalateAfterSec: 4 * 3600 }));
    await deliverHome(db, f.ticket.key, '1700000000.000100');
    clock.advance(HOUR);
    const w = await waitOnRequesterTicket(deps, user(IRIS), f.ticket.key, '  Which office are you in?  ');
    expect(w.ticket).toMatchObject({ awaitingRequesterSince: clock.now(), escalateDueAt: null, clockLeftSec: 3 * 3600 });
    const sent = await texts(f.ticket.key);
    const question = sent.find((m) => m.channel === REQ)!;
    expect(question.text).toContain(`:question: <@${REQ}> @iris needs your answer to go on with ${f.ticket.key}: Which office are you in? — reply in its thread, or ask @iris to \`/ticket resume ${f.ticket.key}\`.`);
    expect(sent.find((m) => m.channel === 'CIRIS001' && m.text.includes(':hourglass_flowing_sand:'))?.text).toContain(
      `:hourglass_flowing_sand: Waiting on the requester (asked by <@${IRIS}>); the escalation clock is stopped: Which office are you in?`,
    );

    clock.advance(5 * HOUR); // the clock stands still meanwhile
    const r = await resumeTicket(deps, user(IRIS), f.ticket.key);
    expect(r.ticket.awaitingRequesterSince).toBeNull();
    expect(r.ticket.escalateDueAt).toEqual(new Date(clock.now().getTime() + 3 * HOUR));
    const resumed = (await texts(f.ticket.key)).map((m) => m.text).find((t) => t.includes(":arrow_forward:"));
    expect(resumed).toContain(`:arrow_forward: Resumed by <@${IRIS}>: the escalation clock runs again; due`);
    expect(await actionsOf(db, f.ticket.key)).toEqual(['filed', 'assigned', 'waiting_on_requester', 'resumed']);
    const trail = await auditOf(db, f.ticket.key);
    expect(trail[2]).toMatchObject({ actor: IRIS, note: 'Which office are you in?', data: { clockLeftSec: 3 * 3600 } });
    expect(trail[3]).toMatchObject({ actor: IRIS, note: null, data: { dueAt: r.ticket.escalateDueAt!.toISOString() } });
    // The card shows it waiting, then running again: one edit each, keyed by its event.
    const edits = (await outboxOf(db, f.ticket.key)).filter((m) => m.idempotencyKey.includes(':card-')).map((m) => m.idempotencyKey);
    expect(edits).toEqual([`${trail[2]!.id}:card-waiting-requester`, `${trail[3]!.id}:card-resumed`]);
    // Waiting again without a question: the trail keeps no note.
    await waitOnRequesterTicket(deps, user(IRIS), f.ticket.key, '   ');
    expect((await auditOf(db, f.ticket.key)).at(-1)).toMatchObject({ action: 'waiting_on_requester', note: null });
  });

  it('a ticket filed from an intake message: the question goes in its thread; the requester’s reply there starts the clock again, anyone else’s does not', async () => {
    await setUp();
    const origin = { channel: 'CINTAKE1', ts: '1700000000.000200' };
    const f = await fileTicket(deps, user(REQ), input('Printer jams on page two', { type: 'support', origin }));
    await waitOnRequesterTicket(deps, user(IRIS), f.ticket.key, undefined);
    const q = (await texts(f.ticket.key)).find((m) => m.text.includes(':question:'))!;
    expect(q).toMatchObject({ channel: origin.channel, thread: origin.ts });
    expect(q.text).toContain(`:question: <@${REQ}> @iris needs your answer to go on with ${f.ticket.key} — reply in this thread.`);

    await deliverHome(db, f.ticket.key, '1700000000.000900');
    clock.advance(10 * MIN);
    expect(await inTransaction(deps, (uow) => resumeOnRequesterReply(uow, f.ticket.key, 'USOMEONE'))).toBe(false);
    expect((await getTicket(db.db, f.ticket.key))!.awaitingRequesterSince).not.toBeNull();
    const reply = await recordThreadReply(deps, { ticketKey: f.ticket.key, user: REQ, text: 'Third floor, by the window', ts: '1700000000.000300' });
    expect(reply.resumed).toBe(true);
    expect((await getTicket(db.db, f.ticket.key))!.awaitingRequesterSince).toBeNull();
    expect(await actionsOf(db, f.ticket.key)).toEqual(['filed', 'assigned', 'waiting_on_requester', 'commented', 'requester_replied']);
    const replied = (await auditOf(db, f.ticket.key)).at(-1)!;
    expect(replied).toMatchObject({ actor: REQ, action: 'requester_replied' });
    // The home thread hears it, with the due time in the agent's zone.
    const home = (await outboxOf(db, f.ticket.key)).find((m) => m.idempotencyKey === `${replied.id}:resumed`)!;
    expect(home).toMatchObject({ threadOfTicket: f.ticket.key, threadOf: 'home' });
    expect(home.text).toContain(':speech_balloon: The requester replied: the escalation clock runs again; due ');
    expect(home.text).toMatch(/due [A-Z][a-z]{2} \d\d:\d\d UTC/);
    // A second reply is a comment only.
    const again = await recordThreadReply(deps, { ticketKey: f.ticket.key, user: REQ, text: 'Also the scanner', ts: '1700000000.000400' });
    expect(again.resumed).toBe(false);
    // A completed ticket never starts a clock, even on its requester's reply.
    await waitOnRequesterTicket(deps, user(IRIS), f.ticket.key, 'One more thing?');
    await db.db.execute(sql`update tickets set status = 'completed' where key = ${f.ticket.key}`);
    expect(await inTransaction(deps, (uow) => resumeOnRequesterReply(uow, f.ticket.key, REQ))).toBe(false);
    expect(await inTransaction(deps, (uow) => resumeOnRequesterReply(uow, 'T-2026-999', REQ))).toBe(false);
  });

  it('refuses, changing nothing: a ticket with nobody to ask, someone who is not its agent, an over-long question, and waiting twice', async () => {
    await setUp();
    const byBaton = await fileTicket(deps, BATON, input('Nightly backup failed', { type: 'support' }));
    let before = await snapshot(db);
    await expectDomainError(
      waitOnRequesterTicket(deps, user(IRIS), byBaton.ticket.key, 'who?'),
      'invalid_state',
      `${byBaton.ticket.key} has no requester Baton can ask (it was not filed by a Slack user or from a Slack message); nothing changed.`,
    );
    expect(await snapshot(db)).toEqual(before);

    const f = await fileTicket(deps, user(REQ), input('Laptop will not boot', { type: 'support' }));
    before = await snapshot(db);
    await expectDomainError(waitOnRequesterTicket(deps, user('UOTHER01'), f.ticket.key, 'x'), 'not_allowed', /./);
    await expectDomainError(waitOnRequesterTicket(deps, user(IRIS), f.ticket.key, 'q'.repeat(4001)), 'invalid_input', /question/i, 'question');
    expect(await snapshot(db)).toEqual(before);

    await waitOnRequesterTicket(deps, user(IRIS), f.ticket.key, 'Which model?');
    before = await snapshot(db);
    await expectDomainError(waitOnRequesterTicket(deps, user(IRIS), f.ticket.key, 'Which model, again?'), 'invalid_state', /already waits on its requester|waiting on its requester/i);
    expect(await snapshot(db)).toEqual(before);
  });
});
