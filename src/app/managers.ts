// The managers' channel (ESCALATIONS_CHANNEL): one message per ticket. The first escalation posts it (and
// the delivery records it as the ticket's `managers` message); each later level and the outcome (taken
// over, assigned, resolved) is a reply in its thread AND an edit of the message, which always shows the
// current level, who has it, or that it is resolved, with Take over and Assign… while the ticket is open.
// When more than SUMMARY_OVER tickets escalate for the first time in one sweep, one summary message lists
// them instead: it is the managers' message of each of them (their later steps reply in its thread, and
// each step edits the summary so that every line stays current).
import { notAllowed, unknownTicket } from '../core/errors.js';
import { isAdmin, type Principal } from '../core/permissions.js';
import { unavailability } from '../core/routing.js';
import type { Agent, Ticket } from '../core/types.js';
import { agentsWithSkill } from '../storage/agents.js';
import { managersMessageOf } from '../storage/outbox.js';
import { countActive, getTicket } from '../storage/tickets.js';
import type { Deps, UnitOfWork } from './context.js';
import type { Rendered } from './renderer.js';

/** More tickets than this, escalated for the first time in one sweep, share one summary message. */
export const SUMMARY_OVER = 3;

/** One step to tell the managers about: the ticket as it is now, the step's audit event, and its line. */
export interface ManagersStep {
  t: Ticket;
  id: number;
  line: Rendered;
}

/** Edit the managers' message of `t` (its own, or the summary it is in) to show where things stand now. */
async function editManagersMessage(uow: UnitOfWork, channel: string, step: ManagersStep, msg: { idempotencyKey: string; tickets: string[] }) {
  const render = uow.deps.render;
  let rendered: Rendered;
  if (msg.tickets.length > 1) {
    const all: Ticket[] = [];
    for (const key of msg.tickets) {
      const other = key === step.t.key ? step.t : await getTicket(uow.tx, key);
      if (other) all.push(other);
    }
    rendered = render.managersSummary(all);
  } else {
    rendered = render.managersMessage(step.t, step.line);
  }
  uow.send({ ticketKey: step.t.key, idempotencyKey: `${step.id}:managers-edit`, channel, updates: msg.idempotencyKey, ...rendered });
}

/** A step of a ticket the managers already know about: a reply in its thread and an edit. False when they don't. */
async function followUp(uow: UnitOfWork, channel: string, step: ManagersStep): Promise<boolean> {
  const msg = await managersMessageOf(uow.tx, step.t.key);
  if (!msg) return false;
  uow.send({ ticketKey: step.t.key, idempotencyKey: `${step.id}:managers`, channel, threadOf: { ticket: step.t.key, which: 'managers' }, ...step.line });
  await editManagersMessage(uow, channel, step, msg);
  return true;
}

/** Escalations (by the sweep, in one batch, or by hand): new tickets get their message (or a summary), known ones a reply and an edit. */
export async function tellManagersOfEscalations(uow: UnitOfWork, steps: ManagersStep[]): Promise<void> {
  const channel = uow.deps.escalationsChannel;
  if (!channel) return;
  const fresh: ManagersStep[] = [];
  for (const step of steps) if (!(await followUp(uow, channel, step))) fresh.push(step);
  if (fresh.length > SUMMARY_OVER) {
    uow.send({
      ticketKey: null,
      idempotencyKey: `${fresh[0]!.id}:managers-summary`,
      channel,
      recordsManagersOf: fresh.map((s) => s.t.key),
      ...uow.deps.render.managersSummary(fresh.map((s) => s.t)),
    });
    return;
  }
  for (const step of fresh) {
    uow.send({
      ticketKey: step.t.key,
      idempotencyKey: `${step.id}:managers`,
      channel,
      recordsManagersOf: [step.t.key],
      ...uow.deps.render.managersMessage(step.t, step.line),
    });
  }
}

/** The outcome of an escalated ticket (taken over, assigned, resolved): a reply and an edit, if the managers were told of it. */
export async function tellManagersOutcome(uow: UnitOfWork, t: Ticket, id: number, line: Rendered): Promise<void> {
  const channel = uow.deps.escalationsChannel;
  if (!channel || t.escalationLevel === 0) return;
  await followUp(uow, channel, { t, id, line });
}

/**
 * For the Assign… form of the managers' channel: the ticket and the agents that take its type, each with
 * its load or why it can't take work now (the assignment itself checks again). Admins only.
 */
export async function assignChoices(deps: Deps, by: Principal, key: string): Promise<{ ticket: Ticket; agents: Array<{ handle: string; note: string }> }> {
  if (!isAdmin(by, deps.policy)) throw notAllowed(`Only an admin can assign ${key} from the managers' channel.`);
  const db = deps.database.db;
  const ticket = await getTicket(db, key);
  if (!ticket) throw unknownTicket(key);
  const skilled: Agent[] = await agentsWithSkill(db, ticket.type);
  const counts = await countActive(db, skilled.map((a) => a.handle));
  const now = deps.clock.now();
  const agents = skilled
    .filter((a) => a.handle !== ticket.assignee)
    .map((a) => {
      const active = counts.get(a.handle) ?? 0;
      const why = unavailability({ agent: a, active, ownsCustomer: false }, now, deps.timeZone);
      return { handle: a.handle, note: why ? why.slice(a.handle.length + 1) : `${active}/${a.capacity} active` };
    });
  return { ticket, agents };
}
