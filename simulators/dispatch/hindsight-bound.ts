import { FORBIDDEN, solveAssignment } from '../../dispatch/engine/assignment-solver.js'
import type { AssignmentDuals } from '../../dispatch/engine/assignment-solver.js'
import { DEFAULT_MAX_DISTANCE_KM } from './day-simulation.js'
import type { SimulationResult } from './day-simulation.js'
import { createOfflineDay } from './offline-day.js'
import type { OfflineDay } from './offline-day.js'
import type { Scenario, SimOrder } from './scenario.js'

/**
 * A lower bound, computed offline with full knowledge of the day, on the travel of ANY schedule that
 * reaches every order no later than a reference schedule did (`deadline_j`: the reference's arrival).
 *
 * Every schedule is a set of chains: an engineer leaves home at shift start and drives order to order.
 * So each served order j has exactly one predecessor — an engineer's home or another order k — and
 * each home or order is the predecessor of at most one order. Keeping that, and only arcs some
 * schedule could use, gives a minimum-cost assignment (predecessors × orders) solved exactly. What is
 * dropped: that a chain is one engineer beyond each pair of consecutive stops, and the exact times
 * along it (only lower bounds on them are used). The conditions, each necessary in the simulator:
 *
 *   qualified(i, j)  i has j's skills, j's parts on the van at the start of the day (stock only
 *                    falls), and does not refuse j (refusals are a fixed function of order and engineer)
 *   EA_j             the earliest j can be reached by anyone, over its own allowed predecessors:
 *                    min over homes i of max(start_i, release_j) + accept + eta(home_i, j), and over
 *                    orders k of max(EA_k + service_k, release_j) + accept + eta(k, j) (Dijkstra in time)
 *   home_i → j       qualified(i, j), leaves at L = max(start_i, release_j) < end_i (assigned on shift),
 *                    within reach, and L + accept + eta(home_i, j) ≤ deadline_j
 *   k → j            some engineer i qualified for both k and j could do both in time: with
 *                    A = max(EA_k, start_i + accept + eta(home_i, k)) ≤ deadline_k (i cannot be at k
 *                    earlier: the ETA model is subadditive, so no detour is faster than the direct trip),
 *                    L = max(A + service_k, release_j) < end_i, and L + accept + eta(k, j) ≤ deadline_j
 *
 * The reference schedule's own chains meet all of these (its times are at least the lower bounds), so
 * the bound never exceeds the reference's travel; any better schedule meets them too.
 * `same_times` fixes every visit at the reference's arrival (EA_j = deadline_j): the least travel of
 * re-assigning the same visits at the same times.
 */
export type BoundMode = 'no_later' | 'same_times'

export interface HindsightBound {
  travelKm: number
  orders: number
  arcs: number
  solveMs: number
  /** Per order, its predecessor in the bound's solution: an engineer's index (< m) or m + an order's index. */
  predecessor: Int32Array
  /** Per order, the earliest any schedule can reach it (epoch ms). */
  earliest: Float64Array
  /** The assignment's optimal duals: rows are orders, columns homes (0…m−1) then orders (m…m+n−1). */
  duals: AssignmentDuals
}

export interface BoundOptions {
  rejectRate?: number
}

export function computeHindsightBound (scenario: Scenario, reference: SimulationResult, mode: BoundMode = 'no_later', options: BoundOptions = {}): HindsightBound {
  return boundDay(createOfflineDay(scenario, reference, options), mode)
}

export function boundDay (day: OfflineDay, mode: BoundMode = 'no_later'): HindsightBound {
  const { n, m, words, bits, deadline, release, service, shiftStart, shiftEnd, homeKm, homeDrive, orderKm, orderDrive, isQualified } = day
  const reachedFromHome = new Float64Array(n * m) // start_i + accept + eta(home_i, j): i is never at j earlier
  for (let j = 0; j < n; j++) for (let i = 0; i < m; i++) reachedFromHome[j * m + i] = (shiftStart[i] as number) + (homeDrive[j * m + i] as number)

  /** Earliest arrival at j from home i, or Infinity when that arc is not allowed. */
  const fromHome = (j: number, i: number): number => {
    if (!isQualified(j, i) || (homeKm[j * m + i] as number) > DEFAULT_MAX_DISTANCE_KM) return Infinity
    const leave = Math.max(shiftStart[i] as number, release[j] as number)
    if (leave >= (shiftEnd[i] as number)) return Infinity
    const arrive = leave + (homeDrive[j * m + i] as number)
    return arrive <= (deadline[j] as number) ? arrive : Infinity
  }
  const earliest = new Float64Array(n)
  /** Earliest arrival at j straight after k (given k's earliest arrival), or Infinity when no engineer could. */
  const fromOrder = (k: number, j: number): number => {
    if (k === j || (orderKm[k * n + j] as number) > DEFAULT_MAX_DISTANCE_KM) return Infinity
    const drive = orderDrive[k * n + j] as number
    const ek = earliest[k] as number
    if (Math.max(ek + (service[k] as number), release[j] as number) + drive > (deadline[j] as number)) return Infinity
    let best = Infinity
    for (let w = 0; w < words; w++) {
      let common = (bits[k * words + w] as number) & (bits[j * words + w] as number)
      while (common !== 0) {
        const bit = 31 - Math.clz32(common)
        common &= ~(1 << bit)
        const i = w * 32 + bit
        const at = Math.max(ek, reachedFromHome[k * m + i] as number)
        if (at > (deadline[k] as number)) continue
        const leave = Math.max(at + (service[k] as number), release[j] as number)
        if (leave >= (shiftEnd[i] as number)) continue
        const arrive = leave + drive
        if (arrive <= (deadline[j] as number) && arrive < best) best = arrive
      }
    }
    return best
  }

  // Earliest arrivals: Dijkstra in time (every arc arrives later than its tail is reached).
  if (mode === 'same_times') {
    earliest.set(deadline)
  } else {
    earliest.fill(Infinity)
    for (let j = 0; j < n; j++) for (let i = 0; i < m; i++) earliest[j] = Math.min(earliest[j] as number, fromHome(j, i))
    const settled = new Uint8Array(n)
    for (let round = 0; round < n; round++) {
      let k = -1
      for (let j = 0; j < n; j++) if (settled[j] === 0 && (k < 0 || (earliest[j] as number) < (earliest[k] as number))) k = j
      if (k < 0 || earliest[k] === Infinity) break
      settled[k] = 1
      for (let j = 0; j < n; j++) {
        if (settled[j] === 1) continue
        const arrive = fromOrder(k, j)
        if (arrive < (earliest[j] as number)) earliest[j] = arrive
      }
    }
  }

  const columns = m + n
  const costs = new Float64Array(n * columns).fill(FORBIDDEN)
  let arcs = 0
  for (let j = 0; j < n; j++) {
    const base = j * columns
    for (let i = 0; i < m; i++) {
      if (fromHome(j, i) === Infinity) continue
      costs[base + i] = homeKm[j * m + i] as number
      arcs++
    }
    for (let k = 0; k < n; k++) {
      if (fromOrder(k, j) === Infinity) continue
      costs[base + m + k] = orderKm[k * n + j] as number
      arcs++
    }
  }
  const started = performance.now()
  const duals: AssignmentDuals = { rows: new Float64Array(n), columns: new Float64Array(columns) }
  const solution = solveAssignment(costs, n, columns, duals)
  const solveMs = performance.now() - started
  let travelKm = 0
  for (let j = 0; j < n; j++) {
    const cost = costs[j * columns + (solution[j] as number)] as number
    if (cost >= FORBIDDEN) throw new Error(`order ${(day.orders[j] as SimOrder).id} has no feasible predecessor: the reference schedule is inconsistent`)
    travelKm += cost
  }
  return { travelKm: Math.round(travelKm * 10) / 10, orders: n, arcs, solveMs: Math.round(solveMs), predecessor: solution, earliest, duals }
}
