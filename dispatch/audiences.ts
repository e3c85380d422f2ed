import type { DomainEventName } from '../core/events.js'
import type { Audience, AudienceRoom } from '../core/module.js'
import type { WorkOrderEvent } from './events.js'

/**
 * Which socket.io rooms receive dispatch events: the service desk (admins, supervisors, agents), the
 * staff of the station involved (`org:<orgId>`: the order's station and, for work order and SLA
 * events, the station of the engineer who holds it or refused it — station staff see the orders their
 * engineers hold), the engineer concerned (`user:<userId>`) and, for
 * work order events only, the public tracking room of the order (`track:<token>`) — which gets the
 * public copy `toPublic` makes (tracking-event.ts), never the event itself.
 */
const DESK = ['role:admin', 'role:supervisor', 'role:agent']

const WORK_ORDER_EVENTS = ['workorder.created', 'workorder.assigned', 'workorder.accepted', 'workorder.rejected',
  'workorder.status_changed', 'workorder.completed'] as const

export function createDispatchAudiences (orgOfStation: (stationId: string | null) => string | null,
  toPublic: (name: string, payload: WorkOrderEvent) => unknown,
  stationOfEngineer: (engineerId: string | null | undefined) => string | null = () => null): Partial<Record<DomainEventName, Audience>> {
  const rooms = (...parts: Array<string | null | undefined | false>): string[] => [...new Set(parts.filter((p): p is string => typeof p === 'string'))]
  const org = (stationId: string | null): string | null => {
    const orgId = orgOfStation(stationId)
    return orgId === null ? null : `org:${orgId}`
  }
  const user = (userId: string | null | undefined): string | null => userId === null || userId === undefined ? null : `user:${userId}`
  const workOrder = (name: string): Audience => (payload) => {
    const p = payload as WorkOrderEvent & { rejectedEngineerId?: string | null, rejectedEngineerUserId?: string | null, previousEngineerUserId?: string | null }
    const tracking: AudienceRoom = { room: `track:${p.trackingToken}`, payload: (event) => toPublic(name, event as WorkOrderEvent) }
    return [...rooms(...DESK, user(p.engineerUserId), user(p.rejectedEngineerUserId), user(p.previousEngineerUserId), org(p.stationId),
      org(stationOfEngineer(p.engineerId)), org(stationOfEngineer(p.rejectedEngineerId))), tracking]
  }
  const staffAndEngineer: Audience = (payload) => {
    const p = payload as { userId?: string | null, engineerUserId?: string | null, engineerId?: string | null, stationId: string | null }
    return rooms(...DESK, user(p.userId ?? p.engineerUserId), org(p.stationId), org(stationOfEngineer(p.engineerId)))
  }
  return {
    ...Object.fromEntries(WORK_ORDER_EVENTS.map((name) => [name, workOrder(name)])),
    'engineer.location_updated': (payload) => {
      const p = payload as { stationId: string | null }
      return rooms(...DESK, org(p.stationId))
    },
    // The stations it leaves and reaches; nothing for the customer, whose view does not change.
    'workorder.routed': (payload) => {
      const p = payload as WorkOrderEvent & { previousStationId: string | null }
      return rooms(...DESK, org(p.stationId), org(p.previousStationId))
    },
    'engineer.status_changed': staffAndEngineer,
    'sla.at_risk': staffAndEngineer,
    'sla.breached': staffAndEngineer
  }
}
