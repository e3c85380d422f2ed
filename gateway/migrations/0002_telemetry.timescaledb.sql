SELECT create_hypertable('telemetry', by_range('ts', INTERVAL '1 day'), if_not_exists => true, migrate_data => true);

-- Chunks older than the compression horizon are compressed per (device, metric) series.
ALTER TABLE telemetry SET (
  timescaledb.compress,
  timescaledb.compress_segmentby = 'device_id, metric',
  timescaledb.compress_orderby = 'ts DESC'
);
-- Horizons here are the defaults; the platform re-registers both policies at start from
-- TELEMETRY_COMPRESS_AFTER_DAYS and TELEMETRY_RETENTION_DAYS.
SELECT add_compression_policy('telemetry', INTERVAL '7 days', if_not_exists => true);
SELECT add_retention_policy('telemetry', INTERVAL '400 days', if_not_exists => true);

-- Rollups for bucketed queries over long ranges. Real-time mode (materialized_only = false) unions
-- the materialised part with raw rows newer than the watermark, so results are always complete.
-- sum and count (not avg) are kept so wider buckets can be re-aggregated exactly.
CREATE MATERIALIZED VIEW IF NOT EXISTS telemetry_1m
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT device_id, metric, time_bucket(INTERVAL '1 minute', ts) AS bucket,
       sum(value) AS sum, count(*) AS n, min(value) AS min, max(value) AS max,
       last(value, ts) AS last, max(ts) AS last_ts
FROM telemetry
GROUP BY device_id, metric, time_bucket(INTERVAL '1 minute', ts)
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS telemetry_1h
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT device_id, metric, time_bucket(INTERVAL '1 hour', ts) AS bucket,
       sum(value) AS sum, count(*) AS n, min(value) AS min, max(value) AS max,
       last(value, ts) AS last, max(ts) AS last_ts
FROM telemetry
GROUP BY device_id, metric, time_bucket(INTERVAL '1 hour', ts)
WITH NO DATA;

SELECT add_continuous_aggregate_policy('telemetry_1m', start_offset => INTERVAL '3 hours', end_offset => INTERVAL '1 minute', schedule_interval => INTERVAL '5 minutes', if_not_exists => true);
SELECT add_continuous_aggregate_policy('telemetry_1h', start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '30 minutes', if_not_exists => true);
