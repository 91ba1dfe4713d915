// Acting on a ticket: assign, accept, resolve, reopen, claim next.
import type { AgentRef } from '../core/commands.js';
import { invalidState, unknownTicket } from '../core/errors.js';
import { briefingTicket } from '../core/handoff.js';
import { assertCanActAsAgent, assertCanActOnTicket, type Principal } from '../core/permissions.js';
import { assertTransition } from '../core/ticketState.js';
import type { Agent, Ticket } from '../core/types.js';
import { LIMITS } from '../core/types.js';
import { cutText, validateText } from '../core/validate.js';
import { getAgent } from '../storage/agents.js';
import { getTicket, lockIntake, saveTicket, trailOf } from '../storage/tickets.js';
import { assertCanTake, assignTo, dueAt, findAgent, releaseHeld, routeTicket, trailNames } from './assignment.js';
import { inTransaction, type Deps, type UnitOfWork } from './context.js';
import { createTicket } from './fileTicket.js';

export const actorName = (p: Principal) => (p.kind === 'user' ? p.user : 'baton');
const mention = (p: Principal) => (p.kind === 'user' ? `<@${p.user}>` : 'Baton');

/** Lock a ticket and check that `by` may act on it. */
export async function loadForAction(uow: UnitOfWork, by: Principal, key: string, action: Parameters<typeof assertCanActOnTicket>[4]) {
  const t = await getTicket(uow.tx, key, { lock: true });
  if (!t) throw unknownTicket(key);
  const assignee = t.assignee ? await getAgent(uow.tx, t.assignee) : null;
  assertCanActOnTicket(by, t, assignee, uow.deps.policy, action);
  return { t, assignee };
}

function homeReply(uow: UnitOfWork, t: Ticket, id: number, suffix: string, parts: Array<string | { raw: string }>) {
  if (!t.assignee && !t.home) return;
  uow.send({
    ticketKey: t.key,
    idempotencyKey: `${id}:${suffix}`,
    channel: t.home?.channel ?? '',
    threadOf: { ticket: t.key, which: 'home' },
    ...uow.deps.render.threadUpdate(t, parts),
  });
}

export async function assignTicket(deps: Deps, by: Principal, key: string, ref: AgentRef, o: { requestKey?: string } = {}) {
  return inTransaction(
    deps,
    async (uow) => {
      const { t } = await loadForAction(uow, by, key, 'assign');
      assertTransition(t, 'assign');
      const agent = await findAgent(uow.tx, ref);
      if (t.assignee === agent.handle) throw invalidState(`${t.key} is already assigned to ${agent.handle}.`);
      await assertCanTake(uow, agent);
      const previous = t.assignee;
      await assignTo(uow, t, agent, actorName(by), `assigned by ${by.kind === 'user' ? `<@${by.user}>` : 'Baton'}`);
      if (previous) await releaseHeld(uow, previous);
      return { ticket: t, agent };
    },
    o,
  );
}

export async function acceptTicket(deps: Deps, by: Principal, key: string, o: { requestKey?: string } = {}) {
  return inTransaction(
    deps,
    async (uow) => {
      const { t } = await loadForAction(uow, by, key, 'accept');
      assertTransition(t, 'accept');
      const id = await uow.audit({ ticketKey: t.key, actor: actorName(by), action: 'accepted', fromStatus: 'active', toStatus: 'active' });
      homeReply(uow, t, id, 'accepted', [{ raw: `:white_check_mark: Accepted by ${mention(by)}` }]);
      return { ticket: t };
    },
    o,
  );
}

export async function resolveTicket(deps: Deps, by: Principal, key: string, note: string | undefined, o: { requestKey?: string } = {}) {
  validateText(note, 'note', LIMITS.note);
  return inTransaction(
    deps,
    async (uow) => {
      const { t } = await loadForAction(uow, by, key, 'resolve');
      assertTransition(t, 'resolve');
      const from = t.status;
      const assignee = t.assignee;
      t.status = 'completed';
      t.resolvedAt = uow.now;
      t.resolution = note?.trim() || null;
      t.escalateDueAt = null;
      t.holdReason = null;
      t.pinnedAgent = null;
      await saveTicket(uow.tx, t);
      const id = await uow.audit({ ticketKey: t.key, actor: actorName(by), action: 'resolved', fromStatus: from, toStatus: 'completed', note: t.resolution });
      homeReply(uow, t, id, 'resolved', [{ raw: `:white_check_mark: Resolved by ${mention(by)}` }, ...(t.resolution ? [{ raw: ': ' }, t.resolution] : [])]);

      if (t.parentKey) await tellParent(uow, t, id);
      else if (t.origin) {
        uow.send({ ticketKey: t.key, idempotencyKey: `${id}:requester`, channel: t.origin.channel, threadTs: t.origin.ts, ...deps.render.resolution(t, t.resolution ?? undefined, by.kind === 'user' ? by.user : null) });
      } else if (t.requester && t.requester !== (by.kind === 'user' ? by.user : null)) {
        uow.send({ ticketKey: t.key, idempotencyKey: `${id}:requester`, channel: t.requester, ...deps.render.resolution(t, t.resolution ?? undefined, by.kind === 'user' ? by.user : null) });
      }

      const briefings: string[] = [];
      if (t.requiresHandoff.length) {
        const trail = await trailOf(uow.tx, t.key);
        for (const handle of t.requiresHandoff) {
          const agent = await getAgent(uow.tx, handle);
          if (!agent) continue; // removed from the roster since
          const b = briefingTicket(t, trail, t.resolution, { names: await trailNames(uow), timeZone: deps.timeZone });
          const filed = await createTicket(
            uow,
            // A briefing is information, not urgent work: low priority, and nobody is notified when it is closed.
            { ...b, type: agent.skills.includes(t.type) ? t.type : agent.skills[0] ?? t.type, priority: 'low', requester: null, pinnedAgent: agent.handle, parentKey: null },
            'baton',
            'filed_briefing',
          );
          briefings.push(filed.ticket.key);
        }
      }
      if (assignee) await releaseHeld(uow, assignee);
      return { ticket: t, briefings };
    },
    o,
  );
}

/** A child (handoff) ticket resolved: the parent's clock starts again and its thread and assignee hear about it. */
async function tellParent(uow: UnitOfWork, child: Ticket, childEventId: number) {
  const parent = await getTicket(uow.tx, child.parentKey!, { lock: true });
  if (!parent) return;
  if (parent.waitingOn === child.key) {
    parent.waitingOn = null;
    if (parent.status === 'active') {
      parent.clockStartedAt = uow.now;
      parent.escalateDueAt = dueAt(parent, uow.now);
    }
    await saveTicket(uow.tx, parent);
  }
  await uow.audit({ ticketKey: parent.key, actor: 'baton', action: 'child_resolved', fromStatus: parent.status, toStatus: parent.status, note: child.resolution, data: { child: child.key } });
  const assignee = parent.assignee ? await getAgent(uow.tx, parent.assignee) : null;
  uow.send({
    ticketKey: parent.key,
    idempotencyKey: `${childEventId}:parent`,
    channel: parent.home?.channel ?? assignee?.channel ?? '',
    threadOf: { ticket: parent.key, which: 'home' },
    ...uow.deps.render.childResolved(parent, child, child.resolution ?? undefined, assignee?.user ?? null),
  });
}

export async function reopenTicket(deps: Deps, by: Principal, key: string, note: string | undefined, o: { requestKey?: string } = {}) {
  validateText(note, 'note', LIMITS.note);
  return inTransaction(
    deps,
    async (uow) => {
      const { t } = await loadForAction(uow, by, key, 'reopen');
      assertTransition(t, 'reopen');
      const previous = t.assignee;
      const id = await uow.audit({ ticketKey: t.key, actor: actorName(by), action: 'reopened', fromStatus: 'completed', toStatus: 'intake', note: note?.trim() || null });
      homeReply(uow, t, id, 'reopened', [{ raw: `:leftwards_arrow_with_hook: Reopened by ${mention(by)}` }, ...(note ? [{ raw: ': ' }, note.trim()] : [])]);
      t.status = 'intake';
      t.assignee = null;
      t.resolvedAt = null;
      t.resolution = null;
      t.escalationLevel = 0;
      t.escalatedTo = null;
      t.chainExhausted = false;
      await saveTicket(uow.tx, t);
      const routed = await routeTicket(uow, t, 'baton', { preferred: previous });
      return { ticket: t, ...routed };
    },
    o,
  );
}

/** An agent pulls the most urgent, oldest intake ticket it can take. */
export async function claimNext(deps: Deps, by: Principal, ref: AgentRef, o: { requestKey?: string } = {}): Promise<{ ticket: Ticket | null; agent: Agent }> {
  return inTransaction(
    deps,
    async (uow) => {
      const agent = await findAgent(uow.tx, ref);
      assertCanActAsAgent(by, agent, deps.policy, 'pull work for it');
      await assertCanTake(uow, agent);
      const [t] = await lockIntake(uow.tx, { types: agent.skills, pinnedTo: agent.handle, limit: 1 });
      if (!t) return { ticket: null, agent };
      await assignTo(uow, t, agent, actorName(by), `pulled by ${agent.handle}`, { action: 'claimed' });
      return { ticket: t, agent };
    },
    o,
  );
}

export async function showTicket(deps: Deps, key: string) {
  const t = await getTicket(deps.database.db, key);
  if (!t) throw unknownTicket(key);
  const trail = await trailOf(deps.database.db, key);
  return { ticket: t, trail };
}

/** A reply in a ticket's thread goes into its audit trail. */
export async function recordThreadReply(
  deps: Deps,
  input: { ticketKey: string; user: string; text: string; ts: string },
  o: { requestKey?: string } = {},
) {
  const text = input.text.replace(/\u0000/g, '');
  const note = cutText(text, LIMITS.note);
  return inTransaction(
    deps,
    async (uow) => {
      const t = await getTicket(uow.tx, input.ticketKey);
      if (!t) throw unknownTicket(input.ticketKey);
      await uow.audit({ ticketKey: t.key, actor: input.user, action: 'commented', fromStatus: t.status, toStatus: t.status, note, data: { ts: input.ts } });
      return { ticket: t };
    },
    o,
  );
}
