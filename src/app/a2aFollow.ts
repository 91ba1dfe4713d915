// Following the tasks of A2A agents: each new state of a task goes through the use case it stands for,
// acting as the agent, via 'a2a' in the trail. `working` accepts; `input-required` asks in the home thread;
// `completed` resolves with the artifacts' text; `failed`, `rejected` and `canceled` take the ticket back
// and route it to someone else (never that agent again); `auth-required` escalates. The task row moves in
// the same transaction, only from the state it was read in, so each state acts once across copies. A message
// that cannot be delivered to the agent for good takes the ticket back the same way (`a2aUndeliverable`).
import { createHash, timingSafeEqual } from 'node:crypto';
import { DomainError, invalidState } from '../core/errors.js';
import { actorName, agentPrincipal, type Principal } from '../core/permissions.js';
import { LIMITS } from '../core/types.js';
import { cutText } from '../core/validate.js';
import { getAgent, lockAgents } from '../storage/agents.js';
import { markFailed } from '../storage/outbox.js';
import { a2aTasksToFollow, getA2aTask, moveA2aTask, type A2aTaskRow } from '../storage/a2aTasks.js';
import { getTicket } from '../storage/tickets.js';
import type { A2aState, A2aTaskView } from './a2aPort.js';
import { releaseHeld } from './assignment.js';
import { inTransaction, type Deps, type TxOptions, type UnitOfWork } from './context.js';
import { escalateTicket } from './escalation.js';
import { takeBack } from './takeBack.js';
import { acceptTicket, actOnTicket, resolveTicket } from './ticketActions.js';

/** Another copy acted on this state first. */
class Superseded extends Error {}

export const hashPushToken = (token: string): string => createHash('sha256').update(token).digest('hex');

const GIVE_BACK: ReadonlySet<A2aState> = new Set(['failed', 'rejected', 'canceled']);

const ENDS_TASK: ReadonlySet<A2aState> = new Set([...GIVE_BACK, 'completed']);

/** Whether `view` is not newer than what Baton last acted on (push notifications may arrive out of order, and twice). */
function stale(row: A2aTaskRow, view: A2aTaskView): boolean {
  if (!view.at || !row.statusAt) return false;
  const a = Date.parse(view.at);
  const b = Date.parse(row.statusAt);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  // Stamped the same instant as the state acted on (agents often stamp whole seconds), which came first cannot be
  // told — except for a state that ends the task: the task did end, so that is acted on; any other is not.
  return a < b || (a === b && !ENDS_TASK.has(view.state));
}

/**
 * Acts on a task's state as just read from the agent. Returns what was done (`accepted`, `asked`,
 * `resolved`, `taken back`, `escalated`), or null when nothing was new. When another copy (or another
 * notification) moved the task meanwhile, the state is looked at again from there.
 */
export async function applyA2aState(deps: Deps, rowId: string, view: A2aTaskView): Promise<string | null> {
  for (let attempt = 0; attempt < 4; attempt++) {
    const r = await applyOnce(deps, rowId, view);
    if (r !== SUPERSEDED) return r;
  }
  return null;
}

const SUPERSEDED = Symbol('superseded');

async function applyOnce(deps: Deps, rowId: string, view: A2aTaskView): Promise<string | null | typeof SUPERSEDED> {
  const row = await getA2aTask(deps.database.db, rowId);
  if (!row || row.done || view.state === row.state || stale(row, view)) return null;
  const now = () => deps.clock.now();
  const statusAt = view.at ?? row.statusAt;
  const t = await getTicket(deps.database.db, row.ticketKey);
  if (!t || t.status !== 'active' || t.assignee !== row.agent) {
    // The ticket left the agent (resolved, reassigned, taken back): no longer followed.
    await moveA2aTask(deps.database.db, row.id, row.state, { state: view.state, done: true, statusAt, updatedAt: now() });
    return null;
  }
  const by = agentPrincipal(row.agent, 'a2a');
  const move = (set: { state: string; awaitingInput?: boolean; done?: boolean }) => async (uow: UnitOfWork) => {
    if (!(await moveA2aTask(uow.tx, row.id, row.state, { ...set, statusAt, updatedAt: uow.now }))) throw new Superseded();
  };
  const o = (set: { state: string; awaitingInput?: boolean; done?: boolean }) => ({ via: 'a2a' as const, also: move(set) });
  try {
    switch (view.state) {
      case 'working':
        await acceptTicket(deps, by, t.key, o({ state: 'working' }));
        return 'accepted';
      case 'input-required':
        await askInThread(deps, by, row, view.message, o({ state: 'input-required', awaitingInput: true }));
        return 'asked';
      case 'completed': {
        const note = cutText(view.artifacts.trim() || view.message.trim() || `${row.agent} completed its A2A task.`, LIMITS.note);
        await resolveTicket(deps, by, t.key, note, o({ state: 'completed', done: true }));
        return 'resolved';
      }
      case 'failed':
      case 'rejected':
      case 'canceled':
        await takeBackEnded(deps, by, row, view, o({ state: view.state, done: true }));
        return 'taken back';
      case 'auth-required': {
        const note = cutText(`${row.agent} needs authorization to go on${view.message.trim() ? `: ${view.message.trim()}` : '.'}`, LIMITS.note);
        await escalateTicket(deps, by, t.key, note, o({ state: 'auth-required' }));
        return 'escalated';
      }
      default:
        await moveA2aTask(deps.database.db, row.id, row.state, { state: view.state, statusAt, updatedAt: now() });
        return null;
    }
  } catch (e) {
    if (e instanceof Superseded) return SUPERSEDED;
    if (e instanceof DomainError) {
      // The use case refused (the ticket changed meanwhile): the state is seen, and not acted on again.
      const moved = await moveA2aTask(deps.database.db, row.id, row.state, { state: view.state, done: GIVE_BACK.has(view.state) || view.state === 'completed', statusAt, updatedAt: now() });
      return moved ? null : SUPERSEDED;
    }
    throw e;
  }
}

/** `input-required`: the agent's question in the home thread; the next reply there goes back to the task. */
function askInThread(deps: Deps, by: Principal, row: A2aTaskRow, question: string, o: TxOptions) {
  return actOnTicket(deps, by, row.ticketKey, 'update', o, async (uow, t) => {
    const asked = cutText(question.trim() || 'The agent needs more input.', LIMITS.note);
    const id = await uow.audit({ ticketKey: t.key, actor: actorName(by), action: 'input_requested', fromStatus: t.status, toStatus: t.status, note: asked });
    uow.send({
      ticketKey: t.key,
      idempotencyKey: `${id}:a2a-question`,
      channel: t.home?.channel ?? '',
      threadOf: { ticket: t.key, which: 'home' },
      ...deps.render.threadUpdate(t, [{ raw: `:question: @${row.agent} asks: ` }, asked, { raw: '\nReply in this thread to answer.' }]),
    });
  });
}

/** `failed`, `rejected`, `canceled`: the ticket is taken back from the agent (as the agent) and routed to someone else with the reason. */
function takeBackEnded(deps: Deps, by: Principal, row: A2aTaskRow, view: A2aTaskView, o: TxOptions) {
  return actOnTicket(deps, by, row.ticketKey, 'decline', o, async (uow, t, assignee) => {
    if (t.assignee !== row.agent || !assignee) throw invalidState(`${t.key} is no longer with ${row.agent}.`);
    const reason = cutText(`A2A task ${view.state}${view.message.trim() ? `: ${view.message.trim()}` : ''}`, LIMITS.note);
    const routed = await takeBack(uow, t, assignee, 'a2a_ended', reason, { actor: actorName(by), data: { state: view.state } });
    // The agent answered: it is free for other work.
    await releaseHeld(uow, row.agent);
    return { ticket: t, agent: routed.agent, reason: routed.reason };
  });
}

/**
 * An A2A message to an agent failed for good (refused, or not reachable within its retries). In one transaction the
 * outbox row (`outbox`) is kept as failed with `error` (what the agent's A2A health shows in `/agent list` and on
 * the Home's Team), and, when its ticket is still with that agent and its task (`task`) still followed, the task is
 * no longer followed and the ticket is taken back and routed to another agent with the reason, never to that agent
 * again. Once, whatever the copies: the task row moves only from the state it was read in. Returns what was done.
 */
export async function a2aUndeliverable(deps: Deps, o: { outbox: number; task: string | null; error: string }): Promise<{ ticket: string; agent: string; to: string | null } | null> {
  return inTransaction(deps, async (uow) => {
    await markFailed(uow.tx, o.outbox, o.error);
    const row = o.task ? await getA2aTask(uow.tx, o.task) : null;
    if (!row || row.done) return null;
    const t = await getTicket(uow.tx, row.ticketKey, { lock: true });
    const [agent] = await lockAgents(uow.tx, [row.agent]);
    const stillWithIt = t !== null && agent !== undefined && t.status === 'active' && t.assignee === row.agent;
    const why = cutText(`could not reach ${row.agent}'s A2A endpoint: ${o.error}`, LIMITS.note);
    if (!(await moveA2aTask(uow.tx, row.id, row.state, { state: stillWithIt ? 'unreachable' : row.state, done: true, updatedAt: uow.now }))) return null;
    if (!stillWithIt) return null;
    await uow.audit({ ticketKey: `agent:${agent.handle}`, actor: 'baton', action: 'a2a_unreachable', note: why, data: { ticket: t.key } });
    const routed = await takeBack(uow, t, agent, 'a2a_unreachable', why);
    return { ticket: t.key, agent: agent.handle, to: routed.agent?.handle ?? null };
  });
}

/**
 * Reads the task from its agent and acts on its state. `pushed`: the state a push notification carried,
 * acted on as is when it needs nothing more (a `completed` task is read for its artifacts).
 */
export async function followA2aTask(deps: Deps, row: A2aTaskRow, pushed?: A2aTaskView | null): Promise<string | null> {
  if (pushed && pushed.state !== 'completed' && pushed.state !== 'unknown' && (!row.taskId || pushed.taskId === row.taskId)) return applyA2aState(deps, row.id, pushed);
  if (!deps.a2a || !row.taskId) return null;
  const agent = await getAgent(deps.database.db, row.agent);
  if (!agent?.a2a) {
    await moveA2aTask(deps.database.db, row.id, row.state, { state: row.state, done: true, updatedAt: deps.clock.now() });
    return null;
  }
  return applyA2aState(deps, row.id, await deps.a2a.getTask(agent.a2a, row.taskId));
}

/** The sweep: every task still followed is read once (tasks/get) and acted on. Errors of one agent leave the others be. */
export async function followA2aTasks(deps: Deps, o: { limit?: number; onError?: (row: A2aTaskRow, e: unknown) => void } = {}): Promise<number> {
  let acted = 0;
  for (const row of await a2aTasksToFollow(deps.database.db, o.limit ?? 200)) {
    try {
      if (await followA2aTask(deps, row)) acted++;
    } catch (e) {
      o.onError?.(row, e);
    }
  }
  return acted;
}

/** The task a push notification is about, when its token is the one given to that task (compared in constant time); else null. */
export async function taskOfPush(deps: Deps, rowId: string, token: string | undefined): Promise<A2aTaskRow | null> {
  if (!token || !/^[A-Za-z0-9-]{1,64}$/.test(rowId)) return null;
  const row = await getA2aTask(deps.database.db, rowId);
  const expected = Buffer.from(row?.pushTokenHash ?? '0'.repeat(64), 'hex');
  const given = Buffer.from(hashPushToken(token), 'hex');
  const same = expected.length === given.length && timingSafeEqual(expected, given);
  return row && row.pushTokenHash && same ? row : null;
}
