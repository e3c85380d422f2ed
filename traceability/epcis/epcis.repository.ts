import type { Queryable } from '../../core/db/database.js'
import type { EpcisAction, EpcisEvent, EpcisEventSource, EpcisEventType, EpcRole, StoredEpcisEvent } from './epcis.types.js'

/** A validated event ready to be written (all indexed fields resolved). */
export interface EventRow {
  eventId: string
  errorDeclared: boolean
  eventHash: string
  type: EpcisEventType
  action: EpcisAction | null
  eventTimeMs: number
  eventTimeZoneOffset: string
  bizStep: string | null
  disposition: string | null
  readPoint: string | null
  bizLocation: string | null
  parentId: string | null
  event: EpcisEvent
  epcs: Array<{ epc: string, role: EpcRole }>
}

interface StoredRow {
  seq: number
  event_id: string
  error_declared: boolean
  event_hash: string
  event_type: EpcisEventType
  action: EpcisAction | null
  event_time: Date
  record_time: Date
  biz_step: string | null
  disposition: string | null
  read_point: string | null
  biz_location: string | null
  parent_id: string | null
  source: EpcisEventSource
  org_id: string | null
  event: EpcisEvent
}

export const EVENT_COLUMNS = `e.seq, e.event_id, e.error_declared, e.event_hash, e.event_type, e.action, e.event_time, e.record_time,
  e.biz_step, e.disposition, e.read_point, e.biz_location, e.parent_id, e.source, e.org_id, e.event`

export function toStoredEvent (row: StoredRow): StoredEpcisEvent & { seq: number } {
  return {
    seq: row.seq,
    eventId: row.event_id,
    eventHash: row.event_hash,
    type: row.event_type,
    action: row.action,
    eventTime: row.event_time,
    recordTime: row.record_time,
    bizStep: row.biz_step,
    disposition: row.disposition,
    readPoint: row.read_point,
    bizLocation: row.biz_location,
    parentId: row.parent_id,
    errorDeclared: row.error_declared,
    source: row.source,
    orgId: row.org_id,
    event: row.event
  }
}

export type StoredRowOf = StoredRow

// Epoch milliseconds travel as int8 and become timestamptz in SQL, exactly.
const MS_TO_TIMESTAMPTZ = (column: string): string => `'epoch'::timestamptz + ${column} * INTERVAL '1 millisecond'`

/** An event's identity in the store: its eventID, and whether it is the error declaration of it. */
export function eventKey (eventId: string, errorDeclared: boolean): string {
  return `${errorDeclared ? 'E' : 'O'}${eventId}`
}

export function createEpcisRepository (db: Queryable) {
  return {
    /** The stored event hash of each (eventID, error-declaration flag) among `eventIds`. */
    async storedHashes (eventIds: readonly string[]): Promise<Map<string, string>> {
      if (eventIds.length === 0) return new Map()
      const { rows } = await db.query<{ event_id: string, error_declared: boolean, event_hash: string }>(
        'SELECT event_id, error_declared, event_hash FROM epcis_events WHERE event_id = ANY($1::text[])', [[...new Set(eventIds)]])
      return new Map(rows.map((row) => [eventKey(row.event_id, row.error_declared), row.event_hash]))
    },

    /**
     * Insert the events that are not held yet (by eventID and error-declaration flag) with their
     * identifiers; returns the rows actually inserted, in input order. Run it inside a transaction.
     */
    async insertEvents (rows: readonly EventRow[], meta: { recordTimeMs: number, source: EpcisEventSource, orgId: string | null }): Promise<Array<StoredEpcisEvent & { seq: number }>> {
      if (rows.length === 0) return []
      const inserted = await db.query<{ seq: number, event_id: string, error_declared: boolean }>(
        `INSERT INTO epcis_events AS e (event_id, error_declared, event_hash, event_type, action, event_time, event_time_zone_offset,
           record_time, biz_step, disposition, read_point, biz_location, parent_id, source, org_id, event)
         SELECT u.event_id, u.error_declared, u.event_hash, u.event_type, u.action, ${MS_TO_TIMESTAMPTZ('u.event_time')}, u.tz,
           ${MS_TO_TIMESTAMPTZ('$12::int8')}, u.biz_step, u.disposition, u.read_point, u.biz_location, u.parent_id, $13, $14, u.event::json
         FROM unnest($1::text[], $2::boolean[], $3::text[], $4::text[], $5::text[], $6::int8[], $7::text[], $8::text[], $9::text[],
           $10::text[], $11::text[], $15::text[], $16::text[]) WITH ORDINALITY
           AS u(event_id, error_declared, event_hash, event_type, action, event_time, tz, biz_step, disposition, read_point, biz_location, parent_id, event, ord)
         ORDER BY u.ord
         ON CONFLICT (event_id, error_declared) DO NOTHING
         RETURNING e.seq, e.event_id, e.error_declared`,
        [
          rows.map((r) => r.eventId), rows.map((r) => r.errorDeclared), rows.map((r) => r.eventHash), rows.map((r) => r.type),
          rows.map((r) => r.action), rows.map((r) => r.eventTimeMs), rows.map((r) => r.eventTimeZoneOffset), rows.map((r) => r.bizStep),
          rows.map((r) => r.disposition), rows.map((r) => r.readPoint), rows.map((r) => r.bizLocation), meta.recordTimeMs, meta.source,
          meta.orgId, rows.map((r) => r.parentId), rows.map((r) => JSON.stringify(r.event))
        ])
      // The stored form is what was sent: build it from the input rather than reading it back.
      const byKey = new Map(rows.map((row) => [eventKey(row.eventId, row.errorDeclared), row]))
      const recordTime = new Date(meta.recordTimeMs)
      const stored = inserted.rows.sort((a, b) => a.seq - b.seq).map(({ seq, event_id: eventId, error_declared: errorDeclared }) => {
        const row = byKey.get(eventKey(eventId, errorDeclared)) as EventRow
        return {
          seq,
          eventId,
          eventHash: row.eventHash,
          type: row.type,
          action: row.action,
          eventTime: new Date(row.eventTimeMs),
          recordTime,
          bizStep: row.bizStep,
          disposition: row.disposition,
          readPoint: row.readPoint,
          bizLocation: row.bizLocation,
          parentId: row.parentId,
          errorDeclared,
          source: meta.source,
          orgId: meta.orgId,
          event: row.event,
          epcs: row.epcs
        }
      })
      const seqs: number[] = []
      const epcs: string[] = []
      const roles: string[] = []
      for (const event of stored) {
        for (const { epc, role } of event.epcs) {
          seqs.push(event.seq)
          epcs.push(epc)
          roles.push(role)
        }
      }
      if (seqs.length > 0) {
        await db.query(
          `INSERT INTO epcis_event_epcs (event_seq, epc, role)
           SELECT * FROM unnest($1::int8[], $2::text[], $3::text[]) ON CONFLICT DO NOTHING`,
          [seqs, epcs, roles])
      }
      return stored.map(({ epcs: _epcs, ...event }) => event)
    },

    /** The event with that eventID; its error declaration when one exists. */
    async findByEventId (eventId: string, orgId: string | null | undefined): Promise<StoredEpcisEvent | null> {
      const { rows } = await db.query<StoredRow>(
        `SELECT ${EVENT_COLUMNS} FROM epcis_events e
         WHERE e.event_id = $1 AND ($2::boolean IS NOT TRUE OR e.org_id = $3)
         ORDER BY e.error_declared DESC LIMIT 1`,
        [eventId, orgId !== undefined, orgId ?? null])
      return rows[0] === undefined ? null : toStoredEvent(rows[0])
    },

    async count (): Promise<number> {
      const { rows } = await db.query<{ n: number }>('SELECT count(*) AS n FROM epcis_events')
      return rows[0]?.n ?? 0
    }
  }
}

export type EpcisRepository = ReturnType<typeof createEpcisRepository>
