import type { ScoreWeights } from './score.js'
import type { OrderDemand } from './types.js'
import { PRIORITIES } from './types.js'

/**
 * What leaving an order without an engineer for this round costs the batch optimiser: far more than
 * any trip (so every order that can be served is), plus the order's urgency — its priority and how
 * late it already is or is about to be — so when engineers are scarce the most urgent orders go first.
 */
export const SERVE_EVERY_ORDER = 1_000_000

export function unassignedPenalty (order: OrderDemand, now: number, weights: ScoreWeights): number {
  const priorityRank = PRIORITIES.indexOf(order.priority)
  const overdueMinutes = order.arriveBy === null ? 0 : Math.max(0, (now - order.arriveBy) / 60_000 + 30)
  return SERVE_EVERY_ORDER + priorityRank * 30 + overdueMinutes * weights.latenessPerMinute
}
