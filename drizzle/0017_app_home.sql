CREATE TABLE "home_users" (
	"user_id" text PRIMARY KEY NOT NULL,
	"opened_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "audit_events_escalations_idx" ON "audit_events" USING btree ("at") WHERE "audit_events"."action" in ('escalated', 'escalation_exhausted');--> statement-breakpoint
CREATE INDEX "outbox_unsent_idx" ON "outbox" USING btree ("destination","target") WHERE "outbox"."status" <> 'sent';--> statement-breakpoint
CREATE INDEX "tickets_requester_idx" ON "tickets" USING btree ("requester","created_at");--> statement-breakpoint
CREATE INDEX "tickets_created_idx" ON "tickets" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "tickets_resolved_idx" ON "tickets" USING btree ("resolved_at") WHERE "tickets"."resolved_at" is not null;