// The MCP server of one agent: the tools and the ticket resources. Each tool calls the same operation as the HTTP
// API, with the agent's principal (`via: mcp` in the trail); a refusal is a tool error carrying Baton's message.
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import * as op from '../api/operations.js';
import type { AgentPrincipal } from '../api/operations.js';
import { agentJson, availabilityBody, declineBody, fileBody, handoffBody, listQuery, noteBody, resolveBody, ticketJson, ticketPage, updateBody, waitBody } from '../api/schemas.js';
import type { Deps } from '../app/context.js';
import { spendCall } from '../app/rateLimit.js';
import { fromError } from '../api/errors.js';
import type { Logger } from '../logger.js';
import type { TicketJson } from '../api/json.js';

const key = z.string().min(1).max(40).describe('The ticket key, e.g. `T-2026-001`.');
const keyOnly = z.strictObject({ key });
const withKey = <S extends z.ZodRawShape>(shape: S) => z.strictObject({ key, ...shape });

/** One line a model (or a person) reads first; the full ticket is in `structuredContent`. */
export function ticketLine(t: TicketJson): string {
  const who = t.assignee ? `assigned to ${t.assignee}` : t.holdReason ? `waiting in intake (${t.holdReason})` : 'waiting in intake';
  const acc = t.acceptedAt ? ', accepted' : '';
  return `${t.key} [${t.priority} ${t.type}] "${t.title}": ${t.status}, ${who}${acc}.`;
}

type Run = () => Promise<{ structured: Record<string, unknown>; text: string }>;

export interface ToolContext {
  deps: Deps;
  logger: Logger;
  agent: AgentPrincipal;
}

/** A tool's answer: its structured result and a short text, or a tool error with Baton's specific message. */
async function answer(c: ToolContext, tool: string, run: Run): Promise<CallToolResult> {
  try {
    await spendCall(c.deps, c.agent.handle, 'mcp');
    const r = await run();
    return { content: [{ type: 'text', text: r.text }], structuredContent: r.structured };
  } catch (e) {
    const err = await fromError(e, c.deps, c.logger);
    c.logger.info({ tool, agent: c.agent.handle, code: err.code }, 'mcp tool refused');
    const meta = err.retryAfterSec !== undefined ? { 'baton/error': err.body.error, 'baton/retryAfter': err.retryAfterSec } : { 'baton/error': err.body.error };
    return { isError: true, content: [{ type: 'text', text: err.message }], _meta: meta };
  }
}

const ticketResult = async (p: Promise<TicketJson>) => {
  const t = await p;
  return { structured: t as Record<string, unknown>, text: ticketLine(t) };
};

export function createMcpServer(c: ToolContext): McpServer {
  const { deps, agent } = c;
  const server = new McpServer(
    { name: 'baton', version: '1.0.0' },
    {
      instructions:
        'Baton routes tickets between agents and people, with Slack kept in step. Call `whoami` first, then `claim_next_ticket` (or `list_tickets` with queue "mine") to get work; ' +
        '`accept_ticket` when you start, `post_update` as you go, and `resolve_ticket` when done. Use `hand_off_ticket` with a packet when another agent or skill must do part of it, ' +
        'and `escalate_ticket` when you are stuck. Every action shows in the ticket’s Slack thread and audit trail.',
    },
  );

  server.registerTool(
    'whoami',
    {
      title: 'Who am I',
      description:
        'Returns the agent this token acts as: handle, skills, whether it is available (and why not, until when), how many tickets it has open and its capacity. ' +
        'Call it first to learn your handle and whether Baton will give you work.',
      inputSchema: z.strictObject({}),
      outputSchema: agentJson,
      annotations: { readOnlyHint: true },
    },
    () =>
      answer(c, 'whoami', async () => {
        const a = await op.whoami(deps, agent);
        const state = a.available ? 'available' : `busy${a.busyUntil ? ` until ${a.busyUntil}` : ''}${a.busyReason ? ` (${a.busyReason})` : ''}`;
        return { structured: a, text: `You are ${a.handle} (skills: ${a.skills.join(', ') || 'none'}), ${state}, ${a.active}/${a.capacity} tickets open.` };
      }),
  );

  server.registerTool(
    'list_tickets',
    {
      title: 'List tickets',
      description:
        'Lists tickets of one queue, most urgent first (by priority, then age), a page at a time. Queues: `mine` (default: open tickets assigned to you or filed by you), ' +
        '`intake` (waiting for someone), `active`, `completed`. Use it to see your work or what waits. Returns `tickets` and `nextCursor` (pass it as `cursor` for the next page; null at the end).',
      inputSchema: listQuery,
      outputSchema: ticketPage,
      annotations: { readOnlyHint: true },
    },
    (input) =>
      answer(c, 'list_tickets', async () => {
        const page = await op.listTickets(deps, agent, input);
        const lines = page.tickets.map(ticketLine);
        const text = lines.length ? `${lines.length} ticket(s)${page.nextCursor ? ', more with `cursor`' : ''}:\n${lines.join('\n')}` : 'No tickets in this queue.';
        return { structured: page, text };
      }),
  );

  server.registerTool(
    'get_ticket',
    {
      title: 'Get a ticket',
      description:
        'Returns one ticket in full: description, context, handoff packet (summary, done, open questions, acceptance criteria, links), parent and children, ' +
        'why it is routed where it is, and its audit trail. Read it before working on a ticket, especially one handed to you. Any ticket can be read.',
      inputSchema: keyOnly,
      outputSchema: ticketJson,
      annotations: { readOnlyHint: true },
    },
    (input) => answer(c, 'get_ticket', () => ticketResult(op.getTicket(deps, agent, input))),
  );

  server.registerTool(
    'claim_next_ticket',
    {
      title: 'Claim the next ticket',
      description:
        'Takes the most urgent ticket waiting in intake that you can do (your skills, your capacity) and assigns it to you. Use it when you are ready for new work. ' +
        'Returns `{ticket}`, or `{ticket: null}` when nothing waits for you. Then call `accept_ticket` when you start on it.',
      inputSchema: z.strictObject({}),
      outputSchema: z.object({ ticket: ticketJson.nullable() }),
    },
    () =>
      answer(c, 'claim_next_ticket', async () => {
        const t = await op.claimNextTicket(deps, agent);
        return { structured: { ticket: t }, text: t ? `Claimed ${ticketLine(t)}` : 'Nothing in intake that you can take right now.' };
      }),
  );

  server.registerTool(
    'accept_ticket',
    {
      title: 'Accept a ticket',
      description: 'Accepts a ticket assigned to you: tells the requester and Slack that you are on it. Call it when you start working on a ticket. Returns the ticket.',
      inputSchema: keyOnly,
      outputSchema: ticketJson,
    },
    (input) => answer(c, 'accept_ticket', () => ticketResult(op.acceptTicket(deps, agent, input))),
  );

  server.registerTool(
    'post_update',
    {
      title: 'Post a progress update',
      description:
        'Posts a progress note on a ticket assigned to you or filed by you: it is kept in the audit trail and posted as a reply in the ticket’s Slack thread, where people follow it. ' +
        'Use it for milestones, findings or blockers worth telling humans. Returns the ticket.',
      inputSchema: withKey(updateBody.shape),
      outputSchema: ticketJson,
    },
    (input) => answer(c, 'post_update', () => ticketResult(op.postUpdate(deps, agent, input))),
  );

  server.registerTool(
    'hand_off_ticket',
    {
      title: 'Hand off part of a ticket',
      description:
        'Hands work off to another agent (`to: "devin"`) or to whoever has a skill (`to: "skill:engineering"`, routed like a new ticket of that type, never back to you) as a child ticket; ' +
        'your ticket waits on it and you hear in its thread when the child is resolved. Give a `packet` so the receiver can start without asking: `summary`, `done`, `open_questions`, ' +
        '`acceptance_criteria`, `links`. Returns the child ticket (its key, and its assignee or why it waits).',
      inputSchema: withKey(handoffBody.shape),
      outputSchema: ticketJson,
    },
    (input) =>
      answer(c, 'hand_off_ticket', async () => {
        const child = await op.handOffTicket(deps, agent, input);
        return { structured: child, text: `Handed off as ${ticketLine(child)}` };
      }),
  );

  server.registerTool(
    'resolve_ticket',
    {
      title: 'Resolve a ticket',
      description:
        'Marks a ticket assigned to you (or filed by you) as done, with a `note` saying what was done; the requester is told (or, for a handed-off ticket, the parent’s thread). ' +
        'Refused while it waits on an open handoff, unless `force` is true, which closes that handoff too (with a note pointing here). Returns the ticket, completed.',
      inputSchema: withKey(resolveBody.shape),
      outputSchema: ticketJson,
    },
    (input) => answer(c, 'resolve_ticket', () => ticketResult(op.resolveTicket(deps, agent, input))),
  );

  server.registerTool(
    'decline_ticket',
    {
      title: 'Decline a handed-off ticket',
      description:
        'Declines a ticket that was handed off to you, with a `reason`: it goes to another eligible agent (never back to you or to anyone who declined it) ' +
        'or waits in intake, and the sender’s thread is told why. Use it when the handoff is not yours to do; use `escalate_ticket` when it is yours but you are stuck. ' +
        'Returns the ticket as it is after the decline.',
      inputSchema: withKey(declineBody.shape),
      outputSchema: ticketJson,
    },
    (input) => answer(c, 'decline_ticket', () => ticketResult(op.declineTicket(deps, agent, input))),
  );

  server.registerTool(
    'escalate_ticket',
    {
      title: 'Escalate a ticket',
      description:
        'Escalates a ticket now to the next agent of its escalation chain (and managers when the chain runs out), with a `note` saying why. ' +
        'Use it when you are stuck or it is beyond you. Returns the ticket with its new escalation level.',
      inputSchema: withKey(noteBody.shape),
      outputSchema: ticketJson,
    },
    (input) => answer(c, 'escalate_ticket', () => ticketResult(op.escalateTicket(deps, agent, input))),
  );

  server.registerTool(
    'wait_on_requester',
    {
      title: 'Wait on the requester',
      description:
        'Asks the ticket’s requester a `question` (in the Slack thread they filed it from, or by direct message) and stops its escalation clock, keeping the time it had left. ' +
        'Use it when you cannot go on without their answer: their reply in the thread, or `resume_ticket`, starts the clock again. Returns the ticket.',
      inputSchema: withKey(waitBody.shape),
      outputSchema: ticketJson,
    },
    (input) => answer(c, 'wait_on_requester', () => ticketResult(op.waitOnRequester(deps, agent, input))),
  );

  server.registerTool(
    'resume_ticket',
    {
      title: 'Resume a ticket',
      description: 'Starts the escalation clock of a ticket waiting on its requester again, with the working time it had left (use it when the answer came another way). Returns the ticket.',
      inputSchema: withKey({}),
      outputSchema: ticketJson,
    },
    (input) => answer(c, 'resume_ticket', () => ticketResult(op.resumeTicket(deps, agent, input))),
  );

  server.registerTool(
    'file_ticket',
    {
      title: 'File a ticket',
      description:
        'Files a new ticket with you as its requester; Baton routes it to an agent with the skill its `type` names (or holds it in intake, saying why). ' +
        'Use it to ask for work you will not do yourself. Only `title` is required. With `dedupKey`, filing again while that ticket is open files nothing and returns it (`duplicate: true`). Returns the ticket with its assignee or hold reason.',
      inputSchema: fileBody,
      outputSchema: ticketJson,
    },
    (input) =>
      answer(c, 'file_ticket', async () => {
        const t = await op.fileTicket(deps, agent, input);
        return { structured: t, text: t.duplicate ? `Already tracked as ${ticketLine(t)}; nothing new was filed (same dedupKey).` : `Filed ${ticketLine(t)}` };
      }),
  );

  server.registerTool(
    'set_availability',
    {
      title: 'Set availability',
      description:
        'Marks you busy (`status: "busy"`, optionally `for: "2h"` or `until: "14:00"`, and a `reason`) so Baton gives you no new work, or available again (`status: "available"`). ' +
        'Returns you as `whoami` does.',
      inputSchema: availabilityBody,
      outputSchema: agentJson,
    },
    (input) =>
      answer(c, 'set_availability', async () => {
        const a = await op.setAvailability(deps, agent, input);
        return { structured: a, text: a.available ? `${a.handle} is available.` : `${a.handle} is busy${a.busyUntil ? ` until ${a.busyUntil}` : ''}${a.busyReason ? ` (${a.busyReason})` : ''}.` };
      }),
  );

  server.registerTool(
    'heartbeat',
    {
      title: 'Heartbeat',
      description:
        'Proof of life: tells Baton you are still working. With a `heartbeat:` period set for you, call this (or any tool) more often than that period, ' +
        'or Baton stops giving you work and then takes your tickets back. Marked unresponsive, you are available again from this call. Returns you as `whoami` does.',
      inputSchema: z.strictObject({}),
      outputSchema: agentJson,
      annotations: { idempotentHint: true },
    },
    () =>
      answer(c, 'heartbeat', async () => {
        const a = await op.whoami(deps, agent);
        return { structured: a, text: `Heard you, ${a.handle}; ${a.available ? 'available' : `not available${a.busyReason ? ` (${a.busyReason})` : ''}`}, ${a.active}/${a.capacity} tickets open.` };
      }),
  );

  server.registerResource(
    'ticket',
    new ResourceTemplate('baton://tickets/{key}', {
      list: async () => {
        const page = await op.listTickets(deps, agent, { queue: 'mine', limit: 100 });
        return { resources: page.tickets.map((t) => ({ uri: `baton://tickets/${t.key}`, name: t.key, title: t.title, mimeType: 'application/json' })) };
      },
    }),
    { title: 'A Baton ticket', description: 'A ticket as `get_ticket` returns it (JSON), with its packet, family and trail. Listed: your open tickets.', mimeType: 'application/json' },
    async (uri, vars) => {
      const k = String(Array.isArray(vars.key) ? vars.key[0] : vars.key);
      const t = await op.getTicket(deps, agent, { key: decodeURIComponent(k) });
      return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(t, null, 2) }] };
    },
  );

  return server;
}
