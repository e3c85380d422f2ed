import { Type } from '@sinclair/typebox'
import { defineRoute, principalOf, respond } from '../../../core/http/route.js'
import type { RouteDefinition } from '../../../core/http/route.js'
import type { DeviceModelService } from './device-model.service.js'

const READERS = ['supervisor', 'agent', 'engineer'] as const
const ModelParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128, pattern: '^\\S(.*\\S)?$' }) })

/**
 * Bodies are validated by the service (JSON Schema, then semantic checks), not by the route schema,
 * so that a 400 names the field the way the definition reads: `body.rules[2].clearBelow`.
 */
export function createDeviceModelRoutes (models: DeviceModelService): RouteDefinition[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/device-models',
      access: READERS,
      summary: 'every device model with its metrics, rules and fault codes',
      handler: async () => ({ models: models.list() })
    }),
    defineRoute({
      method: 'GET',
      url: '/api/device-models/:id',
      access: READERS,
      summary: 'one device model',
      schema: { params: ModelParams },
      handler: async ({ params }) => models.get(params.id)
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/device-models/:id',
      access: ['admin'],
      summary: 'create or replace a device model (metrics, rules, fault codes, RUL artefact); 400 names the bad field',
      schema: { params: ModelParams },
      handler: async (request) => {
        const { model, created } = await models.put(request.params.id, request.body, principalOf(request).username)
        return created ? respond(201, model) : model
      }
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/device-models/:id/rules',
      access: ['admin'],
      summary: 'replace a model\'s alarm rules `{"rules":[…]}`; 400 names the bad field',
      schema: { params: ModelParams },
      handler: async (request) => await models.putRules(request.params.id, request.body, principalOf(request).username)
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/device-models/:id/fault-codes',
      access: ['admin'],
      summary: 'replace a model\'s fault-code catalogue `{"faultCodes":[…]}`; 400 names the bad field',
      schema: { params: ModelParams },
      handler: async (request) => await models.putFaultCodes(request.params.id, request.body, principalOf(request).username)
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/device-models/:id',
      access: ['admin'],
      summary: 'remove a model no device uses',
      schema: { params: ModelParams },
      handler: async ({ params }) => {
        await models.delete(params.id)
        return respond(204)
      }
    })
  ]
}
