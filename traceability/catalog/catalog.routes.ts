import { defineRoute, respond } from '../../core/http/route.js'
import type { RouteDefinition } from '../../core/http/route.js'
import {
  ChannelLinkBody, ChannelLinkParams, GtinParams, NewOrganisationBody, NewProductBody, OrganisationChangesBody, OrgListQuery, OrgParams
} from './catalog.schema.js'
import type { CatalogService } from './catalog.service.js'

const READERS = ['brand', 'org_staff', 'engineer'] as const

export function createCatalogRoutes (catalog: CatalogService): RouteDefinition[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/products',
      access: ['brand'],
      summary: 'add a spare part (GTIN with a valid check digit, name, part number, unit)',
      schema: { body: NewProductBody },
      handler: async ({ body }) => respond(201, await catalog.createProduct(body))
    }),
    defineRoute({
      method: 'GET',
      url: '/api/products',
      access: READERS,
      summary: 'every product',
      handler: async () => ({ products: await catalog.listProducts() })
    }),
    defineRoute({
      method: 'GET',
      url: '/api/products/:gtin',
      access: READERS,
      summary: 'one product',
      schema: { params: GtinParams },
      handler: async ({ params }) => await catalog.getProduct(params.gtin)
    }),
    defineRoute({
      method: 'POST',
      url: '/api/organisations',
      access: ['brand'],
      summary: 'add a factory, distributor, dealer, store or service station with location and territory (GeoJSON)',
      schema: { body: NewOrganisationBody },
      handler: async ({ body }) => respond(201, await catalog.createOrganisation(body))
    }),
    defineRoute({
      method: 'GET',
      url: '/api/organisations',
      access: READERS,
      summary: 'organisations of the channel, optionally of one kind',
      schema: { querystring: OrgListQuery },
      handler: async ({ query }) => ({ organisations: await catalog.listOrganisations(query.kind) })
    }),
    defineRoute({
      method: 'GET',
      url: '/api/organisations/:id',
      access: READERS,
      summary: 'one organisation with its territory',
      schema: { params: OrgParams },
      handler: async ({ params }) => await catalog.getOrganisation(params.id)
    }),
    defineRoute({
      method: 'PATCH',
      url: '/api/organisations/:id',
      access: ['brand'],
      summary: 'change name, GLN, city, location or territory',
      schema: { params: OrgParams, body: OrganisationChangesBody },
      handler: async ({ params, body }) => await catalog.updateOrganisation(params.id, body)
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/channel-links',
      access: ['brand'],
      summary: 'authorise a supplier to deliver to a customer (all products, or the GTINs listed)',
      schema: { body: ChannelLinkBody },
      handler: async ({ body }) => await catalog.putLink(body)
    }),
    defineRoute({
      method: 'GET',
      url: '/api/channel-links',
      access: READERS,
      summary: 'every authorised supplier → customer link',
      handler: async () => ({ links: await catalog.listLinks() })
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/channel-links/:supplierId/:customerId',
      access: ['brand'],
      summary: 'withdraw an authorisation',
      schema: { params: ChannelLinkParams },
      handler: async ({ params }) => { await catalog.deleteLink(params.supplierId, params.customerId) }
    })
  ]
}
