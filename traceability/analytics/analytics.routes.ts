import { Type } from '@sinclair/typebox'
import { defineRoute, principalOf } from '../../core/http/route.js'
import type { RouteDefinition } from '../../core/http/route.js'
import type { Database } from '../../core/db/database.js'
import { GtinText, OrgId } from '../catalog/catalog.schema.js'
import type { CatalogService } from '../catalog/catalog.service.js'
import { TRC_RANGE_INVALID } from '../errors.js'
import { LotText } from '../codes/code.schema.js'
import { createAnalyticsRepository } from './analytics.repository.js'

const RangeQuery = Type.Object({
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' }))
}, { additionalProperties: false })
const InventoryQuery = Type.Object({ orgId: Type.Optional(OrgId), gtin: Type.Optional(GtinText) }, { additionalProperties: false })
const FlowQuery = Type.Object({ gtin: GtinText, lot: Type.Optional(LotText) }, { additionalProperties: false })

const DAY_MS = 86_400_000
const DEFAULT_DAYS = 30

/** `settled`: resolves once every answered scan is in the tables (consumers' verifications are copied in from a journal). */
export function createAnalyticsRoutes (deps: { db: Database, catalog: CatalogService, now: () => number, settled: () => Promise<void> }): RouteDefinition[] {
  const repo = createAnalyticsRepository(deps.db)
  const rangeOf = (query: { from?: string | undefined, to?: string | undefined }) => {
    const to = query.to === undefined ? new Date(deps.now() + 1) : new Date(query.to)
    const from = query.from === undefined ? new Date(to.getTime() - DEFAULT_DAYS * DAY_MS) : new Date(query.from)
    if (from.getTime() >= to.getTime()) throw new TRC_RANGE_INVALID().withDetails({ field: 'query.from' })
    return { from, to }
  }

  return [
    defineRoute({
      method: 'GET',
      url: '/api/trace-analytics/kpis',
      access: ['brand'],
      summary: 'codes issued and scanned, consumer verifications, activated consumers, rewards, open alerts (default: last 30 days)',
      schema: { querystring: RangeQuery },
      handler: async ({ query }) => {
        const range = rangeOf(query)
        await deps.settled()
        return { range, ...await repo.kpis(range) }
      }
    }),
    defineRoute({
      method: 'GET',
      url: '/api/trace-analytics/daily',
      access: ['brand'],
      summary: 'scans per UTC day by action and result, and codes issued per day',
      schema: { querystring: RangeQuery },
      handler: async ({ query }) => {
        const range = rangeOf(query)
        await deps.settled()
        return { range, ...await repo.daily(range) }
      }
    }),
    defineRoute({
      method: 'GET',
      url: '/api/trace-analytics/cities',
      access: ['brand'],
      summary: 'top 10 cities by scans (a consumer scan takes the city of the nearest organisation within 50 km)',
      schema: { querystring: RangeQuery },
      handler: async ({ query }) => {
        const range = rangeOf(query)
        await deps.settled()
        return { range, cities: await repo.topCities(range, 10) }
      }
    }),
    defineRoute({
      method: 'GET',
      url: '/api/trace-analytics/inventory',
      access: ['brand', 'org_staff'],
      summary: 'channel inventory per organisation and product from the scan flow: in stock, and in transit to it',
      schema: { querystring: InventoryQuery },
      handler: async (request) => {
        const principal = principalOf(request)
        const orgId = principal.role === 'org_staff' ? principal.orgId : request.query.orgId ?? null
        return { inventory: await repo.inventory(orgId, request.query.gtin ?? null) }
      }
    }),
    defineRoute({
      method: 'GET',
      url: '/api/trace-analytics/flow',
      access: ['brand'],
      summary: 'how a product (or one lot) flowed through the channel: shipments between organisations, sales, fittings',
      schema: { querystring: FlowQuery },
      handler: async ({ query }) => {
        const catalog = await deps.catalog.snapshot()
        const flow = await repo.flow(query.gtin.padStart(14, '0'), query.lot ?? null)
        const ids = new Set([...flow.edges.flatMap((e) => [e.from_org, e.to_org]), ...flow.sold.map((s) => s.org_id)])
        const nodes = [...ids].map((id) => ({ id, kind: catalog.org(id)?.kind ?? null, name: catalog.org(id)?.name ?? id, city: catalog.org(id)?.city ?? null }))
        return { gtin: query.gtin.padStart(14, '0'), lot: query.lot ?? null, nodes, ...flow }
      }
    })
  ]
}
