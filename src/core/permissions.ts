// The one place that decides who may do what. Refusals say why.
import { notAllowed } from './errors.js';
import type { Agent, Ticket } from './types.js';

/** Who is asking: a Slack user, an agent with its API token (HTTP API or MCP), or Baton itself (schedules, automatic routing). */
export type Principal = { kind: 'user'; user: string } | { kind: 'agent'; handle: string; via: 'api' | 'mcp' | 'webhook' | 'a2a' } | { kind: 'baton' };

export interface Policy {
  admins: readonly string[];
}

export const BATON: Principal = { kind: 'baton' };
export const user = (id: string): Principal => ({ kind: 'user', user: id });
export const agentPrincipal = (handle: string, via: 'api' | 'mcp' | 'webhook' | 'a2a'): Principal => ({ kind: 'agent', handle, via });

/** How a principal is named in the audit trail (and as a requester): its Slack user ID, `agent:<handle>`, or `baton`. */
export const actorName = (p: Principal): string => (p.kind === 'user' ? p.user : p.kind === 'agent' ? `agent:${p.handle}` : 'baton');

/** Who acted, as a Slack message names them (markup, not user text): a person mentioned, an agent by handle, or Baton. */
export const principalMention = (p: Principal): string => (p.kind === 'user' ? `<@${p.user}>` : p.kind === 'agent' ? `@${p.handle}` : 'Baton');

/** An agent's token never makes it an admin. */
export function isAdmin(p: Principal, policy: Policy): boolean {
  return p.kind === 'baton' || (p.kind === 'user' && policy.admins.includes(p.user));
}

/** The principal is this agent itself (its user in Slack, or its token). */
function isAgentItself(p: Principal, agent: Agent): boolean {
  return (p.kind === 'user' && agent.user === p.user) || (p.kind === 'agent' && p.handle === agent.handle);
}

export function assertCanManageRoster(p: Principal, policy: Policy): void {
  if (!isAdmin(p, policy)) throw notAllowed('Only Baton admins (`ADMIN_USER_IDS`) can change the roster.');
}

/** `busy`, `available`, `next`: admins or the agent's own user. */
export function assertCanActAsAgent(p: Principal, agent: Agent, policy: Policy, what: string): void {
  if (isAdmin(p, policy)) return;
  if (isAgentItself(p, agent)) return;
  if (p.kind === 'agent') throw notAllowed(`The token of ${p.handle} can't ${what}: only ${agent.handle} itself or an admin can.`);
  throw notAllowed(`Only ${agent.handle}'s own user or an admin can ${what}.`);
}

export type TicketAction = 'accept' | 'resolve' | 'handoff' | 'escalate' | 'reopen' | 'assign' | 'takeover' | 'update' | 'decline' | 'wait' | 'resume';

/** How each action reads in a refusal: "You can't hand off T-…". */
const ACTION_WORDS: Record<TicketAction, string> = {
  accept: 'accept',
  resolve: 'resolve',
  handoff: 'hand off',
  escalate: 'escalate',
  reopen: 'reopen',
  assign: 'assign',
  takeover: 'take over',
  update: 'post an update on',
  decline: 'decline',
  wait: 'put on hold for its requester',
  resume: 'resume',
};

/** Acting on a ticket: its assignee's user, its requester, or an admin; an agent's token: its own or filed by it. */
export function canActOnTicket(p: Principal, ticket: Ticket, assignee: Agent | null, policy: Policy): boolean {
  if (isAdmin(p, policy)) return true;
  if (p.kind === 'agent') return ticket.assignee === p.handle || ticket.requester === actorName(p);
  if (p.kind !== 'user') return false;
  if (ticket.requester === p.user) return true;
  return assignee !== null && assignee.user === p.user;
}

export function assertCanActOnTicket(p: Principal, ticket: Ticket, assignee: Agent | null, policy: Policy, action: TicketAction): void {
  if (canActOnTicket(p, ticket, assignee, policy)) return;
  if (p.kind === 'agent') throw notAllowed(`${p.handle} can't ${ACTION_WORDS[action]} ${ticket.key}: it is neither assigned to ${p.handle} nor filed by it.`);
  const who = assignee ? `its assignee (${assignee.handle})` : 'its assignee';
  throw notAllowed(`You can't ${ACTION_WORDS[action]} ${ticket.key}: only ${who}, its requester or an admin can.`);
}

/** Take-over from an escalation ping: the agent taking over (its own user) or an admin. */
export function assertCanTakeOver(p: Principal, taker: Agent, ticket: Ticket, policy: Policy): void {
  if (isAdmin(p, policy)) return;
  // Taking over is a Slack button; an agent's token is not allowed it.
  if (p.kind === 'user' && taker.user === p.user) return;
  throw notAllowed(`Only ${taker.handle}'s own user or an admin can take over ${ticket.key}.`);
}
