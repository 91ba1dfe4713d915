// Domain types shared by every layer. Pure data: no Slack, database or clock here.

export const PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const STATUSES = ['intake', 'active', 'completed'] as const;
export type TicketStatus = (typeof STATUSES)[number];

/** A Slack message reference: channel ID and message timestamp. */
export interface MessageRef {
  channel: string;
  ts: string;
}

export interface Agent {
  handle: string;
  skills: string[];
  channel: string;
  /** The Slack user (bot or person) who is this agent. */
  user: string | null;
  capacity: number;
  escalatesTo: string | null;
  busy: boolean;
  busyUntil: Date | null;
  busyReason: string | null;
  lastAssignedAt: Date | null;
  createdAt: Date;
  /** `ack:` in seconds: an assignment not accepted within it is taken back; null: no limit. */
  ackAfterSec: number | null;
  /** When `ack:` was set: an assignment made before it is timed from then. */
  ackSince: Date | null;
  /** `heartbeat:` in seconds: silent this long, no new work; twice this long, its tickets are taken back. */
  heartbeatSec: number | null;
  /** When `heartbeat:` was set (the silence clock starts here, or at `lastHeardAt` if later). */
  heartbeatSince: Date | null;
  /** Last heard from: an authenticated API or MCP call, a heartbeat, an action in Slack by its user. */
  lastHeardAt: Date | null;
  /** Unavailable until heard from: it did not acknowledge a ticket in time, or went silent. */
  unresponsive: Unresponsive | null;
  /** Why, as shown: `did not acknowledge T-2026-001 within 2m`, `silent since 10:42 UTC`. */
  unresponsiveReason: string | null;
  unresponsiveSince: Date | null;
  /** Working hours as written back by `formatHours` (`Mon-Fri 09:00-17:30`); null: always. */
  hours: string | null;
  /** IANA zone of its hours and of the times shown for it. */
  timeZone: string;
  /** The A2A agent it is, when set with `a2a:URL`. */
  a2a?: A2aLink | null;
}

/** What Baton keeps of an A2A agent's card: where it was read, its name and skills, and the card itself. */
export interface A2aLink {
  url: string;
  name: string;
  skills: string[];
  card: unknown;
}

export const UNRESPONSIVE = ['unacknowledged', 'silent'] as const;
export type Unresponsive = (typeof UNRESPONSIVE)[number];

export interface Ticket {
  key: string;
  type: string;
  title: string;
  description: string;
  priority: Priority;
  status: TicketStatus;
  assignee: string | null;
  /** Slack user ID of whoever filed it. */
  requester: string | null;
  context: Record<string, string>;
  /** Explicit escalation threshold in seconds (`escalate:`); null means by priority. */
  escalateAfterSec: number | null;
  escalationLevel: number;
  /** Last agent of the chain pinged; the next escalation goes past it. */
  escalatedTo: string | null;
  /** The chain ran out and managers were told once. */
  chainExhausted: boolean;
  requiresHandoff: string[];
  parentKey: string | null;
  /** Key of the child (handoff) ticket this one waits on; its escalation clock is stopped. */
  waitingOn: string | null;
  follows: string | null;
  /** Agent asked for with `assign:`; the ticket waits for it. */
  pinnedAgent: string | null;
  /** Why it waits in intake. */
  holdReason: string | null;
  origin: MessageRef | null;
  home: MessageRef | null;
  createdAt: Date;
  assignedAt: Date | null;
  /** When the escalation clock (re)started: assignment, escalation, or the child resolving. */
  clockStartedAt: Date | null;
  /** When the sweep should escalate it; null when not active or waiting on a child. */
  escalateDueAt: Date | null;
  resolvedAt: Date | null;
  resolution: string | null;
  /** When its assignee accepted it, and who; null until then and again when it changes hands. */
  acceptedAt: Date | null;
  acceptedBy: string | null;
  /** Its one message in the escalations channel, once the first escalation notice is delivered. */
  managers: MessageRef | null;
  /** The idempotency key of that message (its own, or a summary listing it), set when it is written. */
  managersKey: string | null;
  /** The handoff packet a child ticket carries. */
  packet: HandoffPacket | null;
  /** Agents that declined it: routing never offers it to them again. */
  declinedBy: string[];
  /** The filer's duplicate key (`dedup:`), unique among open tickets. */
  dedupKey: string | null;
  /** Since when it waits on its requester's answer (`/ticket wait`): its escalation clock is stopped. */
  awaitingRequesterSince: Date | null;
  /** Working seconds its clock had left when it stopped for the requester; the clock resumes with them. */
  clockLeftSec: number | null;
  /** How many times the chain was started again from its first step (`ESCALATION_REPEAT`). */
  escalationRound: number;
}

/** What an agent hands over with a ticket: enough for the next one to start without asking. */
export interface HandoffPacket {
  summary?: string;
  done?: string[];
  open_questions?: string[];
  acceptance_criteria?: string[];
  links?: string[];
}

export interface AuditEvent {
  id: number;
  ticketKey: string;
  at: Date;
  /** `baton`, a Slack user ID, or `agent:<handle>`. */
  actor: string;
  action: string;
  fromStatus: TicketStatus | null;
  toStatus: TicketStatus | null;
  note: string | null;
  data: Record<string, unknown>;
}

export const PRIORITY_RANK: Record<Priority, number> = { urgent: 0, high: 1, normal: 2, low: 3 };

/** Default escalation thresholds by priority, in seconds. */
const DEFAULT_THRESHOLD_SEC: Record<Priority, number> = {
  urgent: 15 * 60,
  high: 30 * 60,
  normal: 4 * 3600,
  low: 24 * 3600,
};

export function thresholdSec(t: Pick<Ticket, 'priority' | 'escalateAfterSec'>): number {
  return t.escalateAfterSec ?? DEFAULT_THRESHOLD_SEC[t.priority];
}

/** Limits on user-supplied values. */
export const LIMITS = {
  title: 200,
  description: 4000,
  note: 2000,
  contextKey: 40,
  contextValue: 200,
  contextEntries: 20,
  handle: 32,
  type: 40,
  reason: 200,
  skills: 20,
  capacity: 100_000,
  dedupKey: 200,
  webhookUrl: 2000,
} as const;

/** A handoff packet's limits: the summary, each list (items and item length), the links. */
export const PACKET_LIMITS = { summary: 2000, items: 20, item: 500, links: 10, link: 2000 } as const;
