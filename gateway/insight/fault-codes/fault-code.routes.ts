import { Type } from '@sinclair/typebox'
import { defineRoute } from '../../../core/http/route.js'
import type { RouteDefinition } from '../../../core/http/route.js'
import type { DeviceModelService } from '../device-models/device-model.service.js'
import { searchFaultCodes } from './search-fault-codes.js'

export const FaultCodeQuery = Type.Object({
  q: Type.String({ minLength: 1, maxLength: 200 }),
  model: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 })
}, { additionalProperties: false })

export function createFaultCodeRoutes (models: DeviceModelService): RouteDefinition[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/fault-codes',
      access: 'public',
      summary: 'fault-code quick lookup by code or words: cause, remedy, parts usually needed',
      schema: { querystring: FaultCodeQuery },
      handler: async ({ query }) => {
        const results = searchFaultCodes(models.list(), query.q, { model: query.model, limit: query.limit })
        return {
          query: query.q,
          results: results.map(({ score: _score, ...match }) => match)
        }
      }
    })
  ]
}
