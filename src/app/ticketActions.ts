// Acting on a ticket: assign, accept, resolve, reopen, claim next.
import type { AgentRef } from '../core/commands.js';
import { DomainError, invalidState, unknownTicket } from '../core/errors.js';
import { clockScheduleOf, dueAt } from '../core/escalation.js';
import { briefingTicket } from '../core/handoff.js';
import { actorName, principalMention, assertCanActAsAgent, type Principal } from '../core/permissions.js';
import { ticketTypeFor } from '../core/routing.js';
import { complete, reopen } from '../core/ticketState.js';
import type { Agent, Ticket } from '../core/types.js';
import { LIMITS } from '../core/types.js';
import { cutText, validateText } from '../core/validate.js';
import { assigneeTimeZone, getAgent } from '../storage/agents.js';
import { trailOf } from '../storage/audit.js';
import { getTicket, lockIntake, saveTicket } from '../storage/tickets.js';
import { assertCanTake, assignTo, findAgent, lockForRelease, releaseHeld, routeTicket, trailNames } from './assignment.js';
import { forwardReplyToA2a } from './a2aDispatch.js';
import { editCard } from './cards.js';
import { inTransaction, type Deps, type TxOptions, type UnitOfWork } from './context.js';
import { createTicket } from './fileTicket.js';
import { tellManagersOutcome } from './managers.js';
import { messageLink } from './links.js';
import { resumeOnRequesterReply } from './waiting.js';
import { actOnTicket } from './actOnTicket.js';
import { explainFromTrail, explainRouting } from './why.js';

export { actOnTicket };



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
  return actOnTicket(deps, by, key, 'assign', o, async (uow, t) => {
    const agent = await findAgent(uow.tx, ref);
    if (t.assignee === agent.handle) throw invalidState(`${t.key} is already assigned to ${agent.handle}.`);
    await assertCanTake(uow, agent);
    const previous = t.assignee;
    const id = await assignTo(uow, t, agent, actorName(by), `assigned by ${principalMention(by)}`);
    await tellManagersOutcome(uow, t, id, uow.deps.render.threadUpdate(t, [{ raw: `:arrow_right: Assigned to @${agent.handle} by ${principalMention(by)}` }]));
    if (previous) await releaseHeld(uow, previous);
    return { ticket: t, agent };
  });
}

export async function acceptTicket(deps: Deps, by: Principal, key: string, o: TxOptions = {}) {
  return actOnTicket(deps, by, key, 'accept', o, async (uow, t): Promise<{ ticket: Ticket; alreadyBy?: string }> => {
    // A second Accept (a double click, the button then the thread verb) changes nothing and says who has.
    // `acceptedBy` is cleared whenever the ticket changes hands, so it always speaks of the current assignee.
    if (t.acceptedBy) return { ticket: t, alreadyBy: t.acceptedBy };
    t.acceptedAt = uow.now;
    t.acceptedBy = actorName(by);
    await saveTicket(uow.tx, t);
    const id = await uow.audit({ ticketKey: t.key, actor: actorName(by), action: 'accepted', fromStatus: 'active', toStatus: 'active' });
    uow.record({ kind: 'accepted', ticket: t });
    homeReply(uow, t, id, 'accepted', [{ raw: `:white_check_mark: Accepted by ${principalMention(by)}` }]);
    await editCard(uow, t, id, 'accepted');
    return { ticket: t };
  });
}

/**
 * Resolve a ticket. One that waits on an open handoff child is refused unless `force`: then the child
 * (and any open child of its own) is closed too, with a note pointing at this ticket.
 */
export async function resolveTicket(
  deps: Deps,
  by: Principal,
  key: string,
  note: string | undefined,
  o: TxOptions & { force?: boolean } = {},
) {
  validateText(note, 'note', LIMITS.note);
  return actOnTicket(deps, by, key, 'resolve', o, async (uow, t) => {
    const from = t.status;
    const assignee = t.assignee;
    const openChildren = await openChain(uow, t);
    if (openChildren.length && !o.force) {
      const child = openChildren[0]!;
      const where = child.assignee ? `with ${child.assignee}` : 'waiting in intake';
      throw new DomainError(
        'invalid_state',
        `${t.key} waits on its handoff ${child.key} (${where}), which is still open. Resolve ${child.key} first, ` +
          `or close both: \`/ticket resolve ${t.key} force [note]\` (\`"force": true\` through the API or MCP; ${child.key} is then closed with a note pointing at ${t.key}).`,
        // What would let it through: the Resolve button offers "Resolve both".
        'force',
      );
    }
    // The agents it frees are locked before its load changes (see lockForRelease).
    if (assignee) await lockForRelease(uow, assignee);
    complete(t, note?.trim() || null, uow.now);
    t.waitingOn = null;
    await saveTicket(uow.tx, t);
    const closed = openChildren.map((c) => c.key);
    const id = await uow.audit({
      ticketKey: t.key,
      actor: actorName(by),
      action: 'resolved',
      fromStatus: from,
      toStatus: 'completed',
      note: t.resolution,
      ...(closed.length ? { data: { closedChildren: closed } } : {}),
    });
    uow.record({ kind: 'resolved', ticket: t });
    const alsoClosed = closed.length ? [{ raw: `\nIts open handoff ${closed.join(', ')} was closed with it.` }] : [];
    const resolvedLine = [{ raw: `:white_check_mark: Resolved by ${principalMention(by)}` }, ...(t.resolution ? [{ raw: ': ' }, t.resolution] : []), ...alsoClosed];
    homeReply(uow, t, id, 'resolved', resolvedLine);
    await editCard(uow, t, id, 'resolved', { resolvedBy: actorName(by) });
    await tellManagersOutcome(uow, t, id, uow.deps.render.threadUpdate(t, resolvedLine));
    for (const child of openChildren) await closeWithParent(uow, child, t, by);
    if (t.parentKey) await tellParent(uow, t, id);
    else tellRequester(uow, t, id, by);
    const briefings = await fileBriefings(uow, t);
    if (assignee) await releaseHeld(uow, assignee);
    return { ticket: t, briefings, closedChildren: closed };
  });
}

/** The open handoff children a ticket waits on, nearest first (a child may itself wait on one), locked. */
async function openChain(uow: UnitOfWork, t: Ticket): Promise<Ticket[]> {
  const chain: Ticket[] = [];
  let next = t.waitingOn;
  while (next && chain.length < 50 && !chain.some((c) => c.key === next)) {
    const child = await getTicket(uow.tx, next, { lock: true });
    if (!child || child.status === 'completed') break;
    chain.push(child);
    next = child.waitingOn;
  }
  return chain;
}

/** A handoff child closed because its parent was resolved with `force`: its thread says so; its agent frees up. */
async function closeWithParent(uow: UnitOfWork, child: Ticket, parent: Ticket, by: Principal) {
  const from = child.status;
  const assignee = child.assignee;
  const resolution = `closed with ${parent.key}${parent.resolution ? `: ${parent.resolution}` : ''}`;
  complete(child, cutText(resolution, LIMITS.note), uow.now);
  child.waitingOn = null;
  await saveTicket(uow.tx, child);
  const id = await uow.audit({
    ticketKey: child.key,
    actor: actorName(by),
    action: 'resolved',
    fromStatus: from,
    toStatus: 'completed',
    note: child.resolution,
    data: { closedWith: parent.key },
  });
  await editCard(uow, child, id, 'resolved', { resolvedBy: actorName(by) });
  uow.record({ kind: 'resolved', ticket: child });
  homeReply(uow, child, id, 'resolved', [
    { raw: `:white_check_mark: Closed by ${principalMention(by)} together with ${parent.key}, which was resolved` },
    ...(parent.resolution ? [{ raw: ': ' }, parent.resolution] : [{ raw: '.' }]),
    { raw: ' Nothing more is needed here.' },
  ]);
  if (assignee) await releaseHeld(uow, assignee);
}

/** The requester hears of the resolution: in the intake thread it came from, else by DM unless they resolved it. */
function tellRequester(uow: UnitOfWork, t: Ticket, id: number, by: Principal) {
  const byUser = by.kind === 'user' ? by.user : null;
  const dmable = t.requester && !t.requester.startsWith('agent:') && t.requester !== byUser;
  const where = t.origin ? { channel: t.origin.channel, threadTs: t.origin.ts } : dmable ? { channel: t.requester! } : null;
  if (!where) return;
  uow.send({ ticketKey: t.key, idempotencyKey: `${id}:requester`, ...where, ...uow.deps.render.resolution(t, t.resolution ?? undefined, byUser) });
}

/** A briefing ticket for each agent this one requires a handoff to (`handoff:`); their keys. */
async function fileBriefings(uow: UnitOfWork, t: Ticket): Promise<string[]> {
  const briefings: string[] = [];
  if (!t.requiresHandoff.length) return briefings;
  const trail = await trailOf(uow.tx, t.key);
  for (const handle of t.requiresHandoff) {
    const agent = await getAgent(uow.tx, handle);
    if (!agent) continue; // removed from the roster since
    const b = briefingTicket(t, trail, t.resolution, { names: await trailNames(uow), timeZone: uow.deps.timeZone });
    const filed = await createTicket(
      uow,
      // A briefing is information, not urgent work: low priority, and nobody is notified when it is closed.
      { ...b, type: ticketTypeFor(agent, t.type), priority: 'low', requester: null, pinnedAgent: agent.handle, parentKey: null },
      'baton',
      'filed_briefing',
    );
    briefings.push(filed.ticket.key);
  }
  return briefings;
}

/** A child (handoff) ticket resolved: the parent's clock starts again and its thread and assignee hear about it. */
async function tellParent(uow: UnitOfWork, child: Ticket, childEventId: number) {
  const parent = await getTicket(uow.tx, child.parentKey!, { lock: true });
  if (!parent) return;
  const assignee = parent.assignee ? await getAgent(uow.tx, parent.assignee) : null;
  if (parent.waitingOn === child.key) {
    parent.waitingOn = null;
    if (parent.status === 'active') {
      parent.clockStartedAt = uow.now;
      parent.escalateDueAt = dueAt(parent, uow.now, clockScheduleOf(parent, assignee));
    }
    await saveTicket(uow.tx, parent);
  }
  const parentEvent = await uow.audit({ ticketKey: parent.key, actor: 'baton', action: 'child_resolved', fromStatus: parent.status, toStatus: parent.status, note: child.resolution, data: { child: child.key } });
  uow.notify('ticket.child_resolved', parent.assignee, parent.key);
  uow.send({
    ticketKey: parent.key,
    idempotencyKey: `${childEventId}:parent`,
    channel: parent.home?.channel ?? assignee?.channel ?? '',
    threadOf: { ticket: parent.key, which: 'home' },
    ...uow.deps.render.childResolved(parent, child, child.resolution ?? undefined, assignee?.user ?? null),
  });
  if (parent.status === 'active') await editCard(uow, parent, parentEvent, 'child-resolved', { agent: assignee });
}

/**
 * Reopen a completed ticket and route it again. Back with its previous assignee, it continues in the same
 * home thread; with another agent, the old thread says where it went and the new card's thread carries the note.
 */
export async function reopenTicket(deps: Deps, by: Principal, key: string, note: string | undefined, o: { requestKey?: string } = {}) {
  validateText(note, 'note', LIMITS.note);
  return actOnTicket(deps, by, key, 'reopen', o, async (uow, t) => {
    const previous = t.assignee;
    const oldHome = t.home;
    const text = note?.trim() || undefined;
    const id = await uow.audit({ ticketKey: t.key, actor: actorName(by), action: 'reopened', fromStatus: 'completed', toStatus: 'intake', note: text ?? null });
    uow.notify('ticket.reopened', previous, t.key);
    reopen(t);
    await saveTicket(uow.tx, t);
    const routed = await routeTicket(uow, t, 'baton', { previous });
    const told = { by: by.kind === 'user' ? by.user : null, note: text, reason: routed.reason };
    const reply = (where: Parameters<typeof deps.render.reopened>[1]['where'], suffix: string, thread: 'old' | 'new') =>
      uow.send({
        ticketKey: t.key,
        idempotencyKey: `${id}:${suffix}`,
        ...(thread === 'old' && oldHome ? { channel: oldHome.channel, threadTs: oldHome.ts } : { channel: routed.agent?.channel ?? '', threadOf: { ticket: t.key, which: 'home' as const } }),
        ...deps.render.reopened(t, { ...told, where }),
      });
    const agent = routed.agent;
    if (agent && oldHome && agent.handle === previous && oldHome.channel === agent.channel) {
      reply({ kind: 'back', agent }, 'reopened', 'old');
      // Its card showed it resolved: it shows it active again, with its buttons.
      await editCard(uow, t, id, 'reopened', { agent });
    }
    else {
      if (oldHome) reply(agent ? { kind: 'moved', agent } : { kind: 'held' }, 'reopened', 'old');
      if (agent) reply({ kind: 'arrived', previousLink: oldHome ? messageLink(oldHome) : undefined }, 'reopened-here', 'new');
    }
    return { ticket: t, ...routed };
  });
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
      // Pulling work is taking it: the ticket is accepted at once (its card shows so, no acknowledgement is awaited).
      await assignTo(uow, t, agent, actorName(by), `pulled by ${agent.handle}`, { action: 'claimed', acceptedBy: actorName(by) });
      return { ticket: t, agent };
    },
    o,
  );
}

/**
 * A ticket with its trail, the zone its due time reads in (its assignee's, where its clock runs) and how routing
 * decided (with \`why\`): the ticket and its trail read at once; for a ticket in intake, its verdicts computed now.
 */
export async function showTicket(deps: Deps, key: string, o: { why?: boolean } = {}) {
  const db = deps.database.db;
  // Three reads sent at once (the assignee's zone found by the ticket's key, not after reading the ticket).
  const [t, trail, dueZone] = await Promise.all([getTicket(db, key), trailOf(db, key), assigneeTimeZone(db, key)]);
  if (!t) throw unknownTicket(key);
  const why = o.why ? (explainFromTrail(t, trail) ?? (await explainRouting(deps, key))) : null;
  return { ticket: t, trail, dueZone: t.assignee ? dueZone : null, why };
}

/** A reply in a ticket's thread goes into its audit trail. */
export async function recordThreadReply(
  deps: Deps,
  input: { ticketKey: string; user: string; text: string; ts: string; /** A person's reply in the home thread: an A2A agent waiting for an answer gets it. */ toA2a?: boolean },
  o: { requestKey?: string } = {},
) {
  const text = input.text.replace(/\u0000/g, '');
  const note = cutText(text, LIMITS.note);
  return inTransaction(
    deps,
    async (uow) => {
      const t = await getTicket(uow.tx, input.ticketKey);
      if (!t) throw unknownTicket(input.ticketKey);
      const id = await uow.audit({ ticketKey: t.key, actor: input.user, action: 'commented', fromStatus: t.status, toStatus: t.status, note, data: { ts: input.ts } });
      if (input.toA2a) await forwardReplyToA2a(uow, t, text, id);
      // The requester's answer to a `wait` question starts the clock again.
      const resumed = t.awaitingRequesterSince ? await resumeOnRequesterReply(uow, t.key, input.user) : false;
      return { ticket: t, resumed };
    },
    o,
  );
}
