import type { Queryable } from '../../core/db/database.js'
import type { LatLng, Territory } from './territory.js'

export type OrgKind = 'factory' | 'distributor' | 'dealer' | 'store' | 'service_station'
export const ORG_KINDS: readonly OrgKind[] = ['factory', 'distributor', 'dealer', 'store', 'service_station']

export interface Product {
  gtin: string
  name: string
  partNumber: string
  unit: string
  createdAt: Date
}

export interface Organisation {
  id: string
  kind: OrgKind
  name: string
  gln: string | null
  city: string | null
  location: LatLng
  territory: Territory | null
  createdAt: Date
  updatedAt: Date
}

export interface ChannelLink {
  supplierId: string
  customerId: string
  /** Products the supplier may deliver; null = all. */
  gtins: string[] | null
  createdAt: Date
}

interface ProductRow { gtin: string, name: string, part_number: string, unit: string, created_at: Date }
interface OrgRow {
  id: string, kind: OrgKind, name: string, gln: string | null, city: string | null, lat: number, lng: number
  territory: Territory | null, created_at: Date, updated_at: Date
}
interface LinkRow { supplier_id: string, customer_id: string, gtins: string[] | null, created_at: Date }

const toProduct = (r: ProductRow): Product => ({ gtin: r.gtin, name: r.name, partNumber: r.part_number, unit: r.unit, createdAt: r.created_at })
const toOrg = (r: OrgRow): Organisation => ({
  id: r.id, kind: r.kind, name: r.name, gln: r.gln, city: r.city, location: { lat: r.lat, lng: r.lng },
  territory: r.territory, createdAt: r.created_at, updatedAt: r.updated_at
})
const toLink = (r: LinkRow): ChannelLink => ({ supplierId: r.supplier_id, customerId: r.customer_id, gtins: r.gtins, createdAt: r.created_at })

export interface NewOrganisation {
  id: string
  kind: OrgKind
  name: string
  gln: string | null
  city: string | null
  location: LatLng
  territory: Territory | null
}

export type OrganisationChanges = Partial<Omit<NewOrganisation, 'id' | 'kind'>>

export function createCatalogRepository (db: Queryable) {
  return {
    async insertProduct (p: Omit<Product, 'createdAt'>): Promise<Product> {
      const { rows } = await db.query<ProductRow>(
        'INSERT INTO trace_products (gtin, name, part_number, unit) VALUES ($1, $2, $3, $4) RETURNING *',
        [p.gtin, p.name, p.partNumber, p.unit])
      return toProduct(rows[0] as ProductRow)
    },
    async listProducts (): Promise<Product[]> {
      const { rows } = await db.query<ProductRow>('SELECT * FROM trace_products ORDER BY gtin')
      return rows.map(toProduct)
    },
    async findProduct (gtin: string): Promise<Product | null> {
      const { rows } = await db.query<ProductRow>('SELECT * FROM trace_products WHERE gtin = $1', [gtin])
      return rows[0] === undefined ? null : toProduct(rows[0])
    },

    async insertOrganisation (o: NewOrganisation): Promise<Organisation> {
      const { rows } = await db.query<OrgRow>(
        `INSERT INTO trace_organisations (id, kind, name, gln, city, lat, lng, territory)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
        [o.id, o.kind, o.name, o.gln, o.city, o.location.lat, o.location.lng, o.territory === null ? null : JSON.stringify(o.territory)])
      return toOrg(rows[0] as OrgRow)
    },
    async updateOrganisation (id: string, c: OrganisationChanges, at: Date): Promise<Organisation | null> {
      const { rows } = await db.query<OrgRow>(
        `UPDATE trace_organisations SET
           name = coalesce($2, name),
           gln = CASE WHEN $3::boolean THEN $4 ELSE gln END,
           city = CASE WHEN $5::boolean THEN $6 ELSE city END,
           lat = coalesce($7, lat), lng = coalesce($8, lng),
           territory = CASE WHEN $9::boolean THEN $10::jsonb ELSE territory END,
           updated_at = $11
         WHERE id = $1 RETURNING *`,
        [id, c.name ?? null, c.gln !== undefined, c.gln ?? null, c.city !== undefined, c.city ?? null,
          c.location?.lat ?? null, c.location?.lng ?? null,
          c.territory !== undefined, c.territory === undefined || c.territory === null ? null : JSON.stringify(c.territory), at])
      return rows[0] === undefined ? null : toOrg(rows[0])
    },
    async listOrganisations (kind?: OrgKind): Promise<Organisation[]> {
      const { rows } = await db.query<OrgRow>(
        'SELECT * FROM trace_organisations WHERE ($1::text IS NULL OR kind = $1) ORDER BY id', [kind ?? null])
      return rows.map(toOrg)
    },

    async upsertLink (supplierId: string, customerId: string, gtins: string[] | null): Promise<ChannelLink> {
      const { rows } = await db.query<LinkRow>(
        `INSERT INTO trace_channel_links (supplier_id, customer_id, gtins) VALUES ($1, $2, $3)
         ON CONFLICT (supplier_id, customer_id) DO UPDATE SET gtins = excluded.gtins RETURNING *`,
        [supplierId, customerId, gtins])
      return toLink(rows[0] as LinkRow)
    },
    async deleteLink (supplierId: string, customerId: string): Promise<boolean> {
      const { rowCount } = await db.query('DELETE FROM trace_channel_links WHERE supplier_id = $1 AND customer_id = $2', [supplierId, customerId])
      return rowCount > 0
    },
    async listLinks (): Promise<ChannelLink[]> {
      const { rows } = await db.query<LinkRow>('SELECT * FROM trace_channel_links ORDER BY supplier_id, customer_id')
      return rows.map(toLink)
    },

    async bumpVersion (): Promise<void> {
      await db.query("SELECT nextval('trace_catalog_version')")
    },
    async readVersion (): Promise<number> {
      const { rows } = await db.query<{ v: number }>('SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS v FROM trace_catalog_version')
      return rows[0]?.v ?? 0
    }
  }
}

export type CatalogRepository = ReturnType<typeof createCatalogRepository>
