import type { DomainEvents } from '../../core/events.js'

/** `workorder.completed` is published (and declared) by the dispatch module when an engineer closes a work order. */
export type WorkOrderCompletedEvent = DomainEvents['workorder.completed']
