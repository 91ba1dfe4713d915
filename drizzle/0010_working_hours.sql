ALTER TABLE "agents" ADD COLUMN "hours" text;--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "time_zone" text DEFAULT 'UTC' NOT NULL;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "awaiting_requester_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "clock_left_sec" integer;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "escalation_round" integer DEFAULT 0 NOT NULL;