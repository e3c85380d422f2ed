import type { Queryable } from '../../core/db/database.js'

/** Column-wise batch of readings, as the drainer accumulates them (ts in epoch microseconds). */
export interface ReadingColumns {
  deviceIds: string[]
  metrics: string[]
  ts: number[]
  values: number[]
}

export interface EventColumns {
  deviceIds: string[]
  ts: number[]
  codes: string[]
  severities: string[]
  messages: Array<string | null>
  data: Array<string | null>
}

export interface DeadLetterColumns {
  deviceIds: string[]
  receivedAt: number[]
  topics: string[]
  codes: string[]
  reasons: string[]
  payloads: Uint8Array[]
  sizes: number[]
}

// Microseconds are carried as int8 and turned into timestamptz in SQL, exactly (a JS Date has only ms).
const MICROS_TO_TIMESTAMPTZ = (column: string): string => `'epoch'::timestamptz + ${column} * INTERVAL '1 microsecond'`

/** Idempotent writes of spooled records: replaying a batch inserts nothing twice. */
export function createIngestRepository (db: Queryable) {
  return {
    async insertReadings (batch: ReadingColumns): Promise<number> {
      if (batch.ts.length === 0) return 0
      const { rowCount } = await db.query(
        `INSERT INTO telemetry (device_id, metric, ts, value)
         SELECT d, m, ${MICROS_TO_TIMESTAMPTZ('t')}, v
         FROM unnest($1::uuid[], $2::text[], $3::int8[], $4::float8[]) AS u(d, m, t, v)
         ON CONFLICT DO NOTHING`,
        [batch.deviceIds, batch.metrics, batch.ts, batch.values])
      return rowCount
    },

    async insertEvents (batch: EventColumns): Promise<number> {
      if (batch.ts.length === 0) return 0
      const { rowCount } = await db.query(
        `INSERT INTO device_events (device_id, ts, code, severity, message, data)
         SELECT d, ${MICROS_TO_TIMESTAMPTZ('t')}, c, s, m, j::jsonb
         FROM unnest($1::uuid[], $2::int8[], $3::text[], $4::text[], $5::text[], $6::text[]) AS u(d, t, c, s, m, j)
         ON CONFLICT DO NOTHING`,
        [batch.deviceIds, batch.ts, batch.codes, batch.severities, batch.messages, batch.data])
      return rowCount
    },

    async insertDeadLetters (batch: DeadLetterColumns): Promise<number> {
      if (batch.receivedAt.length === 0) return 0
      const { rowCount } = await db.query(
        `INSERT INTO dead_letters (device_id, received_at, topic, reason_code, reason, payload, payload_bytes)
         SELECT d, ${MICROS_TO_TIMESTAMPTZ('t')}, tp, c, r, p, n
         FROM unnest($1::uuid[], $2::int8[], $3::text[], $4::text[], $5::text[], $6::bytea[], $7::int4[]) AS u(d, t, tp, c, r, p, n)
         ON CONFLICT DO NOTHING`,
        [batch.deviceIds, batch.receivedAt, batch.topics, batch.codes, batch.reasons, batch.payloads, batch.sizes])
      return rowCount
    }
  }
}
