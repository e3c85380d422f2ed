-- Products (spare parts), the organisations of the channel with their territories, and who may supply whom.
CREATE TABLE IF NOT EXISTS trace_products (
  gtin char(14) PRIMARY KEY,
  name text NOT NULL,
  part_number text NOT NULL,
  unit text NOT NULL DEFAULT 'piece',
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS trace_organisations (
  id text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('factory', 'distributor', 'dealer', 'store', 'service_station')),
  name text NOT NULL,
  gln char(13) UNIQUE,
  city text,
  lat double precision NOT NULL,
  lng double precision NOT NULL,
  -- GeoJSON Polygon or MultiPolygon (RFC 7946), lng/lat order; null = no authorised sales territory.
  territory jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS trace_channel_links (
  supplier_id text NOT NULL REFERENCES trace_organisations (id) ON DELETE CASCADE,
  customer_id text NOT NULL REFERENCES trace_organisations (id) ON DELETE CASCADE,
  -- Products the supplier may deliver to the customer; null = all products.
  gtins text[],
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (supplier_id, customer_id),
  CHECK (supplier_id <> customer_id)
);
CREATE INDEX IF NOT EXISTS trace_channel_links_customer ON trace_channel_links (customer_id);

-- Bumped after every change to products, organisations or links: each process reloads its in-memory
-- copy of the catalogue when the value moves.
CREATE SEQUENCE IF NOT EXISTS trace_catalog_version;
