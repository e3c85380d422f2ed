import { DEFAULT_ROUND, planDispatchRound } from '../../dispatch/engine/dispatch-round.js'
import type { DispatchRoundSettings } from '../../dispatch/engine/dispatch-round.js'
import { createRuleContext, searchCandidates } from '../../dispatch/engine/candidate-search.js'
import { DEFAULT_ETA_MODEL, haversineKm } from '../../dispatch/engine/geo.js'
import { findViolation } from '../../dispatch/engine/hard-rules.js'
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
  /** Minutes between retry rounds (the platform's `DISPATCH_AUTO_RETRY_S`, 60 s by default). */
  tickMinutes?: number
  weights?: ScoreWeights
  round?: Partial<DispatchRoundSettings>
}

/**
 * (b) Afterline's auto-dispatch as the platform runs it (`dispatch/assignment/assignment.service.ts`):
 * a new (or refused) order gets a dispatch round of its own at once, and every `tickMinutes` a round
 * takes all waiting orders together (`planDispatchRound`: min-cost assignment under the hard rules,
 * SLA urgency in the costs, and a look-ahead to busy engineers expected free soon near an order —
 * an order matched to one of them waits for the next round).
 */
export function createEnginePolicy (options: EnginePolicyOptions = {}): SimPolicy {
  const weights = options.weights ?? DEFAULT_WEIGHTS
  const run = (ctx: SimulationContext, orders: OrderDemand[]): void => {
    if (orders.length === 0) return
    const plan = planDispatchRound(ctx.pool, orders, {
      now: ctx.now,
      weights,
      etaModel: DEFAULT_ETA_MODEL,
      defaultMaxDistanceKm: ctx.defaultMaxDistanceKm,
      busy: ctx.busyJobs(),
      settings: { ...DEFAULT_ROUND, meanVisitMinutes: ctx.scenario.meanServiceMinutes, ...options.round }
    })
    for (const assignment of plan.assignments) ctx.assign(assignment.orderId, assignment.engineerId)
  }
  return {
    name: 'afterline_engine',
    tickMinutes: options.tickMinutes ?? 1,
    onOrderReleased: (ctx, orderId) => { run(ctx, [ctx.pending.get(orderId) as OrderDemand]) },
    onTick: (ctx) => { run(ctx, [...ctx.pending.values()]) }
  }
}
