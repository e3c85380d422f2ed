import { estimateEtaMinutes, haversineKm } from '../../dispatch/engine/geo.js'
import { countParts } from '../../dispatch/engine/hard-rules.js'
import { ACCEPT_MINUTES, REJECT_RATE } from './day-simulation.js'
import type { SimulationResult } from './day-simulation.js'
import { hashUniform } from './prng.js'
import type { Scenario, SimEngineer, SimOrder } from './scenario.js'

/**
 * The day as an offline planner sees it, with full knowledge: the orders a reference schedule served,
 * each due no later than the reference reached it, real visit times, and which engineer may serve
 * which order. Times are epoch ms; `*Drive` are accept + ETA, the time from assignment to arrival.
 */
export interface OfflineDay {
  orders: SimOrder[]
  engineers: SimEngineer[]
  n: number
  m: number
  deadline: Float64Array
  release: Float64Array
  service: Float64Array
  shiftStart: Float64Array
  shiftEnd: Float64Array
  /** [j * m + i]: engineer i's home to order j. */
  homeKm: Float64Array
  homeDrive: Float64Array
  /** [k * n + j]: order k to order j. */
  orderKm: Float64Array
  orderDrive: Float64Array
  /** Per order, a bit set of the engineers who may serve it (`words` 32-bit words per order). */
  bits: Uint32Array
  words: number
  /** i has j's skills, j's parts on the van at the start of the day, and does not refuse j. */
  isQualified (j: number, i: number): boolean
  /** Parts j needs, by part number. */
  parts: Array<Map<string, number>>
}

const MINUTE = 60_000
// Times here are sums of the same terms the simulator adds; allow for rounding in the last bit.
const EPSILON_MS = 1e-3

function isQualifiedAtStart (engineer: SimEngineer, order: SimOrder): boolean {
  if (!order.requiredSkills.every((need) => (engineer.skills[need.skill] ?? 0) >= need.level)) return false
  for (const [part, quantity] of countParts(order.requiredParts)) if ((engineer.vanStock[part] ?? 0) < quantity) return false
  return true
}

export function createOfflineDay (scenario: Scenario, reference: SimulationResult, options: { rejectRate?: number } = {}): OfflineDay {
  const rejectRate = options.rejectRate ?? REJECT_RATE
  const orders = scenario.orders.filter((order) => reference.servedOrders.has(order.id))
  const engineers = scenario.engineers
  const n = orders.length
  const m = engineers.length
  const drive = (km: number): number => (ACCEPT_MINUTES + estimateEtaMinutes(km)) * MINUTE
  const words = Math.ceil(m / 32)
  const bits = new Uint32Array(n * words)
  const homeKm = new Float64Array(n * m)
  const homeDrive = new Float64Array(n * m)
  orders.forEach((order, j) => {
    engineers.forEach((engineer, i) => {
      const km = haversineKm(engineer.home, order.location)
      homeKm[j * m + i] = km
      homeDrive[j * m + i] = drive(km)
      // Refusals are a fixed function of order and engineer in the simulator: such a pair never happens.
      if (!isQualifiedAtStart(engineer, order) || hashUniform(scenario.seed, `${order.id}/${engineer.id}`) < rejectRate) return
      bits[j * words + (i >> 5)] = (bits[j * words + (i >> 5)] as number) | (1 << (i & 31))
    })
  })
  const orderKm = new Float64Array(n * n)
  const orderDrive = new Float64Array(n * n)
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < n; j++) {
      const km = haversineKm((orders[k] as SimOrder).location, (orders[j] as SimOrder).location)
      orderKm[k * n + j] = km
      orderDrive[k * n + j] = drive(km)
    }
  }
  return {
    orders,
    engineers,
    n,
    m,
    deadline: Float64Array.from(orders, (order) => (reference.servedOrders.get(order.id) as { arrivedAt: number }).arrivedAt + EPSILON_MS),
    release: Float64Array.from(orders, (order) => order.releaseAt),
    service: Float64Array.from(orders, (order) => order.serviceMinutes * MINUTE),
    shiftStart: Float64Array.from(engineers, (e) => e.shiftStart),
    shiftEnd: Float64Array.from(engineers, (e) => e.shiftEnd),
    homeKm,
    homeDrive,
    orderKm,
    orderDrive,
    bits,
    words,
    isQualified: (j, i) => ((bits[j * words + (i >> 5)] as number) & (1 << (i & 31))) !== 0,
    parts: orders.map((order) => countParts(order.requiredParts))
  }
}

/** The km engineer i drives along `route` from home, whether or not the simulator would allow it (0 for none). */
export function routeLengthKm (day: OfflineDay, i: number, route: readonly number[]): number {
  let km = 0
  for (let x = 0; x < route.length; x++) {
    const j = route[x] as number
    km += x === 0 ? day.homeKm[j * day.m + i] as number : day.orderKm[(route[x - 1] as number) * day.n + j] as number
  }
  return km
}

/** The reference schedule as routes: per engineer (by index), the orders they served in sequence. */
export function routesOfSchedule (day: OfflineDay, reference: SimulationResult): number[][] {
  const indexOfOrder = new Map(day.orders.map((order, j) => [order.id, j]))
  const indexOfEngineer = new Map(day.engineers.map((engineer, i) => [engineer.id, i]))
  const routes: number[][] = Array.from({ length: day.m }, () => [])
  for (const served of [...reference.servedOrders.values()].sort((a, b) => a.arrivedAt - b.arrivedAt)) {
    const j = indexOfOrder.get(served.orderId)
    if (j !== undefined) (routes[indexOfEngineer.get(served.engineerId) as number] as number[]).push(j)
  }
  return routes
}
