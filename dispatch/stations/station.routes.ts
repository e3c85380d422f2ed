import type { Principal } from '../../core/auth/roles.js'
import { defineRoute, principalOf, respond } from '../../core/http/route.js'
import type { RouteDefinition } from '../../core/http/route.js'
import { IdParams } from '../../core/http/schemas.js'
import { NewStationBody, StationUpdateBody } from './station.schema.js'
import type { StationService } from './station.service.js'

const READERS = ['supervisor', 'agent', 'engineer', 'org_staff'] as const

/** A station's engineers as the caller may see them; null when the caller may not list them. */
export type StationRoster = (stationId: string, principal: Principal) => Promise<unknown[] | null>

export function createStationRoutes (stations: StationService, rosterOf: StationRoster): RouteDefinition[] {
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
      summary: 'one service station, with its engineers for callers who may list them',
      schema: { params: IdParams },
      handler: async (request) => {
        const station = await stations.get(request.params.id)
        const engineers = await rosterOf(station.id, principalOf(request))
        return engineers === null ? station : { ...station, engineers }
      }
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
