// `/ticket why KEY`: how routing decided. For an assigned ticket, the verdicts routing recorded when it chose
// (kept in the assignment's audit event); for a held ticket, what keeps each agent with its type from taking
// it now — both computed by `decide`, the function that routes.
import { unknownTicket } from '../core/errors.js';
import type { RoutingExplanation, Verdict } from '../core/routing.js';
import type { AuditEvent, Ticket } from '../core/types.js';

export type { RoutingExplanation };
import { trailOf } from '../storage/audit.js';
import { getTicket } from '../storage/tickets.js';
import { verdictsNow } from './assignment.js';
import { inTransaction, type Deps } from './context.js';

function isVerdicts(v: unknown): v is Verdict[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'object' && x !== null && typeof (x as Verdict).handle === 'string');
}

/** The latest event that gave the ticket to its assignee. */
function lastAssignment(t: Ticket, trail: AuditEvent[]): AuditEvent | null {
  for (let i = trail.length - 1; i >= 0; i--) {
    const e = trail[i]!;
    if (typeof e.data.agent === 'string' && e.toStatus === 'active' && (!t.assignee || e.data.agent === t.assignee)) return e;
  }
  return null;
}

/**
 * How routing decided for a ticket that left intake, from its trail (no database read); null for a ticket in
 * intake, whose verdicts are computed now (`explainRouting`).
 */
export function explainFromTrail(t: Ticket, trail: AuditEvent[]): RoutingExplanation | null {
  if (t.status === 'intake') return null;
  const e = lastAssignment(t, trail);
  if (!e) return { ticket: t, kind: 'never', reason: 'it was never assigned', event: null, verdicts: [] };
  if (isVerdicts(e.data.verdicts)) return { ticket: t, kind: 'routed', reason: e.note ?? '', event: e, verdicts: e.data.verdicts };
  return { ticket: t, kind: 'manual', reason: e.note ?? '', event: e, verdicts: [] };
}

export function explainRouting(deps: Deps, key: string): Promise<RoutingExplanation> {
  return inTransaction(deps, async (uow) => {
    const t = await getTicket(uow.tx, key);
    if (!t) throw unknownTicket(key);
    if (t.status === 'intake') {
      const now = await verdictsNow(uow, t);
      return { ticket: t, kind: 'held', reason: t.holdReason ?? now.reason, event: null, verdicts: now.verdicts };
    }
    return explainFromTrail(t, await trailOf(uow.tx, key))!;
  });
}
