/**
 * `alert.raised` as dispatch consumes it. This mirrors the contract the device-insight module publishes
 * (gateway/insight/events.ts); the declaration lives here only so dispatch builds on its own, and the
 * two must stay identical (TypeScript merges identical property declarations and rejects different ones).
 */
export interface AlertRaised {
  alertId: string
  deviceId: string
  kind: 'threshold' | 'anomaly' | 'rul' | 'fault_code' | 'offline'
  severity: 'info' | 'warning' | 'critical'
  metric: string | null
  raisedAt: Date
  evidence: Record<string, unknown>
  rul: { value: number, unit: 'hours', lower: number, upper: number } | null
  location: { lat: number, lng: number } | null
  requiredSkills: string[]
  requiredParts: string[]
}

declare module '../core/events.js' {
  interface DomainEvents {
    'alert.raised': AlertRaised
  }
}
