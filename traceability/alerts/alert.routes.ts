import { Type } from '@sinclair/typebox'
import { defineRoute, principalOf } from '../../core/http/route.js'
import type { RouteDefinition } from '../../core/http/route.js'
import { IdParams, Offset } from '../../core/http/schemas.js'
import type { AlertService } from './alert.service.js'

const AlertQuery = Type.Object({
  type: Type.Optional(Type.Union([Type.Literal('diversion'), Type.Literal('counterfeit'), Type.Literal('clone'), Type.Literal('custody')])),
  status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('confirmed'), Type.Literal('dismissed'), Type.Literal('superseded')])),
  orgId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  serial: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  offset: Offset
}, { additionalProperties: false })
const ResolveBody = Type.Object({ note: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false })

export function createAlertRoutes (alerts: AlertService): RouteDefinition[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/trace-alerts',
      access: ['brand'],
      summary: 'diversion, counterfeit, clone and custody alerts with their evidence, newest first',
      schema: { querystring: AlertQuery },
      handler: async ({ query }) => await alerts.list(query)
    }),
    defineRoute({
      method: 'GET',
      url: '/api/trace-alerts/:id',
      access: ['brand'],
      summary: 'one alert with every scan that supports it',
      schema: { params: IdParams },
      handler: async ({ params }) => await alerts.get(params.id)
    }),
    defineRoute({
      method: 'POST',
      url: '/api/trace-alerts/:id/confirm',
      access: ['brand'],
      summary: 'audit: the alert is real (open → confirmed)',
      schema: { params: IdParams, body: ResolveBody },
      handler: async (request) => await alerts.resolve(request.params.id, 'confirmed', principalOf(request).username, request.body?.note ?? null)
    }),
    defineRoute({
      method: 'POST',
      url: '/api/trace-alerts/:id/dismiss',
      access: ['brand'],
      summary: 'audit: the alert is a false alarm (open → dismissed)',
      schema: { params: IdParams, body: ResolveBody },
      handler: async (request) => await alerts.resolve(request.params.id, 'dismissed', principalOf(request).username, request.body?.note ?? null)
    })
  ]
}
