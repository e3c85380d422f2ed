import type { Queryable } from '../../../core/db/database.js'
import type { AlertKind } from '../events.js'
import type { Alert, AlertStatus } from './alert.js'

interface AlertRow {
  id: string
  device_id: string
  kind: AlertKind
  cause: string
  severity: Alert['severity']
  metric: string | null
  status: AlertStatus
  raised_at: Date
  acknowledged_at: Date | null
  acknowledged_by: string | null
  cleared_at: Date | null
  cleared_by: string | null
  clear_reason: string | null
  evidence: Record<string, unknown>
  rul: Alert['rul']
  location: Alert['location']
  required_skills: string[]
  required_parts: string[]
}

const COLUMNS = `id, device_id, kind, cause, severity, metric, status, raised_at, acknowledged_at, acknowledged_by,
  cleared_at, cleared_by, clear_reason, evidence, rul, location, required_skills, required_parts`

function toAlert (row: AlertRow): Alert {
  return {
    id: row.id,
    deviceId: row.device_id,
    kind: row.kind,
    cause: row.cause,
    severity: row.severity,
    metric: row.metric,
    status: row.status,
    raisedAt: row.raised_at,
    acknowledgedAt: row.acknowledged_at,
    acknowledgedBy: row.acknowledged_by,
    clearedAt: row.cleared_at,
    clearedBy: row.cleared_by,
    clearReason: row.clear_reason,
    evidence: row.evidence,
    rul: row.rul,
    location: row.location,
    requiredSkills: row.required_skills,
    requiredParts: row.required_parts
  }
}

export function toAlertRecord (alert: Alert): Record<string, unknown> {
  return {
    id: alert.id,
    device_id: alert.deviceId,
    kind: alert.kind,
    cause: alert.cause,
    severity: alert.severity,
    metric: alert.metric,
    status: alert.status,
    raised_at: alert.raisedAt.toISOString(),
    acknowledged_at: alert.acknowledgedAt?.toISOString() ?? null,
    acknowledged_by: alert.acknowledgedBy,
    cleared_at: alert.clearedAt?.toISOString() ?? null,
    cleared_by: alert.clearedBy,
    clear_reason: alert.clearReason,
    evidence: alert.evidence,
    rul: alert.rul,
    location: alert.location,
    required_skills: alert.requiredSkills,
    required_parts: alert.requiredParts
  }
}

/**
 * The statement that inserts or updates alerts given as a JSON array in parameter `$param`, in array
 * order (a cause's cleared alert before its next one, so the open-cause index never sees two open).
 */
export function upsertAlertsSql (param: string): string {
  return `INSERT INTO insight_alerts (${COLUMNS})
    SELECT ${COLUMNS.split(',').map((column) => `r.${column.trim()}`).join(', ')}
    FROM jsonb_array_elements(${param}::jsonb) WITH ORDINALITY AS e(doc, ord),
      LATERAL jsonb_populate_record(NULL::insight_alerts, e.doc) AS r
    ORDER BY e.ord
    ON CONFLICT (id) DO UPDATE SET
      status = EXCLUDED.status, severity = EXCLUDED.severity,
      acknowledged_at = EXCLUDED.acknowledged_at, acknowledged_by = EXCLUDED.acknowledged_by,
      cleared_at = EXCLUDED.cleared_at, cleared_by = EXCLUDED.cleared_by, clear_reason = EXCLUDED.clear_reason,
      evidence = EXCLUDED.evidence, rul = EXCLUDED.rul`
}

export interface AlertFilter {
  status?: 'open' | AlertStatus | undefined
  deviceId?: string | undefined
  kind?: AlertKind | undefined
  limit: number
  offset: number
}

export function createAlertRepository (db: Queryable) {
  return {
    async findById (id: string): Promise<Alert | null> {
      const { rows } = await db.query<AlertRow>(`SELECT ${COLUMNS} FROM insight_alerts WHERE id = $1`, [id])
      return rows[0] === undefined ? null : toAlert(rows[0])
    },

    async listOpen (): Promise<Alert[]> {
      const { rows } = await db.query<AlertRow>(`SELECT ${COLUMNS} FROM insight_alerts WHERE status <> 'cleared' ORDER BY raised_at`)
      return rows.map(toAlert)
    },

    /** Newest first. `status: 'open'` means raised or acknowledged. */
    async list (filter: AlertFilter): Promise<{ alerts: Alert[], total: number }> {
      const where = `($1::text IS NULL OR status = $1 OR ($1 = 'open' AND status <> 'cleared'))
        AND ($2::uuid IS NULL OR device_id = $2) AND ($3::text IS NULL OR kind = $3)`
      const params = [filter.status ?? null, filter.deviceId ?? null, filter.kind ?? null]
      const { rows } = await db.query<AlertRow>(
        `SELECT ${COLUMNS} FROM insight_alerts WHERE ${where} ORDER BY raised_at DESC, id LIMIT $4 OFFSET $5`,
        [...params, filter.limit, filter.offset])
      const count = await db.query<{ n: number }>(`SELECT count(*) AS n FROM insight_alerts WHERE ${where}`, params)
      return { alerts: rows.map(toAlert), total: count.rows[0]?.n ?? 0 }
    }
  }
}

export type AlertRepository = ReturnType<typeof createAlertRepository>
