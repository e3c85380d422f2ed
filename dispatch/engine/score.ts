import { DEFAULT_ETA_MODEL, estimateEtaMinutes } from './geo.js'
import type { EtaModel } from './geo.js'
import type { EngineerSnapshot, OrderDemand } from './types.js'

/**
 * The weighted cost of sending an engineer to an order, in minutes of travel-equivalent: lower is
 * better. Each factor is reported as a reason so a supervisor sees why an engineer ranks where they do.
 *   travel    ETA minutes under the ETA model
 *   sla       minutes the ETA would pass the order's arrive deadline, times the lateness weight
 *   workload  jobs already assigned today, times the workload weight (spreads work across the team)
 *   preferred a bonus when the engineer is the one the customer prefers
 */
export interface ScoreWeights {
  travelPerMinute: number
  latenessPerMinute: number
  workloadPerJob: number
  preferredBonus: number
}

export const DEFAULT_WEIGHTS: ScoreWeights = Object.freeze({
  travelPerMinute: 1,
  latenessPerMinute: 4,
  workloadPerJob: 3,
  preferredBonus: 20
})

export type ReasonFactor = 'travel' | 'sla' | 'workload' | 'preferred'

export interface ScoreReason {
  factor: ReasonFactor
  /** Contribution to the cost, minutes-equivalent (negative = in the engineer's favour). */
  cost: number
  detail: string
}

export interface Scored {
  engineerId: string
  cost: number
  /** 0…100, higher is better: 100 / (1 + cost / 30). */
  score: number
  distanceKm: number
  etaMinutes: number
  reasons: ScoreReason[]
}

export interface ScoringOptions {
  now: number
  weights: ScoreWeights
  etaModel: EtaModel
}

export const DEFAULT_SCORING: Omit<ScoringOptions, 'now'> = { weights: DEFAULT_WEIGHTS, etaModel: DEFAULT_ETA_MODEL }

const round1 = (value: number): number => Math.round(value * 10) / 10

export function scoreFromCost (cost: number): number {
  return round1(100 / (1 + Math.max(0, cost) / 30))
}

/** Minutes late at the arrive deadline when leaving now and driving `etaMinutes` (0 when on time). */
export function latenessMinutes (order: OrderDemand, now: number, etaMinutes: number): number {
  if (order.arriveBy === null) return 0
  return Math.max(0, (now + etaMinutes * 60_000 - order.arriveBy) / 60_000)
}

/**
 * The least cost any engineer `distanceKm` away could have (no workload, not preferred): the
 * candidate search stops widening once this exceeds the worst cost it keeps.
 */
export function lowerBoundCost (order: OrderDemand, distanceKm: number, options: ScoringOptions): number {
  const eta = estimateEtaMinutes(distanceKm, options.etaModel)
  return eta * options.weights.travelPerMinute + latenessMinutes(order, options.now, eta) * options.weights.latenessPerMinute
}

/** Cost only (the hot path of the search and the optimiser). */
export function costOf (engineer: EngineerSnapshot, order: OrderDemand, distanceKm: number, options: ScoringOptions): number {
  const { weights } = options
  const eta = estimateEtaMinutes(distanceKm, options.etaModel)
  let cost = eta * weights.travelPerMinute + latenessMinutes(order, options.now, eta) * weights.latenessPerMinute +
    engineer.jobsToday * weights.workloadPerJob
  if (order.preferredEngineerId === engineer.id) cost -= weights.preferredBonus
  return cost
}

/** Cost with its explanation. */
export function scoreCandidate (engineer: EngineerSnapshot, order: OrderDemand, distanceKm: number, options: ScoringOptions): Scored {
  const { weights, now } = options
  const eta = estimateEtaMinutes(distanceKm, options.etaModel)
  const reasons: ScoreReason[] = [
    { factor: 'travel', cost: round1(eta * weights.travelPerMinute), detail: `${round1(distanceKm)} km, about ${Math.round(eta)} min` }
  ]
  if (order.arriveBy !== null) {
    const late = latenessMinutes(order, now, eta)
    const slack = (order.arriveBy - now) / 60_000 - eta
    reasons.push(late > 0
      ? { factor: 'sla', cost: round1(late * weights.latenessPerMinute), detail: `would arrive ${Math.round(late)} min after the arrive deadline` }
      : { factor: 'sla', cost: 0, detail: `arrives ${Math.round(slack)} min before the arrive deadline` })
  }
  reasons.push({
    factor: 'workload',
    cost: round1(engineer.jobsToday * weights.workloadPerJob),
    detail: `${engineer.jobsToday} job${engineer.jobsToday === 1 ? '' : 's'} today`
  })
  if (order.preferredEngineerId === engineer.id) {
    reasons.push({ factor: 'preferred', cost: -weights.preferredBonus, detail: 'the customer\'s preferred engineer' })
  }
  const cost = costOf(engineer, order, distanceKm, options)
  return { engineerId: engineer.id, cost: round1(cost), score: scoreFromCost(cost), distanceKm: Math.round(distanceKm * 100) / 100, etaMinutes: round1(eta), reasons }
}
