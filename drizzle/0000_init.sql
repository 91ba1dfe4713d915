CREATE TABLE "agents" (
	"handle" text PRIMARY KEY NOT NULL,
	"skills" text[] NOT NULL,
	"channel" text NOT NULL,
	"slack_user" text,
	"capacity" integer DEFAULT 5 NOT NULL,
	"escalates_to" text,
	"busy" boolean DEFAULT false NOT NULL,
	"busy_until" timestamp with time zone,
	"busy_reason" text,
	"last_assigned_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"ticket_key" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"from_status" text,
	"to_status" text,
	"note" text,
	"data" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"ticket_key" text,
	"idempotency_key" text NOT NULL,
	"channel" text NOT NULL,
	"thread_ts" text,
	"thread_of_ticket" text,
	"thread_of" text,
	"records_home_of" text,
	"text" text NOT NULL,
	"blocks" jsonb,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"last_error" text,
	"sent_ts" text,
	"created_at" timestamp with time zone NOT NULL,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "processed_requests" (
	"key" text PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "schedule_runs" (
	"job" text NOT NULL,
	"slot" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "schedule_runs_job_slot_pk" PRIMARY KEY("job","slot")
);
--> statement-breakpoint
CREATE TABLE "settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ticket_sequences" (
	"year" integer PRIMARY KEY NOT NULL,
	"last" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tickets" (
	"key" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"title" text NOT NULL,
	"description" text NOT NULL,
	"priority" text NOT NULL,
	"priority_rank" integer NOT NULL,
	"status" text NOT NULL,
	"assignee" text,
	"requester" text,
	"context" jsonb NOT NULL,
	"escalate_after_sec" integer,
	"escalation_level" integer DEFAULT 0 NOT NULL,
	"escalated_to" text,
	"chain_exhausted" boolean DEFAULT false NOT NULL,
	"requires_handoff" text[] NOT NULL,
	"parent_key" text,
	"waiting_on" text,
	"follows" text,
	"pinned_agent" text,
	"hold_reason" text,
	"origin_channel" text,
	"origin_ts" text,
	"home_channel" text,
	"home_ts" text,
	"created_at" timestamp with time zone NOT NULL,
	"assigned_at" timestamp with time zone,
	"clock_started_at" timestamp with time zone,
	"escalate_due_at" timestamp with time zone,
	"resolved_at" timestamp with time zone,
	"resolution" text
);
--> statement-breakpoint
CREATE UNIQUE INDEX "agents_slack_user_key" ON "agents" USING btree ("slack_user");--> statement-breakpoint
CREATE INDEX "agents_busy_until_idx" ON "agents" USING btree ("busy_until") WHERE "agents"."busy_until" is not null;--> statement-breakpoint
CREATE INDEX "audit_events_ticket_idx" ON "audit_events" USING btree ("ticket_key","id");--> statement-breakpoint
CREATE UNIQUE INDEX "outbox_idempotency_key" ON "outbox" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "outbox_pending_idx" ON "outbox" USING btree ("next_attempt_at","id") WHERE "outbox"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "outbox_ticket_pending_idx" ON "outbox" USING btree ("ticket_key","id") WHERE "outbox"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "tickets_escalate_due_idx" ON "tickets" USING btree ("escalate_due_at") WHERE "tickets"."escalate_due_at" is not null;--> statement-breakpoint
CREATE INDEX "tickets_intake_idx" ON "tickets" USING btree ("priority_rank","created_at") WHERE "tickets"."status" = 'intake';--> statement-breakpoint
CREATE INDEX "tickets_assignee_open_idx" ON "tickets" USING btree ("assignee") WHERE "tickets"."status" = 'active';--> statement-breakpoint
CREATE INDEX "tickets_customer_open_idx" ON "tickets" USING btree (("context"->>'customer')) WHERE "tickets"."status" <> 'completed';--> statement-breakpoint
CREATE INDEX "tickets_origin_idx" ON "tickets" USING btree ("origin_channel","origin_ts");--> statement-breakpoint
CREATE INDEX "tickets_home_idx" ON "tickets" USING btree ("home_channel","home_ts");--> statement-breakpoint
CREATE INDEX "tickets_parent_idx" ON "tickets" USING btree ("parent_key");