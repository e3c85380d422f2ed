import type { Database, Queryable } from '../../core/db/database.js'
import type { LatLng } from '../catalog/territory.js'
import type { LedgerRecord } from '../rewards/reward.repository.js'
import { applyPassedVerification } from './scan-pipeline.js'
import { createInitialState } from './scan-types.js'
import type { CheckResult, IssuedItem, ItemState, ItemStatus, ScanAction, ScanResult, ScanSource } from './scan-types.js'

/** One row of trace_scans, as written and as read back (replays, provenance, analytics). */
export interface ScanRecord {
  id: string
  requestId: string
  code: string
  serial: string | null
  gtin: string | null
  lot: string | null
  sscc: string | null
  action: ScanAction
  result: ScanResult
  source: ScanSource
  orgId: string | null
  toOrgId: string | null
  deviceId: string | null
  workOrderId: string | null
  actorRole: string | null
  actorUserId: string | null
  consumerId: string | null
  location: LatLng | null
  city: string | null
  at: Date
  recordedAt: Date
  checks: CheckResult[]
  eventId: string | null
}

/** One row of trace_verifications: a consumer's verification that passed every check (migration 0016). */
export interface VerificationRecord {
  id: string
  code: string
  serial: string
  gtin: string
  lot: string | null
  consumerId: string | null
  location: LatLng | null
  city: string | null
  at: Date
  recordedAt: Date
}

interface ScanRow {
  id: string, request_id: string, code: string, serial: string | null, gtin: string | null, lot: string | null, sscc: string | null
  action: ScanAction, result: ScanResult, source: ScanSource, org_id: string | null, to_org_id: string | null, device_id: string | null
  work_order_id: string | null, actor_role: string | null, actor_user_id: string | null, consumer_id: string | null
  lat: number | null, lng: number | null, city: string | null, at: Date, recorded_at: Date, checks: CheckResult[], event_id: string | null
}

export const toScanRecord = (r: ScanRow): ScanRecord => ({
  id: r.id, requestId: r.request_id, code: r.code, serial: r.serial, gtin: r.gtin, lot: r.lot, sscc: r.sscc, action: r.action,
  result: r.result, source: r.source, orgId: r.org_id, toOrgId: r.to_org_id, deviceId: r.device_id, workOrderId: r.work_order_id,
  actorRole: r.actor_role, actorUserId: r.actor_user_id, consumerId: r.consumer_id,
  location: r.lat === null || r.lng === null ? null : { lat: r.lat, lng: r.lng }, city: r.city, at: r.at, recordedAt: r.recorded_at,
  checks: r.checks, eventId: r.event_id
})

interface StateRow {
  serial: string, batch_id: number, gtin: string, lot: string | null, batch_status: IssuedItem['batchStatus'], issued_at: Date | null
  s_status: ItemStatus | null, holder_org_id: string | null, channel_path: string[] | null, ship_from: string | null, ship_to: string | null
  shipped_at: Date | null, sold_at: Date | null, sold_by: string | null, installed_at: Date | null, device_id: string | null
  parent_sscc: string | null, last_at: Date | null, last_lat: number | null, last_lng: number | null
  consumer_verifications: number | null, consumer_ids: string[] | null, first_verified_at: Date | null, scans: number | null
  verification_rows: number | null
}

export interface LoadedItem {
  issued: IssuedItem
  state: ItemState | null
}

function toLoaded (r: StateRow): LoadedItem {
  const issued: IssuedItem = { serial: r.serial, gtin: r.gtin, lot: r.lot, batchId: r.batch_id, batchStatus: r.batch_status, issuedAt: r.issued_at }
  if (r.s_status === null) return { issued, state: null }
  return {
    issued,
    state: {
      serial: r.serial, gtin: r.gtin, lot: r.lot, status: r.s_status, holderOrgId: r.holder_org_id, channelPath: r.channel_path ?? [],
      shipFrom: r.ship_from, shipTo: r.ship_to, shippedAt: r.shipped_at, soldAt: r.sold_at, soldBy: r.sold_by,
      installedAt: r.installed_at, deviceId: r.device_id, parentSscc: r.parent_sscc, lastAt: r.last_at,
      lastLocation: r.last_lat === null || r.last_lng === null ? null : { lat: r.last_lat, lng: r.last_lng },
      consumerVerifications: r.consumer_verifications ?? 0, consumerIds: r.consumer_ids ?? [], firstVerifiedAt: r.first_verified_at, scans: r.scans ?? 0,
      verificationRows: r.verification_rows ?? 0
    }
  }
}

/** A PostgreSQL array literal of text values (`{"a","b"}`), for a text[] inside an unnest of arrays. */
export function toArrayLiteral (values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`
}

/** What one scan batch writes: full scan rows, narrow verification rows, item states, reward ledger lines. */
export interface ScanBatchRows {
  scans: readonly ScanRecord[]
  verifications: readonly VerificationRecord[]
  states: readonly ItemState[]
  ledger: readonly LedgerRecord[]
  at: Date
}

/** A batch that writes nothing: no scan, verification, state or ledger row. */
export function isEmptyBatch (rows: ScanBatchRows): boolean {
  return rows.scans.length === 0 && rows.verifications.length === 0 && rows.states.length === 0 && rows.ledger.length === 0
}

/**
 * The one statement of a scan batch: scan rows, narrow verification rows, the items' new states and the
 * reward ledger lines they earned, through `trace_record_scans` (migration 0016: one round trip, atomic
 * on its own, planned once per connection), passed column-wise as arrays (cheaper for the engine than
 * one JSON document per batch). A ledger line already paid (serial, trigger, level) is skipped. A batch
 * of narrow verification rows alone is a plain insert.
 */
function scanBatchStatement ({ scans, verifications, states, ledger, at }: ScanBatchRows): [string, unknown[]] {
  const s = <T>(pick: (r: ScanRecord) => T): T[] => scans.map(pick)
  const v = <T>(pick: (r: VerificationRecord) => T): T[] => verifications.map(pick)
  const t = <T>(pick: (r: ItemState) => T): T[] => states.map(pick)
  const l = <T>(pick: (r: LedgerRecord) => T): T[] => ledger.map(pick)
  const verificationColumns = [
    v((r) => r.id), v((r) => r.code), v((r) => r.serial), v((r) => r.gtin), v((r) => r.lot), v((r) => r.consumerId),
    v((r) => r.location?.lat ?? null), v((r) => r.location?.lng ?? null), v((r) => r.city), v((r) => r.at), v((r) => r.recordedAt)
  ]
  if (scans.length === 0 && states.length === 0 && ledger.length === 0) {
    // Only narrow verifications (the usual write under consumers' traffic): the insert alone.
    return [
      `INSERT INTO trace_verifications (id, code, serial, gtin, lot, consumer_id, lat, lng, city, at, recorded_at)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::float8[], $8::float8[],
                            $9::text[], $10::timestamptz[], $11::timestamptz[])`,
      verificationColumns
    ]
  }
  return [
    `SELECT trace_record_scans($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
           $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[],
           $18::float8[], $19::float8[], $20::text[], $21::timestamptz[], $22::timestamptz[], $23::json[], $24::text[],
           $25::text[], $26::text[], $27::text[], $28::text[], $29::text[], $30::text[], $31::text[], $32::text[],
           $33::timestamptz[], $34::timestamptz[], $35::text[], $36::timestamptz[], $37::text[], $38::timestamptz[], $39::float8[],
           $40::float8[], $41::int4[], $42::text[], $43::timestamptz[], $44::int4[], $45::int4[], $46::timestamptz,
           $47::uuid[], $48::uuid[], $49::text[], $50::text[], $51::text[], $52::text[], $53::numeric[], $54::uuid[], $55::timestamptz[],
           $56::uuid[], $57::text[], $58::text[], $59::text[], $60::text[], $61::text[], $62::float8[], $63::float8[], $64::text[],
           $65::timestamptz[], $66::timestamptz[])`,
    [
      s((r) => r.id), s((r) => r.requestId), s((r) => r.code), s((r) => r.serial), s((r) => r.gtin), s((r) => r.lot), s((r) => r.sscc),
      s((r) => r.action), s((r) => r.result), s((r) => r.source), s((r) => r.orgId), s((r) => r.toOrgId), s((r) => r.deviceId),
      s((r) => r.workOrderId), s((r) => r.actorRole), s((r) => r.actorUserId), s((r) => r.consumerId), s((r) => r.location?.lat ?? null),
      s((r) => r.location?.lng ?? null), s((r) => r.city), s((r) => r.at), s((r) => r.recordedAt), s((r) => JSON.stringify(r.checks)), s((r) => r.eventId),
      t((r) => r.serial), t((r) => r.gtin), t((r) => r.lot), t((r) => r.status), t((r) => r.holderOrgId), t((r) => toArrayLiteral(r.channelPath)),
      t((r) => r.shipFrom), t((r) => r.shipTo), t((r) => r.shippedAt), t((r) => r.soldAt), t((r) => r.soldBy), t((r) => r.installedAt),
      t((r) => r.deviceId), t((r) => r.lastAt), t((r) => r.lastLocation?.lat ?? null), t((r) => r.lastLocation?.lng ?? null),
      t((r) => r.consumerVerifications), t((r) => toArrayLiteral(r.consumerIds)), t((r) => r.firstVerifiedAt), t((r) => r.scans),
      t((r) => r.verificationRows), at,
      l((r) => r.id), l((r) => r.ruleId), l((r) => r.serial), l((r) => r.trigger), l((r) => r.level), l((r) => r.beneficiary),
      l((r) => r.amount), l((r) => r.scanId), l((r) => r.createdAt),
      ...verificationColumns
    ]
  ]
}

/**
 * The narrow verification rows of the loaded items that their stored state does not include yet (those
 * after its first `verification_rows`, in insertion order), applied to it: the state as it was after
 * the last of them was checked. An honest item has a handful (more than 20, or more than 3 consumers,
 * fails the clone check, and failed verifications are full scans that store the state).
 */
async function replayVerifications (tx: Queryable, items: Map<string, LoadedItem>): Promise<void> {
  if (items.size === 0) return
  const { rows } = await tx.query<{ serial: string, consumer_id: string | null, lat: number | null, lng: number | null, at: Date }>(
    'SELECT serial, consumer_id, lat, lng, at FROM trace_verifications WHERE serial = ANY($1::text[]) ORDER BY serial, seq', [[...items.keys()]])
  let serial = ''
  let seen = 0
  for (const row of rows) {
    if (row.serial !== serial) { serial = row.serial; seen = 0 }
    seen++
    const item = items.get(serial)
    if (item === undefined) continue
    const state = item.state ?? createInitialState(item.issued)
    if (seen <= state.verificationRows) continue
    item.state = applyPassedVerification(state, { consumerId: row.consumer_id, location: row.lat === null || row.lng === null ? null : { lat: row.lat, lng: row.lng }, at: row.at })
  }
}

/** Scans, item state and container contents: the queries of one scan batch, all on the batch's transaction. */
export function createScanRepository () {
  return {
    /**
     * Issued codes with their current state; `lock` takes row locks for this transaction (the server
     * driver, where another process may scan the same item; the embedded engine has one connection).
     */
    async loadItems (tx: Queryable, serials: readonly string[], lock: boolean): Promise<Map<string, LoadedItem>> {
      const found = new Map<string, LoadedItem>()
      if (serials.length === 0) return found
      const { rows } = await tx.query<StateRow>(
        `SELECT c.serial, c.batch_id, b.gtin, b.lot, b.status AS batch_status, b.issued_at,
                s.status AS s_status, s.holder_org_id, s.channel_path, s.ship_from, s.ship_to, s.shipped_at, s.sold_at, s.sold_by,
                s.installed_at, s.device_id, s.parent_sscc, s.last_at, s.last_lat, s.last_lng, s.consumer_verifications,
                s.consumer_ids, s.first_verified_at, s.scans, s.verification_rows
         FROM trace_codes c
         JOIN trace_code_batches b ON b.id = c.batch_id
         LEFT JOIN trace_code_state s ON s.serial = c.serial
         WHERE c.serial = ANY($1::text[])
         ${lock ? 'FOR UPDATE OF c' : ''}`, [serials])
      for (const row of rows) found.set(row.serial, toLoaded(row))
      await replayVerifications(tx, found)
      return found
    },

    /** Every item inside the given containers, through any depth of nesting: sscc → serials. */
    async expandContainers (tx: Queryable, ssccs: readonly string[]): Promise<Map<string, string[]>> {
      const contents = new Map<string, string[]>(ssccs.map((s) => [s, []]))
      if (ssccs.length === 0) return contents
      const { rows } = await tx.query<{ root: string, serial: string }>(
        `WITH RECURSIVE tree (root, sscc) AS (
           SELECT sscc, sscc FROM trace_containers WHERE sscc = ANY($1::text[])
           UNION ALL
           SELECT tree.root, c.sscc FROM trace_containers c JOIN tree ON c.parent_sscc = tree.sscc
         )
         SELECT tree.root, s.serial FROM tree JOIN trace_code_state s ON s.parent_sscc = tree.sscc ORDER BY tree.root, s.serial`,
        [ssccs])
      for (const row of rows) contents.get(row.root)?.push(row.serial)
      return contents
    },

    async existingContainers (tx: Queryable, ssccs: readonly string[]): Promise<Set<string>> {
      if (ssccs.length === 0) return new Set()
      const { rows } = await tx.query<{ sscc: string }>('SELECT sscc FROM trace_containers WHERE sscc = ANY($1::text[])', [ssccs])
      return new Set(rows.map((r) => r.sscc))
    },

    async findByRequests (tx: Queryable, requestIds: readonly string[]): Promise<ScanRecord[]> {
      if (requestIds.length === 0) return []
      const { rows } = await tx.query<ScanRow>(
        "SELECT * FROM trace_scans WHERE request_id = ANY($1::uuid[]) AND source <> 'verify' ORDER BY recorded_at, id", [requestIds])
      return rows.map(toScanRecord)
    },

    /** Scan and verification rows, the items' new states and their reward ledger lines: see scanBatchStatement. */
    async insertScanBatch (q: Queryable, rows: ScanBatchRows): Promise<void> {
      if (isEmptyBatch(rows)) return
      const [sql, params] = scanBatchStatement(rows)
      await q.query(sql, params)
    },

    /**
     * insertScanBatch on the embedded driver's staged query: `executed` once the rows are committed,
     * `durable` once that commit is on disk.
     */
    insertScanBatchStaged (queryStaged: NonNullable<Database['queryStaged']>, rows: ScanBatchRows): { executed: Promise<unknown>, durable: Promise<unknown> } {
      const [sql, params] = scanBatchStatement(rows)
      return queryStaged(sql, params)
    }
  }
}

export type ScanRepository = ReturnType<typeof createScanRepository>

/** Reads outside the scan batches: an item's history (provenance) and where it is fitted. */
export function createScanHistoryRepository (db: Queryable) {
  return {
    async itemHistory (serial: string): Promise<ScanRecord[]> {
      const { rows } = await db.query<ScanRow>(
        `SELECT * FROM trace_scans WHERE serial = $1 AND result <> 'rejected' ORDER BY at, recorded_at, id`, [serial])
      return rows.map(toScanRecord)
    },
    async installedOn (serial: string): Promise<string | null> {
      const { rows } = await db.query<{ device_id: string | null }>(
        "SELECT device_id FROM trace_code_state WHERE serial = $1 AND status = 'installed'", [serial])
      return rows[0]?.device_id ?? null
    },
    async issuedItem (serial: string): Promise<{ gtin: string, lot: string | null, issuedAt: Date | null, status: string } | null> {
      const { rows } = await db.query<{ gtin: string, lot: string | null, issued_at: Date | null, status: string }>(
        `SELECT b.gtin, b.lot, b.issued_at, b.status FROM trace_codes c JOIN trace_code_batches b ON b.id = c.batch_id WHERE c.serial = $1`, [serial])
      const row = rows[0]
      return row === undefined ? null : { gtin: row.gtin, lot: row.lot, issuedAt: row.issued_at, status: row.status }
    },
    async itemState (serial: string): Promise<{ status: string, deviceId: string | null, holderOrgId: string | null } | null> {
      const { rows } = await db.query<{ status: string, device_id: string | null, holder_org_id: string | null }>(
        'SELECT status, device_id, holder_org_id FROM trace_code_state WHERE serial = $1', [serial])
      const row = rows[0]
      return row === undefined ? null : { status: row.status, deviceId: row.device_id, holderOrgId: row.holder_org_id }
    }
  }
}
