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
import { countActive, getTicket, saveManagersKey, ticketsByManagersKey } from '../storage/tickets.js';
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

const isSummary = (managersKey: string) => managersKey.endsWith(':managers-summary');

/**
 * Steps of tickets the managers already know about: a reply in each one's thread, and one edit per message
 * (its own, or the summary it is a line of) showing where things stand now. Returns the other steps.
 */
async function followUp(uow: UnitOfWork, channel: string, steps: ManagersStep[]): Promise<ManagersStep[]> {
  const known = steps.filter((s) => s.t.managersKey);
  const lastStepOf = new Map<string, ManagersStep>();
  for (const step of known) {
    uow.send({ ticketKey: step.t.key, idempotencyKey: `${step.id}:managers`, channel, threadOf: { ticket: step.t.key, which: 'managers' }, ...step.line });
    lastStepOf.set(step.t.managersKey!, step);
  }
  const summaries = await ticketsByManagersKey(uow.tx, [...lastStepOf.keys()].filter(isSummary));
  const render = uow.deps.render;
  for (const [managersKey, step] of lastStepOf) {
    const rendered = isSummary(managersKey) ? render.managersSummary(summaries.get(managersKey) ?? [step.t]) : render.managersMessage(step.t, step.line);
    uow.send({ ticketKey: step.t.key, idempotencyKey: `${step.id}:managers-edit`, channel, updates: managersKey, ...rendered });
  }
  return steps.filter((s) => !s.t.managersKey);
}

/** Escalations (by the sweep, in one batch, or by hand): new tickets get their message (or a summary), known ones a reply and an edit. */
export async function tellManagersOfEscalations(uow: UnitOfWork, steps: ManagersStep[]): Promise<void> {
  const channel = uow.deps.escalationsChannel;
  if (!channel) return;
  const fresh = await followUp(uow, channel, steps);
  if (fresh.length > SUMMARY_OVER) {
    const managersKey = `${fresh[0]!.id}:managers-summary`;
    const listed = fresh.map((s) => s.t).sort((a, b) => a.key.localeCompare(b.key));
    uow.send({ ticketKey: null, idempotencyKey: managersKey, channel, recordsManagersOf: listed.map((t) => t.key), ...uow.deps.render.managersSummary(listed) });
    for (const t of listed) t.managersKey = managersKey;
    await saveManagersKey(uow.tx, listed.map((t) => t.key), managersKey);
    return;
  }
  for (const step of fresh) {
    const managersKey = `${step.id}:managers`;
    uow.send({ ticketKey: step.t.key, idempotencyKey: managersKey, channel, recordsManagersOf: [step.t.key], ...uow.deps.render.managersMessage(step.t, step.line) });
    step.t.managersKey = managersKey;
    await saveManagersKey(uow.tx, [step.t.key], managersKey);
  }
}

/** The outcome of an escalated ticket (taken over, assigned, resolved): a reply and an edit, if the managers were told of it. */
export async function tellManagersOutcome(uow: UnitOfWork, t: Ticket, id: number, line: Rendered): Promise<void> {
  const channel = uow.deps.escalationsChannel;
  if (!channel || t.escalationLevel === 0) return;
  await followUp(uow, channel, [{ t, id, line }]);
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
