import type { Principal } from '../../core/auth/roles.js'
import { isAfterlineError } from '../../core/errors.js'
import { defineRoute, principalOf, respond } from '../../core/http/route.js'
import type { RouteDefinition, RouteResponse } from '../../core/http/route.js'
import { TRC_EPCIS_CAPTURE_NOT_FOUND, TRC_EPCIS_EVENT_NOT_FOUND } from '../errors.js'
import { CaptureIdParams, EventIdParams, EventQueryString } from './epcis.schema.js'
import type { CaptureJob, EpcisService, EpcisViewer } from './epcis.types.js'
import { CAPTURE_LIMIT } from './epcis.service.js'
import { PROBLEM_CONTENT_TYPE, toProblemDetails } from './problem-details.js'
import { buildQueryDocument, EPCIS_CONTEXT_URL } from './query-document.js'
import { formatEventQuery, parseEventQuery } from './query-params.js'

/** Partners' systems capture with an org_staff account; brand staff may capture too (admin always may). */
const CAPTURERS = ['org_staff', 'brand'] as const
const READERS = ['brand', 'org_staff'] as const

/** Announced on every EPCIS answer (EPCIS 2.0 REST binding §12.3). */
const GS1_HEADERS = { 'GS1-EPCIS-Version': '2.0.0', 'GS1-CBV-Version': '2.0.0', 'GS1-CAPTURE-limit': String(CAPTURE_LIMIT) }

/** org_staff see their own organisation's events and capture jobs; brand staff and admins see all. */
export function viewerOf (principal: Principal): EpcisViewer {
  return { orgId: principal.orgId, restrictedToOrg: principal.role === 'org_staff' }
}

/** Coded EPCIS errors become RFC 7807 answers; anything else goes to the platform's error handler. */
async function asProblem (instance: string, work: () => Promise<RouteResponse>): Promise<RouteResponse> {
  try {
    return await work()
  } catch (error) {
    if (isAfterlineError(error) && error.code.startsWith('TRC_EPCIS_')) {
      return respond(error.statusCode, toProblemDetails(error, instance), { 'content-type': PROBLEM_CONTENT_TYPE, ...GS1_HEADERS })
    }
    throw error
  }
}

function wantsJsonLd (headers: Readonly<Record<string, string | string[] | undefined>>): boolean {
  const accept = headers.accept
  return (Array.isArray(accept) ? accept.join(',') : accept ?? '').includes('application/ld+json')
}

function captureJobBody (job: CaptureJob): Record<string, unknown> {
  return {
    captureID: job.captureId,
    createdAt: job.createdAt.toISOString(),
    finishedAt: job.finishedAt.toISOString(),
    running: false,
    success: true,
    captureErrorBehaviour: 'rollback',
    errors: [],
    eventCount: job.eventCount,
    captured: job.captured,
    duplicates: job.duplicates,
    eventIDs: job.eventIds
  }
}

export function createEpcisRoutes (epcis: EpcisService, options: { now?: () => number } = {}): RouteDefinition[] {
  const now = options.now ?? Date.now
  return [
    defineRoute({
      method: 'POST',
      url: '/epcis/capture',
      access: CAPTURERS,
      bodyTypes: ['application/ld+json'],
      summary: 'capture an EPCISDocument (JSON or JSON-LD); all events or none, idempotent by eventID or CBV event hash',
      handler: async (request) => await asProblem('/epcis/capture', async () => {
        const principal = principalOf(request)
        const result = await epcis.capture(request.body, { orgId: principal.role === 'org_staff' ? principal.orgId : null })
        const location = `/epcis/capture/${result.captureId as string}`
        return respond(201, { captureID: result.captureId, captured: result.captured, duplicates: result.duplicates, eventIDs: result.eventIds },
          { location, ...GS1_HEADERS })
      })
    }),
    defineRoute({
      method: 'GET',
      url: '/epcis/capture/:captureID',
      access: CAPTURERS,
      summary: 'the capture job of an accepted capture: counts of captured and duplicate events, and their eventIDs',
      schema: { params: CaptureIdParams },
      handler: async (request) => await asProblem(`/epcis/capture/${request.params.captureID}`, async () => {
        const job = await epcis.getCaptureJob(request.params.captureID, viewerOf(principalOf(request)))
        if (job === null) throw new TRC_EPCIS_CAPTURE_NOT_FOUND(request.params.captureID).withDetails({ field: 'params.captureID' })
        return respond(200, captureJobBody(job), GS1_HEADERS)
      })
    }),
    defineRoute({
      method: 'GET',
      url: '/epcis/events',
      access: READERS,
      summary: 'SimpleEventQuery (EQ_bizStep, EQ_disposition, EQ_readPoint, EQ_bizLocation, MATCH_epc, MATCH_parentID, MATCH_anyEPC, GE/LT_eventTime, …) as an EPCISQueryDocument, paged with perPage and nextPageToken',
      schema: { querystring: EventQueryString },
      handler: async (request) => await asProblem('/epcis/events', async () => {
        const page = await epcis.query(parseEventQuery(request.query), viewerOf(principalOf(request)))
        const headers: Record<string, string> = {
          'content-type': wantsJsonLd(request.headers) ? 'application/ld+json; charset=utf-8' : 'application/json; charset=utf-8',
          ...GS1_HEADERS
        }
        if (page.nextPageToken !== null) {
          headers.link = `</epcis/events?${formatEventQuery(request.query, page.nextPageToken)}>; rel="next"`
          headers['GS1-Next-Page-Token'] = page.nextPageToken
        }
        return respond(200, buildQueryDocument(page.events.map((stored) => stored.event), new Date(now())), headers)
      })
    }),
    defineRoute({
      method: 'GET',
      url: '/epcis/events/:eventID',
      access: READERS,
      summary: 'one event by its eventID (percent-encoded), or its CBV event hash ID when it was captured without one',
      schema: { params: EventIdParams },
      handler: async (request) => await asProblem(`/epcis/events/${encodeURIComponent(request.params.eventID)}`, async () => {
        const stored = await epcis.get(request.params.eventID, viewerOf(principalOf(request)))
        if (stored === null) throw new TRC_EPCIS_EVENT_NOT_FOUND(request.params.eventID).withDetails({ field: 'params.eventID' })
        const contentType = wantsJsonLd(request.headers) ? 'application/ld+json; charset=utf-8' : 'application/json; charset=utf-8'
        // Served alone, the event carries its JSON-LD context (EPCIS 2.0 §10.2).
        const { '@context': own, ...event } = stored.event
        const context = [EPCIS_CONTEXT_URL, ...(own === undefined ? [] : Array.isArray(own) ? own : [own])]
        return respond(200, { '@context': context, ...event }, { 'content-type': contentType, ...GS1_HEADERS })
      })
    })
  ]
}
