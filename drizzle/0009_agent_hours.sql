ALTER TABLE "agents" ADD COLUMN "hours" text;--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "time_zone" text DEFAULT 'UTC' NOT NULL;