import { defineRoute } from '../../core/http/route.js'
import type { RouteDefinition } from '../../core/http/route.js'
import { IdParams } from '../../core/http/schemas.js'
import type { DeviceService } from '../devices/device.service.js'
import { createDeadLetterRepository } from '../ingest/dead-letter.repository.js'
import { DeadLetterQuery } from '../devices/device.schema.js'
import { TelemetryQueryString } from './telemetry.schema.js'
import type { TelemetryService } from './telemetry.service.js'
import type { Database } from '../../core/db/database.js'

const DAY_MS = 86_400_000

export function createTelemetryRoutes (deps: { devices: DeviceService, telemetry: TelemetryService, db: Database, now?: () => number }): RouteDefinition[] {
  const now = deps.now ?? Date.now
  const deadLetters = createDeadLetterRepository(deps.db)
  return [
    defineRoute({
      method: 'GET',
      url: '/api/devices/:id/telemetry',
      access: ['supervisor', 'agent', 'engineer'],
      summary: 'readings of one metric in [from, to) (default: the last 24 h), raw or bucketed (bucket=1m|1h|1d, agg=avg|min|max|last)',
      schema: { params: IdParams, querystring: TelemetryQueryString },
      handler: async ({ params, query }) => {
        await deps.devices.get(params.id)
        const to = query.to === undefined ? new Date(now()) : new Date(query.to)
        const from = query.from === undefined ? new Date(to.getTime() - DAY_MS) : new Date(query.from)
        return await deps.telemetry.query({ deviceId: params.id, metric: query.metric, from, to, bucket: query.bucket, agg: query.agg, limit: query.limit })
      }
    }),
    defineRoute({
      method: 'GET',
      url: '/api/dead-letters',
      access: ['admin'],
      summary: 'rejected device payloads with their reason (newest first)',
      schema: { querystring: DeadLetterQuery },
      handler: async ({ query }) => {
        const rows = await deadLetters.list(query)
        return {
          deadLetters: rows.map(({ payload, ...row }) => ({ ...row, payloadBase64: Buffer.from(payload).toString('base64') })),
          byReason: await deadLetters.countByReason()
        }
      }
    })
  ]
}
