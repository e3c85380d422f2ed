import type { DomainEvents } from '../../core/events.js'

/**
 * `part.installed` is published (and declared) by the traceability module when an engineer fits a
 * genuine part; device insight records it on the machine's BOM with its provenance.
 */
export type PartInstalledEvent = DomainEvents['part.installed']
