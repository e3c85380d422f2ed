import type { Principal } from '../../core/auth/roles.js'
import { isAfterlineError } from '../../core/errors.js'
import type { Logger } from '../../core/logger.js'
import { optimizeBatch } from '../engine/batch-optimizer.js'
import { createRuleContext, rankCandidates, searchCandidates } from '../engine/candidate-search.js'
import type { EngineerPool } from '../engine/engineer-pool.js'
import { planDispatchRound } from '../engine/dispatch-round.js'
import type { BusyJob, DispatchRoundSettings } from '../engine/dispatch-round.js'
import { estimateEtaMinutes, haversineKm } from '../engine/geo.js'
import type { EtaModel } from '../engine/geo.js'
import { listViolations } from '../engine/hard-rules.js'
import type { RuleViolation } from '../engine/hard-rules.js'
import { scoreCandidate } from '../engine/score.js'
import type { Scored, ScoreWeights } from '../engine/score.js'
import type { OrderDemand } from '../engine/types.js'
import { unassignedPenalty } from '../engine/urgency.js'
import { DSP_ORDER_NO_LOCATION } from '../errors.js'
import type { DealerStock } from '../ports.js'
import type { AccessScope } from '../access.js'
import { actorOf, SYSTEM_ACTOR } from '../work-orders/actor.js'
import type { WorkOrder } from '../work-orders/work-order.repository.js'
import type { WorkOrderService } from '../work-orders/work-order.service.js'

export interface AssignmentSettings {
  defaultMaxDistanceKm: number
  dealerRadiusKm: number
  weights: ScoreWeights
  etaModel: EtaModel
  /** Auto-dispatch rounds: look-ahead to engineers finishing soon, and what waiting for them costs. */
  round: DispatchRoundSettings
}

export interface AssignmentServiceDeps {
  pool: EngineerPool
  workOrders: WorkOrderService
  dealerStock: DealerStock
  scope: AccessScope
  settings: AssignmentSettings
  logger: Logger
  now: () => number
}

export interface OptimizeResult {
  dryRun: boolean
  orders: number
  assigned: Array<{ workOrderId: string, engineerId: string, cost: number, distanceKm: number }>
  unassigned: string[]
  conflicts: Array<{ workOrderId: string, engineerId: string, code: string, message: string }>
  /** The plan's objective: pair costs plus a penalty per order left unassigned. */
  totalCost: number
  /** The same objective when each order, most urgent first, takes its best remaining engineer. */
  oneByOneCost: number
  oneByOneAssigned: number
}

/** The engine's view of a stored order. */
export function toDemand (order: WorkOrder): OrderDemand {
  if (order.location === null) throw new DSP_ORDER_NO_LOCATION(order.id)
  return {
    id: order.id,
    location: order.location,
    priority: order.priority,
    requiredSkills: order.requiredSkills,
    requiredParts: order.requiredParts,
    rejectedBy: order.rejectedBy,
    preferredEngineerId: order.preferredEngineerId,
    arriveBy: order.sla.arriveBy.getTime(),
    createdAt: order.createdAt.getTime()
  }
}

/** Most orders one retry or optimisation round takes from the queue (the most urgent ones). */
export const QUEUE_ROUND = 1000

export function createAssignmentService (deps: AssignmentServiceDeps) {
  const { pool, workOrders, settings, now } = deps

  /** Units of the order's parts in stock at outlets near it, by part number, all outlets together. */
  const dealerPartsFor = async (order: OrderDemand): Promise<Map<string, number>> => {
    const units = new Map<string, number>()
    if (order.requiredParts.length === 0) return units
    for (const offer of await deps.dealerStock.findNear(order.location, order.requiredParts, settings.dealerRadiusKm)) {
      if (offer.quantity > 0) units.set(offer.partNumber, (units.get(offer.partNumber) ?? 0) + offer.quantity)
    }
    return units
  }

  const searchOptions = (limit: number, dealerParts: ReadonlyMap<string, number>) => ({
    now: now(), limit, weights: settings.weights, etaModel: settings.etaModel, defaultMaxDistanceKm: settings.defaultMaxDistanceKm, dealerParts
  })

  /** Where each held job is and when its engineer is (or, from their live position, should be) on site. */
  const busyJobs = async (at: number): Promise<BusyJob[]> => (await workOrders.repository.listHeldJobs()).map((job) => {
    const engineer = pool.get(job.engineerId)
    const from = engineer === undefined ? null : pool.locate(engineer)
    const onSiteAt = job.arrivedAt?.getTime() ??
      at + (from === null ? 0 : estimateEtaMinutes(haversineKm(from, job.location), settings.etaModel) * 60_000)
    return { engineerId: job.engineerId, site: job.location, onSiteAt }
  })

  const planRound = async (demands: OrderDemand[], dealerParts: ReadonlyMap<string, ReadonlyMap<string, number>>, at: number) =>
    planDispatchRound(pool, demands, {
      now: at,
      weights: settings.weights,
      etaModel: settings.etaModel,
      defaultMaxDistanceKm: settings.defaultMaxDistanceKm,
      dealerPartsFor: (order) => dealerParts.get(order.id) ?? new Map(),
      busy: await busyJobs(at),
      settings: settings.round
    })

  const explain = (demand: OrderDemand, engineerId: string): Record<string, unknown> | null => {
    const engineer = pool.get(engineerId)
    const from = engineer === undefined ? null : pool.locate(engineer)
    if (engineer === undefined || from === null) return null
    const explained = scoreCandidate(engineer, demand, haversineKm(from, demand.location), searchOptions(1, new Map()))
    return { score: explained.score, distanceKm: explained.distanceKm, etaMinutes: explained.etaMinutes, reasons: explained.reasons }
  }

  /** One order's dispatch round, as `autoDispatch` describes; failures propagate. */
  const dispatchOne = async (order: WorkOrder): Promise<WorkOrder> => {
    if (order.status !== 'new' || order.location === null) return order
    const demand = toDemand(order)
    const dealerParts = await dealerPartsFor(demand)
    const plan = await planRound([demand], new Map([[demand.id, dealerParts]]), now())
    if (plan.assignments.length === 0) return order
    const ranked = searchCandidates(pool, demand, searchOptions(5, dealerParts))
    for (const candidate of ranked) {
      try {
        return await workOrders.assign(order.id, candidate.engineer.id, SYSTEM_ACTOR, { auto: true, explanation: explain(demand, candidate.engineer.id) ?? {} })
      } catch (error) {
        if (isAfterlineError(error) && error.code === 'DSP_ORDER_STATE') return await workOrders.get(order.id)
        // Any other refusal concerns this candidate (taken meanwhile, gone): the next one may do.
        if (!isAfterlineError(error)) throw error
        deps.logger.debug({ orderId: order.id, engineerId: candidate.engineer.id, code: error.code }, 'auto-dispatch candidate refused; trying the next')
      }
    }
    return order
  }

  const service = {
    /** Ranked engineers who pass every hard rule, with the reasons for their score. */
    async candidates (orderId: string, limit: number, principal: Principal | null = null): Promise<{ workOrderId: string, candidates: Scored[] }> {
      const demand = toDemand(await workOrders.get(orderId))
      const stations = principal === null ? null : await deps.scope.stationIdsOf(principal)
      const dealerParts = await dealerPartsFor(demand)
      if (stations === null) return { workOrderId: orderId, candidates: rankCandidates(pool, demand, searchOptions(limit, dealerParts)) }
      // Station staff choose among their own engineers, read through the pool's station index.
      const own = new Set(stations.flatMap((stationId) => [...pool.atStation(stationId)]))
      return { workOrderId: orderId, candidates: rankCandidates(pool, demand, { ...searchOptions(limit, dealerParts), only: own }) }
    },

    /** Every hard rule the engineer would break by taking the order (empty = allowed). */
    async checkAssignment (order: WorkOrder, engineerId: string): Promise<RuleViolation[]> {
      const engineer = pool.get(engineerId)
      const demand = toDemand(order)
      const from = engineer === undefined ? null : pool.locate(engineer)
      if (engineer === undefined) return [{ rule: 'available', reason: 'unknown engineer' }]
      const context = createRuleContext({ now: now(), defaultMaxDistanceKm: settings.defaultMaxDistanceKm, dealerParts: await dealerPartsFor(demand) })
      return listViolations({ engineer, order: demand, distanceKm: from === null ? Infinity : haversineKm(from, demand.location) }, context)
    },

    /**
     * A dispatch round for one new (or refused) order: when an engineer finishing nearby soon is the
     * better match (look-ahead, `engine/dispatch-round.ts`), it waits for the next round; otherwise it
     * goes to the best candidate, and when a concurrent request takes that engineer first, the next.
     * Returns the order as it ends up (still `new` when waiting or nobody can take it now, or when the
     * round failed: the error is logged and the periodic round tries again).
     */
    async autoDispatch (order: WorkOrder): Promise<WorkOrder> {
      try {
        return await dispatchOne(order)
      } catch (error) {
        // The order (or the refusal, or the hand-back that queued it again) is committed already; its
        // caller gets it as it stands, and the periodic round tries it again.
        deps.logger.warn({ err: error, workOrderId: order.id }, 'auto-dispatch failed; the order stays queued for the next round')
        try { return await workOrders.get(order.id) } catch { return order }
      }
    },

    /**
     * The periodic round: queued orders under an auto policy are matched together (engineers free up
     * over time); a pair a concurrent request invalidated, or an order whose parts stock cannot be
     * read, is left for the next round.
     */
    async dispatchQueued (): Promise<number> {
      const queued = await workOrders.repository.listQueued({ limit: QUEUE_ROUND, autoDispatchOnly: true })
      if (queued.length === 0) return 0
      const demands: OrderDemand[] = []
      const dealerParts = new Map<string, Map<string, number>>()
      for (const demand of queued.map(toDemand)) {
        // An order whose outlet stock cannot be read now waits for the next round; the others go ahead.
        try {
          dealerParts.set(demand.id, await dealerPartsFor(demand))
          demands.push(demand)
        } catch (error) {
          deps.logger.warn({ err: error, workOrderId: demand.id }, 'auto-dispatch round: parts stock not read; the order waits for the next round')
        }
      }
      if (demands.length === 0) return 0
      const plan = await planRound(demands, dealerParts, now())
      const byId = new Map(demands.map((demand) => [demand.id, demand]))
      let assigned = 0
      for (const pair of plan.assignments) {
        try {
          await workOrders.assign(pair.orderId, pair.engineerId, SYSTEM_ACTOR, { auto: true, explanation: explain(byId.get(pair.orderId) as OrderDemand, pair.engineerId) ?? {} })
          assigned++
        } catch (error) {
          // A pair the platform refuses now (taken meanwhile, the engineer gone) waits; the other pairs still go.
          if (!isAfterlineError(error)) throw error
          deps.logger[error.statusCode === 409 ? 'debug' : 'warn']({ orderId: pair.orderId, engineerId: pair.engineerId, code: error.code }, 'auto-dispatch round: pair refused now; next round')
        }
      }
      return assigned
    },

    /**
     * Assign pending orders together (min-cost assignment under the hard rules). `dryRun` returns
     * the plan without assigning. Each pair is then assigned in its own transaction, so a pair that a
     * concurrent request invalidated is reported as a conflict and the others still go through.
     */
    async optimize (options: { orderIds?: string[] | undefined, dryRun?: boolean | undefined }, principal: Principal): Promise<OptimizeResult> {
      const pending = await workOrders.repository.listQueued({ limit: QUEUE_ROUND, ids: options.orderIds })
      const demands = pending.map(toDemand)
      const dealerParts = new Map<string, Map<string, number>>()
      for (const demand of demands) dealerParts.set(demand.id, await dealerPartsFor(demand))
      const at = now()
      const plan = optimizeBatch(pool, demands, {
        ...searchOptions(8, new Map()),
        now: at,
        dealerPartsFor: (order) => dealerParts.get(order.id) ?? new Map(),
        unassignedCost: (order) => unassignedPenalty(order, at, settings.weights)
      })
      const result: OptimizeResult = {
        dryRun: options.dryRun === true,
        orders: demands.length,
        assigned: [],
        unassigned: plan.unassigned,
        conflicts: [],
        totalCost: Math.round(plan.totalCost * 10) / 10,
        oneByOneCost: Math.round(plan.oneByOne.totalCost * 10) / 10,
        oneByOneAssigned: plan.oneByOne.assignments.length
      }
      for (const pair of plan.assignments) {
        const planned = { workOrderId: pair.orderId, engineerId: pair.engineerId, cost: Math.round(pair.cost * 10) / 10, distanceKm: Math.round(pair.distanceKm * 100) / 100 }
        if (result.dryRun) {
          result.assigned.push(planned)
          continue
        }
        try {
          await workOrders.assign(pair.orderId, pair.engineerId, actorOf(principal), { explanation: { batch: true, cost: planned.cost } })
          result.assigned.push(planned)
        } catch (error) {
          if (!isAfterlineError(error) || error.statusCode !== 409) throw error
          result.conflicts.push({ workOrderId: pair.orderId, engineerId: pair.engineerId, code: error.code, message: error.message })
        }
      }
      return result
    }
  }
  return service
}

export type AssignmentService = ReturnType<typeof createAssignmentService>
