import { createEngineerPool } from '../../../dispatch/engine/engineer-pool.js'
import type { EngineerPool } from '../../../dispatch/engine/engineer-pool.js'
import type { EngineerSnapshot, EngineerStatus, OrderDemand, Priority } from '../../../dispatch/engine/types.js'
import { createRandom } from '../../../simulators/dispatch/prng.js'
import type { Random } from '../../../simulators/dispatch/prng.js'

/** Random engine instances for property tests: a city-sized box, mixed statuses, skills, shifts, territories, stock. */
export const SKILLS = ['hvac', 'electrical', 'hydraulics', 'engine']
export const PARTS = ['P-1', 'P-2', 'P-3', 'P-4', 'P-5']
export const NOW = Date.parse('2026-11-23T03:00:00Z') // Monday 11:00 in Shanghai
const CENTER = { lat: 31.23, lng: 121.47 }

export interface Instance {
  pool: EngineerPool
  engineers: EngineerSnapshot[]
  orders: OrderDemand[]
  random: Random
}

const box = (random: Random, spreadDeg: number): { lat: number, lng: number } =>
  ({ lat: CENTER.lat + random.between(-spreadDeg, spreadDeg), lng: CENTER.lng + random.between(-spreadDeg, spreadDeg) })

function square (lat: number, lng: number, half: number) {
  return {
    type: 'Polygon' as const,
    coordinates: [[[lng - half, lat - half], [lng + half, lat - half], [lng + half, lat + half], [lng - half, lat + half], [lng - half, lat - half]]]
  }
}

export function createInstance (seed: number, options: { engineers?: number, orders?: number, spreadDeg?: number } = {}): Instance {
  const random = createRandom(seed)
  const spread = options.spreadDeg ?? 0.25
  const pool = createEngineerPool({ cellDegrees: random.pick([0.005, 0.01, 0.05]) })
  const engineers: EngineerSnapshot[] = []
  for (let i = 0; i < (options.engineers ?? 40); i++) {
    const skills: Record<string, number> = {}
    for (const skill of random.sample(SKILLS, random.integer(1, 3))) skills[skill] = random.integer(1, 5)
    const vanStock: Record<string, number> = {}
    for (const part of random.sample(PARTS, random.integer(0, 3))) vanStock[part] = random.integer(0, 2)
    const position = box(random, spread)
    const engineer: EngineerSnapshot = {
      id: `e${String(i).padStart(3, '0')}`,
      userId: null,
      name: `Engineer ${i}`,
      stationId: null,
      skills,
      territory: random.next() < 0.2 ? square(position.lat, position.lng, random.between(0.02, 0.2)) : null,
      home: position,
      shifts: random.next() < 0.7 ? [] : [random.pick([
        { days: [1], start: '08:00', end: '17:00' }, // on shift (11:00 Monday)
        { days: [1], start: '13:00', end: '22:00' }, // not yet
        { days: [0], start: '22:00', end: '12:00' }, // overnight from Sunday, still on
        { days: [2, 3], start: '08:00', end: '17:00' } // other days
      ])],
      timezone: 'Asia/Shanghai',
      status: random.pick<EngineerStatus>(['available', 'available', 'available', 'busy', 'off', 'on_break']),
      position: random.next() < 0.9 ? position : null,
      positionAt: NOW,
      vanStock,
      activeOrderId: null,
      maxDistanceKm: random.next() < 0.3 ? random.between(3, 30) : null,
      jobsToday: random.integer(0, 6)
    }
    if (engineer.status === 'busy') engineer.activeOrderId = `busy-${i}`
    engineers.push(engineer)
    pool.put(engineer)
  }
  const orders: OrderDemand[] = []
  for (let i = 0; i < (options.orders ?? 12); i++) {
    const rejectedBy = random.next() < 0.3 ? random.sample(engineers, 2).map((e) => e.id) : []
    orders.push({
      id: `o${String(i).padStart(3, '0')}`,
      location: box(random, spread),
      priority: random.pick<Priority>(['low', 'medium', 'high', 'critical']),
      requiredSkills: random.sample(SKILLS, random.integer(0, 2)).map((skill) => ({ skill, level: random.integer(1, 3) })),
      requiredParts: random.next() < 0.3 ? [random.pick(PARTS)] : [],
      rejectedBy,
      preferredEngineerId: random.next() < 0.2 ? random.pick(engineers).id : null,
      arriveBy: random.next() < 0.8 ? NOW + random.integer(5, 240) * 60_000 : null,
      createdAt: NOW - random.integer(0, 60) * 60_000
    })
  }
  return { pool, engineers, orders, random }
}
