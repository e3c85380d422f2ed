import { randomUUID } from 'node:crypto'
import type { Database, Queryable } from '../../core/db/database.js'
import type { EventBus } from '../../core/event-bus.js'
import type { Logger } from '../../core/logger.js'
import { TRC_EPCIS_CAPTURE_TOO_LARGE, TRC_EPCIS_INVALID } from '../errors.js'
import { prefixesOf, validateDocument, validateEvents } from './document-validation.js'
import type { ValidationResult } from './document-validation.js'
import { createCaptureJobRepository } from './capture-job.repository.js'
import { createEpcisQueryRepository } from './epcis-query.repository.js'
import { createEpcisRepository, eventKey } from './epcis.repository.js'
import type { EventRow } from './epcis.repository.js'
import type {
  CaptureResult, EpcisCapturedListener, EpcisEvent, EpcisEventSource, EpcisQuery, EpcisQueryPage,
  EpcisService, EpcisViewer, RecordOptions, StoredEpcisEvent
} from './epcis.types.js'
import type { ValidatedEvent } from './event-validation.js'
import { computeEventHash } from './event-hash.js'
import { encodePageToken, toEventFilter } from './query-filter.js'
import { isPlainObject } from './validation-context.js'
import type { ValidationProblem } from './validation-context.js'
import './events.js'

/** Most events one capture call accepts (announced as `GS1-CAPTURE-limit`); larger documents are refused with 413. */
export const CAPTURE_LIMIT = 10_000

export interface EpcisServiceDeps {
  db: Database
  bus: EventBus
  logger: Logger
  now: () => number
}

export function createEpcisService (deps: EpcisServiceDeps): EpcisService {
  const { db, bus, now } = deps
  const logger = deps.logger.child({ component: 'epcis' })
  const queries = createEpcisQueryRepository(db)
  const listeners = new Set<EpcisCapturedListener>()

  async function store (validated: readonly ValidatedEvent[], documentContext: unknown, options: RecordOptions & { source: EpcisEventSource, captureId?: string }): Promise<CaptureResult> {
    const recordTimeMs = now()
    const recordTime = new Date(recordTimeMs).toISOString()
    const extraContext = contextObjects(documentContext)
    const rows: EventRow[] = validated.map((v) => {
      // The hash names the event type by its term, however the partner wrote it (`epcis:ObjectEvent`, IRI).
      const eventHash = computeEventHash(v.event.type === v.type ? v.event : { ...v.event, type: v.type }, v.prefixes)
      const eventId = typeof v.event.eventID === 'string' ? v.event.eventID : eventHash
      return {
        eventId,
        errorDeclared: v.errorDeclared,
        eventHash,
        type: v.type,
        action: v.action,
        eventTimeMs: v.eventTimeMs,
        eventTimeZoneOffset: v.event.eventTimeZoneOffset,
        bizStep: v.bizStep,
        disposition: v.disposition,
        readPoint: v.readPoint,
        bizLocation: v.bizLocation,
        parentId: v.parentId,
        event: servedForm(v.event, eventId, recordTime, extraContext),
        epcs: v.epcs
      }
    })
    const meta = { recordTimeMs, source: options.source, orgId: options.orgId ?? null }
    const eventIds = rows.map((row) => row.eventId)
    const write = async (q: Queryable): Promise<StoredEpcisEvent[]> => {
      const repo = createEpcisRepository(q)
      const inserted = await repo.insertEvents(rows, meta)
      if (options.source === 'capture' && inserted.length < rows.length) await refuseReusedEventIds(repo, rows, inserted)
      if (options.captureId !== undefined) {
        await createCaptureJobRepository(q).insert({
          captureId: options.captureId,
          orgId: meta.orgId,
          createdAt: new Date(recordTimeMs),
          finishedAt: new Date(now()),
          eventCount: rows.length,
          captured: inserted.length,
          duplicates: rows.length - inserted.length,
          eventIds
        })
      }
      return inserted.map(({ seq: _seq, ...event }) => event)
    }
    const stored = options.tx === undefined ? await db.transaction(write) : await write(options.tx)
    if (stored.length > 0 && options.source === 'capture') await announce(stored, meta.orgId)
    return {
      captured: stored.length,
      duplicates: rows.length - stored.length,
      eventIds,
      ...(options.captureId === undefined ? {} : { captureId: options.captureId })
    }
  }

  /** After commit: listeners run in turn (a failing one is logged, the capture stands), then the bus. */
  async function announce (events: StoredEpcisEvent[], orgId: string | null): Promise<void> {
    for (const listener of listeners) {
      try {
        await listener(events, { source: 'capture', orgId })
      } catch (error) {
        logger.error({ err: error, events: events.length }, 'EPCIS capture listener failed')
      }
    }
    bus.publish('epcis.events_captured', {
      source: 'capture',
      orgId,
      count: events.length,
      events: events.map((event) => ({ eventId: event.eventId, type: event.type, bizStep: event.bizStep }))
    })
  }

  return {
    async capture (document, options = {}) {
      const count = eventCount(document)
      if (count > CAPTURE_LIMIT) throw new TRC_EPCIS_CAPTURE_TOO_LARGE(count, CAPTURE_LIMIT).withDetails({ field: '/epcisBody/eventList' })
      const result = validateDocument(document)
      if (!result.ok) throw invalid(result)
      const context = (document as Record<string, unknown>)['@context']
      return await store(result.events, context, { ...options, source: options.source ?? 'capture', captureId: randomUUID() })
    },

    async record (events, options = {}) {
      const result = validateEvents(events, '/events', prefixesOf(options.context))
      if (!result.ok) throw invalid(result)
      return await store(result.events, options.context, { ...options, source: options.source ?? 'record' })
    },

    async query (query: EpcisQuery, viewer?: EpcisViewer): Promise<EpcisQueryPage> {
      const filter = toEventFilter(query, viewer)
      const found = await queries.findEvents(filter)
      const page = found.slice(0, filter.limit - 1)
      const last = page.at(-1)
      const nextPageToken = found.length > page.length && last !== undefined
        ? encodePageToken({
          key: (filter.orderBy === 'eventTime' ? last.eventTime : last.recordTime).getTime(),
          seq: last.seq,
          orderBy: filter.orderBy,
          direction: filter.direction
        })
        : null
      return { events: page.map(({ seq: _seq, ...event }) => event), nextPageToken }
    },

    async getCaptureJob (captureId, viewer) {
      return await createCaptureJobRepository(db).find(captureId, viewer?.restrictedToOrg === true ? viewer.orgId : undefined)
    },

    async get (eventId, viewer) {
      return await createEpcisRepository(db).findByEventId(eventId, viewer?.restrictedToOrg === true ? viewer.orgId : undefined)
    },

    onCaptured (listener) {
      listeners.add(listener)
      return () => { listeners.delete(listener) }
    }
  }
}

/**
 * A duplicate is the same event captured again (same eventID, same CBV event hash): it changes nothing.
 * The same eventID naming a different event is refused — the whole capture with it — since keeping
 * either silently loses the other; a correction is captured as an error declaration.
 */
async function refuseReusedEventIds (repo: ReturnType<typeof createEpcisRepository>, rows: readonly EventRow[], inserted: ReadonlyArray<{ eventId: string, errorDeclared: boolean }>): Promise<void> {
  const key = (row: { eventId: string, errorDeclared: boolean }): string => eventKey(row.eventId, row.errorDeclared)
  const insertedKeys = new Set(inserted.map(key))
  // What each eventID names: the event stored before, else its first occurrence in this document.
  const stored = await repo.storedHashes(rows.filter((row) => !insertedKeys.has(key(row))).map((row) => row.eventId))
  const named = new Map<string, string>()
  for (const [index, row] of rows.entries()) {
    const held = named.get(key(row)) ?? stored.get(key(row)) ?? row.eventHash
    named.set(key(row), held)
    if (held === row.eventHash) continue
    const pointer = `/epcisBody/eventList/${index}/eventID`
    throw new TRC_EPCIS_INVALID(`event ${index} (${row.eventId}): ${pointer} already names a different event; give it a new eventID, or capture a correction as an errorDeclaration`)
      .withDetails({ field: pointer, eventIndex: index, eventID: row.eventId })
  }
}

/** The refusal: the first problem names the event and field; all of them travel in `problems`. */
function invalid (result: Extract<ValidationResult, { ok: false }>): Error {
  const [first] = result.problems as [ValidationProblem, ...ValidationProblem[]]
  const where = first.eventIndex === undefined ? '' : `event ${first.eventIndex}${first.eventID === undefined ? '' : ` (${first.eventID})`}: `
  const more = result.problems.length > 1 ? ` (and ${result.problems.length - 1} more problem${result.problems.length > 2 ? 's' : ''})` : ''
  return new TRC_EPCIS_INVALID(`${where}${first.pointer} ${first.message}${more}`).withDetails({
    field: first.pointer,
    ...(first.eventIndex === undefined ? {} : { eventIndex: first.eventIndex }),
    ...(first.eventID === undefined ? {} : { eventID: first.eventID }),
    problems: result.problems
  })
}

function eventCount (document: unknown): number {
  if (!isPlainObject(document) || !isPlainObject(document.epcisBody)) return 0
  const list = document.epcisBody.eventList
  return Array.isArray(list) ? list.length : 0
}

/** The object parts of the document's `@context` (prefix declarations), which travel with each event. */
function contextObjects (context: unknown): Array<Record<string, unknown>> {
  return (Array.isArray(context) ? context : [context]).filter(isPlainObject)
}

/**
 * The event as stored and served: eventID (given, or the event hash), recordTime set by this
 * repository (EPCIS 2.0 §7.4.1), and the document's prefix declarations so it stands on its own.
 */
function servedForm (event: EpcisEvent, eventId: string, recordTime: string, documentContext: Array<Record<string, unknown>>): EpcisEvent {
  if (documentContext.length === 0) return { ...event, eventID: eventId, recordTime }
  const { '@context': own, ...rest } = event
  const context = [...documentContext, ...(own === undefined ? [] : Array.isArray(own) ? own : [own])]
  return { '@context': context, ...rest, eventID: eventId, recordTime } as EpcisEvent
}
