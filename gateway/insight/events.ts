import type { Severity } from './device-models/device-model.js'
import './part-installed-event.js'
import './workorder-completed-event.js'

export type AlertKind = 'threshold' | 'anomaly' | 'rul' | 'fault_code' | 'offline'

/**
 * `alert.raised`: a device condition that needs attention, raised once per device × cause until cleared.
 * Dispatch turns it into a proactive work order: `requiredSkills` and `requiredParts` (part numbers) come
 * from the device model's rule or fault-code catalogue entry; `rul` is the device's latest remaining-life
 * estimate in hours (null when its model has none).
 */
export interface AlertRaisedEvent {
  alertId: string
  deviceId: string
  kind: AlertKind
  severity: Severity
  metric: string | null
  raisedAt: Date
  evidence: Record<string, unknown>
  rul: { value: number, unit: 'hours', lower: number, upper: number } | null
  location: { lat: number, lng: number } | null
  requiredSkills: string[]
  requiredParts: string[]
}

export interface AlertAcknowledgedEvent {
  alertId: string
  deviceId: string
  kind: AlertKind
  acknowledgedAt: Date
  acknowledgedBy: string
}

export interface AlertClearedEvent {
  alertId: string
  deviceId: string
  kind: AlertKind
  clearedAt: Date
  /** A user name, or `system` when the condition itself cleared. */
  clearedBy: string
  reason: string
}

declare module '../../core/events.js' {
  interface DomainEvents {
    'alert.raised': AlertRaisedEvent
    'alert.acknowledged': AlertAcknowledgedEvent
    'alert.cleared': AlertClearedEvent
    'device_model.updated': { modelId: string, version: number }
    'device_model.deleted': { modelId: string }
    'device.health_updated': { deviceId: string, healthIndex: number, rul: { value: number, unit: string, lower: number, upper: number }, updatedAt: Date }
  }
}
