import { createRuleContext, searchCandidates } from './candidate-search.js'
import { passesHardRules } from './hard-rules.js'
import type { CandidateSearchOptions } from './candidate-search.js'
import type { EngineerPool } from './engineer-pool.js'
import { haversineKm } from './geo.js'
import { costOf } from './score.js'
import { FORBIDDEN, solveAssignment } from './assignment-solver.js'
import type { EngineerSnapshot, OrderDemand } from './types.js'
import { PRIORITIES } from './types.js'

/**
 * Assign a set of pending orders together. The objective is the summed cost of the pairs made plus
 * a penalty for each order left waiting (`unassignedCost`: large when every order should be served
 * now, smaller when waiting for a better engineer is allowed). The same hard rules apply, because
 * every pair comes from the candidate search.
 *
 * Never worse than one by one: the one-by-one plan (each order in urgency order takes its best
 * remaining engineer) is computed first and its pairs are added to the candidate pairs, so the exact
 * minimum-cost assignment over that set is at most its cost.
 */
export interface BatchOptions extends CandidateSearchOptions {
  /** Penalty for leaving the order unassigned in this round. */
  unassignedCost: (order: OrderDemand) => number
  /** Parts a nearby dealer can supply, per order (DealerStock port); none by default. */
  dealerPartsFor?: (order: OrderDemand) => ReadonlyMap<string, number>
  /**
   * Look-ahead: busy engineers expected to be free soon, where they will be. An order matched to one
   * of them is not assigned now but waits for them (`waiting` in the plan); the next round decides
   * again with what is known then (rolling horizon).
   */
  projected?: readonly ProjectedEngineer[]
  /** Cost of one minute an order waits for a projected engineer (default 1: like a minute of driving). */
  waitPerMinute?: number
}

export interface ProjectedEngineer {
  /** The engineer as they will be when free: status available, position where they finish. */
  engineer: EngineerSnapshot
  availableAt: number
}

export interface PlannedAssignment {
  orderId: string
  engineerId: string
  cost: number
  distanceKm: number
}

export interface BatchPlan {
  assignments: PlannedAssignment[]
  /** Orders held back for an engineer who is expected to be free soon (look-ahead). */
  waiting: PlannedAssignment[]
  unassigned: string[]
  /** Σ pair costs + Σ penalties of the orders left waiting. */
  totalCost: number
}

const PRIORITY_RANK = Object.fromEntries(PRIORITIES.map((p, i) => [p, i])) as Record<string, number>

/** Most urgent first: priority, then arrive deadline, then age, then id. */
export function compareUrgency (a: OrderDemand, b: OrderDemand): number {
  return (PRIORITY_RANK[b.priority] as number) - (PRIORITY_RANK[a.priority] as number) ||
    (a.arriveBy ?? Infinity) - (b.arriveBy ?? Infinity) ||
    a.createdAt - b.createdAt ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}

function optionsFor (order: OrderDemand, options: BatchOptions, exclude: ReadonlySet<string> | undefined, limit: number): CandidateSearchOptions {
  const dealerParts = options.dealerPartsFor?.(order) ?? options.dealerParts
  return { ...options, limit, ...(exclude === undefined ? {} : { exclude }), ...(dealerParts === undefined ? {} : { dealerParts }) }
}

/** Each order in urgency order takes the best engineer nobody has taken yet. */
export function planOneByOne (pool: EngineerPool, orders: readonly OrderDemand[], options: BatchOptions): BatchPlan {
  const taken = new Set<string>()
  const assignments: PlannedAssignment[] = []
  const unassigned: string[] = []
  let totalCost = 0
  for (const order of [...orders].sort(compareUrgency)) {
    const best = searchCandidates(pool, order, optionsFor(order, options, taken, 1))[0]
    const penalty = options.unassignedCost(order)
    if (best === undefined || best.cost >= penalty) {
      unassigned.push(order.id)
      totalCost += penalty
      continue
    }
    taken.add(best.engineer.id)
    assignments.push({ orderId: order.id, engineerId: best.engineer.id, cost: best.cost, distanceKm: best.distanceKm })
    totalCost += best.cost
  }
  return { assignments, waiting: [], unassigned, totalCost }
}

function addProjectedPairs (orders: readonly OrderDemand[], options: BatchOptions, add: (order: OrderDemand, engineer: EngineerSnapshot, cost: number, distanceKm: number) => void): void {
  const waitPerMinute = options.waitPerMinute ?? 1
  for (const projected of options.projected ?? []) {
    const at = projected.engineer.position ?? projected.engineer.home
    if (at === null) continue
    const later = { ...options, now: Math.max(options.now, projected.availableAt) }
    const context = createRuleContext(later)
    const waitMinutes = (later.now - options.now) / 60_000
    for (const order of orders) {
      const distanceKm = haversineKm(at, order.location)
      if (!passesHardRules({ engineer: projected.engineer, order, distanceKm }, context)) continue
      add(order, projected.engineer, costOf(projected.engineer, order, distanceKm, later) + waitMinutes * waitPerMinute, distanceKm)
    }
  }
}

/** The minimum-cost plan over each order's `limit` best candidates plus the one-by-one pairs. */
export function optimizeBatch (pool: EngineerPool, orders: readonly OrderDemand[], options: BatchOptions): BatchPlan & { oneByOne: BatchPlan } {
  const oneByOne = planOneByOne(pool, orders, options)
  if (orders.length === 0) return { assignments: [], waiting: [], unassigned: [], totalCost: 0, oneByOne }

  const pairs = new Map<string, Map<string, { cost: number, distanceKm: number }>>()
  const columnOf = new Map<string, number>()
  const addPair = (order: OrderDemand, engineer: EngineerSnapshot, cost: number, distanceKm: number): void => {
    let row = pairs.get(order.id)
    if (row === undefined) pairs.set(order.id, row = new Map())
    row.set(engineer.id, { cost, distanceKm })
    if (!columnOf.has(engineer.id)) columnOf.set(engineer.id, columnOf.size)
  }
  for (const order of orders) {
    for (const kept of searchCandidates(pool, order, optionsFor(order, options, undefined, options.limit))) {
      addPair(order, kept.engineer, kept.cost, kept.distanceKm)
    }
  }
  const byId = new Map(orders.map((order) => [order.id, order]))
  for (const planned of oneByOne.assignments) {
    const order = byId.get(planned.orderId) as OrderDemand
    const engineer = pool.get(planned.engineerId) as EngineerSnapshot
    addPair(order, engineer, planned.cost, planned.distanceKm)
  }

  const projectedIds = new Set<string>()
  if (options.projected !== undefined && options.projected.length > 0) {
    addProjectedPairs(orders, options, (order, engineer, cost, distanceKm) => {
      projectedIds.add(engineer.id)
      addPair(order, engineer, cost, distanceKm)
    })
  }

  // Rows: orders. Columns: engineers, then one "wait" column per order (only its own row may use it).
  const rows = orders.length
  const engineerColumns = columnOf.size
  const columns = engineerColumns + rows
  const costs = new Float64Array(rows * columns).fill(FORBIDDEN)
  orders.forEach((order, row) => {
    for (const [engineerId, pair] of pairs.get(order.id) ?? []) costs[row * columns + (columnOf.get(engineerId) as number)] = pair.cost
    costs[row * columns + engineerColumns + row] = options.unassignedCost(order)
  })
  const solution = solveAssignment(costs, rows, columns)
  const engineerIds = [...columnOf.keys()]

  const assignments: PlannedAssignment[] = []
  const waiting: PlannedAssignment[] = []
  const unassigned: string[] = []
  let totalCost = 0
  orders.forEach((order, row) => {
    const column = solution[row] as number
    totalCost += costs[row * columns + column] as number
    if (column >= engineerColumns) {
      unassigned.push(order.id)
      return
    }
    const engineerId = engineerIds[column] as string
    const pair = pairs.get(order.id)?.get(engineerId) as { cost: number, distanceKm: number }
    const planned = { orderId: order.id, engineerId, cost: pair.cost, distanceKm: pair.distanceKm }
    if (projectedIds.has(engineerId)) waiting.push(planned)
    else assignments.push(planned)
  })
  return { assignments, waiting, unassigned, totalCost, oneByOne }
}

/** Recompute a pair's cost from scratch (tests and callers that re-validate a plan). */
export function costOfPair (pool: EngineerPool, order: OrderDemand, engineerId: string, options: BatchOptions): number | null {
  const engineer = pool.get(engineerId)
  const from = engineer === undefined ? null : pool.locate(engineer)
  if (engineer === undefined || from === null) return null
  return costOf(engineer, order, haversineKm(from, order.location), options)
}
