// The database schema. drizzle-kit generates the SQL migrations in drizzle/ from this file.
import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

import type { A2aLink } from '../core/types.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const agents = pgTable('agents', {
  handle: text('handle').primaryKey(),
  skills: text('skills').array().notNull(),
  channel: text('channel').notNull(),
  slackUser: text('slack_user'),
  capacity: integer('capacity').notNull().default(5),
  escalatesTo: text('escalates_to'),
  busy: boolean('busy').notNull().default(false),
  busyUntil: ts('busy_until'),
  busyReason: text('busy_reason'),
  lastAssignedAt: ts('last_assigned_at'),
  createdAt: ts('created_at').notNull(),
  /** `ack:` — an assignment not accepted within this many seconds is taken back. */
  ackAfterSec: integer('ack_after_sec'),
  /** When `ack:` was set: assignments made before it have until then plus the period. */
  ackSince: ts('ack_since'),
  /** `heartbeat:` — an agent not heard from for this many seconds gets no new work; after twice that its tickets are taken back. */
  heartbeatSec: integer('heartbeat_sec'),
  /** When `heartbeat:` was set: the silence clock starts here, or at `last_heard_at` if later. */
  heartbeatSince: ts('heartbeat_since'),
  /** The last authenticated API or MCP call, heartbeat, or Slack action by the agent's user. */
  lastHeardAt: ts('last_heard_at'),
  /** Why it gets no work until heard from: 'unacknowledged' or 'silent'; null when responsive. */
  unresponsive: text('unresponsive'),
  unresponsiveReason: text('unresponsive_reason'),
  unresponsiveSince: ts('unresponsive_since'),
  hours: text('hours'),
  timeZone: text('time_zone').notNull().default('UTC'),
  /** The A2A agent it is (`a2a:URL`): the card's URL, name and skills as read when it was set. */
  a2a: jsonb('a2a').$type<A2aLink>(),
}, (t) => [
  uniqueIndex('agents_slack_user_key').on(t.slackUser),
  index('agents_busy_until_idx').on(t.busyUntil).where(sql`${t.busyUntil} is not null`),
  // The sweep reads only the agents with a heartbeat set.
  index('agents_heartbeat_idx').on(t.handle).where(sql`${t.heartbeatSec} is not null`),
]);

/**
 * Each agent's active tickets, counted: kept by triggers on `tickets` (drizzle/0021_agent_loads.sql) in the
 * transaction that changes a ticket, so it always equals `count(*)` of its active tickets. Routing reads loads
 * here (one row per agent, not a count over its tickets) and locks only the `agents` row it chooses; this table
 * is apart from `agents` so that a ticket changing hands never takes the agents' row locks routing waits on.
 */
export const agentLoads = pgTable('agent_loads', {
  handle: text('handle').primaryKey(),
  active: integer('active').notNull().default(0),
});

export const tickets = pgTable('tickets', {
  key: text('key').primaryKey(),
  type: text('type').notNull(),
  title: text('title').notNull(),
  description: text('description').notNull(),
  priority: text('priority').notNull(),
  priorityRank: integer('priority_rank').notNull(),
  status: text('status').notNull(),
  assignee: text('assignee'),
  requester: text('requester'),
  context: jsonb('context').$type<Record<string, string>>().notNull(),
  escalateAfterSec: integer('escalate_after_sec'),
  escalationLevel: integer('escalation_level').notNull().default(0),
  /** Last agent of the chain pinged; the next escalation goes past it. */
  escalatedTo: text('escalated_to'),
  /** The chain ran out and managers were told; the sweep leaves the ticket alone until it changes hands. */
  chainExhausted: boolean('chain_exhausted').notNull().default(false),
  requiresHandoff: text('requires_handoff').array().notNull(),
  parentKey: text('parent_key'),
  waitingOn: text('waiting_on'),
  follows: text('follows'),
  pinnedAgent: text('pinned_agent'),
  holdReason: text('hold_reason'),
  originChannel: text('origin_channel'),
  originTs: text('origin_ts'),
  homeChannel: text('home_channel'),
  homeTs: text('home_ts'),
  createdAt: ts('created_at').notNull(),
  assignedAt: ts('assigned_at'),
  clockStartedAt: ts('clock_started_at'),
  escalateDueAt: ts('escalate_due_at'),
  resolvedAt: ts('resolved_at'),
  resolution: text('resolution'),
  /** When the assignee accepted it, and who (a Slack user ID or `agent:<handle>`); cleared when it changes hands. */
  acceptedAt: ts('accepted_at'),
  acceptedBy: text('accepted_by'),
  /** The ticket's one message in ESCALATIONS_CHANNEL: later levels reply under it and edit it. */
  managersChannel: text('managers_channel'),
  managersTs: text('managers_ts'),
  /** The idempotency key of that message (its own, or the summary it is a line of): later steps edit it. */
  managersKey: text('managers_key'),
  /** The handoff packet the child carries (summary, done, open questions, acceptance criteria, links). */
  packet: jsonb('packet').$type<Record<string, unknown>>(),
  /** Agents that declined this ticket: routing never offers it to them again. */
  declinedBy: text('declined_by').array().notNull().default(sql`'{}'::text[]`),
  /** Since when it waits on its requester's answer; its escalation clock is stopped. */
  awaitingRequesterSince: ts('awaiting_requester_since'),
  /** Working seconds its clock had left when it stopped for the requester. */
  clockLeftSec: integer('clock_left_sec'),
  /** How many times its chain was started again (ESCALATION_REPEAT). */
  escalationRound: integer('escalation_round').notNull().default(0),
  /** The filer's duplicate key (`dedup:`): while this ticket is open, filing with the same key creates nothing. */
  dedupKey: text('dedup_key'),
}, (t) => [
  // One open ticket per duplicate key, however many copies file it at once.
  uniqueIndex('tickets_dedup_open_key').on(t.dedupKey).where(sql`${t.dedupKey} is not null and ${t.status} <> 'completed'`),
  // The sweep reads only this partial index: its size follows the active, non-waiting tickets.
  index('tickets_escalate_due_idx').on(t.escalateDueAt).where(sql`${t.escalateDueAt} is not null`),
  // Intake queue in the order it is served: most urgent, then oldest.
  index('tickets_intake_idx').on(t.priorityRank, t.createdAt).where(sql`${t.status} = 'intake'`),
  // The acknowledgement sweep reads only assigned tickets not yet accepted.
  index('tickets_unaccepted_idx').on(t.assignedAt).where(sql`${t.status} = 'active' and ${t.acceptedAt} is null`),
  index('tickets_assignee_open_idx').on(t.assignee).where(sql`${t.status} = 'active'`),
  index('tickets_customer_open_idx').on(sql`(${t.context}->>'customer')`).where(sql`${t.status} <> 'completed'`),
  index('tickets_origin_idx').on(t.originChannel, t.originTs),
  // One ticket per Slack message: a message filed twice (two :ticket: reactions, a retried event) stays one ticket.
  uniqueIndex('tickets_origin_key').on(t.originChannel, t.originTs).where(sql`${t.originTs} is not null`),
  index('tickets_home_idx').on(t.homeChannel, t.homeTs),
  index('tickets_parent_idx').on(t.parentKey),
  index('tickets_managers_key_idx').on(t.managersKey).where(sql`${t.managersKey} is not null`),
  // App Home: what a user filed, and the figures of the last days (filed and resolved per day).
  index('tickets_requester_idx').on(t.requester, t.createdAt),
  index('tickets_created_idx').on(t.createdAt),
  index('tickets_resolved_idx').on(t.resolvedAt).where(sql`${t.resolvedAt} is not null`),
]);

export const auditEvents = pgTable('audit_events', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  ticketKey: text('ticket_key').notNull(),
  at: ts('at').notNull(),
  actor: text('actor').notNull(),
  action: text('action').notNull(),
  fromStatus: text('from_status'),
  toStatus: text('to_status'),
  note: text('note'),
  data: jsonb('data').$type<Record<string, unknown>>().notNull(),
}, (t) => [
  index('audit_events_ticket_idx').on(t.ticketKey, t.id),
  // App Home's escalations today and in the last 7 days.
  index('audit_events_escalations_idx').on(t.at).where(sql`${t.action} in ('escalated', 'escalation_exhausted')`),
]);

export const outbox = pgTable('outbox', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  /** Messages of one ticket are delivered in id order. */
  ticketKey: text('ticket_key'),
  idempotencyKey: text('idempotency_key').notNull(),
  channel: text('channel').notNull(),
  /** Reply under a known message. */
  threadTs: text('thread_ts'),
  /** Reply under a ticket's home or origin message, resolved at delivery time. */
  threadOfTicket: text('thread_of_ticket'),
  threadOf: text('thread_of'),
  /** When delivered, the message's ts becomes this ticket's home message. */
  recordsHomeOf: text('records_home_of'),
  /** When delivered, the message's ts becomes this ticket's message in the escalations channel. */
  recordsManagersOf: text('records_managers_of'),
  /** Edit the message sent for this idempotency key (chat.update) instead of posting a new one. */
  updatesKey: text('updates_key'),
  text: text('text').notNull(),
  blocks: jsonb('blocks'),
  /** Which destination delivers the row: 'slack' (the default), 'webhook', … */
  destination: text('destination').notNull().default('slack'),
  /** For a destination other than Slack: whom it goes to (an agent's handle). */
  target: text('target'),
  /** For a destination other than Slack: what it sends (a webhook's event body). */
  payload: jsonb('payload'),
  status: text('status').notNull().default('pending'),
  /** The delivery instance (delivery_instances.id) sending the row now; null when no one holds it. */
  claimedBy: text('claimed_by'),
  attempts: integer('attempts').notNull().default(0),
  nextAttemptAt: ts('next_attempt_at').notNull(),
  lastError: text('last_error'),
  sentTs: text('sent_ts'),
  /** Where Slack put it (a DM's channel differs from the user ID it was sent to). */
  sentChannel: text('sent_channel'),
  createdAt: ts('created_at').notNull(),
  sentAt: ts('sent_at'),
}, (t) => [
  uniqueIndex('outbox_idempotency_key').on(t.idempotencyKey),
  index('outbox_pending_idx').on(t.nextAttemptAt, t.id).where(sql`${t.status} = 'pending'`),
  index('outbox_ticket_pending_idx').on(t.ticketKey, t.id).where(sql`${t.status} = 'pending'`),
  // Retention reads delivered rows oldest first.
  index('outbox_sent_at_idx').on(t.sentAt).where(sql`${t.status} = 'sent'`),
  // A requester's reply in the thread of a question Baton sent them by DM finds its ticket.
  index('outbox_question_idx').on(t.sentChannel, t.sentTs).where(sql`${t.idempotencyKey} like '%:question'`),
  // App Home's A2A health: each A2A agent's undelivered rows (only A2A rows are in it).
  index('outbox_a2a_unsent_idx').on(t.target).where(sql`${t.destination} = 'a2a' and ${t.status} <> 'sent'`),
  index('outbox_claimed_idx').on(t.claimedBy).where(sql`${t.status} = 'pending' and ${t.claimedBy} is not null`),
]);

/**
 * The running delivery loops (one per Baton process), each with a heartbeat: rows claimed by an
 * instance whose heartbeat stopped are handed to the living without waiting for their lease.
 */
export const deliveryInstances = pgTable('delivery_instances', {
  id: text('id').primaryKey(),
  /** Host and port: a process restarted on the same ones knows its predecessor is gone. */
  name: text('name').notNull(),
  startedAt: ts('started_at').notNull(),
  heartbeatAt: ts('heartbeat_at').notNull(),
});

/** Users who opened Baton's Home tab: when something it shows changes, their Home is published again. */
export const homeUsers = pgTable('home_users', {
  userId: text('user_id').primaryKey(),
  openedAt: ts('opened_at').notNull(),
});

export const processedRequests = pgTable('processed_requests', {
  key: text('key').primaryKey(),
  at: ts('at').notNull(),
}, (t) => [index('processed_requests_at_idx').on(t.at)]);

/** API tokens: only a hash is kept; one live token per agent (a new one replaces the old). */
export const agentTokens = pgTable('agent_tokens', {
  handle: text('handle').primaryKey(),
  tokenHash: text('token_hash').notNull(),
  createdAt: ts('created_at').notNull(),
  createdBy: text('created_by').notNull(),
}, (t) => [uniqueIndex('agent_tokens_hash_key').on(t.tokenHash)]);

/** What the answer to an API request shows: the ticket it acted on or created; `duplicate`: a filing that found an open one. */
export interface AnswerSubject {
  ticket: string;
  duplicate?: boolean;
}

/**
 * Answers to API requests sent with an Idempotency-Key: a repeat gets what the first got. The row is written
 * pending (no status) in the request's own transaction, and completed with the answer after it commits.
 */
export const apiIdempotency = pgTable('api_idempotency', {
  handle: text('handle').notNull(),
  key: text('key').notNull(),
  /** Method, path and a hash of the body: the same key with another request is refused. */
  fingerprint: text('fingerprint').notNull(),
  /** Null while the answer is pending: the request acted, its answer is not stored yet. */
  status: integer('status'),
  body: jsonb('body'),
  /** What the answer shows (null: no ticket): a repeat rebuilds the answer from it when the first never stored it. */
  subject: jsonb('subject').$type<AnswerSubject>(),
  at: ts('at').notNull(),
}, (t) => [primaryKey({ columns: [t.handle, t.key] }), index('api_idempotency_at_idx').on(t.at)]);

/** Per-token call budgets of the API and MCP (a token bucket per agent), shared by every copy of Baton. */
export const apiRateBuckets = pgTable('api_rate_buckets', {
  handle: text('handle').primaryKey(),
  /** Calls left at `at`; refilled at the configured rate up to the burst. */
  tokens: doublePrecision('tokens').notNull(),
  at: ts('at').notNull(),
});

export const ticketSequences = pgTable('ticket_sequences', {
  year: integer('year').primaryKey(),
  last: integer('last').notNull(),
});

export const scheduleRuns = pgTable('schedule_runs', {
  job: text('job').notNull(),
  slot: text('slot').notNull(),
  at: ts('at').notNull(),
}, (t) => [primaryKey({ columns: [t.job, t.slot] }), index('schedule_runs_at_idx').on(t.at)]);

/**
 * An agent's webhook: where Baton POSTs its events, the signing secret (sealed: see app/webhookSecret.ts) and
 * how the last delivery went (a failing webhook shows in `/agent list` and `/healthz`).
 */
export const agentWebhooks = pgTable('agent_webhooks', {
  handle: text('handle').primaryKey().references(() => agents.handle, { onDelete: 'cascade' }),
  url: text('url').notNull(),
  secret: text('secret').notNull(),
  createdAt: ts('created_at').notNull(),
  createdBy: text('created_by').notNull(),
  /** The last failed delivery's error, when; `gaveUp`: refused for good (not retried). Cleared by a success. */
  lastError: text('last_error'),
  lastErrorAt: ts('last_error_at'),
  gaveUp: boolean('gave_up').notNull().default(false),
});

/**
 * A ticket sent to an A2A agent: the task it became, the last state Baton acted on, and the hash of the
 * token the agent's push notifications must carry. One row per assignment to an A2A agent.
 */
export const a2aTasks = pgTable('a2a_tasks', {
  id: text('id').primaryKey(),
  ticketKey: text('ticket_key').notNull(),
  agent: text('agent').notNull(),
  /** The agent's task id, once the message was delivered. */
  taskId: text('task_id'),
  /** The last task state Baton acted on (`submitted` until then). */
  state: text('state').notNull().default('submitted'),
  /** When the agent set the state Baton last acted on (its status timestamp): older news is ignored. */
  statusAt: text('status_at'),
  /** The agent asked a question: the next person's reply in the home thread goes back to the task. */
  awaitingInput: boolean('awaiting_input').notNull().default(false),
  /** SHA-256 of the push token (hex); null when push notifications are not used. */
  pushTokenHash: text('push_token_hash'),
  /** No longer followed: finished, or the ticket left the agent. */
  done: boolean('done').notNull().default(false),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
}, (t) => [
  index('a2a_tasks_open_idx').on(t.updatedAt).where(sql`not ${t.done}`),
  index('a2a_tasks_ticket_idx').on(t.ticketKey),
]);
