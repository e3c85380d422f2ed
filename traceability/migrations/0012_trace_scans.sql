-- Every scan of every item (a case scan writes one row per item inside), with its checks.
CREATE TABLE IF NOT EXISTS trace_scans (
  id uuid PRIMARY KEY,
  -- The request (POST /api/scans scanId, the EPCIS eventID's scan, …): replays are answered from here.
  request_id uuid NOT NULL,
  code text NOT NULL,
  serial text,
  gtin char(14),
  lot text,
  sscc char(18),
  action text NOT NULL CHECK (action IN ('ship', 'receive', 'sell', 'install', 'verify')),
  result text NOT NULL CHECK (result IN ('ok', 'warning', 'rejected')),
  source text NOT NULL CHECK (source IN ('api', 'verify', 'epcis', 'workorder')),
  org_id text,
  to_org_id text,
  device_id text,
  work_order_id text,
  actor_role text,
  actor_user_id text,
  consumer_id text,
  lat double precision,
  lng double precision,
  city text,
  at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL,
  -- json, not jsonb: stored as written and never queried inside, so not worth jsonb's parsing on the
  -- hottest insert of the platform (every consumer verification).
  checks json NOT NULL,
  event_id text
);
-- Consumers' verifications carry fresh request ids and are never replayed: no need to index them here.
CREATE UNIQUE INDEX IF NOT EXISTS trace_scans_request_code ON trace_scans (request_id, code) WHERE source <> 'verify';
CREATE INDEX IF NOT EXISTS trace_scans_serial ON trace_scans (serial, at) WHERE serial IS NOT NULL;
-- Scans arrive roughly in time order: a BRIN index serves time ranges (analytics) at almost no insert cost.
CREATE INDEX IF NOT EXISTS trace_scans_at ON trace_scans USING brin (at);
CREATE INDEX IF NOT EXISTS trace_scans_org ON trace_scans (org_id, at) WHERE org_id IS NOT NULL;

-- Trace alerts: one open alert per (type, code); later evidence is appended to it.
CREATE TABLE IF NOT EXISTS trace_alerts (
  id uuid PRIMARY KEY,
  type text NOT NULL CHECK (type IN ('counterfeit', 'clone', 'diversion', 'custody')),
  status text NOT NULL CHECK (status IN ('open', 'confirmed', 'dismissed', 'superseded')),
  code text NOT NULL,
  serial text,
  gtin char(14),
  org_id text,
  reason text NOT NULL,
  evidence jsonb NOT NULL,
  occurrences integer NOT NULL DEFAULT 1,
  -- True while every piece of evidence came from consumers' verifications (see alerts/README).
  consumer_only boolean NOT NULL,
  opened_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  resolved_at timestamptz,
  resolved_by text,
  resolution_note text,
  superseded_by uuid
);
CREATE UNIQUE INDEX IF NOT EXISTS trace_alerts_open ON trace_alerts (type, code) WHERE status = 'open';
CREATE INDEX IF NOT EXISTS trace_alerts_status ON trace_alerts (status, type, opened_at);
CREATE INDEX IF NOT EXISTS trace_alerts_serial ON trace_alerts (serial) WHERE serial IS NOT NULL;
