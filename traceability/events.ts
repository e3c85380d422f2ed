import type { AlertType } from './scans/scan-types.js'
import './workorder-completed-event.js'

/** One hand-over or fitting of a part, oldest first (CBV business step, who, when, where). */
export interface ProvenanceStep {
  bizStep: string
  orgId: string | null
  at: Date
  location: { lat: number, lng: number } | null
}

/**
 * A genuine part was fitted to a machine (an install scan by an engineer, or a part listed on a completed
 * work order). Device insight records it on the machine's BOM with its provenance: the factory that
 * shipped it, its lot, and every hand-over.
 */
export interface PartInstalledEvent {
  deviceId: string
  /** The part's GS1 Digital Link URI. */
  code: string
  gtin: string
  serial: string
  lot: string | null
  installedAt: Date
  /** User id of the engineer (or the organisation / role that scanned, for partners' EPCIS events). */
  installedBy: string
  workOrderId: string | null
  provenance: ProvenanceStep[]
}

declare module '../core/events.js' {
  interface DomainEvents {
    'part.installed': PartInstalledEvent
    'trace.codes_issued': { batchId: number, gtin: string, lot: string | null, quantity: number }
    'trace.alert_raised': { alertId: string, type: AlertType, code: string, serial: string | null, gtin: string | null, orgId: string | null, reason: string }
    'trace.alert_resolved': { alertId: string, type: AlertType, status: 'confirmed' | 'dismissed', resolvedBy: string }
  }
}
