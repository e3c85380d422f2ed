-- Completed orders that reached a milestone after its deadline but carry no breach flag yet: the flag
-- is raised as the milestone is recorded, so this holds only orders whose check had not run when the
-- platform stopped. The SLA check reads them with open orders, and the index stays near empty.
CREATE INDEX IF NOT EXISTS dispatch_work_orders_late_unflagged_idx
  ON dispatch_work_orders (created_at, number)
  WHERE status = 'completed' AND (
    (responded_at > respond_by AND NOT ('respond:breached' = ANY(sla_flags))) OR
    (arrived_at > arrive_by AND NOT ('arrive:breached' = ANY(sla_flags))) OR
    (resolved_at > resolve_by AND NOT ('resolve:breached' = ANY(sla_flags))));
