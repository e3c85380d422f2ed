import type { EventBus } from '../../core/event-bus.js'
import type { Logger } from '../../core/logger.js'
import { createPeriodicTask } from '../../core/periodic.js'
import type { EngineerPool } from '../engine/engineer-pool.js'
import { estimateEtaMinutes, haversineKm } from '../engine/geo.js'
import type { EtaModel } from '../engine/geo.js'
import { SYSTEM_ACTOR } from '../work-orders/actor.js'
import type { SlaDeadlineName, WorkOrder, WorkOrderRepository } from '../work-orders/work-order.repository.js'

/**
 * Watches every open order's deadlines. The deadlines are stored with the order, so nothing is lost
 * across a restart: `start` checks at once (raising whatever came due while the platform was down)
 * and then every `intervalSeconds`. A deadline is
 *   breached  when it has passed without its milestone (or the milestone came after it);
 *   at risk   when less than `atRiskRatio` of its window is left (arrive and resolve: counted from the
 *             customer's visit window opening, when that is later than creation), or — for arrival — when the assigned
 *             engineer's ETA from where they are now already passes it.
 * Each flag is raised once (a conditional UPDATE), recorded on the timeline and published as
 * `sla.at_risk` / `sla.breached`.
 */
export interface SlaMonitorDeps {
  repo: WorkOrderRepository
  bus: EventBus
  pool: EngineerPool
  logger: Logger
  now: () => number
  atRiskRatio: number
  intervalSeconds: number
  etaModel: EtaModel
}

type Milestone = 'respondedAt' | 'arrivedAt' | 'resolvedAt'
const DEADLINES: ReadonlyArray<{ name: SlaDeadlineName, due: 'respondBy' | 'arriveBy' | 'resolveBy', milestone: Milestone }> = [
  { name: 'respond', due: 'respondBy', milestone: 'respondedAt' },
  { name: 'arrive', due: 'arriveBy', milestone: 'arrivedAt' },
  { name: 'resolve', due: 'resolveBy', milestone: 'resolvedAt' }
]

export function createSlaMonitor (deps: SlaMonitorDeps) {
  const { repo, bus, pool, now } = deps

  const etaArrival = (order: WorkOrder): number | null => {
    if (order.engineerId === null || order.location === null || !['assigned', 'accepted', 'en_route'].includes(order.status)) return null
    const engineer = pool.get(order.engineerId)
    const from = engineer === undefined ? null : pool.locate(engineer)
    return from === null ? null : now() + estimateEtaMinutes(haversineKm(from, order.location), deps.etaModel) * 60_000
  }

  const raise = async (order: WorkOrder, deadline: SlaDeadlineName, level: 'at_risk' | 'breached', dueAt: Date): Promise<boolean> => {
    const at = new Date(now())
    if (!await repo.addSlaFlag(order.id, `${deadline}:${level}`, at)) return false
    await repo.appendTimeline({
      workOrderId: order.id, at, kind: `sla_${level}`, fromStatus: order.status, toStatus: order.status, engineerId: order.engineerId,
      actor: SYSTEM_ACTOR, details: { deadline, dueAt: dueAt.toISOString() }
    })
    bus.publish(level === 'at_risk' ? 'sla.at_risk' : 'sla.breached', {
      workOrderId: order.id, number: order.number, deadline, dueAt, engineerId: order.engineerId,
      engineerUserId: order.engineerId === null ? null : pool.get(order.engineerId)?.userId ?? null, stationId: order.stationId, at
    })
    return true
  }

  /** Evaluate one order's deadlines now. */
  const checkOrder = async (order: WorkOrder): Promise<{ atRisk: number, breached: number }> => {
    const counts = { atRisk: 0, breached: 0 }
    if (order.status === 'cancelled') return counts
    const t = now()
    for (const { name, due, milestone } of DEADLINES) {
      const dueAt = order.sla[due]
      const reached = order.sla[milestone]
      const flags = order.sla.flags
      if (reached !== null) {
        if (reached.getTime() > dueAt.getTime() && !flags.includes(`${name}:breached`) && await raise(order, name, 'breached', dueAt)) counts.breached++
        continue
      }
      if (t > dueAt.getTime()) {
        if (!flags.includes(`${name}:breached`) && await raise(order, name, 'breached', dueAt)) counts.breached++
        continue
      }
      if (flags.includes(`${name}:at_risk`)) continue
      // The arrive and resolve clocks start when the customer's visit window opens (intake counts them from there).
      const clockStart = name === 'respond' ? order.createdAt.getTime() : Math.max(order.createdAt.getTime(), order.window?.start?.getTime() ?? 0)
      const windowMs = dueAt.getTime() - clockStart
      const late = name === 'arrive' && (etaArrival(order) ?? 0) > dueAt.getTime()
      if ((t >= dueAt.getTime() - deps.atRiskRatio * windowMs || late) && await raise(order, name, 'at_risk', dueAt)) counts.atRisk++
    }
    return counts
  }

  const checkAll = async (): Promise<{ atRisk: number, breached: number }> => {
    const totals = { atRisk: 0, breached: 0 }
    // Completed orders are checked as they complete; those completed late just before a stop are caught here.
    for (const order of [...await repo.listOpen(), ...await repo.listCompletedLateUnflagged()]) {
      const counts = await checkOrder(order)
      totals.atRisk += counts.atRisk
      totals.breached += counts.breached
    }
    return totals
  }

  const periodic = createPeriodicTask(checkAll, {
    intervalSeconds: deps.intervalSeconds,
    onError: (error) => deps.logger.warn({ err: error }, 'SLA check failed')
  })
  const unsubscribers: Array<() => void> = []

  return {
    checkOrder,
    /** Check every open order now, and completed ones late with no breach flag yet (the timer does this every interval). */
    checkNow: periodic.runNow,

    async start (): Promise<void> {
      // A milestone reached after its deadline is flagged as soon as it is recorded.
      const recheck = async ({ workOrderId }: { workOrderId: string }): Promise<void> => {
        const order = await repo.findById(workOrderId)
        if (order !== null) await checkOrder(order)
      }
      unsubscribers.push(bus.subscribe('workorder.accepted', recheck), bus.subscribe('workorder.status_changed', recheck),
        bus.subscribe('workorder.completed', recheck))
      await periodic.runNow()
      periodic.start()
    },

    async stop (): Promise<void> {
      for (const unsubscribe of unsubscribers.splice(0)) unsubscribe()
      await periodic.stop()
    }
  }
}

export type SlaMonitor = ReturnType<typeof createSlaMonitor>
