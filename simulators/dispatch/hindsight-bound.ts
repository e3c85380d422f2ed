import { FORBIDDEN, solveAssignment } from '../../dispatch/engine/assignment-solver.js'
import { estimateEtaMinutes, haversineKm } from '../../dispatch/engine/geo.js'
import { countParts } from '../../dispatch/engine/hard-rules.js'
import { ACCEPT_MINUTES } from './day-simulation.js'
import type { SimulationResult } from './day-simulation.js'
import type { Scenario, SimEngineer, SimOrder } from './scenario.js'

/**
 * A lower bound, computed offline with full knowledge of the day, on the travel of ANY schedule that
 * reaches every order no later than a reference schedule did (`deadlineOf`: the reference's arrival).
 *
 * Every schedule is a set of chains: an engineer leaves home at shift start and drives order to order.
 * So each served order j has exactly one predecessor — an engineer's home or another order k — and
 * each home or order is the predecessor of at most one order. Dropping everything else a real schedule
 * must satisfy (chains being single engineers, skills after the first stop, shift ends, van stock)
 * leaves a minimum-cost assignment of predecessors to orders, which is solved exactly. Only arcs that
 * any schedule could use are allowed, with times that are lower bounds:
 *   home_i → j  if i has j's skills and parts at the start of the day and
 *               max(shiftStart_i, release_j) + accept + eta(home_i, j) ≤ deadline_j
 *   k → j       if max(release_k + accept + eta(0) + service_k, release_j) + accept + eta(k, j) ≤ deadline_j
 * (no engineer leaves for an order before it is released, an order takes at least its real service
 * time, and k cannot be finished before release_k + accept + eta(0) + service_k). The reference
 * schedule's own chains satisfy all of these, so the bound never exceeds the reference's travel.
 */
export type BoundMode = 'no_later' | 'same_times'

export interface HindsightBound {
  travelKm: number
  orders: number
  arcs: number
  solveMs: number
}

const MINUTE = 60_000

function isQualifiedAtStart (engineer: SimEngineer, order: SimOrder): boolean {
  if (!order.requiredSkills.every((need) => (engineer.skills[need.skill] ?? 0) >= need.level)) return false
  for (const [part, quantity] of countParts(order.requiredParts)) if ((engineer.vanStock[part] ?? 0) < quantity) return false
  return true
}

export function computeHindsightBound (scenario: Scenario, reference: SimulationResult, mode: BoundMode = 'no_later'): HindsightBound {
  const orders = scenario.orders.filter((order) => reference.servedOrders.has(order.id))
  const deadline = orders.map((order) => {
    const arrived = (reference.servedOrders.get(order.id) as { arrivedAt: number }).arrivedAt
    return arrived
  })
  const engineers = scenario.engineers
  const rows = orders.length
  const columns = engineers.length + rows
  const costs = new Float64Array(rows * columns).fill(FORBIDDEN)
  const earliestDone = orders.map((order, j) => mode === 'same_times'
    ? (deadline[j] as number) + order.serviceMinutes * MINUTE
    : order.releaseAt + (ACCEPT_MINUTES + estimateEtaMinutes(0) + order.serviceMinutes) * MINUTE)
  let arcs = 0
  for (let j = 0; j < rows; j++) {
    const order = orders[j] as SimOrder
    const due = deadline[j] as number
    const base = j * columns
    engineers.forEach((engineer, i) => {
      if (!isQualifiedAtStart(engineer, order)) return
      const km = haversineKm(engineer.home, order.location)
      if (Math.max(engineer.shiftStart, order.releaseAt) + (ACCEPT_MINUTES + estimateEtaMinutes(km)) * MINUTE <= due) {
        costs[base + i] = km
        arcs++
      }
    })
    for (let k = 0; k < rows; k++) {
      if (k === j) continue
      const leave = Math.max(earliestDone[k] as number, order.releaseAt)
      if (leave + (ACCEPT_MINUTES + 2) * MINUTE > due) continue
      const km = haversineKm((orders[k] as SimOrder).location, order.location)
      if (leave + (ACCEPT_MINUTES + estimateEtaMinutes(km)) * MINUTE <= due) {
        costs[base + engineers.length + k] = km
        arcs++
      }
    }
  }
  const started = performance.now()
  const solution = solveAssignment(costs, rows, columns)
  const solveMs = performance.now() - started
  let travelKm = 0
  for (let j = 0; j < rows; j++) {
    const cost = costs[j * columns + (solution[j] as number)] as number
    if (cost >= FORBIDDEN) throw new Error(`order ${(orders[j] as SimOrder).id} has no feasible predecessor: the reference schedule is inconsistent`)
    travelKm += cost
  }
  return { travelKm: Math.round(travelKm * 10) / 10, orders: rows, arcs, solveMs: Math.round(solveMs) }
}
