ALTER TABLE "outbox" ADD COLUMN "destination" text DEFAULT 'slack' NOT NULL;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "target" text;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "payload" jsonb;