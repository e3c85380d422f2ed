-- Issued item codes. A batch is one POST /api/code-batches; its codes are valid once it is `issued`.
CREATE TABLE IF NOT EXISTS trace_code_batches (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  gtin char(14) NOT NULL REFERENCES trace_products (gtin),
  lot text,
  quantity integer NOT NULL CHECK (quantity > 0),
  status text NOT NULL CHECK (status IN ('issuing', 'issued', 'failed')),
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  issued_at timestamptz
);

-- One row per item: the serial is globally unique (the guarantee against duplicate serials); the
-- GTIN and lot come from the batch. No foreign key: COPY of a million rows stays fast, and codes are
-- only written by issuance, after their batch row.
CREATE TABLE IF NOT EXISTS trace_codes (
  serial text PRIMARY KEY,
  batch_id bigint NOT NULL,
  seq integer NOT NULL
);
CREATE INDEX IF NOT EXISTS trace_codes_batch_seq ON trace_codes (batch_id, seq);

-- Cases and pallets (SSCC). A container may sit inside another (nesting).
CREATE SEQUENCE IF NOT EXISTS trace_sscc_reference;
CREATE TABLE IF NOT EXISTS trace_containers (
  sscc char(18) PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('case', 'pallet')),
  org_id text REFERENCES trace_organisations (id),
  parent_sscc char(18) REFERENCES trace_containers (sscc),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (parent_sscc IS NULL OR parent_sscc <> sscc)
);
CREATE INDEX IF NOT EXISTS trace_containers_parent ON trace_containers (parent_sscc);

-- Where each scanned item stands, kept up to date by the scan pipeline (one row from its first scan).
CREATE TABLE IF NOT EXISTS trace_code_state (
  serial text PRIMARY KEY,
  gtin char(14) NOT NULL,
  lot text,
  status text NOT NULL CHECK (status IN ('issued', 'in_transit', 'in_stock', 'sold', 'installed')),
  holder_org_id text,
  -- Organisations that received the item through authorised links, in order (factory first).
  channel_path text[] NOT NULL DEFAULT '{}',
  ship_from text,
  ship_to text,
  shipped_at timestamptz,
  sold_at timestamptz,
  sold_by text,
  installed_at timestamptz,
  device_id text,
  parent_sscc char(18),
  last_at timestamptz,
  last_lat double precision,
  last_lng double precision,
  consumer_verifications integer NOT NULL DEFAULT 0,
  consumer_ids text[] NOT NULL DEFAULT '{}',
  first_verified_at timestamptz,
  scans integer NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now()
) WITH (fillfactor = 80); -- room on each page for HOT updates: a verification changes no indexed column
CREATE INDEX IF NOT EXISTS trace_code_state_parent ON trace_code_state (parent_sscc) WHERE parent_sscc IS NOT NULL;
CREATE INDEX IF NOT EXISTS trace_code_state_holder ON trace_code_state (holder_org_id, status);
CREATE INDEX IF NOT EXISTS trace_code_state_device ON trace_code_state (device_id) WHERE device_id IS NOT NULL;
