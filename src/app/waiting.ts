// Waiting on the requester: the question goes to them (origin thread, else DM) and the ticket's escalation
// clock stops, keeping the working time it had left; their reply in the ticket's thread, or `resume`,
// starts it again.
import { invalidState } from '../core/errors.js';
import { clockScheduleOf } from '../core/escalation.js';
import { actorName, principalMention, user, type Principal } from '../core/permissions.js';
import { resumeClock, waitOnRequester } from '../core/ticketState.js';
import type { Agent, Ticket } from '../core/types.js';
import { LIMITS } from '../core/types.js';
import { validateText } from '../core/validate.js';
import { formatDayTime } from '../core/zone.js';
import { getAgent } from '../storage/agents.js';
import { getTicket, saveTicket } from '../storage/tickets.js';
import { actOnTicket } from './actOnTicket.js';
import { editCard } from './cards.js';
import type { Deps, UnitOfWork } from './context.js';

const USER_ID = /^[UW][A-Z0-9]{2,}$/;


function homeLine(uow: UnitOfWork, t: Ticket, id: number, suffix: string, parts: Array<string | { raw: string }>) {
  if (!t.home) return;
  uow.send({ ticketKey: t.key, idempotencyKey: `${id}:${suffix}`, channel: t.home.channel, threadOf: { ticket: t.key, which: 'home' }, ...uow.deps.render.threadUpdate(t, parts) });
}

/** `/ticket wait KEY [question]`, `@baton wait …`, the API and MCP: ask the requester and stop the clock. */
export async function waitOnRequesterTicket(deps: Deps, by: Principal, key: string, question: string | undefined, o: { requestKey?: string } = {}) {
  validateText(question, 'question', LIMITS.note);
  const q = question?.trim() || undefined;
  return actOnTicket(deps, by, key, 'wait', o, async (uow, t, assignee) => {
    const where = t.origin
      ? { channel: t.origin.channel, threadTs: t.origin.ts }
      : t.requester && USER_ID.test(t.requester)
        ? { channel: t.requester }
        : null;
    if (!where) throw invalidState(`${t.key} has no requester Baton can ask (it was not filed by a Slack user or from a Slack message); nothing changed.`);
    waitOnRequester(t, uow.now, clockScheduleOf(t, assignee));
    await saveTicket(uow.tx, t);
    const id = await uow.audit({ ticketKey: t.key, actor: actorName(by), action: 'waiting_on_requester', fromStatus: t.status, toStatus: t.status, note: q ?? null, data: { clockLeftSec: t.clockLeftSec } });
    const asker = assignee ? `@${assignee.handle}` : principalMention(by);
    const to = t.requester && USER_ID.test(t.requester) ? `${principalMention(user(t.requester))} ` : '';
    const ask: Array<string | { raw: string }> = [{ raw: `:question: ${to}${asker} needs your answer to go on with ${t.key}` }];
    if (q) ask.push({ raw: ': ' }, q);
    ask.push({ raw: t.origin ? ' — reply in this thread.' : ` — reply in its thread, or ask ${asker} to \`/ticket resume ${t.key}\`.` });
    uow.send({ ticketKey: t.key, idempotencyKey: `${id}:question`, ...where, ...uow.deps.render.threadUpdate(t, ask) });
    const line: Array<string | { raw: string }> = [{ raw: `:hourglass_flowing_sand: Waiting on the requester (asked by ${principalMention(by)}); the escalation clock is stopped` }];
    if (q) line.push({ raw: ': ' }, q);
    homeLine(uow, t, id, 'waiting', line);
    await editCard(uow, t, id, 'waiting-requester', { agent: assignee });
    return { ticket: t };
  });
}

/** Start the clock again with the time it had left; the trail and the home thread say who and when it is due. */
async function resumeIn(uow: UnitOfWork, t: Ticket, assignee: Agent | null, actor: string, by: string, reason: 'resumed' | 'requester_replied') {
  resumeClock(t, uow.now, clockScheduleOf(t, assignee));
  await saveTicket(uow.tx, t);
  const id = await uow.audit({ ticketKey: t.key, actor, action: reason === 'resumed' ? 'resumed' : 'requester_replied', fromStatus: t.status, toStatus: t.status, note: null, data: { dueAt: t.escalateDueAt?.toISOString() ?? null } });
  const due = t.escalateDueAt ? `; due ${formatDayTime(t.escalateDueAt, assignee?.timeZone ?? uow.deps.timeZone)}` : '';
  const head = reason === 'resumed' ? `:arrow_forward: Resumed by ${by}` : `:speech_balloon: The requester replied`;
  homeLine(uow, t, id, 'resumed', [{ raw: `${head}: the escalation clock runs again${due}` }]);
  await editCard(uow, t, id, 'resumed', { agent: assignee });
}

/** `/ticket resume KEY`, `@baton resume`, the API and MCP. */
export async function resumeTicket(deps: Deps, by: Principal, key: string, o: { requestKey?: string } = {}) {
  return actOnTicket(deps, by, key, 'resume', o, async (uow, t, assignee) => {
    await resumeIn(uow, t, assignee, actorName(by), principalMention(by), 'resumed');
    return { ticket: t };
  });
}

/** A reply in a ticket's thread by `user`: when it is the requester's and the ticket waits on them, the clock runs again. */
export async function resumeOnRequesterReply(uow: UnitOfWork, key: string, user: string): Promise<boolean> {
  const t = await getTicket(uow.tx, key, { lock: true });
  if (!t || !t.awaitingRequesterSince || t.status !== 'active' || t.requester !== user) return false;
  const assignee = t.assignee ? await getAgent(uow.tx, t.assignee) : null;
  await resumeIn(uow, t, assignee, user, principalMention({ kind: 'user', user }), 'requester_replied');
  return true;
}
