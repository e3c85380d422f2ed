-- Consumers' verifications that passed every check: the most frequent scan of the platform, kept as
-- narrow append-only rows instead of a full trace_scans row (with its checks) and an item-state rewrite
-- each. What such a verification changes in its item (count, consumers, first verified at, last
-- position) is not written to trace_code_state: reading an item replays its rows after the first
-- `verification_rows` (the ones the stored state already counts), in `seq` order. Any other
-- verification — a warning, a rejection, staff verifying — is a full trace_scans row as before.
CREATE TABLE IF NOT EXISTS trace_verifications (
  seq bigint GENERATED ALWAYS AS IDENTITY,
  id uuid NOT NULL,
  code text NOT NULL,
  serial text NOT NULL,
  gtin char(14) NOT NULL,
  lot text,
  consumer_id text,
  lat double precision,
  lng double precision,
  city text,
  at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS trace_verifications_serial ON trace_verifications (serial, seq);
CREATE INDEX IF NOT EXISTS trace_verifications_at ON trace_verifications USING brin (at);

ALTER TABLE trace_code_state ADD COLUMN IF NOT EXISTS verification_rows integer NOT NULL DEFAULT 0;

-- Every scan, for reports: trace_scans and the verifications kept narrow (every check passed).
CREATE OR REPLACE VIEW trace_scan_log AS
  SELECT id, code, serial, gtin, lot, sscc, action, result, source, org_id, to_org_id, device_id, work_order_id,
         actor_role, actor_user_id, consumer_id, lat, lng, city, at, recorded_at
  FROM trace_scans
  UNION ALL
  SELECT id, code, serial, gtin, lot, NULL, 'verify', 'ok', 'verify', NULL, NULL, NULL, NULL,
         'consumer', NULL, consumer_id, lat, lng, city, at, recorded_at
  FROM trace_verifications;

DROP FUNCTION IF EXISTS trace_record_scans (
  uuid[], uuid[], text[], text[], text[], text[], text[],
  text[], text[], text[], text[], text[], text[],
  text[], text[], text[], text[], float8[],
  float8[], text[], timestamptz[], timestamptz[], json[], text[],
  text[], text[], text[], text[], text[], text[],
  text[], text[], timestamptz[], timestamptz[], text[],
  timestamptz[], text[], timestamptz[], float8[], float8[],
  int4[], text[], timestamptz[], int4[],
  timestamptz,
  uuid[], uuid[], text[], text[], text[], text[], numeric[],
  uuid[], timestamptz[]
);

-- As in 0015, with the narrow verifications (v_…) and each state's verification_rows.
CREATE OR REPLACE FUNCTION trace_record_scans (
  p_id uuid[], p_request_id uuid[], p_code text[], p_serial text[], p_gtin text[], p_lot text[], p_sscc text[],
  p_action text[], p_result text[], p_source text[], p_org_id text[], p_to_org_id text[], p_device_id text[],
  p_work_order_id text[], p_actor_role text[], p_actor_user_id text[], p_consumer_id text[], p_lat float8[],
  p_lng float8[], p_city text[], p_at timestamptz[], p_recorded_at timestamptz[], p_checks json[], p_event_id text[],
  s_serial text[], s_gtin text[], s_lot text[], s_status text[], s_holder_org_id text[], s_channel_path text[],
  s_ship_from text[], s_ship_to text[], s_shipped_at timestamptz[], s_sold_at timestamptz[], s_sold_by text[],
  s_installed_at timestamptz[], s_device_id text[], s_last_at timestamptz[], s_last_lat float8[], s_last_lng float8[],
  s_consumer_verifications int4[], s_consumer_ids text[], s_first_verified_at timestamptz[], s_scans int4[],
  s_verification_rows int4[],
  updated timestamptz,
  l_id uuid[], l_rule_id uuid[], l_serial text[], l_trigger text[], l_level text[], l_beneficiary text[], l_amount numeric[],
  l_scan_id uuid[], l_created_at timestamptz[],
  v_id uuid[], v_code text[], v_serial text[], v_gtin text[], v_lot text[], v_consumer_id text[], v_lat float8[], v_lng float8[],
  v_city text[], v_at timestamptz[], v_recorded_at timestamptz[]
) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF cardinality(v_id) > 0 THEN
    INSERT INTO trace_verifications (id, code, serial, gtin, lot, consumer_id, lat, lng, city, at, recorded_at)
    SELECT * FROM unnest(v_id, v_code, v_serial, v_gtin, v_lot, v_consumer_id, v_lat, v_lng, v_city, v_at, v_recorded_at);
  END IF;

  IF cardinality(p_id) > 0 THEN
    INSERT INTO trace_scans (id, request_id, code, serial, gtin, lot, sscc, action, result, source, org_id, to_org_id, device_id,
      work_order_id, actor_role, actor_user_id, consumer_id, lat, lng, city, at, recorded_at, checks, event_id)
    SELECT * FROM unnest(p_id, p_request_id, p_code, p_serial, p_gtin, p_lot, p_sscc, p_action, p_result, p_source, p_org_id,
      p_to_org_id, p_device_id, p_work_order_id, p_actor_role, p_actor_user_id, p_consumer_id, p_lat, p_lng, p_city, p_at,
      p_recorded_at, p_checks, p_event_id);
  END IF;

  IF cardinality(s_serial) > 0 THEN
    INSERT INTO trace_code_state AS t (serial, gtin, lot, status, holder_org_id, channel_path, ship_from, ship_to, shipped_at,
      sold_at, sold_by, installed_at, device_id, last_at, last_lat, last_lng, consumer_verifications,
      consumer_ids, first_verified_at, scans, verification_rows, updated_at)
    SELECT r.serial, r.gtin, r.lot, r.status, r.holder_org_id, r.channel_path::text[], r.ship_from, r.ship_to, r.shipped_at,
      r.sold_at, r.sold_by, r.installed_at, r.device_id, r.last_at, r.last_lat, r.last_lng, r.consumer_verifications,
      r.consumer_ids::text[], r.first_verified_at, r.scans, r.verification_rows, updated
    FROM unnest(s_serial, s_gtin, s_lot, s_status, s_holder_org_id, s_channel_path, s_ship_from, s_ship_to, s_shipped_at,
      s_sold_at, s_sold_by, s_installed_at, s_device_id, s_last_at, s_last_lat, s_last_lng, s_consumer_verifications,
      s_consumer_ids, s_first_verified_at, s_scans, s_verification_rows)
      AS r(serial, gtin, lot, status, holder_org_id, channel_path, ship_from, ship_to, shipped_at, sold_at, sold_by,
        installed_at, device_id, last_at, last_lat, last_lng, consumer_verifications, consumer_ids, first_verified_at, scans,
        verification_rows)
    ON CONFLICT (serial) DO UPDATE SET status = excluded.status, holder_org_id = excluded.holder_org_id,
      channel_path = excluded.channel_path, ship_from = excluded.ship_from, ship_to = excluded.ship_to,
      shipped_at = excluded.shipped_at, sold_at = excluded.sold_at, sold_by = excluded.sold_by,
      installed_at = excluded.installed_at, device_id = excluded.device_id,
      parent_sscc = CASE WHEN excluded.status IN ('sold', 'installed') THEN NULL ELSE t.parent_sscc END,
      last_at = excluded.last_at, last_lat = excluded.last_lat, last_lng = excluded.last_lng,
      consumer_verifications = excluded.consumer_verifications, consumer_ids = excluded.consumer_ids,
      first_verified_at = excluded.first_verified_at, scans = excluded.scans,
      verification_rows = excluded.verification_rows, updated_at = excluded.updated_at;
  END IF;

  IF cardinality(l_id) > 0 THEN
    INSERT INTO trace_reward_ledger (id, rule_id, serial, trigger, level, beneficiary, amount, scan_id, created_at)
    SELECT * FROM unnest(l_id, l_rule_id, l_serial, l_trigger, l_level, l_beneficiary, l_amount, l_scan_id, l_created_at)
    ON CONFLICT (serial, trigger, level) DO NOTHING;
  END IF;
END
$$;
