/**
 * EPCIS 2.0 interface for partners' systems — the only entry to traceability/epcis/.
 *
 * HTTP (createEpcisRoutes):
 *   POST /epcis/capture               EPCISDocument (application/json or application/ld+json) → 201
 *                                     {captureID, captured, duplicates, eventIDs} + Location of the job;
 *                                     invalid → 400 application/problem+json naming event and field
 *   GET  /epcis/capture/{captureID}   the capture job
 *   GET  /epcis/events                SimpleEventQuery → EPCISQueryDocument, perPage + nextPageToken + Link
 *   GET  /epcis/events/{eventID}      one event (eventID percent-encoded)
 *
 * Service (createEpcisService), for the rest of traceability:
 *   record(events, {tx?, orgId?, context?})  store events the platform generates (scans): same validation
 *                                            and idempotency as capture; `tx` joins the caller's transaction;
 *                                            recorded events are not announced.
 *   capture(document, {orgId?})              what POST /epcis/capture does.
 *   query(query, viewer?) / get(eventId, viewer?) / getCaptureJob(captureId, viewer?)
 *   onCaptured(listener)                     events newly stored by capture, after commit (listener awaited,
 *                                            its errors logged); the bus also gets `epcis.events_captured`.
 *
 * The tables are created by traceability/migrations/0001_epcis_events.sql and 0002_epcis_capture_jobs.sql.
 */
export { createEpcisService, CAPTURE_LIMIT } from './epcis.service.js'
export type { EpcisServiceDeps } from './epcis.service.js'
export { createEpcisRoutes, viewerOf } from './epcis.routes.js'
export { computeEventHash, buildPreHashString } from './event-hash.js'
export { canonicalIdentifier } from './identifiers.js'
export { EPCIS_CONTEXT_URL } from './query-document.js'
export { EPCIS_EVENT_TYPES } from './epcis.types.js'
export type {
  CaptureJob, CaptureOptions, CaptureResult, EpcisAction, EpcisCapturedListener, EpcisEvent, EpcisEventSource, EpcisEventType,
  EpcisQuery, EpcisQueryPage, EpcisService, EpcisViewer, EpcRole, RecordOptions, StoredEpcisEvent
} from './epcis.types.js'
export type { EpcisEventsCaptured } from './events.js'
