import type { FleetPlan } from './fleet-plan.js'
import type { Random } from './random.js'

/**
 * Alert quality against the ground truth. Definitions (also in simulators/fleet/README.md):
 * - an alert on a device that fails at F is a **hit** when F − 7 days ≤ raisedAt ≤ F − 2 hours;
 * - every other alert raised before the failure — on a healthy device, or too early, or too late — is a
 *   **false alarm**;
 * - alerts raised at or after F report the breakdown itself (the machine is down); they are neither hits
 *   nor false alarms and are counted apart as `post_failure`;
 * - precision = hits / (hits + false alarms): every alert of every kind counts;
 * - recall = failures with at least one hit / failures;
 * - lead of a caught failure = F − its earliest hit; the median is over caught failures;
 * - false alarms per device-day: false alarms / days observed (a failing device is observed until F).
 */
export interface ScoredAlert {
  deviceId: string
  /** Epoch milliseconds. */
  raisedAt: number
  kind: string
}

export interface AlertScore {
  precision: number
  recall: number
  median_lead_hours: number
  false_alarms_per_device_day: number
  alerts: number
  hits: number
  false_alarms: number
  post_failure: number
  failures: number
  caught: number
  device_days: number
  by_kind: Record<string, { hits: number, false_alarms: number, post_failure: number }>
}

const HOUR_MS = 3_600_000
export const HIT_MIN_LEAD_MS = 2 * HOUR_MS
export const HIT_MAX_LEAD_MS = 7 * 24 * HOUR_MS

export function scoreAlerts (plan: FleetPlan, alerts: readonly ScoredAlert[]): AlertScore {
  const failures = new Map(plan.devices.filter((d) => d.failure !== null).map((d) => [d.deviceId, d.failure?.at as number]))
  const earliestHit = new Map<string, number>()
  const byKind: AlertScore['by_kind'] = {}
  let hits = 0
  let falseAlarms = 0
  let postFailure = 0
  for (const alert of alerts) {
    const kind = byKind[alert.kind] ??= { hits: 0, false_alarms: 0, post_failure: 0 }
    const failureAt = failures.get(alert.deviceId)
    if (failureAt !== undefined && alert.raisedAt >= failureAt) {
      postFailure++
      kind.post_failure++
      continue
    }
    const lead = failureAt === undefined ? Number.NaN : failureAt - alert.raisedAt
    if (lead >= HIT_MIN_LEAD_MS && lead <= HIT_MAX_LEAD_MS) {
      hits++
      kind.hits++
      const known = earliestHit.get(alert.deviceId)
      if (known === undefined || alert.raisedAt < known) earliestHit.set(alert.deviceId, alert.raisedAt)
    } else {
      falseAlarms++
      kind.false_alarms++
    }
  }
  const leads = [...earliestHit].map(([deviceId, at]) => ((failures.get(deviceId) as number) - at) / HOUR_MS).sort((a, b) => a - b)
  let deviceDays = 0
  for (const device of plan.devices) deviceDays += (Math.min(device.failure?.at ?? plan.end, plan.end) - plan.start) / (24 * HOUR_MS)
  return {
    precision: round(hits + falseAlarms === 0 ? 0 : hits / (hits + falseAlarms)),
    recall: round(failures.size === 0 ? 0 : earliestHit.size / failures.size),
    median_lead_hours: round(median(leads)),
    false_alarms_per_device_day: round(deviceDays === 0 ? 0 : falseAlarms / deviceDays, 5),
    alerts: alerts.length,
    hits,
    false_alarms: falseAlarms,
    post_failure: postFailure,
    failures: failures.size,
    caught: earliestHit.size,
    device_days: round(deviceDays, 1),
    by_kind: byKind
  }
}

/**
 * The random-alert baseline: as many alerts as `count`, each on a device drawn at random and at a time
 * drawn uniformly over that device's observed life (until its failure, so none is post-failure).
 */
export function randomAlerts (plan: FleetPlan, count: number, random: Random): ScoredAlert[] {
  const alerts: ScoredAlert[] = []
  for (let i = 0; i < count; i++) {
    const device = random.pick(plan.devices)
    const end = Math.min(device.failure?.at ?? plan.end, plan.end)
    alerts.push({ deviceId: device.deviceId, raisedAt: plan.start + random.next() * (end - plan.start), kind: 'random' })
  }
  return alerts
}

function median (sorted: readonly number[]): number {
  if (sorted.length === 0) return 0
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid] as number : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

function round (value: number, digits = 3): number {
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}
