import type { EngineerStatus, Priority } from './engine/types.js'
import type { SlaDeadlineName, WorkOrderSource } from './work-orders/work-order.repository.js'
import type { WorkOrderStatus } from './work-orders/state-machine.js'

/**
 * Dispatch's domain events. Payloads carry identifiers and states only — no names, phones or
 * addresses. The public tracking room `track:<token>` never receives them as they are, only the
 * public copy of tracking/tracking-event.ts (number, status, step, time, engineer's first name).
 */
export interface WorkOrderEvent {
  workOrderId: string
  number: number
  trackingToken: string
  status: WorkOrderStatus
  priority: Priority
  source: WorkOrderSource
  engineerId: string | null
  /** The assigned engineer's user, whose phone receives the event (`user:<id>`). */
  engineerUserId: string | null
  stationId: string | null
  at: Date
}

export interface EngineerLocationUpdated {
  engineerId: string
  userId: string | null
  stationId: string | null
  lat: number
  lng: number
  at: Date
  activeOrderId: string | null
}

export interface EngineerStatusChanged {
  engineerId: string
  userId: string | null
  stationId: string | null
  status: EngineerStatus
  previous: EngineerStatus
  activeOrderId: string | null
  at: Date
}

export interface SlaEvent {
  workOrderId: string
  number: number
  deadline: SlaDeadlineName
  dueAt: Date
  engineerId: string | null
  engineerUserId: string | null
  stationId: string | null
  at: Date
}

declare module '../core/events.js' {
  interface DomainEvents {
    'workorder.created': WorkOrderEvent
    'workorder.assigned': WorkOrderEvent & { auto: boolean }
    'workorder.accepted': WorkOrderEvent
    /** The order is back to `new`; `rejectedEngineerId` will not be offered it again. */
    'workorder.rejected': WorkOrderEvent & { rejectedEngineerId: string, rejectedEngineerUserId: string | null }
    /** A new order handed to a service station (`stationId`), or back to the desk (null). */
    'workorder.routed': WorkOrderEvent & { previousStationId: string | null }
    /** depart, arrive, unassign, cancel, and an offer taken back unanswered (`reason: 'offer_expired'`). */
    'workorder.status_changed': WorkOrderEvent & { from: WorkOrderStatus, previousEngineerUserId: string | null, reason?: 'offer_expired' }
    /**
     * Parts used are part codes (GS1 Digital Link URIs or serials) for traceability to verify and record;
     * device insight adds the visit to the machine's service history.
     */
    'workorder.completed': WorkOrderEvent & { deviceId: string | null, engineerId: string, completedAt: Date, notes: string | null, partsUsed: string[] }
    'engineer.location_updated': EngineerLocationUpdated
    'engineer.status_changed': EngineerStatusChanged
    'sla.at_risk': SlaEvent
    'sla.breached': SlaEvent
  }
}
