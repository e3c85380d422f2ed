-- One row per reading. The primary key makes every write idempotent on (device, metric, time):
-- a redelivered message or a replayed spool segment inserts nothing new.
CREATE TABLE IF NOT EXISTS telemetry (
  device_id uuid NOT NULL,
  metric text NOT NULL,
  ts timestamptz NOT NULL,
  value double precision NOT NULL,
  PRIMARY KEY (device_id, metric, ts)
);

CREATE TABLE IF NOT EXISTS device_events (
  device_id uuid NOT NULL,
  ts timestamptz NOT NULL,
  code text NOT NULL,
  severity text NOT NULL,
  message text,
  data jsonb,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (device_id, ts, code)
);

-- Payloads that failed validation, with the reason and the first DEAD_LETTER_MAX_BYTES bytes.
-- (device, received_at) is unique per message, so a replayed spool does not duplicate them.
CREATE TABLE IF NOT EXISTS dead_letters (
  device_id uuid NOT NULL,
  received_at timestamptz NOT NULL,
  topic text NOT NULL,
  reason_code text NOT NULL,
  reason text NOT NULL,
  payload bytea NOT NULL,
  payload_bytes integer NOT NULL,
  PRIMARY KEY (device_id, received_at)
);
CREATE INDEX IF NOT EXISTS dead_letters_received_idx ON dead_letters (received_at DESC);
