import type { Queryable } from '../../core/db/database.js'
import type { LatLng } from '../catalog/territory.js'
import type { AlertType } from '../scans/scan-types.js'

export type AlertStatus = 'open' | 'confirmed' | 'dismissed' | 'superseded'

/** One scan that supports an alert. */
export interface AlertEvidence {
  scanId: string
  at: Date | string
  action: string
  orgId: string | null
  location: LatLng | null
  detail: string
}

export interface TraceAlert {
  id: string
  type: AlertType
  status: AlertStatus
  code: string
  serial: string | null
  gtin: string | null
  orgId: string | null
  reason: string
  evidence: AlertEvidence[]
  occurrences: number
  consumerOnly: boolean
  openedAt: Date
  updatedAt: Date
  resolvedAt: Date | null
  resolvedBy: string | null
  resolutionNote: string | null
  supersededBy: string | null
}

interface AlertRow {
  id: string, type: AlertType, status: AlertStatus, code: string, serial: string | null, gtin: string | null, org_id: string | null
  reason: string, evidence: AlertEvidence[], occurrences: number, consumer_only: boolean, opened_at: Date, updated_at: Date
  resolved_at: Date | null, resolved_by: string | null, resolution_note: string | null, superseded_by: string | null
}

const toAlert = (r: AlertRow): TraceAlert => ({
  id: r.id, type: r.type, status: r.status, code: r.code, serial: r.serial, gtin: r.gtin, orgId: r.org_id, reason: r.reason,
  evidence: r.evidence, occurrences: r.occurrences, consumerOnly: r.consumer_only, openedAt: r.opened_at, updatedAt: r.updated_at,
  resolvedAt: r.resolved_at, resolvedBy: r.resolved_by, resolutionNote: r.resolution_note, supersededBy: r.superseded_by
})

export interface AlertUpsert {
  id: string
  type: AlertType
  code: string
  serial: string | null
  gtin: string | null
  orgId: string | null
  reason: string
  evidence: AlertEvidence[]
  consumerOnly: boolean
  at: Date
}

/** Evidence kept per alert: the first scans tell the story, `occurrences` counts the rest. */
const MAX_EVIDENCE = 50
const SUPERSEDED_NOTE = 'explained by copies of this code: see the clone alert'

export function createAlertRepository () {
  return {
    /** Open a new alert, or add evidence to the open one of that type and code. */
    async upsert (tx: Queryable, a: AlertUpsert): Promise<{ alert: TraceAlert, created: boolean }> {
      const { rows } = await tx.query<AlertRow & { created: boolean }>(
        `INSERT INTO trace_alerts (id, type, status, code, serial, gtin, org_id, reason, evidence, occurrences, consumer_only, opened_at, updated_at)
         VALUES ($1, $2, 'open', $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11, $11)
         ON CONFLICT (type, code) WHERE status = 'open' DO UPDATE SET
           occurrences = trace_alerts.occurrences + excluded.occurrences,
           evidence = CASE WHEN jsonb_array_length(trace_alerts.evidence) >= ${MAX_EVIDENCE} THEN trace_alerts.evidence
                           ELSE trace_alerts.evidence || excluded.evidence END,
           consumer_only = trace_alerts.consumer_only AND excluded.consumer_only,
           org_id = coalesce(trace_alerts.org_id, excluded.org_id),
           updated_at = excluded.updated_at
         RETURNING *, (xmax = 0) AS created`,
        [a.id, a.type, a.code, a.serial, a.gtin, a.orgId, a.reason, JSON.stringify(a.evidence.slice(0, MAX_EVIDENCE)), a.evidence.length, a.consumerOnly, a.at])
      const row = rows[0] as AlertRow & { created: boolean }
      return { alert: toAlert(row), created: row.created }
    },

    /**
     * Out-of-territory verifications by consumers of a cloned code are explained by the copies, not by a
     * diversion of the genuine item: such open diversion alerts are marked superseded by the clone alert.
     */
    async supersedeConsumerDiversions (tx: Queryable, serial: string, cloneAlertId: string, at: Date): Promise<string[]> {
      const { rows } = await tx.query<{ id: string }>(
        `UPDATE trace_alerts SET status = 'superseded', superseded_by = $2, updated_at = $3, resolution_note = $4
         WHERE serial = $1 AND type = 'diversion' AND status = 'open' AND consumer_only RETURNING id`,
        [serial, cloneAlertId, at, SUPERSEDED_NOTE])
      return rows.map((r) => r.id)
    },

    /** Serials (of those given) that have an open or confirmed clone alert, with its id. */
    async findCloneAlerts (tx: Queryable, serials: readonly string[]): Promise<Map<string, string>> {
      if (serials.length === 0) return new Map()
      const { rows } = await tx.query<{ serial: string, id: string }>(
        `SELECT DISTINCT ON (serial) serial, id FROM trace_alerts
         WHERE type = 'clone' AND status IN ('open', 'confirmed') AND serial = ANY($1::text[]) ORDER BY serial, opened_at`, [serials])
      return new Map(rows.map((r) => [r.serial, r.id]))
    },

    /** Record a consumer-only diversion that an existing clone alert already explains. */
    async insertSuperseded (tx: Queryable, a: AlertUpsert, cloneAlertId: string): Promise<void> {
      await tx.query(
        `INSERT INTO trace_alerts (id, type, status, code, serial, gtin, org_id, reason, evidence, occurrences, consumer_only,
           opened_at, updated_at, superseded_by, resolution_note)
         VALUES ($1, $2, 'superseded', $3, $4, $5, $6, $7, $8::jsonb, $9, true, $10, $10, $11, $12)`,
        [a.id, a.type, a.code, a.serial, a.gtin, a.orgId, a.reason, JSON.stringify(a.evidence.slice(0, MAX_EVIDENCE)), a.evidence.length, a.at, cloneAlertId, SUPERSEDED_NOTE])
    },

    async list (q: Queryable, filter: { type?: AlertType | undefined, status?: AlertStatus | undefined, orgId?: string | undefined, serial?: string | undefined, limit: number, offset: number }): Promise<{ alerts: TraceAlert[], total: number }> {
      const where = `($1::text IS NULL OR type = $1) AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR org_id = $3) AND ($4::text IS NULL OR serial = $4)`
      const params = [filter.type ?? null, filter.status ?? null, filter.orgId ?? null, filter.serial ?? null]
      const [{ rows }, count] = await Promise.all([
        q.query<AlertRow>(`SELECT * FROM trace_alerts WHERE ${where} ORDER BY opened_at DESC, id LIMIT $5 OFFSET $6`, [...params, filter.limit, filter.offset]),
        q.query<{ n: number }>(`SELECT count(*) AS n FROM trace_alerts WHERE ${where}`, params)
      ])
      return { alerts: rows.map(toAlert), total: count.rows[0]?.n ?? 0 }
    },

    async find (q: Queryable, id: string): Promise<TraceAlert | null> {
      const { rows } = await q.query<AlertRow>('SELECT * FROM trace_alerts WHERE id = $1', [id])
      return rows[0] === undefined ? null : toAlert(rows[0])
    },

    async resolve (q: Queryable, id: string, status: 'confirmed' | 'dismissed', by: string, note: string | null, at: Date): Promise<TraceAlert | null> {
      const { rows } = await q.query<AlertRow>(
        `UPDATE trace_alerts SET status = $2, resolved_by = $3, resolution_note = $4, resolved_at = $5, updated_at = $5
         WHERE id = $1 AND status = 'open' RETURNING *`, [id, status, by, note, at])
      return rows[0] === undefined ? null : toAlert(rows[0])
    },

    /** Every alert ever raised, reduced to (type, code, status): detection scoring in the simulator. */
    async listKeys (q: Queryable): Promise<Array<{ type: AlertType, code: string, serial: string | null, status: AlertStatus }>> {
      const { rows } = await q.query<{ type: AlertType, code: string, serial: string | null, status: AlertStatus }>(
        'SELECT type, code, serial, status FROM trace_alerts ORDER BY opened_at, id')
      return rows
    }
  }
}

export type AlertRepository = ReturnType<typeof createAlertRepository>
