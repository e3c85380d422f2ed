import type { Database } from '../../../core/db/database.js'
import type { EventBus } from '../../../core/event-bus.js'
import { GW_ALERT_NOT_FOUND, GW_ALERT_NOT_OPEN } from '../errors.js'
import type { Alert } from './alert.js'
import { createAlertBook } from './alert-book.js'
import type { AlertChange } from './alert-book.js'
import { createAlertRepository } from './alert.repository.js'
import type { AlertFilter } from './alert.repository.js'

export interface AlertServiceOptions {
  db: Database
  bus: EventBus
  newId: () => string
  now: () => number
  /** Queue the changed alert for writing (the insight writer). */
  persist: (alert: Alert) => void
  /** Resolves when queued changes are in the database. */
  flushed: () => Promise<void>
}

/** Alerts: the in-memory book for open ones, the database for history, domain events for every change. */
export function createAlertService (options: AlertServiceOptions) {
  const repo = createAlertRepository(options.db)

  const publish = (alert: Alert, change: AlertChange): void => {
    if (change === 'raised') {
      options.bus.publish('alert.raised', {
        alertId: alert.id,
        deviceId: alert.deviceId,
        kind: alert.kind,
        severity: alert.severity,
        metric: alert.metric,
        raisedAt: alert.raisedAt,
        evidence: alert.evidence,
        rul: alert.rul,
        location: alert.location,
        requiredSkills: alert.requiredSkills,
        requiredParts: alert.requiredParts
      })
    } else if (change === 'acknowledged') {
      options.bus.publish('alert.acknowledged', {
        alertId: alert.id, deviceId: alert.deviceId, kind: alert.kind, acknowledgedAt: alert.acknowledgedAt as Date, acknowledgedBy: alert.acknowledgedBy as string
      })
    } else {
      options.bus.publish('alert.cleared', {
        alertId: alert.id, deviceId: alert.deviceId, kind: alert.kind, clearedAt: alert.clearedAt as Date, clearedBy: alert.clearedBy as string, reason: alert.clearReason ?? ''
      })
    }
  }

  const book = createAlertBook({
    newId: options.newId,
    onChange: (alert, change) => {
      options.persist(alert)
      publish(alert, change)
    }
  })

  /** An alert that is not open in the book: 404 if unknown, 409 if cleared. */
  const notOpen = async (id: string): Promise<never> => {
    await options.flushed()
    const stored = await repo.findById(id)
    if (stored === null) throw new GW_ALERT_NOT_FOUND(id).withDetails({ field: 'params.id' })
    throw new GW_ALERT_NOT_OPEN(id, stored.status).withDetails({ field: 'params.id' })
  }

  return {
    book,

    /** Open alerts from the database into the book (at start, before detection runs). */
    async load (): Promise<number> {
      const open = await repo.listOpen()
      book.load(open)
      return open.length
    },

    async list (filter: AlertFilter): Promise<{ alerts: Alert[], total: number }> {
      await options.flushed()
      return await repo.list(filter)
    },

    async get (id: string): Promise<Alert> {
      const open = book.get(id)
      if (open !== null) return open
      await options.flushed()
      const stored = await repo.findById(id)
      if (stored === null) throw new GW_ALERT_NOT_FOUND(id).withDetails({ field: 'params.id' })
      return stored
    },

    async acknowledge (id: string, by: string): Promise<Alert> {
      const alert = book.acknowledge(id, by, new Date(options.now())) ?? await notOpen(id)
      await options.flushed()
      return alert
    },

    async clear (id: string, by: string, reason: string | undefined): Promise<Alert> {
      const alert = book.clear(id, by, new Date(options.now()), reason ?? `cleared by ${by}`) ?? await notOpen(id)
      await options.flushed()
      return alert
    }
  }
}

export type AlertService = ReturnType<typeof createAlertService>
