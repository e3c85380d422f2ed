-- An offer left unanswered is taken back (timeline kind `expire`), which hands the job back like a
-- reject: jobs per engineer today read it too, so the partial index covers it.
DROP INDEX IF EXISTS dispatch_work_order_events_jobs_idx;
CREATE INDEX IF NOT EXISTS dispatch_work_order_events_jobs_idx
  ON dispatch_work_order_events (engineer_id, at) WHERE kind IN ('assign', 'reject', 'unassign', 'expire');
-- Finding offers still waiting for an answer.
CREATE INDEX IF NOT EXISTS dispatch_work_orders_offered_idx
  ON dispatch_work_orders (assigned_at) WHERE status = 'assigned';
