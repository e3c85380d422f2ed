import type { DomainEvents } from '../../core/events.js'

type Completed = DomainEvents['workorder.completed']

/** A `workorder.completed` payload as dispatch publishes it, for tests of its subscribers. */
export function workOrderCompleted (fields: Pick<Completed, 'workOrderId' | 'deviceId' | 'engineerId' | 'completedAt' | 'partsUsed'> & { notes?: string | null }): Completed {
  return {
    number: 1,
    trackingToken: `track-${fields.workOrderId}`,
    status: 'completed',
    priority: 'medium',
    source: 'agent',
    engineerUserId: null,
    stationId: null,
    at: fields.completedAt,
    notes: null,
    ...fields
  }
}
