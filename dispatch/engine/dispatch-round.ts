import { optimizeBatch } from './batch-optimizer.js'
import type { BatchOptions, BatchPlan, ProjectedEngineer } from './batch-optimizer.js'
import type { EngineerPool } from './engineer-pool.js'
import type { EtaModel } from './geo.js'
import type { ScoreWeights } from './score.js'
import type { EngineerSnapshot, LatLng, OrderDemand } from './types.js'
import { unassignedPenalty } from './urgency.js'

/**
 * One auto-dispatch round: the waiting orders are matched together (batch optimisation) against the
 * engineers free now and — looking ahead — the busy ones expected to finish within `lookaheadMinutes`,
 * placed where their current job is. An order whose best match is such an engineer is not assigned
 * but waits (it is decided again next round, when that engineer may be free), because a short wait for
 * an engineer finishing next door usually beats sending one from across town. Run on each new order
 * and every `DISPATCH_AUTO_RETRY_S`.
 */
export interface DispatchRoundSettings {
  lookaheadMinutes: number
  /** Cost of one minute an order waits for an engineer finishing nearby (minutes of travel-equivalent). */
  waitPerMinute: number
  candidatesPerOrder: number
  /** What a visit is assumed to take once on site. */
  meanVisitMinutes: number
  /** When a visit overruns the mean, the engineer is expected free this many minutes from now. */
  overrunMinutes: number
}

export const DEFAULT_ROUND: DispatchRoundSettings = Object.freeze({
  lookaheadMinutes: 70,
  waitPerMinute: 0.5,
  candidatesPerOrder: 8,
  meanVisitMinutes: 40,
  overrunMinutes: 10
})

/** A job an engineer holds: where it is and when they are (or are expected to be) on site. */
export interface BusyJob {
  engineerId: string
  site: LatLng
  onSiteAt: number
}

export interface RoundOptions {
  now: number
  weights: ScoreWeights
  etaModel: EtaModel
  defaultMaxDistanceKm: number
  dealerPartsFor?: (order: OrderDemand) => ReadonlyMap<string, number>
  busy: readonly BusyJob[]
  settings?: DispatchRoundSettings
}

/** Busy engineers expected free within the look-ahead, as they will be then. */
export function projectFreeEngineers (pool: EngineerPool, busy: readonly BusyJob[], now: number, settings: DispatchRoundSettings = DEFAULT_ROUND): ProjectedEngineer[] {
  const horizon = now + settings.lookaheadMinutes * 60_000
  const projected: ProjectedEngineer[] = []
  for (const job of busy) {
    const engineer = pool.get(job.engineerId)
    if (engineer === undefined) continue
    let availableAt = job.onSiteAt + settings.meanVisitMinutes * 60_000
    if (availableAt <= now) availableAt = now + settings.overrunMinutes * 60_000
    if (availableAt > horizon) continue
    const free: EngineerSnapshot = { ...engineer, status: 'available', activeOrderId: null, position: job.site }
    projected.push({ engineer: free, availableAt })
  }
  return projected
}

export function planDispatchRound (pool: EngineerPool, orders: readonly OrderDemand[], options: RoundOptions): BatchPlan {
  const settings = options.settings ?? DEFAULT_ROUND
  if (orders.length === 0) return { assignments: [], waiting: [], unassigned: [], totalCost: 0 }
  const batch: BatchOptions = {
    now: options.now,
    limit: settings.candidatesPerOrder,
    weights: options.weights,
    etaModel: options.etaModel,
    defaultMaxDistanceKm: options.defaultMaxDistanceKm,
    unassignedCost: (order) => unassignedPenalty(order, options.now, options.weights),
    projected: projectFreeEngineers(pool, options.busy, options.now, settings),
    waitPerMinute: settings.waitPerMinute,
    ...(options.dealerPartsFor === undefined ? {} : { dealerPartsFor: options.dealerPartsFor })
  }
  return optimizeBatch(pool, orders, batch)
}
