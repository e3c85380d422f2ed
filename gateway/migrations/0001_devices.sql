CREATE TABLE IF NOT EXISTS devices (
  id uuid PRIMARY KEY,
  asset_code text NOT NULL UNIQUE,
  model text NOT NULL,
  customer jsonb NOT NULL DEFAULT '{}'::jsonb,
  lat double precision,
  lng double precision,
  -- sha256 of the device secret (password and ThingsBoard access token): the secret is 256 random bits,
  -- so a fast hash is enough; a slow KDF only protects guessable secrets.
  secret_hash text NOT NULL UNIQUE,
  disabled boolean NOT NULL DEFAULT false,
  status text NOT NULL DEFAULT 'offline' CHECK (status IN ('online', 'offline')),
  last_seen_at timestamptz,
  last_connected_at timestamptz,
  last_disconnected_at timestamptz,
  last_disconnect_reason text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((lat IS NULL) = (lng IS NULL))
);

CREATE INDEX IF NOT EXISTS devices_model_idx ON devices (model);
