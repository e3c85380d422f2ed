import type { Territory } from '../../traceability/index.js'
import { completeGtin } from '../../traceability/index.js'
import type { TestPlatform } from '../helpers/platform.js'

/** A fixed small channel in eastern China: one factory, two distributors, three dealers with provinces, stores. */
export const GTIN = completeGtin('0950600013435')
export const OTHER_GTIN = completeGtin('0950600013436')

const box = (west: number, south: number, east: number, north: number): Territory => ({
  type: 'Polygon', coordinates: [[[west, south], [east, south], [east, north], [west, north], [west, south]]]
})

/** Rough, non-overlapping boxes standing in for province outlines (the simulator has real-shaped ones). */
export const ZHEJIANG = box(118.5, 27.0, 122.9, 31.0)
export const JIANGSU = box(118.5, 31.0, 121.9, 35.1)
export const ANHUI = box(114.9, 29.4, 118.5, 34.6)

export const ORGS = [
  { id: 'factory-ningbo', kind: 'factory', name: 'Ningbo factory', city: 'Ningbo', location: { lat: 29.87, lng: 121.55 } },
  { id: 'dist-east', kind: 'distributor', name: 'East distributor', city: 'Hangzhou', location: { lat: 30.27, lng: 120.15 }, territory: { type: 'MultiPolygon', coordinates: [ZHEJIANG.coordinates, JIANGSU.coordinates] } },
  { id: 'dist-west', kind: 'distributor', name: 'West distributor', city: 'Hefei', location: { lat: 31.82, lng: 117.23 }, territory: ANHUI },
  { id: 'dealer-zj', kind: 'dealer', name: 'Zhejiang dealer', city: 'Hangzhou', location: { lat: 30.25, lng: 120.2 }, territory: ZHEJIANG },
  { id: 'dealer-js', kind: 'dealer', name: 'Jiangsu dealer', city: 'Nanjing', location: { lat: 32.06, lng: 118.8 }, territory: JIANGSU },
  { id: 'dealer-ah', kind: 'dealer', name: 'Anhui dealer', city: 'Hefei', location: { lat: 31.86, lng: 117.28 }, territory: ANHUI },
  { id: 'store-wenzhou', kind: 'store', name: 'Wenzhou store', city: 'Wenzhou', location: { lat: 28.0, lng: 120.67 } },
  { id: 'store-suzhou', kind: 'store', name: 'Suzhou store', city: 'Suzhou', location: { lat: 31.3, lng: 120.6 } },
  { id: 'store-wuhu', kind: 'store', name: 'Wuhu store', city: 'Wuhu', location: { lat: 31.33, lng: 118.38 } },
  { id: 'station-hz', kind: 'service_station', name: 'Hangzhou service station', city: 'Hangzhou', location: { lat: 30.3, lng: 120.1 } }
] as const

export const LINKS = [
  ['factory-ningbo', 'dist-east'], ['factory-ningbo', 'dist-west'],
  ['dist-east', 'dealer-zj'], ['dist-east', 'dealer-js'], ['dist-west', 'dealer-ah'],
  ['dealer-zj', 'store-wenzhou'], ['dealer-zj', 'station-hz'], ['dealer-js', 'store-suzhou'], ['dealer-ah', 'store-wuhu']
] as const

export const HANGZHOU = { lat: 30.27, lng: 120.15 }
export const WENZHOU = { lat: 28.0, lng: 120.67 }
export const NANJING = { lat: 32.06, lng: 118.8 }
export const HEFEI = { lat: 31.82, lng: 117.23 }
export const BEIJING = { lat: 39.9, lng: 116.4 }

/** Products, organisations and links through the brand's own API (so the routes are exercised too). */
export async function seedChannel (test: TestPlatform): Promise<string> {
  const brand = await test.tokenFor('brand')
  for (const gtin of [GTIN, OTHER_GTIN]) {
    const created = await test.request('POST', '/api/products', { token: brand, body: { gtin, name: `Oil filter ${gtin.slice(-3)}`, partNumber: `OF-${gtin.slice(-4)}`, unit: 'piece' } })
    if (created.status !== 201) throw new Error(`product: ${created.text}`)
  }
  for (const org of ORGS) {
    const created = await test.request('POST', '/api/organisations', { token: brand, body: org })
    if (created.status !== 201) throw new Error(`organisation ${org.id}: ${created.text}`)
  }
  for (const [supplierId, customerId] of LINKS) {
    const linked = await test.request('PUT', '/api/channel-links', { token: brand, body: { supplierId, customerId } })
    if (linked.status !== 200) throw new Error(`link ${supplierId} → ${customerId}: ${linked.text}`)
  }
  return brand
}

/** Issue `quantity` codes and return their URIs in issue order (through the CSV export). */
export async function issueCodes (test: TestPlatform, brand: string, quantity: number, lot: string | null = 'L2026-11', gtin = GTIN): Promise<string[]> {
  const batch = await test.request('POST', '/api/code-batches', { token: brand, body: { gtin, quantity, lot } })
  if (batch.status !== 201) throw new Error(`batch: ${batch.text}`)
  const csv = await test.request('GET', `/api/code-batches/${batch.body.id as number}/codes.csv`, { token: brand })
  return csv.text.trim().split('\r\n').slice(1).map((line) => line.split(',')[0] as string)
}
