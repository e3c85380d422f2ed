import { DatabaseError } from '../../core/db/database.js'
import type { Queryable } from '../../core/db/database.js'
import { isValidTimezone, parseClockMinutes } from '../engine/shift-clock.js'
import type { ShiftWindow, Territory } from '../engine/types.js'
import { DSP_SHIFT_INVALID, DSP_TERRITORY_INVALID, DSP_TIMEZONE_INVALID } from '../errors.js'

/** Checks the JSON Schema cannot express; each throws a coded 400 naming the field. */
/** The most positions a territory may hold, all rings together: a province's outline needs a few thousand. */
export const MAX_TERRITORY_POSITIONS = 50_000

export function checkTerritory (territory: Territory | null | undefined, field: string): void {
  if (territory === null || territory === undefined) return
  const polygons = territory.type === 'Polygon' ? [territory.coordinates] : territory.coordinates
  let positions = 0
  polygons.forEach((polygon, p) => polygon.forEach((ring, r) => {
    const where = territory.type === 'Polygon' ? `${field}.coordinates[${r}]` : `${field}.coordinates[${p}][${r}]`
    if (ring.length < 4) throw new DSP_TERRITORY_INVALID('a ring needs at least 4 positions').withDetails({ field: where })
    positions += ring.length
    if (positions > MAX_TERRITORY_POSITIONS) throw new DSP_TERRITORY_INVALID(`more than ${MAX_TERRITORY_POSITIONS} positions in all`).withDetails({ field: where })
    ring.forEach((position, i) => {
      const [lng, lat] = position as [number, number]
      if (Math.abs(lng) <= 180 && Math.abs(lat) <= 90) return
      const swapped = Math.abs(lng) <= 90 && Math.abs(lat) <= 180
      throw new DSP_TERRITORY_INVALID(`position ${i} [${lng}, ${lat}] is outside [-180..180, -90..90]${swapped ? '; GeoJSON puts longitude first' : ''}`).withDetails({ field: `${where}[${i}]` })
    })
    const first = ring[0] as number[]
    const last = ring[ring.length - 1] as number[]
    if (first[0] !== last[0] || first[1] !== last[1]) {
      throw new DSP_TERRITORY_INVALID('a ring must end where it starts').withDetails({ field: where })
    }
    if (ringArea(ring as number[][]) === 0) throw new DSP_TERRITORY_INVALID('a ring encloses no area').withDetails({ field: where })
  }))
}

/** Twice the planar (lng, lat) area of a closed ring, unsigned (shoelace). */
function ringArea (ring: readonly number[][]): number {
  let sum = 0
  for (let i = 0; i + 1 < ring.length; i++) {
    const a = ring[i] as number[]
    const b = ring[i + 1] as number[]
    sum += (a[0] as number) * (b[1] as number) - (b[0] as number) * (a[1] as number)
  }
  return Math.abs(sum)
}

export function checkShifts (shifts: readonly ShiftWindow[] | undefined, field: string): void {
  shifts?.forEach((shift, i) => {
    for (const key of ['start', 'end'] as const) {
      try {
        parseClockMinutes(shift[key])
      } catch {
        throw new DSP_SHIFT_INVALID(`${key} ${shift[key]} is not HH:MM`).withDetails({ field: `${field}[${i}].${key}` })
      }
    }
    if (shift.start === shift.end) throw new DSP_SHIFT_INVALID('start and end are equal').withDetails({ field: `${field}[${i}]` })
  })
}

/** PostgreSQL's invalid_parameter_value, as `AT TIME ZONE` raises it for a zone it does not know. */
const INVALID_PARAMETER_VALUE = '22023'

/**
 * A time zone both clocks know: the engine's (Intl) and the database's, which counts jobs today in
 * the engineer's zone. They differ on a few retired names (`US/Pacific-New`), which Intl accepts.
 */
export async function checkTimezone (db: Queryable, timezone: string | undefined, field: string): Promise<void> {
  if (timezone === undefined) return
  if (!isValidTimezone(timezone)) throw new DSP_TIMEZONE_INVALID(timezone).withDetails({ field })
  try {
    await db.query('SELECT now() AT TIME ZONE $1::text AS local', [timezone])
  } catch (error) {
    if (error instanceof DatabaseError && error.code === INVALID_PARAMETER_VALUE) throw new DSP_TIMEZONE_INVALID(timezone).withDetails({ field })
    throw error
  }
}
