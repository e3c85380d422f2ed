import type { Queryable } from '../../core/db/database.js'
import { distanceKm } from './territory.js'
import type { LatLng } from './territory.js'

/** Genuine units in stock at an outlet near a place, by part number. */
export interface OutletStock {
  dealerId: string
  name: string
  location: LatLng
  partNumber: string
  quantity: number
  distanceKm: number
}

/** Outlets an engineer can collect a part from: not the factory's or a distributor's warehouse. */
const OUTLET_KINDS = ['dealer', 'store', 'service_station']
const KM_PER_DEGREE_LAT = 111.195

/**
 * Channel inventory as the scan pipeline keeps it (trace_code_state): units `in_stock` at an outlet,
 * counted per outlet and part number, for the outlets within `radiusKm` of `location` that hold any
 * of `partNumbers`, nearest first. Dispatch reads it as the parts an engineer can obtain on the way.
 */
export function createOutletStock (db: Queryable) {
  return {
    async findNear (location: LatLng, partNumbers: readonly string[], radiusKm: number): Promise<OutletStock[]> {
      if (partNumbers.length === 0 || !(radiusKm > 0)) return []
      const dLat = radiusKm / KM_PER_DEGREE_LAT
      const dLng = radiusKm / (KM_PER_DEGREE_LAT * Math.max(0.01, Math.cos(location.lat * Math.PI / 180)))
      const { rows } = await db.query<{ id: string, name: string, lat: number, lng: number, part_number: string, quantity: number }>(
        `SELECT o.id, o.name, o.lat, o.lng, p.part_number, count(*)::int AS quantity
           FROM trace_organisations o
           JOIN trace_code_state s ON s.holder_org_id = o.id AND s.status = 'in_stock'
           JOIN trace_products p ON p.gtin = s.gtin
          WHERE o.kind = ANY($1::text[]) AND p.part_number = ANY($2::text[])
            AND o.lat BETWEEN $3 AND $4 AND o.lng BETWEEN $5 AND $6
          GROUP BY o.id, o.name, o.lat, o.lng, p.part_number`,
        [OUTLET_KINDS, [...new Set(partNumbers)], location.lat - dLat, location.lat + dLat, location.lng - dLng, location.lng + dLng])
      return rows
        .map((row) => ({
          dealerId: row.id, name: row.name, location: { lat: row.lat, lng: row.lng }, partNumber: row.part_number,
          quantity: row.quantity, distanceKm: distanceKm(location, { lat: row.lat, lng: row.lng })
        }))
        .filter((offer) => offer.distanceKm <= radiusKm)
        .sort((a, b) => a.distanceKm - b.distanceKm || a.dealerId.localeCompare(b.dealerId) || a.partNumber.localeCompare(b.partNumber))
    }
  }
}
