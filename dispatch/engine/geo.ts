import type { LatLng } from './types.js'

const EARTH_RADIUS_KM = 6371.0088
const RAD = Math.PI / 180

/** Great-circle distance in km (haversine, mean Earth radius). */
export function haversineKm (a: LatLng, b: LatLng): number {
  return haversineKmBetween(a.lat, a.lng, b.lat, b.lng)
}

/** The same from plain numbers (the search's inner loop allocates nothing). */
export function haversineKmBetween (lat1: number, lng1: number, lat2: number, lng2: number): number {
  const dLat = (lat2 - lat1) * RAD
  const dLng = (lng2 - lng1) * RAD
  const s = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLng / 2) ** 2
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(s)))
}

/**
 * The ETA model: the straight line is stretched by a circuity factor (roads are not straight; 1.3 is
 * the usual urban figure), then driven at a speed that rises with the length of the trip — short hops
 * are slow streets and parking, longer ones reach arterial roads and expressways. Bands apply like tax
 * brackets (the first 2 km of road at 18 km/h, the next 8 km at 28 km/h, …), so the ETA is continuous
 * and increasing in distance. A fixed start-up time covers leaving the van and finding the site.
 */
export interface EtaModel {
  circuity: number
  startupMinutes: number
  /** Consecutive road-distance bands: `upToKm` (Infinity for the last) and speed in km/h. */
  bands: ReadonlyArray<{ upToKm: number, speedKmh: number }>
}

export const DEFAULT_ETA_MODEL: EtaModel = Object.freeze({
  circuity: 1.3,
  startupMinutes: 2,
  bands: Object.freeze([
    { upToKm: 2, speedKmh: 18 },
    { upToKm: 10, speedKmh: 28 },
    { upToKm: 30, speedKmh: 45 },
    { upToKm: Infinity, speedKmh: 70 }
  ])
})

/** Minutes to drive `distanceKm` of straight line under the model. */
export function estimateEtaMinutes (distanceKm: number, model: EtaModel = DEFAULT_ETA_MODEL): number {
  let road = Math.max(0, distanceKm) * model.circuity
  let minutes = model.startupMinutes
  let from = 0
  const bands = model.bands
  for (let i = 0; i < bands.length; i++) {
    const band = bands[i] as EtaModel['bands'][number]
    const length = Math.min(road, band.upToKm - from)
    minutes += (length / band.speedKmh) * 60
    road -= length
    from = band.upToKm
    if (road <= 0) break
  }
  return minutes
}

/** The straight-line km reachable within `minutes` under the model (inverse of estimateEtaMinutes). */
export function reachableKm (minutes: number, model: EtaModel = DEFAULT_ETA_MODEL): number {
  let left = minutes - model.startupMinutes
  if (left <= 0) return 0
  let road = 0
  let from = 0
  for (const band of model.bands) {
    const bandMinutes = ((band.upToKm - from) / band.speedKmh) * 60
    if (left <= bandMinutes) return (road + (left / 60) * band.speedKmh) / model.circuity
    road += band.upToKm - from
    left -= bandMinutes
    from = band.upToKm
  }
  return road / model.circuity
}

/** The point `fraction` (0…1) of the way from `a` to `b` (linear in degrees: fine over a city). */
export function interpolate (a: LatLng, b: LatLng, fraction: number): LatLng {
  const f = Math.min(1, Math.max(0, fraction))
  return { lat: a.lat + (b.lat - a.lat) * f, lng: a.lng + (b.lng - a.lng) * f }
}

/** Kilometres per degree of latitude, and of longitude at a latitude. */
export const KM_PER_DEG_LAT = EARTH_RADIUS_KM * RAD
export function kmPerDegLng (lat: number): number {
  return KM_PER_DEG_LAT * Math.cos(lat * RAD)
}
