import type { Queryable } from '../../../core/db/database.js'
import type { Alert } from '../alerts/alert.js'
import { toAlertRecord, upsertAlertsSql } from '../alerts/alert.repository.js'
import type { DeviceStateSnapshot, Health } from '../detection/device-state.js'

const EPOCH_MICROS = (column: string): string => `(extract(epoch FROM ${column}) * 1000000)::int8`
const FROM_MICROS = (value: string): string => `('epoch'::timestamptz + ${value}::int8 * INTERVAL '1 microsecond')`

export interface DeviceStateRow {
  deviceId: string
  state: DeviceStateSnapshot
  lastReadingUs: number
}

export interface StoredHealth {
  healthIndex: number | null
  rul: Health['rul'] | null
  updatedAt: Date | null
}

/** The statement that inserts or updates device states given as a JSON array in parameter `$param`. */
export function upsertStatesSql (param: string): string {
  return `INSERT INTO insight_device_state (device_id, state, last_reading_us, health_index, rul, health_at, saved_at)
    SELECT device_id, state, last_reading_us, health_index, rul, health_at, now()
    FROM jsonb_to_recordset(${param}::jsonb) AS x(device_id uuid, state jsonb, last_reading_us bigint,
      health_index double precision, rul jsonb, health_at timestamptz)
    ON CONFLICT (device_id) DO UPDATE SET state = EXCLUDED.state, last_reading_us = EXCLUDED.last_reading_us,
      health_index = EXCLUDED.health_index, rul = EXCLUDED.rul, health_at = EXCLUDED.health_at, saved_at = now()`
}

export function toStateRecord (row: DeviceStateRow): Record<string, unknown> {
  return {
    device_id: row.deviceId,
    state: row.state,
    last_reading_us: row.lastReadingUs,
    health_index: row.state.health?.healthIndex ?? null,
    rul: row.state.health?.rul ?? null,
    health_at: row.state.health === null ? null : new Date(row.state.health.updatedAt).toISOString()
  }
}

/**
 * Alert changes and device checkpoints in one statement (data-modifying CTE): atomic without an explicit
 * transaction, so it never waits on, or interleaves with, another module's transaction.
 */
export async function writeAlertsAndStates (db: Queryable, alerts: readonly Alert[], states: readonly DeviceStateRow[]): Promise<void> {
  if (alerts.length === 0 && states.length === 0) return
  await db.query(`WITH written_alerts AS (${upsertAlertsSql('$1')} RETURNING 1) ${upsertStatesSql('$2')}`,
    [JSON.stringify(alerts.map(toAlertRecord)), JSON.stringify(states.map(toStateRecord))])
}

export function createDeviceStateRepository (db: Queryable) {
  return {
    async loadAll (): Promise<DeviceStateRow[]> {
      const { rows } = await db.query<{ device_id: string, state: DeviceStateSnapshot, last_reading_us: number }>(
        'SELECT device_id, state, last_reading_us FROM insight_device_state')
      return rows.map((row) => ({ deviceId: row.device_id, state: row.state, lastReadingUs: row.last_reading_us }))
    },

    async health (deviceId: string): Promise<StoredHealth | null> {
      const { rows } = await db.query<{ health_index: number | null, rul: Health['rul'] | null, health_at: Date | null }>(
        'SELECT health_index, rul, health_at FROM insight_device_state WHERE device_id = $1', [deviceId])
      const row = rows[0]
      return row === undefined ? null : { healthIndex: row.health_index, rul: row.rul, updatedAt: row.health_at }
    },

    /**
     * Readings after each checkpoint, oldest first, for devices with a checkpoint: what restart must
     * replay so that state matches what it was when the process stopped. Paged by (device, ts).
     */
    async readingsAfterCheckpoints (after: { deviceId: string, tsUs: number, metric: string } | null, limit: number): Promise<Array<{ deviceId: string, metric: string, tsUs: number, value: number }>> {
      const { rows } = await db.query<{ device_id: string, metric: string, ts_us: number, value: number }>(
        `SELECT t.device_id, t.metric, ${EPOCH_MICROS('t.ts')} AS ts_us, t.value
         FROM insight_device_state s
         JOIN telemetry t ON t.device_id = s.device_id AND t.ts > ${FROM_MICROS('s.last_reading_us')}
         WHERE ($1::uuid IS NULL OR (t.device_id, t.ts, t.metric) > ($1::uuid, ${FROM_MICROS('$2')}, $4::text))
         ORDER BY t.device_id, t.ts, t.metric
         LIMIT $3`,
        [after?.deviceId ?? null, after?.tsUs ?? 0, limit, after?.metric ?? ''])
      return rows.map((row) => ({ deviceId: row.device_id, metric: row.metric, tsUs: row.ts_us, value: row.value }))
    }
  }
}

export type DeviceStateRepository = ReturnType<typeof createDeviceStateRepository>
