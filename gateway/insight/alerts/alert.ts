import type { Severity } from '../device-models/device-model.js'
import type { AlertKind } from '../events.js'

export type AlertStatus = 'raised' | 'acknowledged' | 'cleared'

/**
 * One alert: raised by detection, acknowledged by a person, cleared by its condition or by a person.
 * At most one alert per device × cause is open (raised or acknowledged) at a time.
 */
export interface Alert {
  id: string
  deviceId: string
  kind: AlertKind
  /** What raised it: `rule:<rule id>` or `fault_code:<CODE>`. */
  cause: string
  severity: Severity
  metric: string | null
  status: AlertStatus
  raisedAt: Date
  acknowledgedAt: Date | null
  acknowledgedBy: string | null
  clearedAt: Date | null
  clearedBy: string | null
  clearReason: string | null
  evidence: Record<string, unknown>
  rul: { value: number, unit: 'hours', lower: number, upper: number } | null
  location: { lat: number, lng: number } | null
  requiredSkills: string[]
  requiredParts: string[]
}

export function isOpen (alert: Pick<Alert, 'status'>): boolean {
  return alert.status !== 'cleared'
}
