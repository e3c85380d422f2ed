import KDBush from 'kdbush'
import { around } from 'geokdbush'
import type { ChannelLink, Organisation, Product } from './catalog.repository.js'
import { prepareTerritory } from './territory.js'
import type { LatLng, PreparedTerritory } from './territory.js'

export interface OrgView extends Organisation {
  prepared: PreparedTerritory | null
}

/**
 * An immutable in-memory copy of products, organisations and channel links: the scan checks run
 * thousands of times a second and ask only these questions, so they must not touch the database.
 */
export interface CatalogSnapshot {
  readonly version: number
  product (gtin: string): Product | undefined
  org (id: string): OrgView | undefined
  orgByGln (gln: string): OrgView | undefined
  /** The supplier may deliver this product to the customer. */
  isLinkAuthorised (supplierId: string, customerId: string, gtin: string): boolean
  /** `orgId` is `anchorId` or reachable from it through links authorised for this product. */
  isInChannel (anchorId: string, orgId: string, gtin: string): boolean
  /** The city of the nearest organisation within `maxKm`, for scans that carry only coordinates. */
  nearestCity (point: LatLng, maxKm?: number): string | null
}

const NEAREST_CITY_KM = 50

export function createCatalogSnapshot (version: number, products: readonly Product[], orgs: readonly Organisation[], links: readonly ChannelLink[]): CatalogSnapshot {
  const productByGtin = new Map(products.map((p) => [p.gtin, p]))
  const orgById = new Map<string, OrgView>()
  const orgByGln = new Map<string, OrgView>()
  for (const org of orgs) {
    const view: OrgView = { ...org, prepared: org.territory === null ? null : prepareTerritory(org.territory) }
    orgById.set(org.id, view)
    if (org.gln !== null) orgByGln.set(org.gln, view)
  }
  const customersOf = new Map<string, ChannelLink[]>()
  for (const link of links) {
    const list = customersOf.get(link.supplierId) ?? []
    list.push(link)
    customersOf.set(link.supplierId, list)
  }
  const allows = (link: ChannelLink, gtin: string): boolean => link.gtins === null || link.gtins.includes(gtin)

  const withCity = orgs.filter((o) => o.city !== null)
  let index: KDBush | null = null
  if (withCity.length > 0) {
    index = new KDBush(withCity.length)
    for (const o of withCity) index.add(o.location.lng, o.location.lat)
    index.finish()
  }

  return {
    version,
    product: (gtin) => productByGtin.get(gtin),
    org: (id) => orgById.get(id),
    orgByGln: (gln) => orgByGln.get(gln),
    isLinkAuthorised (supplierId, customerId, gtin) {
      return (customersOf.get(supplierId) ?? []).some((l) => l.customerId === customerId && allows(l, gtin))
    },
    isInChannel (anchorId, orgId, gtin) {
      if (anchorId === orgId) return true
      const seen = new Set([anchorId])
      const queue = [anchorId]
      while (queue.length > 0) {
        const current = queue.shift() as string
        for (const link of customersOf.get(current) ?? []) {
          if (!allows(link, gtin) || seen.has(link.customerId)) continue
          if (link.customerId === orgId) return true
          seen.add(link.customerId)
          queue.push(link.customerId)
        }
      }
      return false
    },
    nearestCity (point, maxKm = NEAREST_CITY_KM) {
      if (index === null) return null
      const [nearest] = around(index, point.lng, point.lat, 1, maxKm)
      return nearest === undefined ? null : withCity[nearest]?.city ?? null
    }
  }
}
