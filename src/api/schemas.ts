// What the HTTP API accepts and returns, declared once with zod: requests are validated by these schemas and
// the OpenAPI document is generated from them. Length limits are those of Slack (core LIMITS).
import { z } from 'zod';
import { LIMITS, PACKET_LIMITS, PRIORITIES } from '../core/types.js';

const handle = z.string().describe('An agent handle, e.g. `iris`.');
const ticketKey = z.string().describe('A ticket key, e.g. `T-2026-001`.');
const isoTime = z.string().nullable().describe('ISO 8601 time, or null.');

const items = (what: string) =>
  z.array(z.string().max(PACKET_LIMITS.item)).max(PACKET_LIMITS.items).optional().describe(`${what}: at most ${PACKET_LIMITS.items} items of at most ${PACKET_LIMITS.item} characters.`);

export const packetSchema = z
  .strictObject({
    summary: z.string().max(PACKET_LIMITS.summary).optional().describe('What the receiver needs to know, in a few sentences.'),
    done: items('What is already done'),
    open_questions: items('What is still unknown'),
    acceptance_criteria: items('When the work counts as done'),
    links: z
      .array(z.url({ protocol: /^https?$/ }))
      .max(PACKET_LIMITS.links)
      .optional()
      .describe(`At most ${PACKET_LIMITS.links} http(s) URLs.`),
  })
  .describe('A handoff packet: enough for the next agent to start without asking.');

const note = z.string().max(LIMITS.note).optional().describe(`A note (at most ${LIMITS.note} characters).`);

export const availabilityBody = z
  .strictObject({
    status: z.enum(['busy', 'available']),
    for: z.string().optional().describe('How long it is busy: `90s`, `30m`, `2h`, `1d`, `1h30m`.'),
    until: z.string().optional().describe('Busy until this time of day, `HH:MM` in Baton’s time zone.'),
    reason: z.string().max(LIMITS.reason).optional(),
  })
  .describe('Set the agent’s own availability.');

export const listQuery = z.strictObject({
  queue: z.enum(['mine', 'intake', 'active', 'completed']).optional().describe('`mine` (default): open tickets assigned to or filed by this agent.'),
  limit: z.coerce.number().int().min(1).max(100).optional().describe('At most this many (1–100, default 50).'),
  cursor: z.string().max(200).optional().describe('`nextCursor` of the previous page.'),
});

export const fileBody = z
  .strictObject({
    type: z.string().max(LIMITS.type).optional().describe('Ticket type (the skill it needs); Baton’s default type when left out.'),
    title: z.string().max(LIMITS.title),
    description: z.string().max(LIMITS.description).optional(),
    priority: z.enum(PRIORITIES).optional(),
    context: z.record(z.string(), z.string()).optional().describe('Free-form key/value context, e.g. `{"customer":"acme"}`.'),
    escalate: z.string().optional().describe('Escalation threshold: `30m`, `4h`…'),
    assign: handle.optional().describe('Only this agent may take it.'),
    handoff: z.array(handle).max(LIMITS.skills).optional().describe('Agents briefed when it is resolved.'),
    follows: ticketKey.optional().describe('The ticket this one follows (routed to its last assignee when free).'),
    dedupKey: z.string().max(LIMITS.dedupKey).optional().describe('While a ticket filed with this key is open, filing again creates nothing and answers with that ticket (200, `duplicate: true`).'),
  })
  .describe('File a ticket.');

export const updateBody = z.strictObject({ text: z.string().max(LIMITS.note).describe('The progress note.') });
export const handoffBody = z.strictObject({
  to: z.string().describe('An agent handle (`devin`) or a skill (`skill:engineering`, routed like a new ticket of that type, never back to the sender).'),
  packet: packetSchema.optional(),
  note: note,
});
export const noteBody = z.strictObject({ note });
export const resolveBody = z.strictObject({
  note,
  force: z.boolean().optional().describe('Also close its open handoff, if it waits on one (refused without it).'),
});
export const waitBody = z.strictObject({
  question: z.string().max(LIMITS.note).optional().describe('What the requester should answer; it reaches them where they filed the ticket (its Slack thread) or by direct message.'),
});
export const declineBody = z.strictObject({ reason: z.string().max(LIMITS.note).describe('Why this agent does not take it; the sender’s thread is told.') });
export const emptyBody = z.strictObject({});

export const agentJson = z.object({
  handle,
  skills: z.array(z.string()),
  available: z.boolean(),
  busyReason: z.string().nullable(),
  busyUntil: isoTime,
  active: z.number().int(),
  capacity: z.union([z.number().int(), z.literal('unlimited')]),
});

export const trailEntryJson = z.object({ at: z.string(), actor: z.string(), action: z.string(), note: z.string().nullable(), via: z.enum(['api', 'mcp', 'webhook', 'a2a']).nullable() });

export const ticketJson = z.object({
  key: ticketKey,
  type: z.string(),
  title: z.string(),
  description: z.string(),
  priority: z.enum(PRIORITIES),
  status: z.enum(['intake', 'active', 'completed']),
  assignee: z.string().nullable(),
  requester: z.string().nullable().describe('A Slack user ID, `agent:<handle>`, or null.'),
  context: z.record(z.string(), z.string()),
  packet: packetSchema.nullable(),
  parent: z.string().nullable(),
  children: z.array(z.string()),
  waitingOn: z.string().nullable(),
  escalationLevel: z.number().int(),
  escalationDueAt: isoTime.describe('When it escalates if nothing happens, counted in its assignee’s working hours; null while its clock is stopped (waiting on a child or on its requester) or when it is not active.'),
  waitingOnRequesterSince: isoTime.describe('Since when it waits on its requester’s answer (`wait`); null when it does not.'),
  holdReason: z.string().nullable(),
  createdAt: z.string(),
  assignedAt: isoTime,
  acceptedAt: isoTime,
  resolvedAt: isoTime,
  resolution: z.string().nullable(),
  dedupKey: z.string().nullable(),
  duplicate: z.boolean().optional().describe('Filing only: true when nothing was filed because this open ticket has the same `dedupKey`.'),
  routing: z.string().nullable().optional().describe('Why it is where it is (one ticket only).'),
  trail: z.array(trailEntryJson).optional().describe('Its audit trail (one ticket only).'),
});

export const ticketPage = z.object({ tickets: z.array(ticketJson), nextCursor: z.string().nullable() });

export const errorJson = z.object({
  error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }),
});
