import type { Queryable } from '../../core/db/database.js'

export interface DeadLetter {
  deviceId: string
  receivedAt: Date
  topic: string
  reasonCode: string
  reason: string
  /** Size of the payload as received; `payload` holds at most DEAD_LETTER_MAX_BYTES of it. */
  payloadBytes: number
  payload: Uint8Array
}

interface DeadLetterRow {
  device_id: string
  received_at: Date
  topic: string
  reason_code: string
  reason: string
  payload_bytes: number
  payload: Uint8Array
}

export function createDeadLetterRepository (db: Queryable) {
  return {
    async list (filter: { deviceId?: string | undefined, reasonCode?: string | undefined, limit: number }): Promise<DeadLetter[]> {
      const { rows } = await db.query<DeadLetterRow>(
        `SELECT device_id, received_at, topic, reason_code, reason, payload_bytes, payload FROM dead_letters
         WHERE ($1::uuid IS NULL OR device_id = $1) AND ($2::text IS NULL OR reason_code = $2)
         ORDER BY received_at DESC LIMIT $3`,
        [filter.deviceId ?? null, filter.reasonCode ?? null, filter.limit])
      return rows.map((row) => ({
        deviceId: row.device_id,
        receivedAt: row.received_at,
        topic: row.topic,
        reasonCode: row.reason_code,
        reason: row.reason,
        payloadBytes: row.payload_bytes,
        payload: row.payload
      }))
    },

    async countByReason (): Promise<Array<{ reasonCode: string, count: number }>> {
      const { rows } = await db.query<{ reason_code: string, n: number }>(
        'SELECT reason_code, count(*) AS n FROM dead_letters GROUP BY reason_code ORDER BY n DESC')
      return rows.map((row) => ({ reasonCode: row.reason_code, count: row.n }))
    }
  }
}
