// Work going to A2A agents, written with the change that causes it: an assignment to an A2A agent becomes a
// task to follow and an outbox row (destination 'a2a') that sends the ticket; a person's reply in the home
// thread to the agent's question becomes an outbox row that sends it back to the same task.
import { randomUUID } from 'node:crypto';
import type { Agent, Ticket } from '../core/types.js';
import { insertA2aTask, openA2aTaskOf, updateA2aTask } from '../storage/a2aTasks.js';
import type { UnitOfWork } from './context.js';

/** What an 'a2a' outbox row carries: the task row it is about, and for a reply, the text. */
export type A2aPayload = { kind: 'send'; task: string } | { kind: 'reply'; task: string; text: string };

/** After `agent` got the ticket (audit event `eventId`): when it is an A2A agent, the ticket goes to it as a message. */
export async function dispatchToA2a(uow: UnitOfWork, t: Ticket, agent: Agent, eventId: number): Promise<void> {
  if (!agent.a2a) return;
  const id = randomUUID();
  await insertA2aTask(uow.tx, { id, ticketKey: t.key, agent: agent.handle, now: uow.now });
  const payload: A2aPayload = { kind: 'send', task: id };
  uow.send({ ticketKey: t.key, idempotencyKey: `${eventId}:a2a`, channel: agent.channel, text: `${t.key} to ${agent.handle} over A2A`, destination: 'a2a', target: agent.handle, payload });
}

/**
 * A person replied in the ticket's home thread: when its A2A agent asked a question and waits for the
 * answer, the reply goes back to the same task (once: the next reply is only a comment).
 */
export async function forwardReplyToA2a(uow: UnitOfWork, t: Ticket, text: string, eventId: number): Promise<boolean> {
  const row = await openA2aTaskOf(uow.tx, t.key, { lock: true });
  if (!row || !row.awaitingInput || !row.taskId || row.agent !== t.assignee) return false;
  await updateA2aTask(uow.tx, row.id, { awaitingInput: false, state: 'replied', updatedAt: uow.now });
  const payload: A2aPayload = { kind: 'reply', task: row.id, text };
  uow.send({ ticketKey: t.key, idempotencyKey: `${eventId}:a2a-reply`, channel: t.home?.channel ?? '', text: `reply to ${row.agent} over A2A`, destination: 'a2a', target: row.agent, payload });
  return true;
}
