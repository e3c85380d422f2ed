import { randomUUID } from 'node:crypto'
import type { Database } from '../../core/db/database.js'
import { isUniqueViolation } from '../../core/db/database.js'
import {
  TRC_CHANNEL_LINK_INVALID, TRC_CHANNEL_LINK_NOT_FOUND, TRC_GLN_INVALID, TRC_GTIN_INVALID, TRC_ORG_EXISTS,
  TRC_ORG_NOT_FOUND, TRC_PRODUCT_EXISTS, TRC_PRODUCT_NOT_FOUND, TRC_TERRITORY_INVALID
} from '../errors.js'
import { hasValidCheckDigit } from '../gs1/check-digit.js'
import { parseGtin } from '../gs1/gtin.js'
import { createCatalogRepository } from './catalog.repository.js'
import type { ChannelLink, NewOrganisation, Organisation, OrganisationChanges, OrgKind, Product } from './catalog.repository.js'
import { createCatalogSnapshot } from './catalog-snapshot.js'
import type { CatalogSnapshot } from './catalog-snapshot.js'
import { findTerritoryProblem } from './territory.js'
import type { LatLng, Territory } from './territory.js'

const VERSION_RECHECK_MS = 1000

/** Which kinds may supply which (factory → distributor → dealer → store / service station). */
const MAY_SUPPLY: Record<OrgKind, readonly OrgKind[]> = {
  factory: ['distributor', 'dealer', 'store', 'service_station'],
  distributor: ['distributor', 'dealer', 'store', 'service_station'],
  dealer: ['dealer', 'store', 'service_station'],
  store: [],
  service_station: []
}

export interface NewOrganisationInput {
  id?: string | undefined
  kind: OrgKind
  name: string
  gln?: string | null | undefined
  city?: string | null | undefined
  location: LatLng
  territory?: unknown
}

export interface OrganisationChangesInput {
  name?: string | undefined
  gln?: string | null | undefined
  city?: string | null | undefined
  location?: LatLng | undefined
  territory?: unknown
}

function checkGtin (text: string, field: string): string {
  const parsed = parseGtin(text)
  if ('problem' in parsed) {
    throw new TRC_GTIN_INVALID(text, parsed.problem === 'check_digit' ? 'wrong check digit' : 'not 8, 12, 13 or 14 digits').withDetails({ field })
  }
  return parsed.gtin
}

function checkGln (gln: string | null | undefined, field: string): string | null | undefined {
  if (gln === undefined || gln === null) return gln
  if (!/^\d{13}$/.test(gln) || !hasValidCheckDigit(gln)) throw new TRC_GLN_INVALID(gln).withDetails({ field })
  return gln
}

function checkTerritory (value: unknown, field: string): Territory | null | undefined {
  if (value === undefined || value === null) return value as null | undefined
  const problem = findTerritoryProblem(value)
  if (problem !== null) throw new TRC_TERRITORY_INVALID(problem).withDetails({ field })
  const { type, coordinates } = value as Territory
  return { type, coordinates } as Territory
}

/**
 * Products, organisations and channel links, and the in-memory snapshot of them the checks read.
 * Every change bumps a database sequence; `snapshot()` reloads when it moved, so several processes on
 * one database agree within one scan batch.
 */
export function createCatalogService (deps: { db: Database, now: () => number }) {
  const repo = createCatalogRepository(deps.db)
  let current: CatalogSnapshot | null = null
  let checkedAt = -Infinity
  let loading: Promise<CatalogSnapshot> | null = null

  const load = async (version: number): Promise<CatalogSnapshot> => {
    const [products, orgs, links] = await Promise.all([repo.listProducts(), repo.listOrganisations(), repo.listLinks()])
    return createCatalogSnapshot(version, products, orgs, links)
  }
  const changed = async (): Promise<void> => {
    await repo.bumpVersion()
    current = null
  }
  const requireOrg = async (id: string, field: string): Promise<Organisation> => {
    const org = (await repo.listOrganisations()).find((o) => o.id === id)
    if (org === undefined) throw new TRC_ORG_NOT_FOUND(id).withDetails({ field })
    return org
  }

  const service = {
    /** Tell every process that something the checks read (catalogue, reward rules) has changed. */
    markChanged: changed,

    /**
     * The current catalogue. A change made by this process is seen at once; one made by another process
     * on the same database within VERSION_RECHECK_MS (the version is read at most that often, so scan
     * batches do not pay a round trip for it).
     */
    async snapshot (): Promise<CatalogSnapshot> {
      if (current !== null && performance.now() - checkedAt < VERSION_RECHECK_MS) return current
      const version = await repo.readVersion()
      checkedAt = performance.now()
      if (current !== null && current.version === version) return current
      if (loading === null) {
        loading = load(version).finally(() => { loading = null })
      }
      const snapshot = await loading
      if (current === null || snapshot.version >= current.version) current = snapshot
      return snapshot
    },

    async createProduct (input: { gtin: string, name: string, partNumber: string, unit?: string | undefined }): Promise<Product> {
      const gtin = checkGtin(input.gtin, 'body.gtin')
      try {
        const product = await repo.insertProduct({ gtin, name: input.name, partNumber: input.partNumber, unit: input.unit ?? 'piece' })
        await changed()
        return product
      } catch (error) {
        if (isUniqueViolation(error)) throw new TRC_PRODUCT_EXISTS(gtin).withDetails({ field: 'body.gtin' })
        throw error
      }
    },
    listProducts: () => repo.listProducts(),
    async getProduct (gtinText: string): Promise<Product> {
      const gtin = checkGtin(gtinText, 'params.gtin')
      const product = await repo.findProduct(gtin)
      if (product === null) throw new TRC_PRODUCT_NOT_FOUND(gtin).withDetails({ field: 'params.gtin' })
      return product
    },

    async createOrganisation (input: NewOrganisationInput): Promise<Organisation> {
      const org: NewOrganisation = {
        id: input.id ?? randomUUID(),
        kind: input.kind,
        name: input.name,
        gln: checkGln(input.gln, 'body.gln') ?? null,
        city: input.city ?? null,
        location: input.location,
        territory: checkTerritory(input.territory, 'body.territory') ?? null
      }
      try {
        const created = await repo.insertOrganisation(org)
        await changed()
        return created
      } catch (error) {
        if (isUniqueViolation(error)) throw new TRC_ORG_EXISTS(org.id).withDetails({ field: input.id === undefined ? 'body.gln' : 'body.id' })
        throw error
      }
    },
    async updateOrganisation (id: string, input: OrganisationChangesInput): Promise<Organisation> {
      const changes: OrganisationChanges = {}
      if (input.name !== undefined) changes.name = input.name
      if (input.gln !== undefined) changes.gln = checkGln(input.gln, 'body.gln') ?? null
      if (input.city !== undefined) changes.city = input.city
      if (input.location !== undefined) changes.location = input.location
      if (input.territory !== undefined) changes.territory = checkTerritory(input.territory, 'body.territory') ?? null
      try {
        const updated = await repo.updateOrganisation(id, changes, new Date(deps.now()))
        if (updated === null) throw new TRC_ORG_NOT_FOUND(id).withDetails({ field: 'params.id' })
        await changed()
        return updated
      } catch (error) {
        if (isUniqueViolation(error)) throw new TRC_ORG_EXISTS(id).withDetails({ field: 'body.gln' })
        throw error
      }
    },
    listOrganisations: (kind?: OrgKind) => repo.listOrganisations(kind),
    getOrganisation: (id: string) => requireOrg(id, 'params.id'),

    async putLink (input: { supplierId: string, customerId: string, gtins?: string[] | null | undefined }): Promise<ChannelLink> {
      const supplier = await requireOrg(input.supplierId, 'body.supplierId')
      const customer = await requireOrg(input.customerId, 'body.customerId')
      if (supplier.id === customer.id) throw new TRC_CHANNEL_LINK_INVALID('an organisation cannot supply itself').withDetails({ field: 'body.customerId' })
      if (!MAY_SUPPLY[supplier.kind].includes(customer.kind)) {
        throw new TRC_CHANNEL_LINK_INVALID(`a ${supplier.kind} does not supply a ${customer.kind}`).withDetails({ field: 'body.customerId' })
      }
      const gtins = input.gtins === undefined || input.gtins === null
        ? null
        : [...new Set(input.gtins.map((g, i) => checkGtin(g, `body.gtins.${i}`)))].sort()
      const link = await repo.upsertLink(supplier.id, customer.id, gtins)
      await changed()
      return link
    },
    async deleteLink (supplierId: string, customerId: string): Promise<void> {
      if (!await repo.deleteLink(supplierId, customerId)) throw new TRC_CHANNEL_LINK_NOT_FOUND(supplierId, customerId)
      await changed()
    },
    listLinks: () => repo.listLinks()
  }
  return service
}

export type CatalogService = ReturnType<typeof createCatalogService>
