CREATE TABLE "agent_tokens" (
	"handle" text PRIMARY KEY NOT NULL,
	"token_hash" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"created_by" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "api_idempotency" (
	"handle" text NOT NULL,
	"key" text NOT NULL,
	"fingerprint" text NOT NULL,
	"status" integer NOT NULL,
	"body" jsonb,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "api_idempotency_handle_key_pk" PRIMARY KEY("handle","key")
);
--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "records_managers_of" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "accepted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "accepted_by" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "managers_channel" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "managers_ts" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "packet" jsonb;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "declined_by" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "agent_tokens_hash_key" ON "agent_tokens" USING btree ("token_hash");