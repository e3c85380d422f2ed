import type { EngineerSnapshot, EngineerStatus, OrderDemand, Priority, SkillRequirement } from '../../dispatch/engine/types.js'
import { sampleDemand, sampleUniform } from './city.js'
import type { City } from './city.js'
import type { Random } from './prng.js'
import { PART_NUMBERS, SKILLS } from './scenario.js'

/**
 * A large engineer fleet and a backlog of open orders for load tests: engineers spread like demand
 * (most near hot spots), mixed statuses, 2–4 skills each, van stock, some with shifts, territories
 * or their own reach.
 */
export function createFleet (city: City, random: Random, count: number): EngineerSnapshot[] {
  const fleet: EngineerSnapshot[] = []
  const statuses: EngineerStatus[] = ['available', 'available', 'available', 'available', 'available', 'available', 'busy', 'busy', 'off', 'on_break']
  for (let i = 0; i < count; i++) {
    const skills: Record<string, number> = {}
    for (const skill of random.sample(SKILLS, random.integer(2, 4))) skills[skill] = random.integer(1, 5)
    const vanStock: Record<string, number> = {}
    for (const part of random.sample(PART_NUMBERS, 12)) vanStock[part] = random.integer(1, 3)
    const position = random.next() < 0.7 ? sampleDemand(city, random) : sampleUniform(city, random)
    const status = random.pick(statuses)
    fleet.push({
      id: `eng-${String(i).padStart(6, '0')}`,
      userId: null,
      name: `Engineer ${i}`,
      stationId: null,
      skills,
      territory: null,
      home: position,
      shifts: random.next() < 0.3 ? [{ days: [0, 1, 2, 3, 4, 5, 6], start: '06:00', end: '22:00' }] : [],
      timezone: city.timezone,
      status,
      position,
      positionAt: 0,
      vanStock,
      activeOrderId: status === 'busy' ? `busy-${i}` : null,
      maxDistanceKm: random.next() < 0.1 ? random.between(5, 30) : null,
      jobsToday: random.integer(0, 6)
    })
  }
  return fleet
}

export function createOpenOrders (city: City, random: Random, count: number, now: number): OrderDemand[] {
  const priorities: Priority[] = ['low', 'medium', 'medium', 'high', 'critical']
  return Array.from({ length: count }, (_, i) => ({
    id: `wo-${String(i).padStart(5, '0')}`,
    location: sampleDemand(city, random),
    priority: random.pick(priorities),
    requiredSkills: random.sample(SKILLS, random.next() < 0.8 ? 1 : 2).map((skill): SkillRequirement => ({ skill, level: random.integer(1, 3) })),
    requiredParts: random.next() < 0.25 ? [random.pick(PART_NUMBERS)] : [],
    rejectedBy: [],
    preferredEngineerId: null,
    arriveBy: now + random.integer(30, 480) * 60_000,
    createdAt: now - random.integer(0, 120) * 60_000
  }))
}
