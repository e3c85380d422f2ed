-- Device models: metrics, rules and fault-code catalogue as one validated JSON document per model.
CREATE TABLE IF NOT EXISTS insight_device_models (
  id text PRIMARY KEY,
  definition jsonb NOT NULL,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by text
);

-- Alerts. The partial unique index is the deduplication rule itself: one open alert per device × cause.
CREATE TABLE IF NOT EXISTS insight_alerts (
  id uuid PRIMARY KEY,
  device_id uuid NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('threshold', 'anomaly', 'rul', 'fault_code', 'offline')),
  cause text NOT NULL,
  severity text NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
  metric text,
  status text NOT NULL CHECK (status IN ('raised', 'acknowledged', 'cleared')),
  raised_at timestamptz NOT NULL,
  acknowledged_at timestamptz,
  acknowledged_by text,
  cleared_at timestamptz,
  cleared_by text,
  clear_reason text,
  evidence jsonb NOT NULL,
  rul jsonb,
  location jsonb,
  required_skills jsonb NOT NULL DEFAULT '[]'::jsonb,
  required_parts jsonb NOT NULL DEFAULT '[]'::jsonb
);
CREATE UNIQUE INDEX IF NOT EXISTS insight_alerts_open_cause_idx ON insight_alerts (device_id, cause) WHERE status <> 'cleared';
CREATE INDEX IF NOT EXISTS insight_alerts_device_idx ON insight_alerts (device_id, raised_at DESC);
CREATE INDEX IF NOT EXISTS insight_alerts_status_idx ON insight_alerts (status, raised_at DESC);

-- Detection state per device, checkpointed off the hot path; restart restores it and replays the
-- telemetry after last_reading_us. Health is kept in columns for the health route.
CREATE TABLE IF NOT EXISTS insight_device_state (
  device_id uuid PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
  state jsonb NOT NULL,
  last_reading_us bigint NOT NULL,
  health_index double precision,
  rul jsonb,
  health_at timestamptz,
  saved_at timestamptz NOT NULL DEFAULT now()
);

-- Device 360°: the sale or lease contract (one current contract per device).
CREATE TABLE IF NOT EXISTS insight_contracts (
  device_id uuid PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
  type text NOT NULL CHECK (type IN ('sale', 'lease')),
  number text NOT NULL,
  customer jsonb NOT NULL DEFAULT '{}'::jsonb,
  starts_on date NOT NULL,
  ends_on date,
  warranty_until date,
  terms jsonb NOT NULL DEFAULT '{}'::jsonb,
  notes text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by text
);

-- Parts fitted to a device. A part with a unique code (traceability) is on at most one device at a time.
CREATE TABLE IF NOT EXISTS insight_bom_items (
  id uuid PRIMARY KEY,
  device_id uuid NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  position text,
  part_number text NOT NULL,
  name text,
  serial text,
  code text,
  gtin text,
  lot text,
  fitted_at timestamptz NOT NULL,
  fitted_by text,
  work_order_id text,
  provenance jsonb,
  source text NOT NULL CHECK (source IN ('manual', 'traceability')),
  removed_at timestamptz,
  removed_by text
);
CREATE INDEX IF NOT EXISTS insight_bom_device_idx ON insight_bom_items (device_id, fitted_at DESC);
CREATE UNIQUE INDEX IF NOT EXISTS insight_bom_code_fitted_idx ON insight_bom_items (code) WHERE code IS NOT NULL AND removed_at IS NULL;

-- Service visits, from dispatch's workorder.completed (idempotent by work order).
CREATE TABLE IF NOT EXISTS insight_service_history (
  work_order_id text PRIMARY KEY,
  device_id uuid NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  engineer_id text NOT NULL,
  completed_at timestamptz NOT NULL,
  notes text,
  parts_used jsonb NOT NULL DEFAULT '[]'::jsonb
);
CREATE INDEX IF NOT EXISTS insight_service_device_idx ON insight_service_history (device_id, completed_at DESC);
