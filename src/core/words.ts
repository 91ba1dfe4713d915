// Words people read: audit-trail actions as words, and counts with the right plural.

/** How each audit-trail action reads in `/ticket show`, handoff summaries and briefings. */
export const ACTION_WORDS: Readonly<Record<string, string>> = {
  filed: 'filed',
  filed_handoff: 'filed as a handoff',
  assigned: 'assigned',
  reassigned: 'reassigned',
  claimed: 'claimed',
  held: 'held',
  unassigned: 'unassigned',
  accepted: 'accepted',
  commented: 'commented',
  escalated: 'escalated',
  escalation_exhausted: 'chain exhausted',
  taken_over: 'taken over',
  handed_off: 'handed off',
  handoff_loop: 'handoff loop refused',
  also_reported: 'also reported by',
  child_resolved: 'handoff resolved',
  resolved: 'resolved',
  reopened: 'reopened',
  agent_added: 'agent added',
  agent_updated: 'agent updated',
  agent_removed: 'agent removed',
  busy: 'busy',
  available: 'available',
  taken_back: 'taken back',
  unresponsive: 'unresponsive',
  responsive: 'heard from again',
  waiting_on_requester: 'waiting on the requester',
  requester_replied: 'requester replied, clock resumed',
  resumed: 'clock resumed',
};

/** The words for an audit action; an action not in the table reads with its underscores as spaces. */
export function actionWord(action: string): string {
  return ACTION_WORDS[action] ?? action.replace(/_/g, ' ');
}

/** `1 ticket`, `2 tickets`; `plural(3, 'held ticket')` → `3 held tickets`. */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : pluralForm}`;
}

const MENTION = /<@([UW][A-Z0-9]+)(?:\|[^<>]*)?>/g;

/**
 * Splits text into plain parts and `{ raw: '<@U…>' }` mentions of the users in `known` (people who
 * took part: the actor, the requester); any other `<@…>` stays plain text, to be escaped like the rest.
 */
export function mentionParts(text: string, known: Iterable<string>): Array<string | { raw: string }> {
  const ids = new Set(known);
  const parts: Array<string | { raw: string }> = [];
  let last = 0;
  for (const m of text.matchAll(MENTION)) {
    if (!ids.has(m[1]!)) continue;
    if (m.index > last) parts.push(text.slice(last, m.index));
    parts.push({ raw: `<@${m[1]}>` });
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

/** Text with `<@U…>` mentions replaced by `@name` where `names` knows the user; others are left as they are. */
export function namedMentions(text: string, names: ReadonlyMap<string, string> | undefined): string {
  if (!names) return text;
  return text.replace(MENTION, (whole, id: string) => (names.has(id) ? `@${names.get(id)}` : whole));
}
