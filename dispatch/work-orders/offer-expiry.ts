import type { Logger } from '../../core/logger.js'
import { createPeriodicTask } from '../../core/periodic.js'
import type { WorkOrder, WorkOrderRepository } from './work-order.repository.js'

export interface OfferExpiryDeps {
  repo: WorkOrderRepository
  expireOffer: (order: WorkOrder, timeoutMinutes: number) => Promise<WorkOrder | null>
  logger: Logger
  now: () => number
  /** How long an engineer has to accept an offer; 0 = offers never expire. */
  timeoutMinutes: number
  intervalSeconds: number
}

/**
 * Takes back offers left unanswered for `timeoutMinutes` (an engineer out of signal, or ignoring the
 * phone), so the order goes to the next engineer instead of waiting out its respond deadline. The
 * offer time is stored with the order, so `start` first takes back whatever lapsed while the platform
 * was down, then checks every `intervalSeconds`.
 */
export function createOfferExpiry (deps: OfferExpiryDeps) {
  const expireDue = async (): Promise<number> => {
    if (deps.timeoutMinutes === 0) return 0
    let expired = 0
    for (const order of await deps.repo.listUnansweredOffers(new Date(deps.now() - deps.timeoutMinutes * 60_000))) {
      try {
        if (await deps.expireOffer(order, deps.timeoutMinutes) !== null) expired++
      } catch (error) {
        deps.logger.warn({ err: error, workOrderId: order.id }, 'unanswered offer not taken back')
      }
    }
    return expired
  }

  const task = createPeriodicTask(expireDue, {
    intervalSeconds: deps.intervalSeconds,
    onError: (error) => deps.logger.warn({ err: error }, 'offer expiry check failed')
  })

  return {
    /** Take back every offer now past its time; how many were. */
    checkNow: task.runNow,

    async start (): Promise<void> {
      if (deps.timeoutMinutes === 0) return
      await task.runNow()
      task.start()
    },

    stop: task.stop
  }
}

export type OfferExpiry = ReturnType<typeof createOfferExpiry>
