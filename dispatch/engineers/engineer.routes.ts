import { defineRoute, principalOf, respond } from '../../core/http/route.js'
import type { RouteDefinition } from '../../core/http/route.js'
import { IdParams } from '../../core/http/schemas.js'
import { EngineerListQuery, EngineerUpdateBody, LocationBody, NewEngineerBody, StatusBody } from './engineer.schema.js'
import type { EngineerService } from './engineer.service.js'

export function createEngineerRoutes (engineers: EngineerService): RouteDefinition[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/engineers',
      access: ['supervisor'],
      summary: 'create an engineer: skills with levels, station, territory, home base, shifts, van stock, linked user',
      schema: { body: NewEngineerBody },
      handler: async ({ body }) => respond(201, await engineers.create(body))
    }),
    defineRoute({
      method: 'GET',
      url: '/api/engineers',
      access: ['supervisor', 'agent', 'org_staff'],
      summary: 'list engineers by station, status or name (station staff: their stations\')',
      schema: { querystring: EngineerListQuery },
      handler: async (request) => await engineers.list(request.query, principalOf(request))
    }),
    defineRoute({
      method: 'GET',
      url: '/api/engineers/me',
      access: ['engineer'],
      summary: 'the caller\'s own engineer profile',
      handler: async (request) => await engineers.getMine(principalOf(request))
    }),
    defineRoute({
      method: 'GET',
      url: '/api/engineers/:id',
      access: ['supervisor', 'agent', 'org_staff', 'engineer'],
      summary: 'one engineer (engineers: only themselves)',
      schema: { params: IdParams },
      handler: async (request) => await engineers.getFor(request.params.id, principalOf(request))
    }),
    defineRoute({
      method: 'PATCH',
      url: '/api/engineers/:id',
      access: ['supervisor'],
      summary: 'change an engineer\'s profile',
      schema: { params: IdParams, body: EngineerUpdateBody },
      handler: async ({ params, body }) => await engineers.update(params.id, body)
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/engineers/:id/location',
      access: ['engineer', 'supervisor'],
      summary: 'report the engineer\'s position (their phone, or a van tracker); older reports are ignored',
      schema: { params: IdParams, body: LocationBody },
      handler: async (request) => {
        const { lat, lng, at } = request.body
        return await engineers.updateLocation(request.params.id, { lat, lng }, at === undefined ? null : Date.parse(at), principalOf(request))
      }
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/engineers/:id/status',
      access: ['engineer', 'supervisor', 'org_staff'],
      summary: 'set off / available / on_break (refused while the engineer holds a work order)',
      schema: { params: IdParams, body: StatusBody },
      handler: async (request) => await engineers.setStatus(request.params.id, request.body.status, principalOf(request))
    })
  ]
}
