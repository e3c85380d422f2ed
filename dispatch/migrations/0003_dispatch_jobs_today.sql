-- Jobs per engineer today read the timeline's assign, reject and unassign entries (the kinds are the
-- transitions' names); the index made for this named a kind the timeline never writes.
DROP INDEX IF EXISTS dispatch_work_order_events_assigned_idx;
CREATE INDEX IF NOT EXISTS dispatch_work_order_events_jobs_idx
  ON dispatch_work_order_events (engineer_id, at) WHERE kind IN ('assign', 'reject', 'unassign');
