import { defineRoute, principalOf, respond } from '../../core/http/route.js'
import type { RouteDefinition } from '../../core/http/route.js'
import type { LatLng } from '../catalog/territory.js'
import type { ScanOutcome } from './scan-outcome.js'
import { DigitalLinkLotParams, DigitalLinkParams, DigitalLinkQuery, PartCodeParams, ScanBody, VerificationAnswer, VerifyQuery } from './scan.schema.js'
import type { ScanService } from './scan.service.js'

/** What a consumer is told: genuine or not, the product, first verified at, how often, and any warning. */
export function toVerification (outcome: ScanOutcome) {
  const item = outcome.items[0]
  return {
    genuine: outcome.result !== 'rejected',
    result: outcome.result,
    code: item?.code ?? null,
    product: item?.product ?? null,
    lot: item?.lot ?? null,
    serial: item?.serial ?? null,
    firstVerifiedAt: item?.firstVerifiedAt ?? null,
    verifications: item?.consumerVerifications ?? 0,
    warnings: outcome.checks.filter((c) => !c.passed).map((c) => c.detail),
    checks: outcome.checks
  }
}

function locationOf (query: { lat?: number | undefined, lng?: number | undefined }): LatLng | null {
  return query.lat === undefined || query.lng === undefined ? null : { lat: query.lat, lng: query.lng }
}

export function createScanRoutes (scans: ScanService, options: { verifyPage: string }): RouteDefinition[] {
  /** GS1 Digital Link resolution: a browser is sent to the verification page, an API client gets the verdict. */
  const resolveLink = async (path: string, query: { lat?: number | undefined, lng?: number | undefined, consumerId?: string | undefined }, accept: string | string[] | undefined): Promise<unknown> => {
    const wantsHtml = typeof accept === 'string' && accept.includes('text/html')
    if (wantsHtml) return respond(307, '', { location: `${options.verifyPage}?code=${encodeURIComponent(path)}` })
    return toVerification(await scans.verify(path, { location: locationOf(query), consumerId: query.consumerId ?? null }))
  }

  return [
    defineRoute({
      method: 'POST',
      url: '/api/scans',
      access: ['org_staff', 'engineer', 'brand'],
      summary: 'scan an item or case code (ship, receive, sell, install, verify): named checks, then recorded as an EPCIS event',
      schema: { body: ScanBody },
      handler: async (request) => {
        const outcome = await scans.scan(request.body, principalOf(request))
        return { ...outcome, items: outcome.items.length > 1 ? outcome.items : undefined }
      }
    }),
    defineRoute({
      method: 'GET',
      url: '/api/verify',
      access: 'public',
      recordsVisit: true,
      summary: 'consumer verification of a code: genuine or not, product, first verified at, times verified, warnings',
      schema: { querystring: VerifyQuery, response: { 200: VerificationAnswer } },
      handler: async ({ query }) => toVerification(await scans.verify(query.code, { location: locationOf(query), consumerId: query.consumerId ?? null }))
    }),
    defineRoute({
      method: 'GET',
      url: '/01/:gtin/21/:serial',
      access: 'public',
      recordsVisit: true,
      summary: 'GS1 Digital Link of an item: browsers are redirected to the verification page, others get the verification',
      schema: { params: DigitalLinkParams, querystring: DigitalLinkQuery, response: { 200: VerificationAnswer } },
      handler: async ({ params, query, headers }) =>
        await resolveLink(`/01/${params.gtin}/21/${encodeURIComponent(params.serial)}`, query, headers.accept)
    }),
    defineRoute({
      method: 'GET',
      url: '/01/:gtin/10/:lot/21/:serial',
      access: 'public',
      recordsVisit: true,
      summary: 'GS1 Digital Link of an item with its lot (same answers as without)',
      schema: { params: DigitalLinkLotParams, querystring: DigitalLinkQuery, response: { 200: VerificationAnswer } },
      handler: async ({ params, query, headers }) =>
        await resolveLink(`/01/${params.gtin}/10/${encodeURIComponent(params.lot)}/21/${encodeURIComponent(params.serial)}`, query, headers.accept)
    }),
    defineRoute({
      method: 'GET',
      url: '/api/parts/:code/provenance',
      access: ['brand', 'engineer', 'supervisor', 'agent', 'org_staff'],
      summary: 'a part\'s provenance: factory, lot and every hand-over, and the machine it is fitted to (code URL-encoded)',
      schema: { params: PartCodeParams },
      handler: async ({ params }) => await scans.provenance(params.code)
    })
  ]
}
