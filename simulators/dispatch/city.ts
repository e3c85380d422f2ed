import { KM_PER_DEG_LAT, kmPerDegLng } from '../../dispatch/engine/geo.js'
import type { LatLng } from '../../dispatch/engine/types.js'
import type { Random } from './prng.js'

/**
 * A city-sized service region: a bounding box around a centre and hot spots (industrial parks,
 * business districts) where most demand comes from; the rest is spread over the whole region.
 */
export interface HotSpot {
  name: string
  center: LatLng
  /** Spread, km (one standard deviation). */
  sigmaKm: number
  /** Share of demand relative to the other hot spots. */
  weight: number
}

export interface City {
  name: string
  center: LatLng
  /** Half-width and half-height of the region, km. */
  radiusKm: number
  hotSpots: HotSpot[]
  /** Share of demand drawn from hot spots (the rest is uniform over the region). */
  hotShare: number
  timezone: string
}

export function offsetKm (origin: LatLng, eastKm: number, northKm: number): LatLng {
  return { lat: origin.lat + northKm / KM_PER_DEG_LAT, lng: origin.lng + eastKm / kmPerDegLng(origin.lat) }
}

/** A Shanghai-sized region (50 × 50 km) with six hot spots. */
export function createCity (random: Random, options: { radiusKm?: number, hotSpots?: number } = {}): City {
  const center = { lat: 31.2304, lng: 121.4737 }
  const radiusKm = options.radiusKm ?? 25
  const names = ['Zhangjiang park', 'Lujiazui', 'Hongqiao hub', 'Baoshan works', 'Minhang zone', 'Jiading auto city', 'Songjiang park', 'Pudong airport']
  const hotSpots: HotSpot[] = []
  for (let i = 0; i < (options.hotSpots ?? 6); i++) {
    hotSpots.push({
      name: names[i % names.length] as string,
      center: offsetKm(center, random.between(-0.75, 0.75) * radiusKm, random.between(-0.75, 0.75) * radiusKm),
      sigmaKm: random.between(1.5, 4),
      weight: random.between(0.5, 1.5)
    })
  }
  return { name: 'Shanghai', center, radiusKm, hotSpots, hotShare: 0.7, timezone: 'Asia/Shanghai' }
}

export function isInside (city: City, point: LatLng): boolean {
  const northKm = (point.lat - city.center.lat) * KM_PER_DEG_LAT
  const eastKm = (point.lng - city.center.lng) * kmPerDegLng(city.center.lat)
  return Math.abs(northKm) <= city.radiusKm && Math.abs(eastKm) <= city.radiusKm
}

export function sampleUniform (city: City, random: Random): LatLng {
  return offsetKm(city.center, random.between(-1, 1) * city.radiusKm, random.between(-1, 1) * city.radiusKm)
}

/** A demand location: near a hot spot (Gaussian) with probability `hotShare`, else anywhere. */
export function sampleDemand (city: City, random: Random): LatLng {
  if (random.next() >= city.hotShare || city.hotSpots.length === 0) return sampleUniform(city, random)
  const spot = city.hotSpots[random.weighted(city.hotSpots.map((h) => h.weight))] as HotSpot
  for (let attempt = 0; attempt < 10; attempt++) {
    const point = offsetKm(spot.center, random.normal(0, spot.sigmaKm), random.normal(0, spot.sigmaKm))
    if (isInside(city, point)) return point
  }
  return spot.center
}
