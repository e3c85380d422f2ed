import type { Database } from '../../core/db/database.js'

/**
 * TimescaleDB compression and retention horizons for raw telemetry, re-registered at each start so
 * TELEMETRY_COMPRESS_AFTER_DAYS and TELEMETRY_RETENTION_DAYS take effect. No-op without TimescaleDB.
 */
export async function applyTelemetryPolicies (db: Database, policy: { compressAfterDays: number, retentionDays: number }): Promise<void> {
  if (!db.timescaledb) return
  await db.transaction(async (tx) => {
    await tx.query("SELECT remove_compression_policy('telemetry', if_exists => true)")
    await tx.query("SELECT add_compression_policy('telemetry', make_interval(days => $1::int))", [policy.compressAfterDays])
    await tx.query("SELECT remove_retention_policy('telemetry', if_exists => true)")
    await tx.query("SELECT add_retention_policy('telemetry', make_interval(days => $1::int))", [policy.retentionDays])
  })
}
