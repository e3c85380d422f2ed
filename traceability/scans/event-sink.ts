import type { Queryable } from '../../core/db/database.js'
import type { EpcisService } from '../epcis/index.js'

/**
 * The port between scans and the EPCIS 2.0 event store (traceability/epcis/). Scans need two things:
 *
 * 1. `recordEvents(tx, events)`: store the EPCIS 2.0 events scans produced, inside the scans' own
 *    transaction (a scan and its event commit together), each attributed to the organisation that
 *    scanned (org staff see their own events). Idempotent by eventID.
 * 2. `onCaptured(listener)`: hear about events newly stored through `POST /epcis/capture` (after their
 *    commit, before capture answers; re-captured duplicates are not announced), so partners' events go
 *    through the same checks as `POST /api/scans`.
 */
export type EpcisEvent = Record<string, unknown> & { type: string, eventID: string }

export interface AttributedEvent {
  event: EpcisEvent
  orgId: string | null
}

/** `capturerOrgId`: the organisation of the org_staff account that captured them; null for brand staff and admins. */
export type CapturedEventsListener = (events: readonly EpcisEvent[], capturerOrgId: string | null) => Promise<void>

export interface EpcisEventSink {
  recordEvents (tx: Queryable, events: readonly AttributedEvent[]): Promise<void>
  onCaptured (listener: CapturedEventsListener): () => void
}

/** The sink over the EPCIS service: one `record` call per organisation, in the caller's transaction. */
export function createEpcisEventSink (epcis: EpcisService): EpcisEventSink {
  return {
    async recordEvents (tx, events) {
      const byOrg = new Map<string | null, EpcisEvent[]>()
      for (const { event, orgId } of events) {
        const list = byOrg.get(orgId) ?? []
        list.push(event)
        byOrg.set(orgId, list)
      }
      for (const [orgId, list] of byOrg) await epcis.record(list as unknown as Parameters<EpcisService['record']>[0], { tx, orgId })
    },
    onCaptured (listener) {
      return epcis.onCaptured(async (stored, info) => {
        await listener(stored.map((s) => ({ ...s.event, eventID: s.eventId }) as EpcisEvent), info.orgId)
      })
    }
  }
}
