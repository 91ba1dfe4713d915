CREATE TABLE "agent_webhooks" (
	"handle" text PRIMARY KEY NOT NULL,
	"url" text NOT NULL,
	"secret" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"created_by" text NOT NULL,
	"last_error" text,
	"last_error_at" timestamp with time zone,
	"gave_up" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
ALTER TABLE "agent_webhooks" ADD CONSTRAINT "agent_webhooks_handle_agents_handle_fk" FOREIGN KEY ("handle") REFERENCES "public"."agents"("handle") ON DELETE cascade ON UPDATE no action;