// Following A2A tasks at the use cases (src/app/a2aFollow.ts, a2aDispatch.ts, and the take-back they share) on every
// database, with a fake A2A port: each new task state acts once through its use case, as the agent via 'a2a' —
// working accepts, input-required asks in the home thread (the next reply goes back), completed resolves,
// failed/rejected/canceled take the ticket back for good, auth-required escalates; stale, repeated and unknown
// states act on nothing; a message that cannot be delivered takes the ticket back; push tokens are checked.
import { describe, expect, it } from 'vitest';
import { A2aCallError, type A2aPort, type A2aState, type A2aTaskView } from '../../src/app/a2aPort.js';
import { a2aUndeliverable, applyA2aState, followA2aTask, followA2aTasks, hashPushToken, taskOfPush } from '../../src/app/a2aFollow.js';
import { addAgent, updateAgent } from '../../src/app/agents.js';
import { fileTicket } from '../../src/app/fileTicket.js';
import { recordThreadReply, resolveTicket } from '../../src/app/ticketActions.js';
import { user } from '../../src/core/permissions.js';
import type { A2aLink } from '../../src/core/types.js';
import { getA2aTask, openA2aTaskOf, updateA2aTask } from '../../src/storage/a2aTasks.js';
import { getAgent } from '../../src/storage/agents.js';
import { getTicket } from '../../src/storage/tickets.js';
import type { TestDatabase } from '../support/db.js';
import { ADMIN, makeDeps, ManualClock, useCaseBed } from '../support/deps.js';
import { actionsOf, allOutbox, auditOf, deliverHome, input, outboxOf } from '../support/inspect.js';

const admin = user(ADMIN);
const REQ = 'UREQ0001';

const view = (state: A2aState, o: Partial<A2aTaskView> = {}): A2aTaskView => ({ taskId: 'task-1', state, message: '', artifacts: '', ...o });

// Use cases at their boundary, on the embedded database only (the storage and concurrency suites run on both).
describe.each(['pglite'] as const)('following A2A tasks on %s', (kind) => {
  let db: TestDatabase;
  let clock: ManualClock;
  let deps: ReturnType<typeof makeDeps>;
  useCaseBed(kind, { per: 'test' }, (bed) => ({ db, clock, deps } = bed));

  let tasks: Map<string, A2aTaskView>;
  const gets: string[] = [];
  const port = (): A2aPort => ({
    readCard: async (url) => ({ url, name: 'Helper bot', skills: ['support'], card: {} }) as A2aLink,
    send: async () => view('submitted'),
    getTask: async (_link, taskId) => {
      gets.push(taskId);
      const v = tasks.get(taskId);
      if (!v) throw new A2aCallError(`no task ${taskId}`, true);
      return v;
    },
  });

  /** helper is an A2A agent (support), maya a person (support, busy unless told); a ticket goes to helper and is delivered. */
  const setUp = async (o: { maya?: boolean } = {}) => {
    tasks = new Map();
    gets.length = 0;
    deps = { ...deps, a2a: port() };
    await addAgent(deps, admin, { handle: 'helper', skills: ['support'], channel: 'CHELPER', escalatesTo: { handle: 'maya' } });
    await updateAgent(deps, admin, { handle: 'helper', a2a: 'https://helper.example.com' });
    if (o.maya !== false) await addAgent(deps, admin, { handle: 'maya', skills: ['support'], channel: 'CMAYA', user: 'UMAYA' });
    const f = await fileTicket(deps, user(REQ), input('Reset my password', { type: 'support' }));
    expect(f.agent?.handle).toBe('helper');
    await deliverHome(db, f.ticket.key, '1700000000.000100');
    const row = (await openA2aTaskOf(db.db, f.ticket.key))!;
    expect(row).toMatchObject({ agent: 'helper', state: 'submitted', done: false, taskId: null });
    // What the outbox worker does once the message is delivered: the agent's task id.
    await updateA2aTask(db.db, row.id, { taskId: 'task-1', updatedAt: clock.now() });
    return { key: f.ticket.key, rowId: row.id };
  };

  it('the assignment is sent over A2A as an outbox row keyed by its event', async () => {
    const { key, rowId } = await setUp();
    const assigned = (await auditOf(db, key)).find((e) => e.action === 'assigned')!;
    const sent = (await outboxOf(db, key)).find((m) => m.idempotencyKey === `${assigned.id}:a2a`)!;
    expect(sent).toMatchObject({ channel: 'CHELPER', text: `${key} to helper over A2A`, destination: 'a2a', target: 'helper', payload: { kind: 'send', task: rowId } });
  });

  it('working accepts as the agent via a2a, once; the same state again, or older news, does nothing', async () => {
    const { key, rowId } = await setUp();
    clock.advance(1000);
    expect(await applyA2aState(deps, rowId, view('working', { at: '2026-03-02T09:00:01Z' }))).toBe('accepted');
    expect(await getTicket(db.db, key)).toMatchObject({ acceptedBy: 'agent:helper' });
    const accepted = (await auditOf(db, key)).at(-1)!;
    expect(accepted).toMatchObject({ action: 'accepted', actor: 'agent:helper' });
    expect(await getA2aTask(db.db, rowId)).toMatchObject({ state: 'working', statusAt: '2026-03-02T09:00:01Z', done: false, awaitingInput: false });
    expect(await applyA2aState(deps, rowId, view('working', { at: '2026-03-02T09:00:05Z' }))).toBeNull();
    // Older than what was acted on: ignored.
    expect(await applyA2aState(deps, rowId, view('completed', { at: '2026-03-02T09:00:00Z', artifacts: 'old' }))).toBeNull();
    expect((await getTicket(db.db, key))!.status).toBe('active');
    // Another state stamped the very same instant as what was acted on: which came first cannot be told, so it
    // is not news (an input-required of that instant would ask the same question twice).
    expect(await applyA2aState(deps, rowId, view('input-required', { at: '2026-03-02T09:00:01Z', message: 'Which account?' }))).toBeNull();
    expect(await getA2aTask(db.db, rowId)).toMatchObject({ state: 'working', statusAt: '2026-03-02T09:00:01Z', awaitingInput: false });
    // A state Baton does not act on is recorded, nothing else.
    expect(await applyA2aState(deps, rowId, view('submitted', { at: '2026-03-02T09:00:02Z' }))).toBeNull();
    expect(await getA2aTask(db.db, rowId)).toMatchObject({ state: 'submitted', statusAt: '2026-03-02T09:00:02Z', done: false });
    expect(await actionsOf(db, key)).toEqual(['filed', 'assigned', 'accepted']);
    // An unknown row, or a done one: nothing.
    expect(await applyA2aState(deps, 'no-such-row', view('working'))).toBeNull();
  });

  it('completed stamped the same second as the working it follows is acted on: the ticket resolves', async () => {
    const { key, rowId } = await setUp();
    clock.advance(1000);
    expect(await applyA2aState(deps, rowId, view('working', { at: '2026-03-02T09:00:01Z' }))).toBe('accepted');
    expect(await applyA2aState(deps, rowId, view('completed', { at: '2026-03-02T09:00:01Z', artifacts: 'Refunded' }))).toBe('resolved');
    expect(await getTicket(db.db, key)).toMatchObject({ status: 'completed', resolution: 'Refunded' });
    expect(await getA2aTask(db.db, rowId)).toMatchObject({ state: 'completed', done: true });
  });

  it('input-required asks in the home thread; the next person’s reply there goes back to the task, once', async () => {
    const { key, rowId } = await setUp();
    expect(await applyA2aState(deps, rowId, view('input-required', { message: '  Which account?  ' }))).toBe('asked');
    const asked = (await auditOf(db, key)).at(-1)!;
    expect(asked).toMatchObject({ action: 'input_requested', actor: 'agent:helper', note: 'Which account?' });
    const q = (await outboxOf(db, key)).find((m) => m.idempotencyKey === `${asked.id}:a2a-question`)!;
    expect(q).toMatchObject({ threadOfTicket: key, threadOf: 'home', channel: 'CHELPER' });
    expect(q.text).toContain(':question: @helper asks: Which account?\nReply in this thread to answer.');
    expect(await getA2aTask(db.db, rowId)).toMatchObject({ state: 'input-required', awaitingInput: true });

    await recordThreadReply(deps, { ticketKey: key, user: REQ, text: 'The billing one', ts: '1700000000.000300', toA2a: true });
    const comment = (await auditOf(db, key)).at(-1)!;
    const reply = (await outboxOf(db, key)).find((m) => m.idempotencyKey === `${comment.id}:a2a-reply`)!;
    expect(reply).toMatchObject({ channel: 'CHELPER', text: 'reply to helper over A2A', destination: 'a2a', target: 'helper', payload: { kind: 'reply', task: rowId, text: 'The billing one' } });
    expect(await getA2aTask(db.db, rowId)).toMatchObject({ state: 'replied', awaitingInput: false });
    await recordThreadReply(deps, { ticketKey: key, user: REQ, text: 'And another thing', ts: '1700000000.000400', toA2a: true });
    expect((await outboxOf(db, key)).filter((m) => m.idempotencyKey.endsWith(':a2a-reply'))).toHaveLength(1);

    // A question with no text asks for more input in general.
    expect(await applyA2aState(deps, rowId, view('input-required'))).toBe('asked');
    expect((await auditOf(db, key)).at(-1)!.note).toBe('The agent needs more input.');
  });

  it('a reply recorded outside the home thread is only kept in the trail, the question stays open; the next one in the home thread answers the task', async () => {
    const { key, rowId } = await setUp();
    expect(await applyA2aState(deps, rowId, view('input-required', { message: 'Which account?' }))).toBe('asked');
    await recordThreadReply(deps, { ticketKey: key, user: REQ, text: 'said in the intake thread', ts: '1700000000.000200' });
    expect((await auditOf(db, key)).at(-1)).toMatchObject({ action: 'commented', note: 'said in the intake thread' });
    expect((await outboxOf(db, key)).some((m) => m.idempotencyKey.endsWith(':a2a-reply'))).toBe(false);
    expect(await getA2aTask(db.db, rowId)).toMatchObject({ state: 'input-required', awaitingInput: true });

    await recordThreadReply(deps, { ticketKey: key, user: REQ, text: 'The billing one', ts: '1700000000.000300', toA2a: true });
    expect((await outboxOf(db, key)).filter((m) => m.idempotencyKey.endsWith(':a2a-reply'))).toHaveLength(1);
    expect(await getA2aTask(db.db, rowId)).toMatchObject({ state: 'replied', awaitingInput: false });
  });

  it('completed resolves with the artifacts’ text, else the message, else a sentence; the task is no longer followed', async () => {
    const { key, rowId } = await setUp();
    expect(await applyA2aState(deps, rowId, view('completed', { artifacts: '  Password reset link sent.  ', message: 'done' }))).toBe('resolved');
    expect(await getTicket(db.db, key)).toMatchObject({ status: 'completed', resolution: 'Password reset link sent.' });
    expect((await auditOf(db, key)).at(-1)).toMatchObject({ action: 'resolved', actor: 'agent:helper', note: 'Password reset link sent.' });
    expect(await getA2aTask(db.db, rowId)).toMatchObject({ state: 'completed', done: true });
    // Done: nothing more.
    expect(await applyA2aState(deps, rowId, view('failed'))).toBeNull();

    const b = await setUpAnother('Second');
    expect(await applyA2aState(deps, b.rowId, view('completed', { message: ' Done by message ' }))).toBe('resolved');
    expect((await getTicket(db.db, b.key))!.resolution).toBe('Done by message');
    const c = await setUpAnother('Third');
    expect(await applyA2aState(deps, c.rowId, view('completed'))).toBe('resolved');
    expect((await getTicket(db.db, c.key))!.resolution).toBe('helper completed its A2A task.');
  });

  /** Another ticket to helper (maya busy meanwhile so that routing picks helper). */
  const setUpAnother = async (title: string) => {
    await updateAgent(deps, admin, { handle: 'maya', capacity: 1 });
    const f = await fileTicket(deps, user(REQ), input(title, { type: 'support', assign: { handle: 'helper' } }));
    expect(f.agent?.handle).toBe('helper');
    const row = (await openA2aTaskOf(db.db, f.ticket.key))!;
    await updateA2aTask(db.db, row.id, { taskId: `task-${title}`, updatedAt: clock.now() });
    return { key: f.ticket.key, rowId: row.id };
  };

  it('failed takes the ticket back as the agent and routes it to maya, never back; the old thread and the new one say why', async () => {
    const { key, rowId } = await setUp();
    expect(await applyA2aState(deps, rowId, view('failed', { message: '  quota exceeded  ' }))).toBe('taken back');
    const t = (await getTicket(db.db, key))!;
    expect(t).toMatchObject({ assignee: 'maya', declinedBy: ['helper'] });
    const back = (await auditOf(db, key)).find((e) => e.action === 'taken_back')!;
    expect(back).toMatchObject({ actor: 'agent:helper', fromStatus: 'active', toStatus: 'intake', note: 'A2A task failed: quota exceeded', data: { state: 'failed', from: 'helper', cause: 'a2a_ended' } });
    expect(await getA2aTask(db.db, rowId)).toMatchObject({ state: 'failed', done: true });
    const out = await outboxOf(db, key);
    const old = out.find((m) => m.idempotencyKey === `${back.id}:taken-back`)!;
    expect(old).toMatchObject({ channel: 'CHELPER', threadTs: '1700000000.000100' });
    expect(old.text).toContain(':leftwards_arrow_with_hook: Taken back from @helper: A2A task failed: quota exceeded. It is now with @maya.');
    const assigned = (await auditOf(db, key)).find((e) => e.action === 'assigned')!;
    expect(out.find((m) => m.idempotencyKey === `${back.id}:taken-back-card`)).toMatchObject({ channel: 'CHELPER', updatesKey: `${assigned.id}:card` });
    const here = out.find((m) => m.idempotencyKey === `${back.id}:taken-back-here`)!;
    expect(here).toMatchObject({ channel: 'CMAYA', threadOfTicket: key, threadOf: 'home' });
    expect(here.text).toContain(':inbox_tray: Taken back from @helper (A2A task failed: quota exceeded) and routed here: ');
    expect(here.text).toContain(`|previous thread>, \`/ticket show ${key}\`.`);
  });

  it('rejected with no message, and nobody else to take it: it waits in intake saying why', async () => {
    const { key, rowId } = await setUp({ maya: false });
    expect(await applyA2aState(deps, rowId, view('rejected'))).toBe('taken back');
    const t = (await getTicket(db.db, key))!;
    expect(t).toMatchObject({ status: 'intake', assignee: null, declinedBy: ['helper'] });
    const back = (await auditOf(db, key)).find((e) => e.action === 'taken_back')!;
    expect(back.note).toBe('A2A task rejected');
    const old = (await outboxOf(db, key)).find((m) => m.idempotencyKey === `${back.id}:taken-back`)!;
    expect(old.text).toContain(':leftwards_arrow_with_hook: Taken back from @helper: A2A task rejected. It waits in intake: ');
    expect(old.text).toContain(t.holdReason!);
    expect((await outboxOf(db, key)).some((m) => m.idempotencyKey.endsWith(':taken-back-here'))).toBe(false);
  });

  it('auth-required escalates with the agent’s words; the ticket stays with it', async () => {
    const { key, rowId } = await setUp();
    expect(await applyA2aState(deps, rowId, view('auth-required', { message: ' needs OAuth consent ' }))).toBe('escalated');
    const esc = (await auditOf(db, key)).at(-1)!;
    expect(esc).toMatchObject({ action: 'escalated', actor: 'agent:helper', note: 'helper needs authorization to go on: needs OAuth consent' });
    expect((await getTicket(db.db, key))!.assignee).toBe('helper');
    expect(await getA2aTask(db.db, rowId)).toMatchObject({ state: 'auth-required', done: false });
    const b = await setUpAnother('Other');
    await applyA2aState(deps, b.rowId, view('auth-required'));
    expect((await auditOf(db, b.key)).at(-1)!.note).toBe('helper needs authorization to go on.');
  });

  it('artifacts and messages of nothing but spaces count as none: the next text, or the sentence, is used', async () => {
    const { key, rowId } = await setUp();
    expect(await applyA2aState(deps, rowId, view('completed', { artifacts: ' \n  ', message: '  Done by message  ' }))).toBe('resolved');
    expect((await getTicket(db.db, key))!.resolution).toBe('Done by message');
    const b = await setUpAnother('Blank both');
    expect(await applyA2aState(deps, b.rowId, view('completed', { artifacts: '   ', message: ' \t ' }))).toBe('resolved');
    expect((await getTicket(db.db, b.key))!.resolution).toBe('helper completed its A2A task.');
    const c = await setUpAnother('Blank auth');
    expect(await applyA2aState(deps, c.rowId, view('auth-required', { message: '   ' }))).toBe('escalated');
    expect((await auditOf(db, c.key)).at(-1)!.note).toBe('helper needs authorization to go on.');
    const d = await setUpAnother('Blank failure');
    expect(await applyA2aState(deps, d.rowId, view('failed', { message: '  ' }))).toBe('taken back');
    expect((await auditOf(db, d.key)).find((e) => e.action === 'taken_back')!.note).toBe('A2A task failed');
  });

  it('a ticket that left the agent is no longer followed; a refusal of the use case marks the state seen', async () => {
    const { key, rowId } = await setUp();
    await resolveTicket(deps, admin, key, 'done by hand');
    expect(await applyA2aState(deps, rowId, view('working'))).toBeNull();
    expect(await getA2aTask(db.db, rowId)).toMatchObject({ state: 'working', done: true });

    // Already accepted by its user: accepting again is not a refusal but a no-op; an escalation with no one above
    // is exhausted, not refused. A refusal: the ticket waits on a handoff (resolve refused): the state is seen, done.
    const b = await setUpAnother('Waits on handoff');
    const { handoffTicket } = await import('../../src/app/handoff.js');
    await handoffTicket(deps, admin, b.key, { handle: 'maya' }, undefined);
    expect(await applyA2aState(deps, b.rowId, view('completed', { artifacts: 'all good' }))).toBeNull();
    expect(await getA2aTask(db.db, b.rowId)).toMatchObject({ state: 'completed', done: true });
    expect((await getTicket(db.db, b.key))!.status).toBe('active');
  });

  it('followA2aTask: a pushed state is acted on as is; completed is read from the agent; without A2A, or without a card, nothing', async () => {
    const { key, rowId } = await setUp();
    const row = (await getA2aTask(db.db, rowId))!;
    expect(await followA2aTask(deps, row, view('working'))).toBe('accepted');
    expect(gets).toEqual([]);
    // A pushed `completed` is read for its artifacts.
    tasks.set('task-1', view('completed', { artifacts: 'from tasks/get' }));
    expect(await followA2aTask(deps, (await getA2aTask(db.db, rowId))!, view('completed', { artifacts: 'pushed' }))).toBe('resolved');
    expect(gets).toEqual(['task-1']);
    expect((await getTicket(db.db, key))!.resolution).toBe('from tasks/get');

    const b = await setUpAnother('Polled');
    const bRow = (await getA2aTask(db.db, b.rowId))!;
    // A push about another task is not trusted: the task is read instead.
    tasks.set(bRow.taskId!, view('working'));
    expect(await followA2aTask(deps, bRow, view('completed', { taskId: 'someone-else' }))).toBe('accepted');
    expect(await followA2aTask({ ...deps, a2a: undefined }, (await getA2aTask(db.db, b.rowId))!)).toBeNull();
    // The agent lost its card: no longer followed.
    await updateAgent(deps, admin, { handle: 'helper', a2a: null });
    expect(await followA2aTask(deps, (await getA2aTask(db.db, b.rowId))!)).toBeNull();
    expect(await getA2aTask(db.db, b.rowId)).toMatchObject({ done: true, state: 'working' });
  });

  it('followA2aTasks: every followed task is read once; one agent’s error leaves the others be and is reported', async () => {
    const a = await setUp();
    const b = await setUpAnother('Two');
    tasks.set(`task-Two`, view('working'));
    const errors: string[] = [];
    const acted = await followA2aTasks(deps, { onError: (row, e) => errors.push(`${row.ticketKey}: ${(e as Error).message}`) });
    expect(acted).toBe(1);
    expect(errors).toEqual([`${a.key}: no task task-1`]);
    expect((await getTicket(db.db, b.key))!.acceptedBy).toBe('agent:helper');
    expect(await followA2aTasks(deps, { limit: 0 })).toBe(0);
  });

  it('a message that cannot be delivered for good takes the ticket back (once) and marks the row failed; a ticket no longer with it is left be', async () => {
    const { key, rowId } = await setUp();
    const sent = (await outboxOf(db, key)).find((m) => m.destination === 'a2a')!;
    const r = await a2aUndeliverable(deps, { outbox: sent.id, task: rowId, error: 'HTTP 404' });
    expect(r).toEqual({ ticket: key, agent: 'helper', to: 'maya' });
    expect(await getA2aTask(db.db, rowId)).toMatchObject({ state: 'unreachable', done: true });
    const why = "could not reach helper's A2A endpoint: HTTP 404";
    expect((await auditOf(db, 'agent:helper')).at(-1)).toMatchObject({ action: 'a2a_unreachable', actor: 'baton', note: why, data: { ticket: key } });
    const back = (await auditOf(db, key)).find((e) => e.action === 'taken_back')!;
    expect(back).toMatchObject({ actor: 'baton', note: why, data: { from: 'helper', cause: 'a2a_unreachable' } });
    expect((await outboxOf(db, key)).find((m) => m.idempotencyKey === `${back.id}:taken-back`)!.text).toContain(`:warning: Taken back from @helper: ${why}. It is now with @maya.`);
    expect((await outboxOf(db, key)).find((m) => m.id === sent.id)).toMatchObject({ lastError: 'HTTP 404' });
    expect(await getTicket(db.db, key)).toMatchObject({ assignee: 'maya', declinedBy: ['helper'] });
    // Again: the row is done, nothing more.
    expect(await a2aUndeliverable(deps, { outbox: sent.id, task: rowId, error: 'HTTP 404' })).toBeNull();
    expect(await a2aUndeliverable(deps, { outbox: sent.id, task: null, error: 'HTTP 404' })).toBeNull();

    const b = await setUpAnother('Gone meanwhile');
    await resolveTicket(deps, admin, b.key, 'by hand');
    const bSent = (await outboxOf(db, b.key)).find((m) => m.destination === 'a2a')!;
    expect(await a2aUndeliverable(deps, { outbox: bSent.id, task: b.rowId, error: 'HTTP 500' })).toBeNull();
    expect((await getTicket(db.db, b.key))!.status).toBe('completed');
  });

  it('a push is trusted only with the token given to its task, compared whole', async () => {
    const { rowId } = await setUp();
    expect(await taskOfPush(deps, rowId, 'tok-123')).toBeNull();
    await db.db.execute((await import('drizzle-orm')).sql`update a2a_tasks set push_token_hash = ${hashPushToken('tok-123')} where id = ${rowId}`);
    expect((await taskOfPush(deps, rowId, 'tok-123'))?.id).toBe(rowId);
    expect(await taskOfPush(deps, rowId, 'tok-124')).toBeNull();
    expect(await taskOfPush(deps, rowId, undefined)).toBeNull();
    expect(await taskOfPush(deps, rowId, '')).toBeNull();
    expect(await taskOfPush(deps, 'not a row id!', 'tok-123')).toBeNull();
    expect(await taskOfPush(deps, 'x'.repeat(65), 'tok-123')).toBeNull();
    expect(hashPushToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(await getAgent(db.db, 'helper')).toMatchObject({ a2a: { url: 'https://helper.example.com' } });
  });

  it('a take-back never delivered: the new thread points at the trail only, with no packet line; the agent hears it by webhook; non-A2A agents get no A2A rows', async () => {
    tasks = new Map();
    deps = { ...deps, a2a: port() };
    await addAgent(deps, admin, { handle: 'helper', skills: ['support'], channel: 'CHELPER' });
    await updateAgent(deps, admin, { handle: 'helper', a2a: 'https://helper.example.com', webhook: 'https://hooks.example.com/helper' });
    await addAgent(deps, admin, { handle: 'maya', skills: ['support'], channel: 'CMAYA', user: 'UMAYA' });
    const f = await fileTicket(deps, user(REQ), input('Never delivered', { type: 'support', assign: { handle: 'helper' } }));
    const row = (await openA2aTaskOf(db.db, f.ticket.key))!;
    // No task id yet (the message was not delivered): a question still asks, but a reply has no task to go to.
    expect(await applyA2aState(deps, row.id, view('input-required', { message: 'Which one?' }))).toBe('asked');
    await recordThreadReply(deps, { ticketKey: f.ticket.key, user: REQ, text: 'This one', ts: '1700000000.000500', toA2a: true });
    expect((await outboxOf(db, f.ticket.key)).some((m) => m.idempotencyKey.endsWith(':a2a-reply'))).toBe(false);
    await updateA2aTask(db.db, row.id, { taskId: 'task-9', awaitingInput: true, updatedAt: clock.now() });
    await recordThreadReply(deps, { ticketKey: f.ticket.key, user: REQ, text: 'This one, again', ts: '1700000000.000600', toA2a: true });
    const comment = (await auditOf(db, f.ticket.key)).at(-1)!;
    // Its home is not known yet: the reply's channel is resolved at delivery.
    expect((await outboxOf(db, f.ticket.key)).find((m) => m.idempotencyKey === `${comment.id}:a2a-reply`)).toMatchObject({ channel: '' });

    expect(await applyA2aState(deps, row.id, view('canceled', { at: '2026-03-02T09:05:00Z' }))).toBe('taken back');
    const back = (await auditOf(db, f.ticket.key)).find((e) => e.action === 'taken_back')!;
    const out = await outboxOf(db, f.ticket.key);
    expect(out.some((m) => m.idempotencyKey === `${back.id}:taken-back`)).toBe(false);
    const here = out.find((m) => m.idempotencyKey === `${back.id}:taken-back-here`)!;
    expect(here.text).toContain(`:inbox_tray: Taken back from @helper (A2A task canceled) and routed here: `);
    expect(here.text.endsWith(`. Its trail: \`/ticket show ${f.ticket.key}\`.`)).toBe(true);
    expect((await allOutbox(db)).filter((m) => m.destination === 'webhook' && m.target === 'helper').map((m) => m.text)).toContain('ticket.taken_back');
    // maya is a person: her assignment made no A2A task and no A2A message.
    expect(await getTicket(db.db, f.ticket.key)).toMatchObject({ assignee: 'maya' });
    expect(await openA2aTaskOf(db.db, f.ticket.key)).toBeNull();
    expect(out.filter((m) => m.destination === 'a2a').map((m) => m.target)).toEqual(['helper', 'helper']);
  });
});
