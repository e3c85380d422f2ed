import type { Config } from './config.js'
import type { Database } from './db/database.js'
import type { Maintenance } from './db/maintenance.js'
import type { EventBus } from './event-bus.js'
import type { DomainEventName } from './events.js'
import type { RouteDefinition } from './http/route.js'
import type { Logger } from './logger.js'
import type { MetricsRegistry } from './metrics.js'

/** What every domain module is given by the composition root (web/platform.ts). */
export interface ModuleContext {
  config: Config
  db: Database
  bus: EventBus
  logger: Logger
  metrics: MetricsRegistry
  maintenance: Maintenance
  /** Epoch milliseconds; tests inject a controllable clock. */
  now: () => number
}

/**
 * Which socket.io rooms receive a domain event (`role:<role>`, `user:<id>`, `org:<id>`, `track:<token>`).
 * A room given with `payload` receives that projection of the event instead (e.g. a public room gets
 * the event without staff-only fields).
 */
export type AudienceRoom = string | { room: string, payload: (payload: unknown) => unknown }
export type Audience = (payload: unknown) => AudienceRoom[]

/**
 * The shape every domain module's factory returns. The platform migrates the database first (each
 * module's index.ts also exports its MigrationSource), then creates the modules, registers their
 * routes, forwards their events to the audiences they name, starts them in order and stops them in
 * reverse order.
 */
export interface PlatformModule {
  readonly name: string
  readonly routes: readonly RouteDefinition[]
  readonly audiences?: Partial<Record<DomainEventName, Audience>>
  start? (): Promise<void>
  stop? (): Promise<void>
}
