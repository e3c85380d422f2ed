import type { Queryable } from '../../core/db/database.js'

export type ContainerKind = 'case' | 'pallet'

export interface Container {
  sscc: string
  kind: ContainerKind
  orgId: string | null
  parentSscc: string | null
  createdAt: Date
  updatedAt: Date
}

interface ContainerRow { sscc: string, kind: ContainerKind, org_id: string | null, parent_sscc: string | null, created_at: Date, updated_at: Date }
const toContainer = (r: ContainerRow): Container => ({ sscc: r.sscc, kind: r.kind, orgId: r.org_id, parentSscc: r.parent_sscc, createdAt: r.created_at, updatedAt: r.updated_at })

export interface PackedItem {
  serial: string
  gtin: string
  lot: string | null
  status: string
  parentSscc: string | null
  /** The organisation holding it (custody), or null before its first hand-over. */
  holderOrgId: string | null
}

export function createContainerRepository () {
  return {
    async nextSerialReference (q: Queryable): Promise<number> {
      const { rows } = await q.query<{ n: number }>("SELECT nextval('trace_sscc_reference') AS n")
      return (rows[0] as { n: number }).n
    },
    async insert (q: Queryable, c: { sscc: string, kind: ContainerKind, orgId: string | null, at: Date }): Promise<Container> {
      const { rows } = await q.query<ContainerRow>(
        'INSERT INTO trace_containers (sscc, kind, org_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING *', [c.sscc, c.kind, c.orgId, c.at])
      return toContainer(rows[0] as ContainerRow)
    },
    async find (q: Queryable, sscc: string, lock = false): Promise<Container | null> {
      const { rows } = await q.query<ContainerRow>(`SELECT * FROM trace_containers WHERE sscc = $1${lock ? ' FOR UPDATE' : ''}`, [sscc])
      return rows[0] === undefined ? null : toContainer(rows[0])
    },
    async findMany (q: Queryable, ssccs: readonly string[]): Promise<Container[]> {
      if (ssccs.length === 0) return []
      const { rows } = await q.query<ContainerRow>('SELECT * FROM trace_containers WHERE sscc = ANY($1::text[])', [ssccs])
      return rows.map(toContainer)
    },
    /** The container and every container it sits in, innermost first. */
    async ancestors (q: Queryable, sscc: string): Promise<string[]> {
      const { rows } = await q.query<{ sscc: string }>(
        `WITH RECURSIVE up (sscc, parent_sscc, depth) AS (
           SELECT sscc, parent_sscc, 0 FROM trace_containers WHERE sscc = $1
           UNION ALL
           SELECT c.sscc, c.parent_sscc, up.depth + 1 FROM trace_containers c JOIN up ON c.sscc = up.parent_sscc
         ) SELECT sscc FROM up ORDER BY depth`, [sscc])
      return rows.map((r) => r.sscc)
    },
    /** The organisations holding the items inside a container, at any depth (null: not yet handed over). */
    async holdersInside (q: Queryable, sscc: string): Promise<Array<string | null>> {
      const { rows } = await q.query<{ holder_org_id: string | null }>(
        `WITH RECURSIVE down (sscc, depth) AS (
           SELECT sscc, 0 FROM trace_containers WHERE sscc = $1
           UNION ALL
           SELECT c.sscc, down.depth + 1 FROM trace_containers c JOIN down ON c.parent_sscc = down.sscc WHERE down.depth < 16
         ) SELECT DISTINCT s.holder_org_id FROM trace_code_state s JOIN down ON s.parent_sscc = down.sscc`, [sscc])
      return rows.map((r) => r.holder_org_id)
    },
    async setContainerParents (q: Queryable, ssccs: readonly string[], parent: string | null, at: Date): Promise<void> {
      if (ssccs.length === 0) return
      await q.query('UPDATE trace_containers SET parent_sscc = $2, updated_at = $3 WHERE sscc = ANY($1::text[])', [ssccs, parent, at])
    },
    /** Issued items with their packing state (an item never scanned has no state row yet: status issued). */
    async items (q: Queryable, serials: readonly string[], lock: boolean): Promise<PackedItem[]> {
      if (serials.length === 0) return []
      const { rows } = await q.query<{ serial: string, gtin: string, lot: string | null, status: string | null, parent_sscc: string | null, holder_org_id: string | null, batch_status: string }>(
        `SELECT c.serial, b.gtin, b.lot, s.status, s.parent_sscc, s.holder_org_id, b.status AS batch_status
         FROM trace_codes c JOIN trace_code_batches b ON b.id = c.batch_id LEFT JOIN trace_code_state s ON s.serial = c.serial
         WHERE c.serial = ANY($1::text[])${lock ? ' FOR UPDATE OF c' : ''}`, [serials])
      return rows.filter((r) => r.batch_status === 'issued').map((r) => ({ serial: r.serial, gtin: r.gtin, lot: r.lot, status: r.status ?? 'issued', parentSscc: r.parent_sscc, holderOrgId: r.holder_org_id }))
    },
    /** Put items into (or, with null, take them out of) a container; items without a state row get one. */
    async setItemParents (q: Queryable, items: readonly PackedItem[], parent: string | null, at: Date): Promise<void> {
      if (items.length === 0) return
      await q.query(
        `INSERT INTO trace_code_state (serial, gtin, lot, status, parent_sscc, updated_at)
         SELECT serial, gtin, lot, 'issued', $2, $3 FROM jsonb_to_recordset($1::jsonb) AS r(serial text, gtin text, lot text)
         ON CONFLICT (serial) DO UPDATE SET parent_sscc = $2, updated_at = $3`,
        [JSON.stringify(items.map((i) => ({ serial: i.serial, gtin: i.gtin, lot: i.lot }))), parent, at])
    },
    async children (q: Queryable, sscc: string): Promise<{ containers: Container[], items: PackedItem[] }> {
      const [containers, items] = await Promise.all([
        q.query<ContainerRow>('SELECT * FROM trace_containers WHERE parent_sscc = $1 ORDER BY sscc', [sscc]),
        q.query<{ serial: string, gtin: string, lot: string | null, status: string, parent_sscc: string | null, holder_org_id: string | null }>(
          'SELECT serial, gtin, lot, status, parent_sscc, holder_org_id FROM trace_code_state WHERE parent_sscc = $1 ORDER BY serial', [sscc])
      ])
      return {
        containers: containers.rows.map(toContainer),
        items: items.rows.map((r) => ({ serial: r.serial, gtin: r.gtin, lot: r.lot, status: r.status, parentSscc: r.parent_sscc, holderOrgId: r.holder_org_id }))
      }
    }
  }
}

export type ContainerRepository = ReturnType<typeof createContainerRepository>
