import type { Queryable } from '../../core/db/database.js'
import type { CaptureJob } from './capture-job.repository.js'

/**
 * The data the EPCIS 2.0 interface works with. Events are kept as the JSON-LD objects the standard
 * defines (EPCIS 2.0 §7.4, JSON binding §10): what a partner sent is what a query returns, plus the
 * `eventID` and `recordTime` the repository assigns.
 */

export const EPCIS_EVENT_TYPES = ['ObjectEvent', 'AggregationEvent', 'TransactionEvent', 'TransformationEvent', 'AssociationEvent'] as const
export type EpcisEventType = typeof EPCIS_EVENT_TYPES[number]

export type EpcisAction = 'ADD' | 'OBSERVE' | 'DELETE'

/** An EPCIS 2.0 event in its JSON-LD form (`type`, `eventTime`, `eventTimeZoneOffset`, `epcList`, …). */
export interface EpcisEvent {
  type: string
  eventTime: string
  eventTimeZoneOffset: string
  eventID?: string
  [field: string]: unknown
}

/** How an identifier occurs in an event, for MATCH_* queries. */
export type EpcRole = 'epc' | 'parent' | 'child' | 'input' | 'output' | 'quantity' | 'input_quantity' | 'output_quantity'

/** Where an event came from: a partner's system (`POST /epcis/capture`) or the platform itself (`record`). */
export type EpcisEventSource = 'capture' | 'record'

/** An event as the repository holds it. */
export interface StoredEpcisEvent {
  /** The event's `eventID`, or its CBV 2.0 event hash ID (`ni:///sha-256;…?ver=CBV2.0`) when it had none. */
  eventId: string
  /** The CBV 2.0 event hash ID, whether or not the event carried an eventID. */
  eventHash: string
  type: EpcisEventType
  action: EpcisAction | null
  eventTime: Date
  recordTime: Date
  /** Full CBV URI (`https://ref.gs1.org/cbv/BizStep-shipping`) or the partner's own URI. */
  bizStep: string | null
  disposition: string | null
  readPoint: string | null
  bizLocation: string | null
  parentId: string | null
  /** True for an error declaration (EPCIS 2.0 §7.4.1.2): a copy of an earlier event saying it was wrong. */
  errorDeclared: boolean
  source: EpcisEventSource
  /** The organisation that captured or recorded the event (org_staff see only their own). */
  orgId: string | null
  /** The event as stored and served: the JSON-LD event with `eventID` and `recordTime` set. */
  event: EpcisEvent
}

export type { CaptureJob }

export interface CaptureResult {
  /** Events stored by this call. */
  captured: number
  /** Events already held (same eventID, or same event hash when no eventID): nothing was changed for them. */
  duplicates: number
  /** Each event's ID in input order (the given eventID, or its CBV event hash ID). */
  eventIds: string[]
  /** The capture job of a `capture` call (served at /epcis/capture/{captureID}); absent for `record`. */
  captureId?: string
}

/** Who is capturing; `orgId` attributes the events to an organisation of the channel. */
export interface CaptureOptions {
  source?: EpcisEventSource
  orgId?: string | null
  /** JSON-LD `@context` the events' prefixed names are declared in (record() of bare events may omit it). */
  context?: unknown
}

/** `tx` runs the insert inside the caller's transaction (a scan and its event commit together). */
export interface RecordOptions extends CaptureOptions {
  tx?: Queryable
}

/** Called after events were stored (duplicates are not passed again). */
export type EpcisCapturedListener = (events: readonly StoredEpcisEvent[], info: { source: EpcisEventSource, orgId: string | null }) => void | Promise<void>

/**
 * The standard SimpleEventQuery parameters this repository answers (EPCIS 2.0 §8.2.7.1), already
 * parsed: several values of one parameter mean "any of them".
 */
export interface EpcisQuery {
  eventType?: EpcisEventType[]
  EQ_bizStep?: string[]
  EQ_disposition?: string[]
  EQ_readPoint?: string[]
  EQ_bizLocation?: string[]
  EQ_action?: EpcisAction[]
  EQ_eventID?: string[]
  MATCH_epc?: string[]
  MATCH_parentID?: string[]
  MATCH_inputEPC?: string[]
  MATCH_outputEPC?: string[]
  MATCH_anyEPC?: string[]
  MATCH_epcClass?: string[]
  MATCH_anyEPCClass?: string[]
  GE_eventTime?: Date
  LT_eventTime?: Date
  GE_recordTime?: Date
  LT_recordTime?: Date
  EXISTS_errorDeclaration?: boolean
  orderBy?: 'eventTime' | 'recordTime'
  orderDirection?: 'ASC' | 'DESC'
  perPage?: number
  nextPageToken?: string
}

/** Restricts what a query sees: org_staff see only their organisation's events. */
export interface EpcisViewer {
  orgId: string | null
  /** False for brand staff and admins, who see every event. */
  restrictedToOrg: boolean
}

export interface EpcisQueryPage {
  events: StoredEpcisEvent[]
  /** Opaque cursor for the next page; null on the last page. */
  nextPageToken: string | null
}

export interface EpcisService {
  /** Validate and store an EPCISDocument (JSON / JSON-LD) from a partner; all or nothing. */
  capture (document: unknown, options?: CaptureOptions): Promise<CaptureResult>
  /**
   * Validate and store events the platform generated (same rules and idempotency as capture). Throws
   * TRC_EPCIS_INVALID naming `/events/{index}/{field}`. Recorded events are not announced to onCaptured.
   */
  record (events: readonly EpcisEvent[], options?: RecordOptions): Promise<CaptureResult>
  query (query: EpcisQuery, viewer?: EpcisViewer): Promise<EpcisQueryPage>
  /** A finished capture call; null when unknown or not visible to the viewer. */
  getCaptureJob (captureId: string, viewer?: EpcisViewer): Promise<CaptureJob | null>
  /** The event with this eventID (its error declaration, once one was captured); null when unknown or not visible. */
  get (eventId: string, viewer?: EpcisViewer): Promise<StoredEpcisEvent | null>
  /**
   * Register a listener for events newly stored through capture (after their commit; duplicates are
   * not announced again, recorded events never). Listeners are awaited in turn before capture answers;
   * one that throws is logged and does not undo the capture. Returns a function that removes it.
   */
  onCaptured (listener: EpcisCapturedListener): () => void
}
