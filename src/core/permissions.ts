// The one place that decides who may do what. Refusals say why.
import { notAllowed } from './errors.js';
import type { Agent, Ticket } from './types.js';

/** Who is asking: a Slack user, or Baton itself (schedules, automatic routing). */
export type Principal = { kind: 'user'; user: string } | { kind: 'baton' };

export interface Policy {
  admins: readonly string[];
}

export const BATON: Principal = { kind: 'baton' };
export const user = (id: string): Principal => ({ kind: 'user', user: id });

/** How a principal is named in the audit trail: its Slack user ID, or `baton`. */
export const actorName = (p: Principal): string => (p.kind === 'user' ? p.user : 'baton');

export function isAdmin(p: Principal, policy: Policy): boolean {
  return p.kind === 'baton' || policy.admins.includes(p.user);
}

export function assertCanManageRoster(p: Principal, policy: Policy): void {
  if (!isAdmin(p, policy)) throw notAllowed('Only Baton admins (`ADMIN_USER_IDS`) can change the roster.');
}

/** `busy`, `available`, `next`: admins or the agent's own user. */
export function assertCanActAsAgent(p: Principal, agent: Agent, policy: Policy, what: string): void {
  if (isAdmin(p, policy)) return;
  if (p.kind === 'user' && agent.user === p.user) return;
  throw notAllowed(`Only ${agent.handle}'s own user or an admin can ${what}.`);
}

export type TicketAction = 'accept' | 'resolve' | 'handoff' | 'escalate' | 'reopen' | 'assign' | 'takeover';

/** How each action reads in a refusal: "You can't hand off T-…". */
const ACTION_WORDS: Record<TicketAction, string> = {
  accept: 'accept',
  resolve: 'resolve',
  handoff: 'hand off',
  escalate: 'escalate',
  reopen: 'reopen',
  assign: 'assign',
  takeover: 'take over',
};

/** Acting on a ticket: its assignee's user, its requester, or an admin. */
export function canActOnTicket(p: Principal, ticket: Ticket, assignee: Agent | null, policy: Policy): boolean {
  if (isAdmin(p, policy)) return true;
  if (p.kind !== 'user') return false;
  if (ticket.requester === p.user) return true;
  return assignee !== null && assignee.user === p.user;
}

export function assertCanActOnTicket(p: Principal, ticket: Ticket, assignee: Agent | null, policy: Policy, action: TicketAction): void {
  if (canActOnTicket(p, ticket, assignee, policy)) return;
  const who = assignee ? `its assignee (${assignee.handle})` : 'its assignee';
  throw notAllowed(`You can't ${ACTION_WORDS[action]} ${ticket.key}: only ${who}, its requester or an admin can.`);
}

/** Take-over from an escalation ping: the agent taking over (its own user) or an admin. */
export function assertCanTakeOver(p: Principal, taker: Agent, ticket: Ticket, policy: Policy): void {
  if (isAdmin(p, policy)) return;
  if (p.kind === 'user' && taker.user === p.user) return;
  throw notAllowed(`Only ${taker.handle}'s own user or an admin can take over ${ticket.key}.`);
}
