import type { Database } from '../../core/db/database.js'

export type Bucket = '1m' | '1h' | '1d'
export type Aggregate = 'avg' | 'min' | 'max' | 'last'
export type TelemetrySource = 'telemetry' | 'telemetry_1m' | 'telemetry_1h'

export const BUCKET_MICROS: Record<Bucket, number> = { '1m': 60e6, '1h': 3600e6, '1d': 86400e6 }
const BUCKET_INTERVAL: Record<Bucket, string> = { '1m': '1 minute', '1h': '1 hour', '1d': '1 day' }

export interface PointRow {
  /** Epoch microseconds (of the reading, or of the bucket start). */
  us: number
  value: number
}

const EPOCH_MICROS = (column: string): string => `(extract(epoch FROM ${column}) * 1000000)::int8`
const FROM_MICROS = (param: string): string => `'epoch'::timestamptz + ${param}::int8 * INTERVAL '1 microsecond'`

/**
 * Telemetry reads. Bucketed queries use `time_bucket` (TimescaleDB) or `date_bin` aligned on the epoch
 * (plain PostgreSQL): the same buckets for 1m, 1h and 1d. With TimescaleDB, long ranges read the
 * continuous aggregates, re-aggregating their sum/count/min/max/last exactly.
 */
export function createTelemetryRepository (db: Database) {
  const bucketExpr = (column: string): string => db.timescaledb
    ? `time_bucket($5::interval, ${column})`
    : `date_bin($5::interval, ${column}, 'epoch'::timestamptz)`

  const aggregateOverRaw = (agg: Aggregate): string => {
    switch (agg) {
      case 'avg': return 'avg(value)'
      case 'min': return 'min(value)'
      case 'max': return 'max(value)'
      case 'last': return db.timescaledb ? 'last(value, ts)' : '(array_agg(value ORDER BY ts DESC))[1]'
    }
  }

  const aggregateOverRollup = (agg: Aggregate): string => {
    switch (agg) {
      case 'avg': return 'sum(sum) / sum(n)'
      case 'min': return 'min(min)'
      case 'max': return 'max(max)'
      case 'last': return 'last(last, last_ts)'
    }
  }

  return {
    async raw (deviceId: string, metric: string, fromUs: number, toUs: number, limit: number): Promise<PointRow[]> {
      const { rows } = await db.query<PointRow>(
        `SELECT ${EPOCH_MICROS('ts')} AS us, value FROM telemetry
         WHERE device_id = $1 AND metric = $2 AND ts >= ${FROM_MICROS('$3')} AND ts < ${FROM_MICROS('$4')}
         ORDER BY ts LIMIT $5`,
        [deviceId, metric, fromUs, toUs, limit])
      return rows
    },

    async bucketed (deviceId: string, metric: string, fromUs: number, toUs: number, bucket: Bucket, agg: Aggregate, source: TelemetrySource): Promise<PointRow[]> {
      const overRaw = source === 'telemetry'
      const time = overRaw ? 'ts' : 'bucket'
      const { rows } = await db.query<PointRow>(
        `SELECT ${EPOCH_MICROS('b')} AS us, v AS value FROM (
           SELECT ${bucketExpr(time)} AS b, ${overRaw ? aggregateOverRaw(agg) : aggregateOverRollup(agg)} AS v
           FROM ${source}
           WHERE device_id = $1 AND metric = $2 AND ${time} >= ${FROM_MICROS('$3')} AND ${time} < ${FROM_MICROS('$4')}
           GROUP BY 1
         ) buckets ORDER BY b`,
        [deviceId, metric, fromUs, toUs, BUCKET_INTERVAL[bucket]])
      return rows
    }
  }
}

export type TelemetryRepository = ReturnType<typeof createTelemetryRepository>
