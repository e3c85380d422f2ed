import type { EngineerSnapshot, OrderDemand } from '../../../dispatch/engine/types.js'

/**
 * The hard rules written out again, plainly and independently of the engine (no grid, no shared
 * helpers besides the standard library): what a reviewer would check by hand.
 */
const R = 6371.0088
export function oracleKm (a: { lat: number, lng: number }, b: { lat: number, lng: number }): number {
  const toRad = (d: number): number => d * Math.PI / 180
  const h = Math.sin(toRad(b.lat - a.lat) / 2) ** 2 + Math.cos(toRad(a.lat)) * Math.cos(toRad(b.lat)) * Math.sin(toRad(b.lng - a.lng) / 2) ** 2
  return 2 * R * Math.asin(Math.sqrt(h))
}

function insideRing (ring: number[][], x: number, y: number): boolean {
  let inside = false
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as [number, number]
    const [xj, yj] = ring[j] as [number, number]
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside
  }
  return inside
}

function localMondayMinutes (now: number): { day: number, minute: number } {
  // Asia/Shanghai is UTC+8 all year.
  const local = new Date(now + 8 * 3_600_000)
  return { day: local.getUTCDay(), minute: local.getUTCHours() * 60 + local.getUTCMinutes() }
}

export function oracleAllows (engineer: EngineerSnapshot, order: OrderDemand, now: number, defaultMaxKm: number, dealerParts: ReadonlyMap<string, number> = new Map()): boolean {
  if (engineer.status !== 'available' || engineer.activeOrderId !== null) return false
  if (order.rejectedBy.includes(engineer.id)) return false
  for (const need of order.requiredSkills) if ((Object.hasOwn(engineer.skills, need.skill) ? engineer.skills[need.skill] ?? 0 : 0) < need.level) return false
  const from = engineer.position ?? engineer.home
  if (from === null) return false
  if (oracleKm(from, order.location) > (engineer.maxDistanceKm ?? defaultMaxKm)) return false
  if (engineer.territory !== null && engineer.territory.type === 'Polygon') {
    const [outer] = engineer.territory.coordinates
    if (!insideRing(outer as number[][], order.location.lng, order.location.lat)) return false
  }
  if (engineer.shifts.length > 0) {
    const { day, minute } = localMondayMinutes(now)
    const on = engineer.shifts.some((s) => {
      const [sh, sm] = s.start.split(':').map(Number) as [number, number]
      const [eh, em] = s.end.split(':').map(Number) as [number, number]
      const start = sh * 60 + sm
      const end = eh * 60 + em
      if (start < end) return s.days.includes(day) && minute >= start && minute < end
      return (s.days.includes(day) && minute >= start) || (s.days.includes((day + 6) % 7) && minute < end)
    })
    if (!on) return false
  }
  const need = new Map<string, number>()
  for (const part of order.requiredParts) need.set(part, (need.get(part) ?? 0) + 1)
  for (const [part, quantity] of need) if ((Object.hasOwn(engineer.vanStock, part) ? engineer.vanStock[part] ?? 0 : 0) + (dealerParts.get(part) ?? 0) < quantity) return false
  return true
}
