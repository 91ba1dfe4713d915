DROP INDEX "outbox_unsent_idx";--> statement-breakpoint
CREATE INDEX "outbox_a2a_unsent_idx" ON "outbox" USING btree ("target") WHERE "outbox"."destination" = 'a2a' and "outbox"."status" <> 'sent';