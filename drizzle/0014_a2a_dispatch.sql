CREATE TABLE "a2a_tasks" (
	"id" text PRIMARY KEY NOT NULL,
	"ticket_key" text NOT NULL,
	"agent" text NOT NULL,
	"task_id" text,
	"state" text DEFAULT 'submitted' NOT NULL,
	"status_at" text,
	"awaiting_input" boolean DEFAULT false NOT NULL,
	"push_token_hash" text,
	"done" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "a2a" jsonb;--> statement-breakpoint
CREATE INDEX "a2a_tasks_open_idx" ON "a2a_tasks" USING btree ("updated_at") WHERE not "a2a_tasks"."done";--> statement-breakpoint
CREATE INDEX "a2a_tasks_ticket_idx" ON "a2a_tasks" USING btree ("ticket_key");