import type { Priority } from '../engine/types.js'

/**
 * Service-level targets per customer contract and priority, in minutes from the order's creation:
 *   respond  an engineer has accepted the order
 *   arrive   the engineer is on site
 *   resolve  the order is completed
 * An order's contract comes from its customer (`customer.contract`); an unknown contract falls back
 * to `standard`.
 */
export interface SlaTargets {
  respondMinutes: number
  arriveMinutes: number
  resolveMinutes: number
}

export type SlaPolicyTable = Readonly<Record<string, Readonly<Record<Priority, SlaTargets>>>>

export const DEFAULT_CONTRACT = 'standard'

export const DEFAULT_SLA_POLICIES: SlaPolicyTable = Object.freeze({
  standard: {
    critical: { respondMinutes: 15, arriveMinutes: 60, resolveMinutes: 240 },
    high: { respondMinutes: 30, arriveMinutes: 120, resolveMinutes: 480 },
    medium: { respondMinutes: 60, arriveMinutes: 240, resolveMinutes: 1440 },
    low: { respondMinutes: 240, arriveMinutes: 480, resolveMinutes: 2880 }
  },
  premium: {
    critical: { respondMinutes: 10, arriveMinutes: 45, resolveMinutes: 180 },
    high: { respondMinutes: 20, arriveMinutes: 90, resolveMinutes: 360 },
    medium: { respondMinutes: 45, arriveMinutes: 180, resolveMinutes: 720 },
    low: { respondMinutes: 120, arriveMinutes: 360, resolveMinutes: 1440 }
  }
})

export interface SlaDeadlines {
  respondBy: number
  arriveBy: number
  resolveBy: number
}

export function findTargets (policies: SlaPolicyTable, contract: string | null | undefined, priority: Priority): SlaTargets {
  const table = policies[contract ?? DEFAULT_CONTRACT] ?? policies[DEFAULT_CONTRACT] ?? DEFAULT_SLA_POLICIES.standard as Record<Priority, SlaTargets>
  return table[priority]
}

/** Deadlines (epoch ms) for an order created at `createdAt`. */
export function computeDeadlines (createdAt: number, targets: SlaTargets): SlaDeadlines {
  return {
    respondBy: createdAt + targets.respondMinutes * 60_000,
    arriveBy: createdAt + targets.arriveMinutes * 60_000,
    resolveBy: createdAt + targets.resolveMinutes * 60_000
  }
}
