/**
 * `workorder.completed`, published by the dispatch module when an engineer closes a work order. This
 * declaration mirrors the dispatch module's contract (same name, same payload); device insight
 * subscribes to it and records the visit in the device's service history.
 */
export interface WorkOrderCompletedEvent {
  workOrderId: string
  deviceId: string
  engineerId: string
  completedAt: Date
  notes: string | null
  /** Part numbers or part codes used. */
  partsUsed: string[]
}

declare module '../../core/events.js' {
  interface DomainEvents {
    'workorder.completed': WorkOrderCompletedEvent
  }
}
