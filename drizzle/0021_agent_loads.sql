CREATE TABLE "agent_loads" (
	"handle" text PRIMARY KEY NOT NULL,
	"active" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
-- Kept by the transaction that changes a ticket: a ticket becoming active for an agent adds one to its load,
-- one leaving it (resolved, waiting, handed over, taken back, deleted) takes one off.
CREATE OR REPLACE FUNCTION agent_loads_track() RETURNS trigger AS $$
BEGIN
  IF TG_OP <> 'INSERT' AND OLD.status = 'active' AND OLD.assignee IS NOT NULL THEN
    UPDATE agent_loads SET active = active - 1 WHERE handle = OLD.assignee;
  END IF;
  IF TG_OP <> 'DELETE' AND NEW.status = 'active' AND NEW.assignee IS NOT NULL THEN
    INSERT INTO agent_loads (handle, active) VALUES (NEW.assignee, 1)
      ON CONFLICT (handle) DO UPDATE SET active = agent_loads.active + 1;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER agent_loads_insert AFTER INSERT ON tickets
  FOR EACH ROW WHEN (NEW.status = 'active' AND NEW.assignee IS NOT NULL) EXECUTE FUNCTION agent_loads_track();
--> statement-breakpoint
CREATE TRIGGER agent_loads_update AFTER UPDATE OF status, assignee ON tickets
  FOR EACH ROW WHEN ((OLD.status = 'active') IS DISTINCT FROM (NEW.status = 'active')
                     OR (OLD.status = 'active' AND OLD.assignee IS DISTINCT FROM NEW.assignee))
  EXECUTE FUNCTION agent_loads_track();
--> statement-breakpoint
CREATE TRIGGER agent_loads_delete AFTER DELETE ON tickets
  FOR EACH ROW WHEN (OLD.status = 'active' AND OLD.assignee IS NOT NULL) EXECUTE FUNCTION agent_loads_track();
--> statement-breakpoint
INSERT INTO agent_loads (handle, active)
  SELECT assignee, count(*) FROM tickets WHERE status = 'active' AND assignee IS NOT NULL GROUP BY assignee;
