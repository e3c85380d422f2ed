import type { DomainEventName } from '../core/events.js'
import type { Audience, AudienceRoom } from '../core/module.js'

/**
 * Which socket.io rooms receive dispatch events: the service desk (admins, supervisors, agents), the
 * staff of the station involved (`org:<orgId>`), the engineer concerned (`user:<userId>`) and, for
 * work order events only, the public tracking room of the order (`track:<token>`).
 */
const DESK = ['role:admin', 'role:supervisor', 'role:agent']

const withoutNotes = (payload: unknown): unknown => {
  const { notes: _notes, ...rest } = payload as { notes?: unknown }
  return rest
}

export function createDispatchAudiences (orgOfStation: (stationId: string | null) => string | null): Partial<Record<DomainEventName, Audience>> {
  const rooms = (...parts: Array<string | null | undefined | false>): string[] => [...new Set(parts.filter((p): p is string => typeof p === 'string'))]
  const org = (stationId: string | null): string | null => {
    const orgId = orgOfStation(stationId)
    return orgId === null ? null : `org:${orgId}`
  }
  const user = (userId: string | null | undefined): string | null => userId === null || userId === undefined ? null : `user:${userId}`
  const workOrder = (payload: unknown): string[] => {
    const p = payload as { trackingToken: string, engineerUserId: string | null, stationId: string | null, rejectedEngineerUserId?: string | null, previousEngineerUserId?: string | null }
    return rooms(...DESK, user(p.engineerUserId), user(p.rejectedEngineerUserId), user(p.previousEngineerUserId), org(p.stationId), `track:${p.trackingToken}`)
  }
  const staffAndEngineer: Audience = (payload) => {
    const p = payload as { userId?: string | null, engineerUserId?: string | null, stationId: string | null }
    return rooms(...DESK, user(p.userId ?? p.engineerUserId), org(p.stationId))
  }
  return {
    'workorder.created': workOrder,
    'workorder.assigned': workOrder,
    'workorder.accepted': workOrder,
    'workorder.rejected': workOrder,
    'workorder.status_changed': workOrder,
    // The engineer's notes are for the desk and the machine's record, not the public tracking page.
    'workorder.completed': (payload) => workOrder(payload).map((room): AudienceRoom => room.startsWith('track:')
      ? { room, payload: withoutNotes }
      : room),
    'engineer.location_updated': (payload) => {
      const p = payload as { stationId: string | null }
      return rooms(...DESK, org(p.stationId))
    },
    'engineer.status_changed': staffAndEngineer,
    'sla.at_risk': staffAndEngineer,
    'sla.breached': staffAndEngineer
  }
}
