import { Type } from '@sinclair/typebox'
import { defineRoute, principalOf } from '../../../core/http/route.js'
import type { RouteDefinition } from '../../../core/http/route.js'
import { IdParams, Limit, Offset, Uuid } from '../../../core/http/schemas.js'
import type { Alert } from './alert.js'
import type { AlertService } from './alert.service.js'

const READERS = ['supervisor', 'agent', 'engineer'] as const
const HANDLERS = ['supervisor', 'agent'] as const

const AlertListQuery = Type.Object({
  status: Type.Optional(Type.Union(['open', 'raised', 'acknowledged', 'cleared'].map((s) => Type.Literal(s)))),
  deviceId: Type.Optional(Uuid),
  kind: Type.Optional(Type.Union(['threshold', 'anomaly', 'rul', 'fault_code', 'offline'].map((k) => Type.Literal(k)))),
  limit: Limit,
  offset: Offset
}, { additionalProperties: false })

const ClearBody = Type.Union([
  Type.Object({ reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })) }, { additionalProperties: false }),
  Type.Null()
])

/** The JSON an alert is served as (dates as RFC 3339). */
export function alertJson (alert: Alert) {
  return {
    id: alert.id,
    deviceId: alert.deviceId,
    kind: alert.kind,
    severity: alert.severity,
    metric: alert.metric,
    status: alert.status,
    cause: alert.cause,
    raisedAt: alert.raisedAt.toISOString(),
    acknowledgedAt: alert.acknowledgedAt?.toISOString() ?? null,
    acknowledgedBy: alert.acknowledgedBy,
    clearedAt: alert.clearedAt?.toISOString() ?? null,
    clearedBy: alert.clearedBy,
    clearReason: alert.clearReason,
    evidence: alert.evidence,
    rul: alert.rul,
    location: alert.location,
    requiredSkills: alert.requiredSkills,
    requiredParts: alert.requiredParts
  }
}

export function createAlertRoutes (alerts: AlertService): RouteDefinition[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/alerts',
      access: READERS,
      summary: 'alerts, newest first, by status (open = raised or acknowledged), device and kind',
      schema: { querystring: AlertListQuery },
      handler: async ({ query }) => {
        const { alerts: list, total } = await alerts.list(query as Parameters<AlertService['list']>[0])
        return { alerts: list.map(alertJson), total }
      }
    }),
    defineRoute({
      method: 'GET',
      url: '/api/alerts/:id',
      access: READERS,
      summary: 'one alert with its evidence',
      schema: { params: IdParams },
      handler: async ({ params }) => alertJson(await alerts.get(params.id))
    }),
    defineRoute({
      method: 'POST',
      url: '/api/alerts/:id/acknowledge',
      access: HANDLERS,
      summary: 'acknowledge a raised alert (it stays open until cleared)',
      schema: { params: IdParams },
      handler: async (request) => alertJson(await alerts.acknowledge(request.params.id, principalOf(request).username))
    }),
    defineRoute({
      method: 'POST',
      url: '/api/alerts/:id/clear',
      access: HANDLERS,
      summary: 'clear an open alert by hand `{"reason"?}`; the same condition raises a new alert only after it clears and returns',
      schema: { params: IdParams, body: ClearBody },
      handler: async (request) => alertJson(await alerts.clear(request.params.id, principalOf(request).username, request.body?.reason))
    })
  ]
}
