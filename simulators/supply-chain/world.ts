import { booleanPointInPolygon } from '@turf/turf'
import type { MultiPolygon, Polygon } from 'geojson'
import { completeGtin } from '../../traceability/gs1/gtin.js'
import type { Random } from './random.js'
import { PROVINCES, unionOf } from './region.js'
import type { Province } from './region.js'

export type OrgKind = 'factory' | 'distributor' | 'dealer' | 'store' | 'service_station'

export interface SimOrg {
  id: string
  kind: OrgKind
  name: string
  city: string
  location: { lat: number, lng: number }
  territory: Polygon | MultiPolygon | null
  province: Province['id']
}

export interface SimWorld {
  products: Array<{ gtin: string, name: string, partNumber: string }>
  orgs: SimOrg[]
  links: Array<[string, string]>
  /** Dealer of each province. */
  dealerOf: Record<Province['id'], string>
}

/**
 * The channel: one factory in Ningbo, two distributors (north: Shanghai + Jiangsu; south: Zhejiang +
 * Anhui), one dealer per province with the province as its territory, a store in every city and a
 * service station in each provincial capital.
 */
export function buildWorld (): SimWorld {
  const province = (id: Province['id']) => PROVINCES.find((p) => p.id === id) as Province
  const orgs: SimOrg[] = [
    { id: 'factory-ningbo', kind: 'factory', name: 'Ningbo parts factory', city: 'Ningbo', location: { lat: 29.87, lng: 121.55 }, territory: null, province: 'zhejiang' },
    { id: 'dist-north', kind: 'distributor', name: 'North distributor (Shanghai, Jiangsu)', city: 'Shanghai', location: { lat: 31.23, lng: 121.47 }, territory: unionOf([province('shanghai'), province('jiangsu')]), province: 'shanghai' },
    { id: 'dist-south', kind: 'distributor', name: 'South distributor (Zhejiang, Anhui)', city: 'Hangzhou', location: { lat: 30.27, lng: 120.15 }, territory: unionOf([province('zhejiang'), province('anhui')]), province: 'zhejiang' }
  ]
  const links: Array<[string, string]> = [['factory-ningbo', 'dist-north'], ['factory-ningbo', 'dist-south']]
  const dealerOf = {} as Record<Province['id'], string>
  for (const p of PROVINCES) {
    const capital = p.cities[0] as Province['cities'][number]
    const dealer = `dealer-${p.id}`
    dealerOf[p.id] = dealer
    orgs.push({ id: dealer, kind: 'dealer', name: `${p.name} dealer`, city: capital.name, location: { lat: capital.lat, lng: capital.lng }, territory: p.outline, province: p.id })
    links.push([p.id === 'shanghai' || p.id === 'jiangsu' ? 'dist-north' : 'dist-south', dealer])
    for (const city of p.cities) {
      const store = `store-${city.name.toLowerCase()}`
      orgs.push({ id: store, kind: 'store', name: `${city.name} parts store`, city: city.name, location: { lat: city.lat + 0.01, lng: city.lng + 0.01 }, territory: null, province: p.id })
      links.push([dealer, store])
    }
    const station = `station-${p.id}`
    orgs.push({ id: station, kind: 'service_station', name: `${p.name} service station`, city: capital.name, location: { lat: capital.lat - 0.02, lng: capital.lng + 0.02 }, territory: null, province: p.id })
    links.push([dealer, station])
  }
  const products = [
    { gtin: completeGtin('0695000010001'), name: 'Hydraulic oil filter', partNumber: 'HF-2040' },
    { gtin: completeGtin('0695000010002'), name: 'Fuel injector', partNumber: 'FI-770' },
    { gtin: completeGtin('0695000010003'), name: 'Alternator belt', partNumber: 'AB-118' }
  ]
  return { products, orgs, links, dealerOf }
}

/** A point within `maxKm` of `center` and inside `area` (rejection sampling; the center must be inside). */
export function pointNear (random: Random, center: { lat: number, lng: number }, maxKm: number, area: Polygon | MultiPolygon): { lat: number, lng: number } {
  for (let attempt = 0; attempt < 100; attempt++) {
    const distance = maxKm * Math.sqrt(random.next())
    const bearing = random.between(0, 2 * Math.PI)
    const lat = center.lat + (distance * Math.cos(bearing)) / 111.32
    const lng = center.lng + (distance * Math.sin(bearing)) / (111.32 * Math.cos(center.lat * Math.PI / 180))
    if (booleanPointInPolygon([lng, lat], area)) return { lat: round(lat), lng: round(lng) }
  }
  return center
}

function round (value: number): number {
  return Math.round(value * 1e5) / 1e5
}
