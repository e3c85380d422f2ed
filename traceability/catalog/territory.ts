import { booleanPointInPolygon } from '@turf/turf'
import type { MultiPolygon, Polygon } from 'geojson'

/** An authorised sales territory: a GeoJSON Polygon or MultiPolygon (RFC 7946, positions [lng, lat]). */
export type Territory = Polygon | MultiPolygon

export interface LatLng {
  lat: number
  lng: number
}

/** A territory prepared for repeated point tests: its bounding box rejects far points cheaply. */
export interface PreparedTerritory {
  geometry: Territory
  bbox: [number, number, number, number]
}

/**
 * The reason `value` is not a usable territory, or null. RFC 7946 §3.1.6: each linear ring has at
 * least four positions and ends where it starts; positions are [longitude, latitude].
 */
export function findTerritoryProblem (value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return 'expected an object'
  const { type, coordinates } = value as { type?: unknown, coordinates?: unknown }
  if (type !== 'Polygon' && type !== 'MultiPolygon') return 'type must be Polygon or MultiPolygon'
  if (!Array.isArray(coordinates) || coordinates.length === 0) return 'coordinates must be a non-empty array'
  const polygons = type === 'Polygon' ? [coordinates] : coordinates
  for (const [p, polygon] of polygons.entries()) {
    if (!Array.isArray(polygon) || polygon.length === 0) return `polygon ${p} has no rings`
    for (const [r, ring] of (polygon as unknown[]).entries()) {
      if (!Array.isArray(ring) || ring.length < 4) return `ring ${r} of polygon ${p} needs at least 4 positions`
      for (const position of ring) {
        if (!Array.isArray(position) || position.length < 2) return `ring ${r} of polygon ${p} has a position that is not [lng, lat]`
        const [lng, lat] = position as unknown[]
        if (typeof lng !== 'number' || typeof lat !== 'number' || Math.abs(lng) > 180 || Math.abs(lat) > 90) {
          return `ring ${r} of polygon ${p} has a position outside [-180..180, -90..90]`
        }
      }
      const first = ring[0] as number[]
      const last = ring[ring.length - 1] as number[]
      if (first[0] !== last[0] || first[1] !== last[1]) return `ring ${r} of polygon ${p} is not closed (last position must equal the first)`
    }
  }
  return null
}

export function prepareTerritory (geometry: Territory): PreparedTerritory {
  let minLng = Infinity; let minLat = Infinity; let maxLng = -Infinity; let maxLat = -Infinity
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates
  for (const polygon of polygons) {
    for (const [lng, lat] of polygon[0] ?? []) {
      if (lng === undefined || lat === undefined) continue
      minLng = Math.min(minLng, lng); maxLng = Math.max(maxLng, lng)
      minLat = Math.min(minLat, lat); maxLat = Math.max(maxLat, lat)
    }
  }
  return { geometry, bbox: [minLng, minLat, maxLng, maxLat] }
}

/** Whether the point lies inside the territory (its boundary counts as inside; holes are outside). */
export function isInTerritory (territory: PreparedTerritory, point: LatLng): boolean {
  const [minLng, minLat, maxLng, maxLat] = territory.bbox
  if (point.lng < minLng || point.lng > maxLng || point.lat < minLat || point.lat > maxLat) return false
  return booleanPointInPolygon([point.lng, point.lat], territory.geometry)
}

const EARTH_RADIUS_KM = 6371.0088

/** Great-circle distance in kilometres (haversine on the mean Earth radius). */
export function distanceKm (a: LatLng, b: LatLng): number {
  const toRad = Math.PI / 180
  const dLat = (b.lat - a.lat) * toRad
  const dLng = (b.lng - a.lng) * toRad
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * toRad) * Math.cos(b.lat * toRad) * Math.sin(dLng / 2) ** 2
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)))
}
