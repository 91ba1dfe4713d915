// A2A agents as a destination: an 'a2a' row sends a ticket (a text part with its title, description and
// packet; a data part with the ticket as GET /api/v1/tickets/{key} returns it; `contextId` = its key) or a
// person's reply to the agent's question (to the same task), through the official SDK. Before the ticket
// goes out, a fresh push token is stored (hashed) for its task when BATON_PUBLIC_URL is set. What the agent
// answers is acted on at once; later states come by push notification or the sweep. An agent that cannot be
// reached (no answer, 5xx, 408, 429) is retried with backoff for up to 10 minutes; a message refused for good (any other
// error) or not sent within that time fails for good, and the ticket is taken back from the agent and routed
// elsewhere with the reason, in the transaction that keeps the row as failed.
import { randomBytes } from 'node:crypto';
import { a2aUndeliverable, applyA2aState, hashPushToken } from '../app/a2aFollow.js';
import type { A2aPayload } from '../app/a2aDispatch.js';
import { A2aCallError, type A2aOutgoing, type A2aTaskView } from '../app/a2aPort.js';
import type { Deps } from '../app/context.js';
import { ticketWithFamily } from '../app/ticketViews.js';
import { ticketToJson } from '../api/json.js';
import type { Ticket } from '../core/types.js';
import type { Logger } from '../logger.js';
import { getAgent } from '../storage/agents.js';
import { getA2aTask, updateA2aTask } from '../storage/a2aTasks.js';
import type { ClaimedMessage, Destination, Route, SendOutcome } from './destination.js';

/** The text part: what a person would read first. */
export function ticketText(t: Ticket): string {
  const lines = [`${t.key}: ${t.title}`, '', t.description.trim() || '(no description)'];
  if (t.packet && Object.keys(t.packet).length) lines.push('', 'Handoff packet:', JSON.stringify(t.packet, null, 2));
  return lines.join('\n');
}

/** How long a message to an agent that cannot be reached is retried before it fails for good. */
export const A2A_RETRY_FOR_MS = 10 * 60 * 1000;

/** Failures that are Baton's, not the agent's: the row fails, the ticket stays where it is. */
const NOT_THE_AGENTS = /^(a2a_unavailable|not_a2a|bad_payload|no_task):/;

export function a2aDestination(o: { deps: Deps; logger: Logger; kick?: () => void }): Destination<A2aPayload> {
  const { deps, logger } = o;
  const db = deps.database.db;
  const sent = (row: ClaimedMessage, ts: string | null): SendOutcome => ({ kind: 'sent', receipt: { channel: `a2a:${row.target ?? ''}`, ts } });

  async function act(rowId: string, view: A2aTaskView): Promise<void> {
    await applyA2aState(deps, rowId, view).catch((e) => logger.warn({ err: String(e), task: rowId }, 'acting on an A2A task state failed; the sweep reads it again'));
  }

  return {
    async route(row: ClaimedMessage): Promise<Route<A2aPayload>> {
      const p = row.payload as Partial<A2aPayload> | null;
      if (!p || (p.kind !== 'send' && p.kind !== 'reply') || typeof p.task !== 'string') return { failed: 'bad_payload: not an A2A message' };
      return { lane: `a2a:${row.target ?? ''}`, target: p as A2aPayload };
    },

    async send(row: ClaimedMessage, p: A2aPayload): Promise<SendOutcome> {
      if (!deps.a2a) return { kind: 'failed', error: 'a2a_unavailable: this Baton cannot talk A2A' };
      const task = await getA2aTask(db, p.task);
      if (!task || task.done) return sent(row, null);
      const agent = await getAgent(db, task.agent);
      if (!agent?.a2a) {
        await updateA2aTask(db, task.id, { done: true, updatedAt: deps.clock.now() });
        return { kind: 'failed', error: `not_a2a: ${task.agent} is no longer an A2A agent` };
      }
      let m: A2aOutgoing;
      if (p.kind === 'send') {
        const { ticket, children } = await ticketWithFamily(deps, task.ticketKey);
        if (ticket.status !== 'active' || ticket.assignee !== task.agent) {
          await updateA2aTask(db, task.id, { done: true, updatedAt: deps.clock.now() });
          return sent(row, null);
        }
        m = { text: ticketText(ticket), data: ticketToJson(ticket, children) as unknown as Record<string, unknown>, contextId: ticket.key };
        if (deps.publicUrl) {
          const token = randomBytes(32).toString('base64url');
          await updateA2aTask(db, task.id, { pushTokenHash: hashPushToken(token), updatedAt: deps.clock.now() });
          m.push = { url: `${deps.publicUrl.replace(/\/+$/, '')}/a2a/push/${task.id}`, token };
        }
      } else {
        if (!task.taskId) return { kind: 'failed', error: 'no_task: the agent never started a task for this ticket' };
        m = { text: p.text, contextId: task.ticketKey, taskId: task.taskId };
      }
      let view: A2aTaskView;
      try {
        view = await deps.a2a.send(agent.a2a, m);
      } catch (e) {
        const err = e instanceof A2aCallError ? e : new A2aCallError(String(e), true);
        if (!err.transient) return { kind: 'failed', error: err.message };
        if (deps.clock.now().getTime() - row.createdAt.getTime() > A2A_RETRY_FOR_MS) return { kind: 'failed', error: `gave up after ${A2A_RETRY_FOR_MS / 60_000} minutes: ${err.message}` };
        return { kind: 'retry', error: err.message, reached: true };
      }
      if (p.kind === 'send' && view.taskId) await updateA2aTask(db, task.id, { taskId: view.taskId, updatedAt: deps.clock.now() });
      await act(task.id, view);
      return sent(row, view.taskId || null);
    },

    async gaveUp(row: ClaimedMessage, error: string): Promise<void> {
      const p = row.payload as Partial<A2aPayload> | null;
      const task = typeof p?.task === 'string' && !NOT_THE_AGENTS.test(error) ? p.task : null;
      const done = await a2aUndeliverable(deps, { outbox: row.id, task, error });
      if (!done) return;
      logger.warn({ ticket: done.ticket, agent: done.agent, to: done.to, error }, 'A2A message failed for good; the ticket was taken back from the agent');
      o.kick?.();
    },
  };
}
