/**
 * `workorder.completed`, published by dispatch when an engineer closes a work order. This declaration
 * mirrors dispatch's contract (same name, same payload); traceability subscribes to it and treats every
 * code in `partsUsed` that was not scanned at installation as an install scan by that engineer.
 */
export interface WorkOrderCompletedEvent {
  workOrderId: string
  deviceId: string
  engineerId: string
  completedAt: Date
  notes: string | null
  /** Codes (GS1 Digital Link URIs) of the parts fitted. */
  partsUsed: string[]
}

declare module '../core/events.js' {
  interface DomainEvents {
    'workorder.completed': WorkOrderCompletedEvent
  }
}
