import { GW_ALERT_NOT_OPEN } from '../errors.js'
import type { DetectionSink, RaiseRequest } from '../detection/pipeline.js'
import type { Alert } from './alert.js'

export type AlertChange = 'raised' | 'acknowledged' | 'cleared'

export interface AlertBookOptions {
  newId: () => string
  /** Called synchronously after every change (persistence queue, events). */
  onChange: (alert: Alert, change: AlertChange) => void
}

/**
 * The open alerts, in memory: the lifecycle raised → acknowledged → cleared and the deduplication
 * (one open alert per device × cause). Detection writes to it synchronously; persistence and events
 * hang off `onChange`. Cleared alerts leave the book (they live on in the database).
 */
export function createAlertBook (options: AlertBookOptions) {
  const open = new Map<string, Alert>()
  const byId = new Map<string, Alert>()
  const byDevice = new Map<string, Set<Alert>>()
  const keyOf = (deviceId: string, cause: string): string => `${deviceId}\u0000${cause}`

  const add = (alert: Alert): void => {
    open.set(keyOf(alert.deviceId, alert.cause), alert)
    byId.set(alert.id, alert)
    let set = byDevice.get(alert.deviceId)
    if (set === undefined) byDevice.set(alert.deviceId, set = new Set())
    set.add(alert)
  }

  const remove = (alert: Alert): void => {
    open.delete(keyOf(alert.deviceId, alert.cause))
    byId.delete(alert.id)
    const set = byDevice.get(alert.deviceId)
    set?.delete(alert)
    if (set?.size === 0) byDevice.delete(alert.deviceId)
  }

  const close = (alert: Alert, at: Date, by: string, reason: string): Alert => {
    alert.status = 'cleared'
    alert.clearedAt = at
    alert.clearedBy = by
    alert.clearReason = reason
    remove(alert)
    options.onChange(alert, 'cleared')
    return alert
  }

  const book = {
    /** Raise unless this device × cause already has an open alert; returns the new alert or null. */
    raise (request: RaiseRequest): Alert | null {
      if (open.has(keyOf(request.deviceId, request.cause))) return null
      const alert: Alert = {
        id: options.newId(),
        deviceId: request.deviceId,
        kind: request.kind,
        cause: request.cause,
        severity: request.severity,
        metric: request.metric,
        status: 'raised',
        raisedAt: new Date(request.at),
        acknowledgedAt: null,
        acknowledgedBy: null,
        clearedAt: null,
        clearedBy: null,
        clearReason: null,
        evidence: request.evidence,
        rul: request.rul,
        location: request.location,
        requiredSkills: request.requiredSkills,
        requiredParts: request.requiredParts
      }
      add(alert)
      options.onChange(alert, 'raised')
      return alert
    },

    /** The condition behind a device × cause went away: clear its open alert, if any. */
    clearCause (deviceId: string, cause: string, at: number, reason: string): Alert | null {
      const alert = open.get(keyOf(deviceId, cause))
      return alert === undefined ? null : close(alert, new Date(at), 'system', reason)
    },

    /** Returns null when the alert is not open here (the caller looks in the database). */
    acknowledge (id: string, by: string, at: Date): Alert | null {
      const alert = byId.get(id)
      if (alert === undefined) return null
      if (alert.status !== 'raised') throw new GW_ALERT_NOT_OPEN(id, alert.status).withDetails({ field: 'params.id' })
      alert.status = 'acknowledged'
      alert.acknowledgedAt = at
      alert.acknowledgedBy = by
      options.onChange(alert, 'acknowledged')
      return alert
    },

    clear (id: string, by: string, at: Date, reason: string): Alert | null {
      const alert = byId.get(id)
      return alert === undefined ? null : close(alert, at, by, reason)
    },

    /** Open alerts loaded from the database at start (no change is reported). */
    load (alerts: readonly Alert[]): void {
      for (const alert of alerts) add(alert)
    },

    get (id: string): Alert | null {
      return byId.get(id) ?? null
    },

    openFor (deviceId: string): Alert[] {
      return [...byDevice.get(deviceId) ?? []]
    },

    get size (): number {
      return open.size
    },

    /** The detection sink: what the pipeline raises and clears goes through the book. */
    sink (): DetectionSink {
      return {
        raise: (request) => { book.raise(request) },
        clear: (deviceId, cause, at, reason) => { book.clearCause(deviceId, cause, at, reason) }
      }
    }
  }
  return book
}

export type AlertBook = ReturnType<typeof createAlertBook>
