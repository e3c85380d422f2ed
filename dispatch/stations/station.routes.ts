import { defineRoute, respond } from '../../core/http/route.js'
import type { RouteDefinition } from '../../core/http/route.js'
import { IdParams } from '../../core/http/schemas.js'
import { NewStationBody, StationUpdateBody } from './station.schema.js'
import type { StationService } from './station.service.js'

const READERS = ['supervisor', 'agent', 'engineer', 'org_staff'] as const

export function createStationRoutes (stations: StationService): RouteDefinition[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/stations',
      access: ['supervisor'],
      summary: 'create a service station (code, name, location, the organisation whose staff run it)',
      schema: { body: NewStationBody },
      handler: async ({ body }) => respond(201, await stations.create(body))
    }),
    defineRoute({
      method: 'GET',
      url: '/api/stations',
      access: READERS,
      summary: 'every service station',
      handler: async () => ({ stations: await stations.list() })
    }),
    defineRoute({
      method: 'GET',
      url: '/api/stations/:id',
      access: READERS,
      summary: 'one service station',
      schema: { params: IdParams },
      handler: async ({ params }) => await stations.get(params.id)
    }),
    defineRoute({
      method: 'PATCH',
      url: '/api/stations/:id',
      access: ['supervisor'],
      summary: 'change a service station',
      schema: { params: IdParams, body: StationUpdateBody },
      handler: async ({ params, body }) => await stations.update(params.id, body)
    })
  ]
}
