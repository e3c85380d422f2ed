import type { WorkOrderEvent } from '../events.js'
import type { WorkOrderStatus } from '../work-orders/state-machine.js'

/**
 * What the public tracking room `track:<token>` receives for a work order event: no more than
 * `GET /api/track/{token}` shows — the order's number and status, the step as a public timeline
 * entry (`event`, `at`) and the engineer's first name. Never ids of engineers, users, stations or
 * devices, nor part codes or notes: anyone holding the link is in that room.
 */
export interface TrackingEvent {
  number: number
  status: WorkOrderStatus
  event: string
  at: Date
  engineer: { firstName: string } | null
}

/** Each work order event as the customer's timeline names it (a refusal or hand-back reads as "reassigning"). */
const STEP_OF_EVENT: Readonly<Record<string, string>> = {
  'workorder.created': 'created',
  'workorder.assigned': 'assigned',
  'workorder.accepted': 'accepted',
  'workorder.rejected': 'reassigning',
  'workorder.completed': 'completed'
}
const STEP_OF_STATUS: Readonly<Partial<Record<WorkOrderStatus, string>>> = {
  new: 'reassigning',
  en_route: 'en_route',
  on_site: 'on_site',
  cancelled: 'cancelled'
}

/** The public copy of a work order event; `engineerFirstName` looks the engineer up (undefined when unknown). */
export function toTrackingEvent (name: string, payload: WorkOrderEvent, engineerFirstName: (engineerId: string) => string | undefined): TrackingEvent {
  const firstName = payload.engineerId === null || payload.status === 'new' ? undefined : engineerFirstName(payload.engineerId)
  return {
    number: payload.number,
    status: payload.status,
    event: STEP_OF_EVENT[name] ?? STEP_OF_STATUS[payload.status] ?? payload.status,
    at: payload.at,
    engineer: firstName === undefined ? null : { firstName }
  }
}
