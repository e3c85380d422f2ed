import { haversineKm } from './geo.js'
import { findViolation } from './hard-rules.js'
import type { HardRuleContext } from './hard-rules.js'
import type { EngineerPool } from './engineer-pool.js'
import { costOf, lowerBoundCost, scoreCandidate } from './score.js'
import type { Scored, ScoringOptions } from './score.js'
import { createShiftClock } from './shift-clock.js'
import type { EngineerSnapshot, OrderDemand } from './types.js'

export interface CandidateSearchOptions extends ScoringOptions {
  limit: number
  defaultMaxDistanceKm: number
  dealerParts?: ReadonlySet<string>
  /** Engineers not to consider (already taken in a batch). */
  exclude?: ReadonlySet<string>
}

interface Kept {
  engineer: EngineerSnapshot
  distanceKm: number
  cost: number
}

export function createRuleContext (options: { now: number, defaultMaxDistanceKm: number, dealerParts?: ReadonlySet<string> }): HardRuleContext {
  return {
    localTime: createShiftClock(options.now),
    defaultMaxDistanceKm: options.defaultMaxDistanceKm,
    dealerParts: options.dealerParts ?? new Set()
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

  const consider = (engineer: EngineerSnapshot, distanceKm: number): void => {
    if (findViolation({ engineer, order, distanceKm }, context) !== null) return
    const cost = costOf(engineer, order, distanceKm, options)
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

  if (preferredId !== null && exclude?.has(preferredId) !== true) {
    const preferred = pool.get(preferredId)
    const from = preferred === undefined ? null : pool.locate(preferred)
    if (preferred !== undefined && from !== null) consider(preferred, haversineKm(from, order.location))
  }

  const worstKept = (): number => kept.length < limit ? Infinity : (kept[limit - 1] as Kept).cost
  pool.grid.searchRings(order.location, maxKm, (id, lat, lng) => {
    if (id === preferredId || exclude?.has(id) === true) return
    const distanceKm = haversineKm({ lat, lng }, order.location)
    if (distanceKm > maxKm) return
    if (lowerBoundCost(order, distanceKm, options) > worstKept()) return
    consider(pool.get(id) as EngineerSnapshot, distanceKm)
  }, (ringMinKm) => lowerBoundCost(order, ringMinKm, options) > worstKept())
  return kept
}

/** Ranked candidates with their explanation (what `GET /api/work-orders/{id}/candidates` returns). */
export function rankCandidates (pool: EngineerPool, order: OrderDemand, options: CandidateSearchOptions): Scored[] {
  return searchCandidates(pool, order, options).map((k) => scoreCandidate(k.engineer, order, k.distanceKm, options))
}
