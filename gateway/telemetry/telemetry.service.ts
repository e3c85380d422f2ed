import type { Database } from '../../core/db/database.js'
import { GW_TELEMETRY_RANGE_INVALID, GW_TELEMETRY_TOO_MANY_BUCKETS } from '../errors.js'
import { BUCKET_MICROS, createTelemetryRepository } from './telemetry.repository.js'
import type { Aggregate, Bucket, TelemetrySource } from './telemetry.repository.js'

export type { Aggregate, Bucket } from './telemetry.repository.js'

export interface TelemetryQuery {
  deviceId: string
  metric: string
  from: Date
  to: Date
  bucket?: Bucket | undefined
  agg?: Aggregate | undefined
  limit?: number | undefined
}

export interface TelemetryPoint {
  ts: string
  value: number
}

export interface TelemetryResult {
  deviceId: string
  metric: string
  from: string
  to: string
  bucket: Bucket | null
  agg: Aggregate | null
  /** Where the points came from: raw readings or a continuous aggregate. */
  source: TelemetrySource
  points: TelemetryPoint[]
  /** True when a raw query stopped at `limit` points. */
  truncated: boolean
}

export const MAX_BUCKETS = 100_000
export const DEFAULT_RAW_LIMIT = 10_000
const HOUR_US = 3600e6
const DAY_US = 24 * HOUR_US

/** ISO 8601 with microseconds when the value has them (a JS Date keeps only milliseconds). */
export function microsToIso (us: number): string {
  const ms = Math.floor(us / 1000)
  const iso = new Date(ms).toISOString()
  const micros = us - ms * 1000
  return micros === 0 ? iso : `${iso.slice(0, -1)}${String(micros).padStart(3, '0')}Z`
}

/**
 * With TimescaleDB, ranges of 6 hours or more read the 1-minute rollup and of 7 days or more (with
 * hourly or daily buckets) the 1-hour rollup; shorter ranges read raw rows.
 */
export function chooseSource (timescaledb: boolean, bucket: Bucket, rangeUs: number): TelemetrySource {
  if (!timescaledb) return 'telemetry'
  if (bucket !== '1m' && rangeUs >= 7 * DAY_US) return 'telemetry_1h'
  if (rangeUs >= 6 * HOUR_US) return 'telemetry_1m'
  return 'telemetry'
}

export function createTelemetryService (db: Database) {
  const repo = createTelemetryRepository(db)
  return {
    /**
     * Raw readings in [from, to), or buckets. Bucketed ranges are widened to whole buckets so every
     * source (raw, either rollup) gives the same answer.
     */
    async query (q: TelemetryQuery): Promise<TelemetryResult> {
      let fromUs = q.from.getTime() * 1000
      let toUs = q.to.getTime() * 1000
      if (!(fromUs < toUs)) throw new GW_TELEMETRY_RANGE_INVALID('from must be before to').withDetails({ field: 'query.from' })
      if (q.bucket === undefined) {
        const limit = q.limit ?? DEFAULT_RAW_LIMIT
        const rows = await repo.raw(q.deviceId, q.metric, fromUs, toUs, limit + 1)
        const truncated = rows.length > limit
        return {
          deviceId: q.deviceId, metric: q.metric, from: q.from.toISOString(), to: q.to.toISOString(), bucket: null, agg: null,
          source: 'telemetry',
          points: (truncated ? rows.slice(0, limit) : rows).map((row) => ({ ts: microsToIso(row.us), value: row.value })),
          truncated
        }
      }
      const size = BUCKET_MICROS[q.bucket]
      fromUs = Math.floor(fromUs / size) * size
      toUs = Math.ceil(toUs / size) * size
      const buckets = (toUs - fromUs) / size
      if (buckets > MAX_BUCKETS) throw new GW_TELEMETRY_TOO_MANY_BUCKETS(buckets, MAX_BUCKETS).withDetails({ field: 'query.bucket' })
      const agg = q.agg ?? 'avg'
      const source = chooseSource(db.timescaledb, q.bucket, toUs - fromUs)
      const rows = await repo.bucketed(q.deviceId, q.metric, fromUs, toUs, q.bucket, agg, source)
      return {
        deviceId: q.deviceId, metric: q.metric, from: microsToIso(fromUs), to: microsToIso(toUs), bucket: q.bucket, agg,
        source,
        points: rows.map((row) => ({ ts: microsToIso(row.us), value: row.value })),
        truncated: false
      }
    }
  }
}

export type TelemetryService = ReturnType<typeof createTelemetryService>
