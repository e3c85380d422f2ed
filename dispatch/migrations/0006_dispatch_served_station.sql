-- The station whose engineer took the order, kept after it is done: station staff see their past work
-- by it, not by where that engineer works today (a transfer must not move a station's history, with
-- its customers' contacts, to another station). Orders taken before this column existed: their
-- engineer's station now, the best that is known.
ALTER TABLE dispatch_work_orders ADD COLUMN IF NOT EXISTS served_station_id uuid REFERENCES dispatch_stations (id) ON DELETE SET NULL;
UPDATE dispatch_work_orders o SET served_station_id = e.station_id
  FROM dispatch_engineers e WHERE o.engineer_id = e.id AND o.served_station_id IS NULL;
CREATE INDEX IF NOT EXISTS dispatch_work_orders_served_station_idx ON dispatch_work_orders (served_station_id) WHERE served_station_id IS NOT NULL;
