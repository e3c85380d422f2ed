import type { Database } from '../core/db/database.js'
import { defineRoute, respond } from '../core/http/route.js'
import type { RouteDefinition } from '../core/http/route.js'
import type { MetricsRegistry } from '../core/metrics.js'

const PING_TIMEOUT_MS = 2000

export function createSystemRoutes (deps: { db: Database, metrics: MetricsRegistry }): RouteDefinition[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/healthz',
      access: 'public',
      summary: 'liveness and database reachability: 200 ok, 503 when the database does not answer',
      handler: async () => {
        const database = { driver: deps.db.driver, timescaledb: deps.db.timescaledb }
        let timer: NodeJS.Timeout | undefined
        try {
          await Promise.race([
            deps.db.ping(),
            new Promise((_resolve, reject) => { timer = setTimeout(() => reject(new Error('timeout')), PING_TIMEOUT_MS) })
          ])
          return { status: 'ok', database }
        } catch {
          return respond(503, { status: 'unavailable', database })
        } finally {
          clearTimeout(timer)
        }
      }
    }),
    defineRoute({
      method: 'GET',
      url: '/metrics',
      access: 'public',
      summary: 'Prometheus metrics (ingest, spool, database writes, MQTT connections, process)',
      handler: async () => respond(200, await deps.metrics.metrics(), { 'content-type': deps.metrics.contentType })
    })
  ]
}
