import { haversineKm, haversineKmBetween } from './geo.js'
import { passesHardRules } from './hard-rules.js'
import type { HardRuleContext, HardRuleInput } from './hard-rules.js'
import type { EngineerPool } from './engineer-pool.js'
import { costOf, lowerBoundCost, scoreCandidate } from './score.js'
import type { Scored, ScoringOptions } from './score.js'
import { createShiftClock } from './shift-clock.js'
import type { EngineerSnapshot, OrderDemand } from './types.js'

export interface CandidateSearchOptions extends ScoringOptions {
  limit: number
  defaultMaxDistanceKm: number
  dealerParts?: ReadonlyMap<string, number>
  /** Engineers not to consider (already taken in a batch). */
  exclude?: ReadonlySet<string>
  /**
   * Consider these engineers only (a station's own), read one by one instead of through the spatial
   * index: the work is proportional to their number, not to the pool's.
   */
  only?: ReadonlySet<string>
}

interface Kept {
  engineer: EngineerSnapshot
  distanceKm: number
  cost: number
}

export function createRuleContext (options: { now: number, defaultMaxDistanceKm: number, dealerParts?: ReadonlyMap<string, number> }): HardRuleContext {
  return {
    localTime: createShiftClock(options.now),
    defaultMaxDistanceKm: options.defaultMaxDistanceKm,
    dealerParts: options.dealerParts ?? new Map()
  }
}

/**
 * The best `limit` engineers for an order: only those passing every hard rule, ranked by cost.
 * Searches the spatial index ring by ring and stops when the nearest unvisited ring cannot beat the
 * worst engineer kept (its least possible cost already exceeds it), so it reads a neighbourhood, not
 * the whole pool. The preferred engineer, whose bonus the bound leaves out, is checked directly.
 * Ties are broken by engineer id so results are reproducible.
 */
export function searchCandidates (pool: EngineerPool, order: OrderDemand, options: CandidateSearchOptions): Kept[] {
  const context = createRuleContext(options)
  const limit = Math.max(1, options.limit)
  const kept: Kept[] = []
  const maxKm = Math.max(options.defaultMaxDistanceKm, pool.largestReachKm)
  const exclude = options.exclude
  const preferredId = order.preferredEngineerId

  // One rule input for the whole search, refilled per engineer: checking allocates nothing.
  const input: HardRuleInput = { engineer: undefined as unknown as EngineerSnapshot, order, distanceKm: 0 }

  const consider = (engineer: EngineerSnapshot, distanceKm: number, cost = costOf(engineer, order, distanceKm, options)): void => {
    input.engineer = engineer
    input.distanceKm = distanceKm
    if (!passesHardRules(input, context)) return
    if (kept.length === limit) {
      const worst = kept[limit - 1] as Kept
      if (cost > worst.cost || (cost === worst.cost && engineer.id > worst.engineer.id)) return
      kept.pop()
    }
    let at = kept.length
    while (at > 0) {
      const before = kept[at - 1] as Kept
      if (before.cost < cost || (before.cost === cost && before.engineer.id < engineer.id)) break
      at--
    }
    kept.splice(at, 0, { engineer, distanceKm, cost })
  }

  if (options.only !== undefined) {
    for (const id of options.only) {
      const engineer = pool.get(id)
      const at = engineer === undefined ? null : pool.locate(engineer)
      if (engineer === undefined || at === null || exclude?.has(id) === true) continue
      const distanceKm = haversineKmBetween(at.lat, at.lng, order.location.lat, order.location.lng)
      if (distanceKm <= maxKm) consider(engineer, distanceKm)
    }
    return kept
  }

  if (preferredId !== null && exclude?.has(preferredId) !== true) {
    const preferred = pool.get(preferredId)
    const from = preferred === undefined ? null : pool.locate(preferred)
    if (preferred !== undefined && from !== null) consider(preferred, haversineKm(from, order.location))
  }

  const worstKept = (): number => kept.length < limit ? Infinity : (kept[limit - 1] as Kept).cost
  // `floor` is the workload floor of the grid being read. No engineer `km` away in it (nor, at km 0, in
  // it or any later grid) can beat the worst kept once this holds; while fewer than `limit` are kept
  // the worst is Infinity and it never holds.
  let floor = 0
  const cannotBeat = (km: number): boolean => lowerBoundCost(order, km, options) + floor > worstKept()
  // Made once per search, not per grid.
  const visit = (engineer: EngineerSnapshot, lat: number, lng: number): void => {
    // Distance and the cost floor come from the grid's own arrays; the engineer's record is read only
    // by those who could still make the list.
    const distanceKm = haversineKmBetween(lat, lng, order.location.lat, order.location.lng)
    if (distanceKm > maxKm || cannotBeat(distanceKm)) return
    if (engineer.id === preferredId || exclude?.has(engineer.id) === true) return
    // The exact cost is cheaper than the rules: most engineers far down the ranking stop here.
    const cost = costOf(engineer, order, distanceKm, options)
    if (cost > worstKept()) return
    consider(engineer, distanceKm, cost)
  }
  // Grids in increasing workload: each adds a known floor to every cost in it, so once the floor alone
  // (at distance zero) cannot beat the worst kept, neither that grid nor any later one can.
  const grids = pool.grids
  for (let bucket = 0; bucket < grids.length; bucket++) {
    floor = bucket * options.weights.workloadPerJob
    if (cannotBeat(0)) break
    ;(grids[bucket] as (typeof grids)[number]).searchRings(order.location, maxKm, visit, cannotBeat)
  }
  return kept
}

/** Ranked candidates with their explanation (what `GET /api/work-orders/{id}/candidates` returns). */
export function rankCandidates (pool: EngineerPool, order: OrderDemand, options: CandidateSearchOptions): Scored[] {
  return searchCandidates(pool, order, options).map((k) => scoreCandidate(k.engineer, order, k.distanceKm, options))
}
