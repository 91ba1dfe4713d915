CREATE INDEX "api_idempotency_at_idx" ON "api_idempotency" USING btree ("at");--> statement-breakpoint
CREATE INDEX "outbox_sent_at_idx" ON "outbox" USING btree ("sent_at") WHERE "outbox"."status" = 'sent';--> statement-breakpoint
CREATE INDEX "processed_requests_at_idx" ON "processed_requests" USING btree ("at");--> statement-breakpoint
CREATE INDEX "schedule_runs_at_idx" ON "schedule_runs" USING btree ("at");