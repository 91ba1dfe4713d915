ALTER TABLE "agents" ADD COLUMN "ack_after_sec" integer;--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "heartbeat_sec" integer;--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "heartbeat_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "last_heard_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "unresponsive" text;--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "unresponsive_reason" text;--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "unresponsive_since" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "agents_heartbeat_idx" ON "agents" USING btree ("handle") WHERE "agents"."heartbeat_sec" is not null;--> statement-breakpoint
CREATE INDEX "tickets_unaccepted_idx" ON "tickets" USING btree ("assigned_at") WHERE "tickets"."status" = 'active' and "tickets"."accepted_at" is null;