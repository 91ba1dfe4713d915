// Events for agents' webhooks, written to the outbox in the transaction of the change that caused them: each
// use case notes them (`uow.notify`), and at commit each one whose agent has a webhook becomes an outbox row
// for the 'webhook' destination, carrying the ticket as the API returns it at that moment.
import { randomBytes } from 'node:crypto';
import { ticketToJson } from '../api/json.js';
import type { AgentEventBody, AgentEventNote } from '../core/agentEvents.js';
import type { Ticket } from '../core/types.js';
import { trailOf } from '../storage/audit.js';
import type { Queryable } from '../storage/db.js';
import type { OutboundMessage } from '../storage/outbox.js';
import { childKeysOf, getTicket } from '../storage/tickets.js';

export const WEBHOOK_DESTINATION = 'webhook';

/**
 * Outbox rows for the noted events whose agent has a webhook (\`hooked\`, asked when each was noted: see
 * UnitOfWork.notify), in the order noted (repeats dropped).
 */
export async function agentEventMessages(q: Queryable, notes: readonly AgentEventNote[], now: Date, hooked: ReadonlySet<string>): Promise<OutboundMessage[]> {
  if (notes.length === 0) return [];
  const seen = new Set<string>();
  const due = notes.filter((n) => {
    const k = `${n.type} ${n.agent} ${n.ticketKey}`;
    if (!hooked.has(n.agent) || seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  const tickets = new Map<string, unknown>();
  const out: OutboundMessage[] = [];
  for (const n of due) {
    if (!tickets.has(n.ticketKey)) {
      const t = await getTicket(q, n.ticketKey);
      tickets.set(n.ticketKey, t ? await ticketJson(q, t) : null);
    }
    const ticket = tickets.get(n.ticketKey);
    if (!ticket) continue;
    const id = `evt_${randomBytes(16).toString('base64url')}`;
    const body: AgentEventBody = { id, type: n.type, at: now.toISOString(), agent: n.agent, ticket };
    out.push({ ticketKey: n.ticketKey, idempotencyKey: id, channel: '', text: n.type, destination: WEBHOOK_DESTINATION, target: n.agent, payload: body });
  }
  return out;
}

async function ticketJson(q: Queryable, t: Ticket) {
  const children = (await childKeysOf(q, [t.key])).get(t.key) ?? [];
  return ticketToJson(t, children, await trailOf(q, t.key));
}
