import type { EventBus } from '../../core/event-bus.js'
import type { Logger } from '../../core/logger.js'
import type { AlertRaised } from '../alert-event.js'
import type { Priority } from '../engine/types.js'
import { SYSTEM_ACTOR } from '../work-orders/actor.js'
import type { WorkOrder } from '../work-orders/work-order.repository.js'
import type { WorkOrderService } from '../work-orders/work-order.service.js'

/**
 * Proactive work orders: each `alert.raised` opens one order (source `alert`), at most once per alert
 * id, at the alert's location or the device's, with the alert's required skills and parts. Auto-
 * dispatch policy then applies like for any other order. A remaining-useful-life alert also sets the
 * resolve deadline no later than the lower end of the predicted interval.
 */
export const SEVERITY_PRIORITY: Readonly<Record<AlertRaised['severity'], Priority>> = Object.freeze({
  critical: 'critical',
  warning: 'high',
  info: 'low'
})

export function describeAlert (alert: AlertRaised): string {
  const metric = alert.metric === null ? '' : ` on ${alert.metric}`
  switch (alert.kind) {
    case 'rul': return alert.rul === null
      ? `Predicted failure${metric}`
      : `Predicted failure${metric}: about ${Math.round(alert.rul.value)} h of useful life left (${Math.round(alert.rul.lower)}–${Math.round(alert.rul.upper)} h)`
    case 'threshold': return `Threshold crossed${metric}`
    case 'anomaly': return `Abnormal readings${metric}`
    case 'fault_code': return `Fault code reported${typeof alert.evidence.code === 'string' ? ` ${alert.evidence.code}` : ''}${metric}`
    case 'offline': return 'Device stopped reporting'
  }
}

export function createAlertIntake (deps: { bus: EventBus, workOrders: WorkOrderService, logger: Logger }) {
  let unsubscribe: (() => void) | null = null

  const handle = async (alert: AlertRaised): Promise<WorkOrder | null> => {
    const existing = await deps.workOrders.repository.findByAlertId(alert.alertId)
    if (existing !== null) return existing
    const order = await deps.workOrders.create({
      source: 'alert',
      deviceId: alert.deviceId,
      alertId: alert.alertId,
      location: alert.location,
      priority: SEVERITY_PRIORITY[alert.severity],
      problem: describeAlert(alert),
      requiredSkills: alert.requiredSkills,
      requiredParts: alert.requiredParts,
      resolveNoLaterThan: alert.rul === null ? null : new Date(alert.raisedAt).getTime() + alert.rul.lower * 3_600_000
    }, SYSTEM_ACTOR)
    // null: a concurrent delivery of the same alert created it first.
    return order ?? await deps.workOrders.repository.findByAlertId(alert.alertId)
  }

  return {
    handle,
    start (): void {
      unsubscribe = deps.bus.subscribe('alert.raised', async (alert) => {
        try {
          const order = await handle(alert)
          deps.logger.info({ alertId: alert.alertId, workOrderId: order?.id, status: order?.status }, 'work order opened from alert')
        } catch (error) {
          deps.logger.error({ err: error, alertId: alert.alertId }, 'could not open a work order for an alert')
        }
      })
    },
    stop (): void {
      unsubscribe?.()
      unsubscribe = null
    }
  }
}
