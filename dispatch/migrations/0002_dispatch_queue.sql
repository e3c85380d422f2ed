-- The queue as auto-dispatch retries and batch optimisation read it: waiting orders, most urgent first.
CREATE INDEX IF NOT EXISTS dispatch_work_orders_queue_idx
  ON dispatch_work_orders (arrive_by, created_at, number) WHERE status = 'new';
