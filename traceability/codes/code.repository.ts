import type { Database, Queryable } from '../../core/db/database.js'

export type BatchStatus = 'issuing' | 'issued' | 'failed'

export interface CodeBatch {
  id: number
  gtin: string
  lot: string | null
  quantity: number
  status: BatchStatus
  createdBy: string | null
  createdAt: Date
  issuedAt: Date | null
}

interface BatchRow { id: number, gtin: string, lot: string | null, quantity: number, status: BatchStatus, created_by: string | null, created_at: Date, issued_at: Date | null }

const toBatch = (r: BatchRow): CodeBatch => ({
  id: r.id, gtin: r.gtin, lot: r.lot, quantity: r.quantity, status: r.status, createdBy: r.created_by, createdAt: r.created_at, issuedAt: r.issued_at
})

export function createCodeRepository (db: Database) {
  return {
    async insertBatch (b: { gtin: string, lot: string | null, quantity: number, createdBy: string | null, at: Date }): Promise<CodeBatch> {
      const { rows } = await db.query<BatchRow>(
        `INSERT INTO trace_code_batches (gtin, lot, quantity, status, created_by, created_at)
         VALUES ($1, $2, $3, 'issuing', $4, $5) RETURNING *`, [b.gtin, b.lot, b.quantity, b.createdBy, b.at])
      return toBatch(rows[0] as BatchRow)
    },
    async setBatchStatus (id: number, status: BatchStatus, at: Date | null): Promise<CodeBatch> {
      const { rows } = await db.query<BatchRow>(
        'UPDATE trace_code_batches SET status = $2, issued_at = $3 WHERE id = $1 RETURNING *', [id, status, at])
      return toBatch(rows[0] as BatchRow)
    },
    async findBatch (id: number): Promise<CodeBatch | null> {
      const { rows } = await db.query<BatchRow>('SELECT * FROM trace_code_batches WHERE id = $1', [id])
      return rows[0] === undefined ? null : toBatch(rows[0])
    },
    async listBatches (filter: { gtin?: string | undefined, limit: number, offset: number }): Promise<CodeBatch[]> {
      const { rows } = await db.query<BatchRow>(
        `SELECT * FROM trace_code_batches WHERE ($1::text IS NULL OR gtin = $1)
         ORDER BY id DESC LIMIT $2 OFFSET $3`, [filter.gtin ?? null, filter.limit, filter.offset])
      return rows.map(toBatch)
    },
    /** Copy `csv` lines `serial,batch_id,seq` (one transaction per call). */
    async copyCodes (csv: AsyncIterable<string>): Promise<number> {
      return await db.copyFrom('trace_codes', ['serial', 'batch_id', 'seq'], csv)
    },
    async deleteCodes (batchId: number, fromSeq = 0): Promise<void> {
      await db.query('DELETE FROM trace_codes WHERE batch_id = $1 AND seq >= $2', [batchId, fromSeq])
    },
    /**
     * Serials of a batch in issue order after `afterSeq`, at most `limit`, as one newline-joined
     * string: one value per page crosses the driver instead of `limit` row objects.
     */
    async pageSerials (q: Queryable, batchId: number, afterSeq: number, limit: number): Promise<{ serials: string[], lastSeq: number } | null> {
      const { rows } = await q.query<{ s: string | null, last: number | null }>(
        `SELECT string_agg(serial, chr(10) ORDER BY seq) AS s, max(seq) AS last FROM (
           SELECT serial, seq FROM trace_codes WHERE batch_id = $1 AND seq > $2 ORDER BY seq LIMIT $3) page`,
        [batchId, afterSeq, limit])
      const row = rows[0]
      if (row === undefined || row.s === null || row.last === null) return null
      return { serials: row.s.split('\n'), lastSeq: row.last }
    },
    async initSetting (key: string, value: string): Promise<string> {
      await db.query('INSERT INTO settings (key, value) VALUES ($1, to_jsonb($2::text)) ON CONFLICT (key) DO NOTHING', [key, value])
      const { rows } = await db.query<{ value: string }>('SELECT value FROM settings WHERE key = $1', [key])
      return (rows[0] as { value: string }).value
    }
  }
}

export type CodeRepository = ReturnType<typeof createCodeRepository>
