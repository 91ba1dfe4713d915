ALTER TABLE "api_idempotency" ALTER COLUMN "status" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "api_idempotency" ADD COLUMN "subject" jsonb;