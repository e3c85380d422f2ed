import type { Queryable } from '../../core/db/database.js'

export interface Range {
  from: Date
  to: Date
}

/** Read-only aggregates over scans (trace_scan_log: full scans and narrow verifications), item state, batches, rewards and alerts. */
export function createAnalyticsRepository (db: Queryable) {
  return {
    async kpis (range: Range) {
      const [codes, scans, consumers, rewards, alerts] = await Promise.all([
        db.query<{ issued: number, batches: number }>(
          "SELECT coalesce(sum(quantity), 0) AS issued, count(*) AS batches FROM trace_code_batches WHERE status = 'issued'"),
        db.query<{ scans: number, codes: number, verifications: number }>(
          `SELECT count(*) AS scans, count(DISTINCT serial) AS codes, count(*) FILTER (WHERE action = 'verify' AND actor_role = 'consumer') AS verifications
           FROM trace_scan_log WHERE at >= $1 AND at < $2`, [range.from, range.to]),
        db.query<{ consumers: number, verified_codes: number }>(
          `SELECT (SELECT count(DISTINCT consumer_id) FROM trace_scan_log WHERE consumer_id IS NOT NULL AND result <> 'rejected') AS consumers,
                  (SELECT count(*) FROM (SELECT serial FROM trace_code_state WHERE first_verified_at IS NOT NULL
                                         UNION SELECT serial FROM trace_verifications) verified) AS verified_codes`),
        db.query<{ amount: number, lines: number }>(
          'SELECT coalesce(sum(amount), 0) AS amount, count(*) AS lines FROM trace_reward_ledger WHERE created_at >= $1 AND created_at < $2', [range.from, range.to]),
        db.query<{ type: string, n: number }>("SELECT type, count(*) AS n FROM trace_alerts WHERE status = 'open' GROUP BY type ORDER BY type")
      ])
      const c = codes.rows[0]; const s = scans.rows[0]; const k = consumers.rows[0]; const r = rewards.rows[0]
      return {
        codesIssued: c?.issued ?? 0,
        batches: c?.batches ?? 0,
        scans: s?.scans ?? 0,
        codesScanned: s?.codes ?? 0,
        consumerVerifications: s?.verifications ?? 0,
        activatedConsumers: k?.consumers ?? 0,
        consumerVerifiedCodes: k?.verified_codes ?? 0,
        rewardsAmount: r?.amount ?? 0,
        rewardLines: r?.lines ?? 0,
        openAlerts: Object.fromEntries(alerts.rows.map((row) => [row.type, row.n]))
      }
    },

    async daily (range: Range) {
      const [scans, issued] = await Promise.all([
        db.query<{ day: Date, action: string, result: string, n: number }>(
          `SELECT date_trunc('day', at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS day, action, result, count(*) AS n
           FROM trace_scan_log WHERE at >= $1 AND at < $2 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`, [range.from, range.to]),
        db.query<{ day: Date, n: number }>(
          `SELECT date_trunc('day', issued_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS day, sum(quantity) AS n
           FROM trace_code_batches WHERE status = 'issued' AND issued_at >= $1 AND issued_at < $2 GROUP BY 1 ORDER BY 1`, [range.from, range.to])
      ])
      return { scans: scans.rows, issued: issued.rows }
    },

    async topCities (range: Range, limit: number) {
      const { rows } = await db.query<{ city: string, scans: number, verifications: number }>(
        `SELECT city, count(*) AS scans, count(*) FILTER (WHERE action = 'verify') AS verifications FROM trace_scan_log
         WHERE city IS NOT NULL AND at >= $1 AND at < $2 GROUP BY city ORDER BY scans DESC, city LIMIT $3`, [range.from, range.to, limit])
      return rows
    },

    async inventory (orgId: string | null, gtin: string | null) {
      const { rows } = await db.query<{ org_id: string, gtin: string, in_stock: number, in_transit: number }>(
        `SELECT org_id, gtin, sum(in_stock) AS in_stock, sum(in_transit) AS in_transit FROM (
           SELECT holder_org_id AS org_id, gtin, count(*) AS in_stock, 0 AS in_transit FROM trace_code_state
           WHERE status = 'in_stock' GROUP BY 1, 2
           UNION ALL
           SELECT ship_to, gtin, 0, count(*) FROM trace_code_state WHERE status = 'in_transit' AND ship_to IS NOT NULL GROUP BY 1, 2
         ) u WHERE ($1::text IS NULL OR org_id = $1) AND ($2::text IS NULL OR gtin = $2)
         GROUP BY org_id, gtin ORDER BY org_id, gtin`, [orgId, gtin])
      return rows
    },

    async flow (gtin: string, lot: string | null) {
      const [edges, sold, installed] = await Promise.all([
        db.query<{ from_org: string, to_org: string, items: number }>(
          `SELECT org_id AS from_org, to_org_id AS to_org, count(DISTINCT serial) AS items FROM trace_scans
           WHERE action = 'ship' AND result <> 'rejected' AND gtin = $1 AND ($2::text IS NULL OR lot = $2) AND to_org_id IS NOT NULL
           GROUP BY 1, 2 ORDER BY items DESC`, [gtin, lot]),
        db.query<{ org_id: string, items: number }>(
          `SELECT org_id, count(DISTINCT serial) AS items FROM trace_scans
           WHERE action = 'sell' AND result <> 'rejected' AND gtin = $1 AND ($2::text IS NULL OR lot = $2) AND org_id IS NOT NULL
           GROUP BY 1 ORDER BY items DESC`, [gtin, lot]),
        db.query<{ items: number }>(
          `SELECT count(*) AS items FROM trace_code_state WHERE status = 'installed' AND gtin = $1 AND ($2::text IS NULL OR lot = $2)`, [gtin, lot])
      ])
      return { edges: edges.rows, sold: sold.rows, installed: installed.rows[0]?.items ?? 0 }
    }
  }
}
