// Escalation: one step up the chain for a stale ticket (the sweep) or on request (command, button),
// and take-over by the agent that was pinged.
import type { AgentRef } from '../core/commands.js';
import { invalidState, unknownTicket } from '../core/errors.js';
import { escalationStep } from '../core/escalation.js';
import { actorName, assertCanTakeOver, BATON, type Principal } from '../core/permissions.js';
import { assertTransition } from '../core/ticketState.js';
import type { Agent, Ticket } from '../core/types.js';
import { LIMITS } from '../core/types.js';
import { validateText } from '../core/validate.js';
import { getAgent, listAgents } from '../storage/agents.js';
import { appendAudits, heardFromAssignees, lastEscalatedAt, lastEscalationTo, type NewAuditEvent } from '../storage/audit.js';
import { getTicket, lockDueTickets, saveEscalations, saveTicket } from '../storage/tickets.js';
import { assertCanTake, assignTo, findAgent, releaseHeld } from './assignment.js';
import { editCard } from './cards.js';
import { inBatches, inTransaction, type BatchOptions, type Deps, type TxOptions, type UnitOfWork } from './context.js';
import { messageLink } from './links.js';
import { tellManagersOfEscalations, tellManagersOutcome, type ManagersStep } from './managers.js';
import { actOnTicket } from './ticketActions.js';

interface PlannedStep {
  t: Ticket;
  target: Agent | null;
  from: string | null;
  event: Omit<NewAuditEvent, 'at'>;
  /** Its assignee has accepted it or written in it since assignment: the ping says how long since assignment. */
  heard: boolean;
}

/** The tickets whose assignee has written in them (thread reply, progress note) since they were assigned. */
function heardOf(uow: UnitOfWork, byHandle: Map<string, Agent>, ts: Ticket[]): Promise<Set<string>> {
  const asked = ts.filter((t) => t.assignee && t.assignedAt && !t.acceptedAt);
  return heardFromAssignees(
    uow.tx,
    asked.map((t) => {
      const user = byHandle.get(t.assignee!)?.user;
      return { key: t.key, since: t.assignedAt!, actors: [`agent:${t.assignee}`, ...(user ? [user] : [])] };
    }),
  );
}

/** Take the step up the chain (in memory) and describe its audit event; the caller writes both. */
function planStep(uow: UnitOfWork, byHandle: Map<string, Agent>, t: Ticket, actor: string, reason: 'stale' | 'manual', heard: Set<string>, note?: string): PlannedStep {
  const wrote = t.acceptedAt !== null || heard.has(t.key);
  const { target, from } = escalationStep(t, byHandle, uow.now, { repeat: uow.deps.escalationRepeat ?? 0 });
  const event = {
    ticketKey: t.key,
    actor,
    action: target ? 'escalated' : 'escalation_exhausted',
    fromStatus: t.status,
    toStatus: t.status,
    note: note ?? (reason === 'stale' ? 'past its escalation threshold' : null),
    data: { level: t.escalationLevel, to: target?.handle ?? null, reason },
  };
  return { t, target, from, event, heard: wrote };
}

/** The messages of one escalation, keyed by its audit event; answers the managers' line of it. `cardEdits` gains the card to edit. */
function sendStep(uow: UnitOfWork, { t, target, from, heard }: PlannedStep, id: number, reason: 'stale' | 'manual', cardEdits: Array<{ t: Ticket; id: number }>, note?: string): ManagersStep {
  const homeLink = t.home ? messageLink(t.home) : undefined;
  const render = uow.deps.render;
  if (target) {
    uow.notify('ticket.escalated', target.handle, t.key);
    uow.send({
      ticketKey: t.key,
      idempotencyKey: `${id}:ping`,
      channel: target.channel,
      ...render.escalationPing(t, target, { level: t.escalationLevel, fromAgent: from, homeLink, note, heard }),
    });
  }
  uow.send({
    ticketKey: t.key,
    idempotencyKey: `${id}:home`,
    channel: t.home?.channel ?? '',
    threadOf: { ticket: t.key, which: 'home' },
    ...render.escalationHomeReply(t, target, t.escalationLevel, note),
  });
  cardEdits.push({ t, id });
  const line = render.escalationsNotice(t, { level: t.escalationLevel, fromAgent: from, toAgent: target?.handle ?? null, homeLink, reason, exhausted: !target });
  return { t, id, line };
}

async function escalateStep(uow: UnitOfWork, t: Ticket, actor: string, reason: 'stale' | 'manual', note?: string): Promise<{ target: Agent | null }> {
  const agents = await listAgents(uow.tx);
  const byHandle = new Map(agents.map((a) => [a.handle, a]));
  const step = planStep(uow, byHandle, t, actor, reason, await heardOf(uow, byHandle, [t]), note);
  await saveTicket(uow.tx, t);
  const id = await uow.audit(step.event);
  if (step.target) uow.record({ kind: 'escalated', ticket: t, level: t.escalationLevel });
  const edits: Array<{ t: Ticket; id: number }> = [];
  await tellManagersOfEscalations(uow, [sendStep(uow, step, id, reason, edits, note)]);
  for (const e of edits) await editCard(uow, e.t, e.id, 'escalated');
  return { target: step.target };
}

/**
 * The sweep's batch: the same step for every due ticket, with the roster read once and the tickets and
 * their audit events written in one statement each (a few round trips per batch, not a few per ticket).
 */
async function escalateBatch(uow: UnitOfWork, due: Ticket[], actor: string): Promise<void> {
  if (due.length === 0) return;
  const agents = await listAgents(uow.tx);
  const byHandle = new Map(agents.map((a) => [a.handle, a]));
  const heard = await heardOf(uow, byHandle, due);
  const steps = due.map((t) => planStep(uow, byHandle, t, actor, 'stale', heard));
  await saveEscalations(uow.tx, due);
  const ids = await appendAudits(uow.tx, steps.map((s) => ({ ...s.event, at: uow.now })));
  for (const s of steps) if (s.target) uow.record({ kind: 'escalated', ticket: s.t, level: s.t.escalationLevel });
  const edits: Array<{ t: Ticket; id: number }> = [];
  await tellManagersOfEscalations(uow, steps.map((s, i) => sendStep(uow, s, ids[i]!, 'stale', edits)));
  for (const e of edits) await editCard(uow, e.t, e.id, 'escalated', { agent: e.t.assignee ? byHandle.get(e.t.assignee) : null });
}

/**
 * A repeated Escalate click is refused for this long after the ticket last went up a level. The button
 * carries the level its card showed (the actions block's `block_id`, `ticket_actions:L<level>`): a click
 * whose card showed a lower level than the ticket's current one, within this window, is the second of
 * a double click (or crossed the sweep), and is refused with the current level. Later, the same card's
 * button escalates again (a deliberate decision after a look), and `/ticket escalate` always does.
 */
export const REPEAT_ESCALATION_WINDOW_SEC = 120;

/** `/ticket escalate` and the Escalate button: the same step as the sweep, at once. */
export async function escalateTicket(
  deps: Deps,
  by: Principal,
  key: string,
  note: string | undefined,
  o: TxOptions & { seenLevel?: number } = {},
) {
  validateText(note, 'note', LIMITS.note);
  return actOnTicket(deps, by, key, 'escalate', o, async (uow, t) => {
    // Since the ticket last went up a level (not since its clock restarted: a take-over or a reassignment
    // restarts the clock, and a click after one is a decision about the new assignee).
    const last = o.seenLevel !== undefined && t.escalationLevel > o.seenLevel ? await lastEscalatedAt(uow.tx, t.key) : null;
    if (last) {
      const since = (uow.now.getTime() - last.getTime()) / 1000;
      if (since < REPEAT_ESCALATION_WINDOW_SEC) {
        const where = t.chainExhausted ? 'the chain has run out and the managers were told' : t.escalatedTo ? `it is with ${t.escalatedTo}` : 'it stays with its assignee';
        throw invalidState(
          `${t.key} was escalated moments ago and is now at level ${t.escalationLevel} (${where}); nothing changed. ` +
            `To go one level further, use \`/ticket escalate ${t.key}\`.`,
        );
      }
    }
    const { target } = await escalateStep(uow, t, actorName(by), 'manual', note?.trim() || undefined);
    return { ticket: t, target };
  });
}

/**
 * The sweep: escalate every active ticket past its threshold, one level each. Due tickets are claimed with
 * FOR UPDATE SKIP LOCKED and their level raised in the same transaction as the messages, so two copies
 * sweeping at once never escalate a ticket twice for one level.
 */
export async function escalateDue(deps: Deps, o: BatchOptions = {}): Promise<string[]> {
  return inBatches(deps, o, { batch: 100, maxBatches: 50 }, async (uow, batch) => {
    const due = await lockDueTickets(uow.tx, uow.now, batch);
    await escalateBatch(uow, due, actorName(BATON));
    return due.map((t) => t.key);
  });
}

/** The agent pinged by an escalation takes the ticket over; the chain continues from it. */
export async function takeOver(deps: Deps, by: Principal, key: string, takerRef: AgentRef | null, o: { requestKey?: string } = {}) {
  return inTransaction(
    deps,
    async (uow) => {
      const t = await getTicket(uow.tx, key, { lock: true });
      if (!t) throw unknownTicket(key);
      assertTransition(t, 'takeover');
      const taker = takerRef ? await findAgent(uow.tx, takerRef) : t.escalatedTo ? await getAgent(uow.tx, t.escalatedTo) : null;
      if (!taker) {
        const current = t.assignee ? await getAgent(uow.tx, t.assignee) : null;
        if (current && by.kind === 'user' && current.user === by.user) throw invalidState(`${t.key} is already with ${current.handle}.`);
        throw invalidState(`${t.key} has no escalation to take over.`);
      }
      assertCanTakeOver(by, taker, t, deps.policy);
      if (t.assignee === taker.handle) throw invalidState(`${t.key} is already with ${taker.handle}.`);
      await assertCanTake(uow, taker);
      const previous = t.assignee;
      const id = await assignTo(uow, t, taker, actorName(by), `taken over after escalation`, {
        takenOverFrom: previous ?? undefined,
        action: 'taken_over',
      });
      await tellManagersOutcome(uow, t, id, deps.render.threadUpdate(t, [{ raw: `:raised_hand: Taken over by @${taker.handle}` }]));
      // The ping that offered the take-over loses its button.
      const ping = await lastEscalationTo(uow.tx, t.key, taker.handle);
      if (ping !== null) {
        uow.send({
          ticketKey: t.key,
          idempotencyKey: `${ping}:ping-taken`,
          channel: taker.channel,
          updates: `${ping}:ping`,
          ...deps.render.escalationPingTakenOver(t, taker),
        });
      }
      if (previous) await releaseHeld(uow, previous);
      return { ticket: t, agent: taker };
    },
    o,
  );
}

