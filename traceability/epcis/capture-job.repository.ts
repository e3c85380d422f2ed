import type { Queryable } from '../../core/db/database.js'

/** A finished capture call (EPCIS 2.0 REST binding, capture job). */
export interface CaptureJob {
  captureId: string
  orgId: string | null
  createdAt: Date
  finishedAt: Date
  eventCount: number
  captured: number
  duplicates: number
  eventIds: string[]
}

interface CaptureJobRow {
  capture_id: string
  org_id: string | null
  created_at: Date
  finished_at: Date
  event_count: number
  captured: number
  duplicates: number
  event_ids: string[]
}

function toCaptureJob (row: CaptureJobRow): CaptureJob {
  return {
    captureId: row.capture_id,
    orgId: row.org_id,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    eventCount: row.event_count,
    captured: row.captured,
    duplicates: row.duplicates,
    eventIds: row.event_ids
  }
}

export function createCaptureJobRepository (db: Queryable) {
  return {
    async insert (job: CaptureJob): Promise<void> {
      await db.query(
        `INSERT INTO epcis_capture_jobs (capture_id, org_id, created_at, finished_at, event_count, captured, duplicates, event_ids)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8::json)`,
        [job.captureId, job.orgId, job.createdAt.toISOString(), job.finishedAt.toISOString(), job.eventCount, job.captured,
          job.duplicates, JSON.stringify(job.eventIds)])
    },

    /** The job, or null when unknown or (with `orgId`) captured by another organisation. */
    async find (captureId: string, orgId: string | null | undefined): Promise<CaptureJob | null> {
      const { rows } = await db.query<CaptureJobRow>(
        `SELECT capture_id, org_id, created_at, finished_at, event_count, captured, duplicates, event_ids
         FROM epcis_capture_jobs WHERE capture_id = $1 AND ($2::boolean IS NOT TRUE OR org_id = $3)`,
        [captureId, orgId !== undefined, orgId ?? null])
      return rows[0] === undefined ? null : toCaptureJob(rows[0])
    }
  }
}
