-- Service stations (服务网点): where engineers are based; org_id names the organisation whose staff
-- (users with role org_staff and that org_id) run the station and hand its orders to its engineers.
CREATE TABLE IF NOT EXISTS dispatch_stations (
  id uuid PRIMARY KEY,
  code text NOT NULL UNIQUE,
  name text NOT NULL,
  org_id text,
  lat double precision NOT NULL,
  lng double precision NOT NULL,
  address text NOT NULL DEFAULT '',
  timezone text NOT NULL DEFAULT 'UTC',
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS dispatch_engineers (
  id uuid PRIMARY KEY,
  user_id uuid UNIQUE REFERENCES users (id) ON DELETE SET NULL,
  name text NOT NULL,
  phone text,
  station_id uuid REFERENCES dispatch_stations (id) ON DELETE SET NULL,
  skills jsonb NOT NULL DEFAULT '{}'::jsonb,
  territory jsonb,
  home_lat double precision,
  home_lng double precision,
  shifts jsonb NOT NULL DEFAULT '[]'::jsonb,
  timezone text NOT NULL DEFAULT 'UTC',
  status text NOT NULL DEFAULT 'off' CHECK (status IN ('off', 'available', 'busy', 'on_break')),
  lat double precision,
  lng double precision,
  position_at timestamptz,
  van_stock jsonb NOT NULL DEFAULT '{}'::jsonb,
  max_distance_km double precision CHECK (max_distance_km > 0),
  -- The one order the engineer is working on; the conditional UPDATE that sets it is the assignment
  -- lock (two supervisors racing for one engineer: the second finds it set and gets 409).
  active_order_id uuid,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK ((home_lat IS NULL) = (home_lng IS NULL)),
  CHECK ((lat IS NULL) = (lng IS NULL)),
  CHECK (status <> 'busy' OR active_order_id IS NOT NULL)
);

CREATE UNIQUE INDEX IF NOT EXISTS dispatch_engineers_active_order_uq
  ON dispatch_engineers (active_order_id) WHERE active_order_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS dispatch_engineers_station_idx ON dispatch_engineers (station_id);

CREATE TABLE IF NOT EXISTS dispatch_work_orders (
  id uuid PRIMARY KEY,
  number bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  source text NOT NULL CHECK (source IN ('customer', 'agent', 'alert')),
  -- No foreign key: devices belong to the gateway module, reached through the DeviceDirectory port.
  device_id uuid,
  alert_id text UNIQUE,
  customer jsonb NOT NULL DEFAULT '{}'::jsonb,
  contract text NOT NULL DEFAULT 'standard',
  lat double precision,
  lng double precision,
  priority text NOT NULL CHECK (priority IN ('low', 'medium', 'high', 'critical')),
  problem text NOT NULL,
  required_skills jsonb NOT NULL DEFAULT '[]'::jsonb,
  required_parts text[] NOT NULL DEFAULT '{}',
  window_start timestamptz,
  window_end timestamptz,
  preferred_engineer_id uuid,
  station_id uuid REFERENCES dispatch_stations (id) ON DELETE SET NULL,
  status text NOT NULL CHECK (status IN ('new', 'assigned', 'accepted', 'en_route', 'on_site', 'completed', 'cancelled')),
  engineer_id uuid REFERENCES dispatch_engineers (id),
  rejected_by uuid[] NOT NULL DEFAULT '{}',
  tracking_token text NOT NULL UNIQUE,
  auto_dispatch boolean NOT NULL DEFAULT false,
  respond_by timestamptz NOT NULL,
  arrive_by timestamptz NOT NULL,
  resolve_by timestamptz NOT NULL,
  assigned_at timestamptz,
  responded_at timestamptz,
  arrived_at timestamptz,
  resolved_at timestamptz,
  cancelled_at timestamptz,
  -- '<deadline>:at_risk' / '<deadline>:breached', each set once (the SLA checker's idempotence).
  sla_flags text[] NOT NULL DEFAULT '{}',
  completion_notes text,
  parts_used text[] NOT NULL DEFAULT '{}',
  created_by uuid,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK ((lat IS NULL) = (lng IS NULL)),
  CHECK (status <> 'new' OR engineer_id IS NULL),
  CHECK (status NOT IN ('assigned', 'accepted', 'en_route', 'on_site') OR engineer_id IS NOT NULL),
  CHECK (window_end IS NULL OR window_start IS NULL OR window_end > window_start)
);

-- Second guard for "one active order per engineer", whatever path writes the table.
CREATE UNIQUE INDEX IF NOT EXISTS dispatch_work_orders_engineer_active_uq
  ON dispatch_work_orders (engineer_id) WHERE status IN ('assigned', 'accepted', 'en_route', 'on_site');
CREATE INDEX IF NOT EXISTS dispatch_work_orders_open_idx
  ON dispatch_work_orders (status, created_at) WHERE status NOT IN ('completed', 'cancelled');
CREATE INDEX IF NOT EXISTS dispatch_work_orders_device_idx ON dispatch_work_orders (device_id);

-- The audit timeline: every transition, who made it and when.
CREATE TABLE IF NOT EXISTS dispatch_work_order_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  work_order_id uuid NOT NULL REFERENCES dispatch_work_orders (id) ON DELETE CASCADE,
  at timestamptz NOT NULL,
  kind text NOT NULL,
  from_status text,
  to_status text,
  engineer_id uuid,
  actor_user_id uuid,
  actor_name text NOT NULL,
  actor_role text NOT NULL,
  details jsonb NOT NULL DEFAULT '{}'::jsonb
);

CREATE INDEX IF NOT EXISTS dispatch_work_order_events_order_idx ON dispatch_work_order_events (work_order_id, id);
CREATE INDEX IF NOT EXISTS dispatch_work_order_events_assigned_idx ON dispatch_work_order_events (engineer_id, at) WHERE kind = 'assigned';

CREATE TABLE IF NOT EXISTS dispatch_sla_policies (
  contract text NOT NULL,
  priority text NOT NULL CHECK (priority IN ('low', 'medium', 'high', 'critical')),
  respond_minutes integer NOT NULL CHECK (respond_minutes > 0),
  arrive_minutes integer NOT NULL CHECK (arrive_minutes > 0),
  resolve_minutes integer NOT NULL CHECK (resolve_minutes > 0),
  PRIMARY KEY (contract, priority)
);

INSERT INTO dispatch_sla_policies (contract, priority, respond_minutes, arrive_minutes, resolve_minutes) VALUES
  ('standard', 'critical', 15, 60, 240),
  ('standard', 'high', 30, 120, 480),
  ('standard', 'medium', 60, 240, 1440),
  ('standard', 'low', 240, 480, 2880),
  ('premium', 'critical', 10, 45, 180),
  ('premium', 'high', 20, 90, 360),
  ('premium', 'medium', 45, 180, 720),
  ('premium', 'low', 120, 360, 1440)
ON CONFLICT DO NOTHING;

-- Which new orders the engine assigns by itself (otherwise a supervisor chooses).
CREATE TABLE IF NOT EXISTS dispatch_auto_dispatch (
  source text NOT NULL CHECK (source IN ('customer', 'agent', 'alert')),
  priority text NOT NULL CHECK (priority IN ('low', 'medium', 'high', 'critical')),
  enabled boolean NOT NULL,
  PRIMARY KEY (source, priority)
);

INSERT INTO dispatch_auto_dispatch (source, priority, enabled) VALUES
  ('alert', 'low', true), ('alert', 'medium', true), ('alert', 'high', true), ('alert', 'critical', true),
  ('customer', 'low', false), ('customer', 'medium', false), ('customer', 'high', false), ('customer', 'critical', true),
  ('agent', 'low', false), ('agent', 'medium', false), ('agent', 'high', false), ('agent', 'critical', true)
ON CONFLICT DO NOTHING;
