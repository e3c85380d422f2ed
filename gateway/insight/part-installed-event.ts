/**
 * `part.installed`, published by the traceability module when an engineer scans a genuine part while
 * fitting it. This declaration mirrors the traceability module's contract (same name, same payload);
 * device insight subscribes to it and records the part on the device's BOM.
 */
export interface PartInstalledEvent {
  deviceId: string
  /** The part's unique code (GS1 Digital Link URI). */
  code: string
  gtin: string
  serial: string
  lot: string | null
  installedAt: Date
  /** The engineer's user id or name. */
  installedBy: string
  workOrderId: string | null
  /** Where the part came from (channel hand-overs, authenticity checks), as traceability reports it. */
  provenance: Record<string, unknown> | null
}

declare module '../../core/events.js' {
  interface DomainEvents {
    'part.installed': PartInstalledEvent
  }
}
