import { randomUUID } from 'node:crypto'
import type { Queryable } from '../../../core/db/database.js'

/** A device's sale or lease contract (one current contract per device). */
export interface Contract {
  deviceId: string
  type: 'sale' | 'lease'
  number: string
  customer: Record<string, unknown>
  startsOn: string
  endsOn: string | null
  warrantyUntil: string | null
  terms: Record<string, unknown>
  notes: string | null
  updatedAt: Date
  updatedBy: string | null
}

/** A part fitted to a device; `code` is its unique traceability code when it has one. */
export interface BomItem {
  id: string
  deviceId: string
  position: string | null
  partNumber: string
  name: string | null
  serial: string | null
  code: string | null
  gtin: string | null
  lot: string | null
  fittedAt: Date
  fittedBy: string | null
  workOrderId: string | null
  /** Hand-overs from the factory to the fitting, oldest first, as traceability reported them (JSON). */
  provenance: ReadonlyArray<Record<string, unknown>> | null
  source: 'manual' | 'traceability'
  removedAt: Date | null
  removedBy: string | null
}

export interface ServiceVisit {
  workOrderId: string
  deviceId: string
  engineerId: string
  completedAt: Date
  notes: string | null
  partsUsed: string[]
}

const CONTRACT_COLUMNS = `device_id, type, number, customer, to_char(starts_on, 'YYYY-MM-DD') AS starts_on,
  to_char(ends_on, 'YYYY-MM-DD') AS ends_on, to_char(warranty_until, 'YYYY-MM-DD') AS warranty_until, terms, notes, updated_at, updated_by`
const BOM_COLUMNS = `id, device_id, position, part_number, name, serial, code, gtin, lot, fitted_at, fitted_by, work_order_id,
  provenance, source, removed_at, removed_by`

type Row = Record<string, any>

function toContract (row: Row): Contract {
  return {
    deviceId: row.device_id, type: row.type, number: row.number, customer: row.customer, startsOn: row.starts_on, endsOn: row.ends_on,
    warrantyUntil: row.warranty_until, terms: row.terms, notes: row.notes, updatedAt: row.updated_at, updatedBy: row.updated_by
  }
}

function toBomItem (row: Row): BomItem {
  return {
    id: row.id, deviceId: row.device_id, position: row.position, partNumber: row.part_number, name: row.name, serial: row.serial,
    code: row.code, gtin: row.gtin, lot: row.lot, fittedAt: row.fitted_at, fittedBy: row.fitted_by, workOrderId: row.work_order_id,
    provenance: row.provenance, source: row.source, removedAt: row.removed_at, removedBy: row.removed_by
  }
}

export type NewBomItem = Omit<BomItem, 'id' | 'removedAt' | 'removedBy'>

export function createProfileRepository (db: Queryable) {
  return {
    async contract (deviceId: string): Promise<Contract | null> {
      const { rows } = await db.query<Row>(`SELECT ${CONTRACT_COLUMNS} FROM insight_contracts WHERE device_id = $1`, [deviceId])
      return rows[0] === undefined ? null : toContract(rows[0])
    },

    async putContract (contract: Omit<Contract, 'updatedAt'>): Promise<Contract> {
      const { rows } = await db.query<Row>(
        `INSERT INTO insight_contracts (device_id, type, number, customer, starts_on, ends_on, warranty_until, terms, notes, updated_by)
         VALUES ($1, $2, $3, $4::jsonb, $5::date, $6::date, $7::date, $8::jsonb, $9, $10)
         ON CONFLICT (device_id) DO UPDATE SET type = EXCLUDED.type, number = EXCLUDED.number, customer = EXCLUDED.customer,
           starts_on = EXCLUDED.starts_on, ends_on = EXCLUDED.ends_on, warranty_until = EXCLUDED.warranty_until,
           terms = EXCLUDED.terms, notes = EXCLUDED.notes, updated_at = now(), updated_by = EXCLUDED.updated_by
         RETURNING ${CONTRACT_COLUMNS}`,
        [contract.deviceId, contract.type, contract.number, JSON.stringify(contract.customer), contract.startsOn, contract.endsOn,
          contract.warrantyUntil, JSON.stringify(contract.terms), contract.notes, contract.updatedBy])
      return toContract(rows[0] as Row)
    },

    async deleteContract (deviceId: string): Promise<boolean> {
      const { rowCount } = await db.query('DELETE FROM insight_contracts WHERE device_id = $1', [deviceId])
      return rowCount > 0
    },

    async bom (deviceId: string, includeRemoved: boolean): Promise<BomItem[]> {
      const { rows } = await db.query<Row>(
        `SELECT ${BOM_COLUMNS} FROM insight_bom_items WHERE device_id = $1 AND ($2::boolean OR removed_at IS NULL)
         ORDER BY fitted_at DESC, id`, [deviceId, includeRemoved])
      return rows.map(toBomItem)
    },

    async bomItem (deviceId: string, id: string): Promise<BomItem | null> {
      const { rows } = await db.query<Row>(`SELECT ${BOM_COLUMNS} FROM insight_bom_items WHERE device_id = $1 AND id = $2`, [deviceId, id])
      return rows[0] === undefined ? null : toBomItem(rows[0])
    },

    async insertBomItem (item: NewBomItem): Promise<BomItem> {
      const { rows } = await db.query<Row>(
        `INSERT INTO insight_bom_items (id, device_id, position, part_number, name, serial, code, gtin, lot, fitted_at, fitted_by,
           work_order_id, provenance, source)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb, $14) RETURNING ${BOM_COLUMNS}`,
        [randomUUID(), item.deviceId, item.position, item.partNumber, item.name, item.serial, item.code, item.gtin, item.lot,
          item.fittedAt, item.fittedBy, item.workOrderId, item.provenance === null ? null : JSON.stringify(item.provenance), item.source])
      return toBomItem(rows[0] as Row)
    },

    async updateBomItem (deviceId: string, id: string, changes: Partial<Omit<BomItem, 'id' | 'deviceId' | 'source'>>): Promise<BomItem | null> {
      const set = (key: keyof typeof changes): boolean => changes[key] !== undefined
      const { rows } = await db.query<Row>(
        `UPDATE insight_bom_items SET
           position = CASE WHEN $3 THEN $4 ELSE position END,
           part_number = COALESCE($5, part_number),
           name = CASE WHEN $6 THEN $7 ELSE name END,
           serial = CASE WHEN $8 THEN $9 ELSE serial END,
           code = CASE WHEN $10 THEN $11 ELSE code END,
           gtin = CASE WHEN $12 THEN $13 ELSE gtin END,
           lot = CASE WHEN $14 THEN $15 ELSE lot END,
           fitted_at = COALESCE($16, fitted_at),
           fitted_by = COALESCE($17, fitted_by),
           work_order_id = CASE WHEN $18 THEN $19 ELSE work_order_id END,
           removed_at = CASE WHEN $20 THEN $21 ELSE removed_at END,
           removed_by = CASE WHEN $20 THEN $22 ELSE removed_by END
         WHERE device_id = $1 AND id = $2 RETURNING ${BOM_COLUMNS}`,
        [deviceId, id, set('position'), changes.position ?? null, changes.partNumber ?? null, set('name'), changes.name ?? null,
          set('serial'), changes.serial ?? null, set('code'), changes.code ?? null, set('gtin'), changes.gtin ?? null,
          set('lot'), changes.lot ?? null, changes.fittedAt ?? null, changes.fittedBy ?? null, set('workOrderId'), changes.workOrderId ?? null,
          set('removedAt'), changes.removedAt ?? null, changes.removedBy ?? null])
      return rows[0] === undefined ? null : toBomItem(rows[0])
    },

    /** The fitted (not removed) item carrying a traceability code, on any device. */
    async fittedByCode (code: string): Promise<BomItem | null> {
      const { rows } = await db.query<Row>(`SELECT ${BOM_COLUMNS} FROM insight_bom_items WHERE code = $1 AND removed_at IS NULL`, [code])
      return rows[0] === undefined ? null : toBomItem(rows[0])
    },

    async serviceHistory (deviceId: string): Promise<ServiceVisit[]> {
      const { rows } = await db.query<Row>(
        `SELECT work_order_id, device_id, engineer_id, completed_at, notes, parts_used FROM insight_service_history
         WHERE device_id = $1 ORDER BY completed_at DESC`, [deviceId])
      return rows.map((row) => ({
        workOrderId: row.work_order_id, deviceId: row.device_id, engineerId: row.engineer_id, completedAt: row.completed_at,
        notes: row.notes, partsUsed: row.parts_used
      }))
    },

    /** Idempotent by work order: a redelivered event changes nothing. */
    async recordServiceVisit (visit: ServiceVisit): Promise<void> {
      await db.query(
        `INSERT INTO insight_service_history (work_order_id, device_id, engineer_id, completed_at, notes, parts_used)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb)
         ON CONFLICT (work_order_id) DO UPDATE SET engineer_id = EXCLUDED.engineer_id, completed_at = EXCLUDED.completed_at,
           notes = EXCLUDED.notes, parts_used = EXCLUDED.parts_used`,
        [visit.workOrderId, visit.deviceId, visit.engineerId, visit.completedAt, visit.notes, JSON.stringify(visit.partsUsed)])
    }
  }
}

export type ProfileRepository = ReturnType<typeof createProfileRepository>
