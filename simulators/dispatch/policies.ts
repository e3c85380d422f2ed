import { optimizeBatch } from '../../dispatch/engine/batch-optimizer.js'
import type { ProjectedEngineer } from '../../dispatch/engine/batch-optimizer.js'
import { createRuleContext, searchCandidates } from '../../dispatch/engine/candidate-search.js'
import { DEFAULT_ETA_MODEL, haversineKm } from '../../dispatch/engine/geo.js'
import { findViolation } from '../../dispatch/engine/hard-rules.js'
import { unassignedPenalty } from '../../dispatch/engine/urgency.js'
import type { ScoreWeights } from '../../dispatch/engine/score.js'
import { DEFAULT_WEIGHTS } from '../../dispatch/engine/score.js'
import type { EngineerSnapshot, LatLng, OrderDemand } from '../../dispatch/engine/types.js'
import type { SimPolicy, SimulationContext } from './day-simulation.js'

const NEAREST_ONLY: ScoreWeights = { travelPerMinute: 1, latenessPerMinute: 0, workloadPerJob: 0, preferredBonus: 0 }

/**
 * (a) Greedy nearest-available, the way a dispatcher works from a list and a map: a new order goes at
 * once to the nearest engineer who may take it; when none can, it queues, and an engineer who becomes
 * free takes the nearest queued order they may take.
 */
export function createGreedyPolicy (): SimPolicy {
  return {
    name: 'greedy_nearest_available',
    onOrderReleased (ctx, orderId) {
      const order = ctx.pending.get(orderId) as OrderDemand
      const best = searchCandidates(ctx.pool, order, {
        now: ctx.now, limit: 1, weights: NEAREST_ONLY, etaModel: DEFAULT_ETA_MODEL, defaultMaxDistanceKm: ctx.defaultMaxDistanceKm
      })[0]
      if (best !== undefined) ctx.assign(orderId, best.engineer.id)
    },
    onEngineerFreed (ctx, engineerId) {
      const engineer = ctx.pool.get(engineerId) as EngineerSnapshot
      const from = ctx.pool.locate(engineer) as LatLng
      const context = createRuleContext({ now: ctx.now, defaultMaxDistanceKm: ctx.defaultMaxDistanceKm })
      let nearest: { id: string, km: number } | null = null
      for (const order of ctx.pending.values()) {
        const km = haversineKm(from, order.location)
        if (nearest !== null && km >= nearest.km) continue
        if (findViolation({ engineer, order, distanceKm: km }, context) === null) nearest = { id: order.id, km }
      }
      if (nearest !== null) ctx.assign(nearest.id, engineerId)
    }
  }
}

export interface EnginePolicyOptions {
  tickMinutes?: number
  /** How far ahead busy engineers are considered (minutes). */
  lookaheadMinutes?: number
  waitPerMinute?: number
  weights?: ScoreWeights
  candidatesPerOrder?: number
}

/**
 * (b) Afterline's engine on a rolling horizon: every `tickMinutes` all waiting orders are matched at
 * once (min-cost assignment under the hard rules, with SLA urgency in the costs) against the free
 * engineers and, looking ahead, the busy ones who should be free within `lookaheadMinutes` near an
 * order. Orders matched to a soon-free engineer wait for the next round.
 */
export function createEnginePolicy (options: EnginePolicyOptions = {}): SimPolicy {
  const lookaheadMs = (options.lookaheadMinutes ?? 40) * 60_000
  const weights = options.weights ?? DEFAULT_WEIGHTS
  const run = (ctx: SimulationContext): void => {
    if (ctx.pending.size === 0) return
    const projected: ProjectedEngineer[] = ctx.projectedFree(ctx.now + lookaheadMs).map((p) => {
      const engineer = ctx.pool.get(p.engineerId) as EngineerSnapshot
      return { engineer: { ...engineer, status: 'available', activeOrderId: null, position: p.at }, availableAt: p.expectedFreeAt }
    })
    const orders = [...ctx.pending.values()]
    const plan = optimizeBatch(ctx.pool, orders, {
      now: ctx.now,
      limit: options.candidatesPerOrder ?? 8,
      weights,
      etaModel: DEFAULT_ETA_MODEL,
      defaultMaxDistanceKm: ctx.defaultMaxDistanceKm,
      unassignedCost: (order) => unassignedPenalty(order, ctx.now, weights),
      projected,
      waitPerMinute: options.waitPerMinute ?? 0.5
    })
    for (const assignment of plan.assignments) ctx.assign(assignment.orderId, assignment.engineerId)
  }
  return { name: 'afterline_engine', tickMinutes: options.tickMinutes ?? 1, onTick: run }
}
