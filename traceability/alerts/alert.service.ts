import type { Database } from '../../core/db/database.js'
import type { EventBus } from '../../core/event-bus.js'
import { TRC_ALERT_NOT_FOUND, TRC_ALERT_STATE } from '../errors.js'
import type { AlertType } from '../scans/scan-types.js'
import { createAlertRepository } from './alert.repository.js'
import type { AlertStatus, TraceAlert } from './alert.repository.js'

/** The audit queue: brand staff confirm or dismiss open alerts; alerts themselves are raised by scans. */
export function createAlertService (deps: { db: Database, bus: EventBus, now: () => number }) {
  const repo = createAlertRepository()
  return {
    list: (filter: { type?: AlertType | undefined, status?: AlertStatus | undefined, orgId?: string | undefined, serial?: string | undefined, limit: number, offset: number }) => repo.list(deps.db, filter),
    async get (id: string): Promise<TraceAlert> {
      const alert = await repo.find(deps.db, id)
      if (alert === null) throw new TRC_ALERT_NOT_FOUND(id).withDetails({ field: 'params.id' })
      return alert
    },
    async resolve (id: string, status: 'confirmed' | 'dismissed', by: string, note: string | null): Promise<TraceAlert> {
      const resolved = await repo.resolve(deps.db, id, status, by, note, new Date(deps.now()))
      if (resolved === null) {
        const existing = await repo.find(deps.db, id)
        if (existing === null) throw new TRC_ALERT_NOT_FOUND(id).withDetails({ field: 'params.id' })
        throw new TRC_ALERT_STATE(existing.status, status)
      }
      deps.bus.publish('trace.alert_resolved', { alertId: resolved.id, type: resolved.type, status, resolvedBy: by })
      return resolved
    },
    keys: () => repo.listKeys(deps.db)
  }
}

export type AlertService = ReturnType<typeof createAlertService>
