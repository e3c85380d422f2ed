import type { Priority } from '../engine/types.js'

/**
 * Service-level targets per customer contract and priority, in minutes from the order's creation:
 *   respond  an engineer has accepted the order
 *   arrive   the engineer is on site
 *   resolve  the order is completed
 * An order's contract comes from its customer (`customer.contract`); an unknown contract, or a
 * priority the contract sets no targets for, falls back to `standard`.
 */
export interface SlaTargets {
  respondMinutes: number
  arriveMinutes: number
  resolveMinutes: number
}

/** Per contract, the targets per priority; a contract may set only some priorities. */
export type SlaPolicyTable = Readonly<Record<string, Readonly<Partial<Record<Priority, SlaTargets>>>>>

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

/**
 * The targets for a contract and priority: the contract's own for that priority, else `standard`'s,
 * else the built-in standard ones. Contract names are data (a customer's, or an admin's), so they are
 * looked up as own keys only: `toString` or `__proto__` is just a contract without targets.
 */
export function findTargets (policies: SlaPolicyTable, contract: string | null | undefined, priority: Priority): SlaTargets {
  const own = (name: string): SlaTargets | undefined => {
    const table = Object.hasOwn(policies, name) ? policies[name] : undefined
    return table !== undefined && Object.hasOwn(table, priority) ? table[priority] : undefined
  }
  return own(contract ?? DEFAULT_CONTRACT) ?? own(DEFAULT_CONTRACT) ?? DEFAULT_SLA_POLICIES.standard?.[priority] as SlaTargets
}

/** Deadlines (epoch ms) for an order created at `createdAt`. */
export function computeDeadlines (createdAt: number, targets: SlaTargets): SlaDeadlines {
  return {
    respondBy: createdAt + targets.respondMinutes * 60_000,
    arriveBy: createdAt + targets.arriveMinutes * 60_000,
    resolveBy: createdAt + targets.resolveMinutes * 60_000
  }
}
