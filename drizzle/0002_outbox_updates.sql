ALTER TABLE "outbox" ADD COLUMN "updates_key" text;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "sent_channel" text;