import type { EngineerSnapshot, LatLng, Priority, ShiftWindow, SkillRequirement } from '../../dispatch/engine/types.js'
import { computeDeadlines, DEFAULT_SLA_POLICIES, findTargets } from '../../dispatch/sla/sla-policy.js'
import type { SlaDeadlines, SlaPolicyTable } from '../../dispatch/sla/sla-policy.js'
import { createCity, offsetKm, sampleDemand, sampleUniform } from './city.js'
import type { City } from './city.js'
import { createRandom } from './prng.js'
import type { Random } from './prng.js'

/** One simulated service day: the same city, engineers and orders for every policy compared. */
export const SKILLS = ['hvac', 'electrical', 'hydraulics', 'engine', 'refrigeration', 'controls'] as const
export const PART_NUMBERS = Array.from({ length: 30 }, (_, i) => `P-${String(1001 + i)}`)

export interface SimStation {
  id: string
  name: string
  location: LatLng
}

export interface SimEngineer {
  id: string
  name: string
  stationId: string
  home: LatLng
  skills: Record<string, number>
  shifts: ShiftWindow[]
  /** The day's shift as epoch ms. */
  shiftStart: number
  shiftEnd: number
  vanStock: Record<string, number>
}

export interface SimOrder {
  id: string
  releaseAt: number
  location: LatLng
  priority: Priority
  contract: string
  requiredSkills: SkillRequirement[]
  requiredParts: string[]
  /** Time on site once there, minutes (known to the simulator; the dispatcher only knows the mean). */
  serviceMinutes: number
  deadlines: SlaDeadlines
}

export interface Scenario {
  seed: number
  city: City
  /** Epoch ms of local midnight at the start of the day. */
  dayStart: number
  stations: SimStation[]
  engineers: SimEngineer[]
  orders: SimOrder[]
  /** What the dispatcher assumes a visit takes. */
  meanServiceMinutes: number
  policies: SlaPolicyTable
}

export interface ScenarioOptions {
  seed?: number
  engineers?: number
  orders?: number
  stations?: number
  meanServiceMinutes?: number
}

const HOUR = 3_600_000
/** Relative demand per local hour 07:00 … 18:00 (morning and afternoon peaks). */
const HOURLY_DEMAND = [0.5, 0.9, 1.4, 1.5, 1.2, 0.8, 1.0, 1.4, 1.4, 1.1, 0.8, 0.5]
const SHIFT_TYPES: Array<{ start: number, end: number, share: number }> = [
  { start: 7, end: 16, share: 0.45 },
  { start: 8, end: 17, share: 0.3 },
  { start: 11, end: 20, share: 0.25 }
]
const PRIORITY_MIX: Array<[Priority, number]> = [['critical', 0.1], ['high', 0.25], ['medium', 0.45], ['low', 0.2]]

const hhmm = (hour: number): string => `${String(hour).padStart(2, '0')}:00`

function createEngineer (random: Random, index: number, station: SimStation, dayStart: number, weekday: number): SimEngineer {
  const skills: Record<string, number> = {}
  for (const skill of random.sample(SKILLS, random.integer(2, 4))) skills[skill] = random.weighted([1, 3, 4, 3, 1]) + 1
  const shift = SHIFT_TYPES[random.weighted(SHIFT_TYPES.map((s) => s.share))] as { start: number, end: number }
  const vanStock: Record<string, number> = {}
  for (const part of random.sample(PART_NUMBERS, 12)) vanStock[part] = 3
  return {
    id: `eng-${String(index + 1).padStart(4, '0')}`,
    name: `Engineer ${index + 1}`,
    stationId: station.id,
    home: offsetKm(station.location, random.normal(0, 1.5), random.normal(0, 1.5)),
    skills,
    shifts: [{ days: [weekday], start: hhmm(shift.start), end: hhmm(shift.end) }],
    shiftStart: dayStart + shift.start * HOUR,
    shiftEnd: dayStart + shift.end * HOUR,
    vanStock
  }
}

function isQualified (engineer: SimEngineer, skills: readonly SkillRequirement[]): boolean {
  return skills.every((need) => (engineer.skills[need.skill] ?? 0) >= need.level)
}

export function createScenario (options: ScenarioOptions = {}): Scenario {
  const seed = options.seed ?? 20261123
  const random = createRandom(seed)
  const city = createCity(random)
  // Monday 23 November 2026, local midnight in Shanghai (UTC+8).
  const dayStart = Date.parse('2026-11-22T16:00:00Z')
  const weekday = 1
  const stations: SimStation[] = []
  for (let i = 0; i < (options.stations ?? 12); i++) {
    // Stations sit near demand: most at hot spots, some elsewhere.
    const location = i < city.hotSpots.length ? sampleDemand(city, random) : sampleUniform(city, random)
    stations.push({ id: `stn-${i + 1}`, name: `Station ${i + 1}`, location })
  }
  const engineers = Array.from({ length: options.engineers ?? 340 }, (_, i) =>
    createEngineer(random, i, stations[i % stations.length] as SimStation, dayStart, weekday))

  const orders: SimOrder[] = []
  const count = options.orders ?? 2100
  const meanServiceMinutes = options.meanServiceMinutes ?? 40
  while (orders.length < count) {
    const hour = 7 + random.weighted(HOURLY_DEMAND)
    const releaseAt = dayStart + hour * HOUR + Math.floor(random.next() * (hour === 18 ? 0.5 : 1) * HOUR)
    const requiredSkills: SkillRequirement[] = random.sample(SKILLS, random.next() < 0.8 ? 1 : 2)
      .map((skill) => ({ skill, level: random.weighted([5, 4, 1]) + 1 }))
    // Demand that (almost) nobody on the team could serve is not part of a fair comparison.
    if (engineers.filter((e) => isQualified(e, requiredSkills)).length < Math.min(10, Math.ceil(engineers.length * 0.05))) continue
    const priority = PRIORITY_MIX[random.weighted(PRIORITY_MIX.map(([, share]) => share))]?.[0] as Priority
    const contract = random.next() < 0.2 ? 'premium' : 'standard'
    orders.push({
      id: '',
      releaseAt,
      location: sampleDemand(city, random),
      priority,
      contract,
      requiredSkills,
      requiredParts: random.next() < 0.25 ? [random.pick(PART_NUMBERS)] : [],
      serviceMinutes: Math.min(150, Math.max(10, random.logNormal(meanServiceMinutes, 0.45))),
      deadlines: computeDeadlines(releaseAt, findTargets(DEFAULT_SLA_POLICIES, contract, priority))
    })
  }
  orders.sort((a, b) => a.releaseAt - b.releaseAt)
  orders.forEach((order, i) => { order.id = `wo-${String(i + 1).padStart(5, '0')}` })
  return { seed, city, dayStart, stations, engineers, orders, meanServiceMinutes, policies: DEFAULT_SLA_POLICIES }
}

/** The engine's view of a simulated engineer at the start of the day. */
export function toSnapshot (engineer: SimEngineer, timezone: string): EngineerSnapshot {
  return {
    id: engineer.id,
    userId: null,
    name: engineer.name,
    stationId: engineer.stationId,
    skills: engineer.skills,
    territory: null,
    home: engineer.home,
    shifts: engineer.shifts,
    timezone,
    status: 'off',
    position: engineer.home,
    positionAt: null,
    vanStock: { ...engineer.vanStock },
    activeOrderId: null,
    maxDistanceKm: null,
    jobsToday: 0
  }
}
