import { fileURLToPath } from 'node:url'
import type { AddressInfo } from 'node:net'
import type { Config } from '../core/config.js'
import type { Database } from '../core/db/database.js'
import type { MigrationSource } from '../core/db/migrate.js'
import type { EventBus } from '../core/event-bus.js'
import type { RouteDefinition } from '../core/http/route.js'
import type { Logger } from '../core/logger.js'
import type { MetricsRegistry } from '../core/metrics.js'
import { createDeviceRoutes } from './devices/device.routes.js'
import { createDeviceService } from './devices/device.service.js'
import { createIngestService } from './ingest/ingest.service.js'
import { createGatewayMetrics } from './metrics.js'
import { createBroker } from './mqtt/broker.js'
import { createPresence } from './mqtt/presence.js'
import { applyTelemetryPolicies } from './telemetry/telemetry-policies.js'
import { createTelemetryRoutes } from './telemetry/telemetry.routes.js'
import { createTelemetryService } from './telemetry/telemetry.service.js'
import './events.js'

export type { Device, LatLngLiteral } from './devices/device.repository.js'
export type { DeviceCredentials } from './devices/credentials.js'
export type { DeviceService } from './devices/device.service.js'
export type { IngestService, ReadingsListener } from './ingest/ingest.service.js'
export type { TelemetryService, TelemetryResult } from './telemetry/telemetry.service.js'
export type { Broker } from './mqtt/broker.js'
export type { Reading, DeviceEvent, DisconnectReason } from './events.js'
export * as topics from './mqtt/topics.js'

export const gatewayMigrations: MigrationSource = {
  module: 'gateway',
  dir: fileURLToPath(new URL('./migrations/', import.meta.url))
}

export interface GatewayDeps {
  config: Config
  db: Database
  bus: EventBus
  logger: Logger
  metrics: MetricsRegistry
  now?: () => number
}

/**
 * The device gateway: registry, MQTT broker with per-device auth and ACL, durable ingest, presence and
 * the telemetry API. `start` opens the MQTT listener; `stop` closes it, then drains what it can.
 */
export async function createGateway (deps: GatewayDeps) {
  const { config, db, bus } = deps
  const logger = deps.logger.child({ module: 'gateway' })
  const metrics = createGatewayMetrics(deps.metrics)
  const devices = createDeviceService({ db, bus })
  const ingest = await createIngestService({
    db,
    bus,
    logger,
    metrics,
    spool: config.spool,
    batchPoints: config.ingest.batchPoints,
    limits: { maxPayloadBytes: config.telemetry.maxPayloadBytes, maxFutureMicros: config.telemetry.maxFutureSeconds * 1e6 },
    deadLetterMaxBytes: config.deadLetter.maxPayloadBytes,
    ...(deps.now === undefined ? {} : { now: deps.now })
  })
  const presence = createPresence({ repo: devices.repository, bus, logger, ...(deps.now === undefined ? {} : { now: deps.now }) })
  const broker = await createBroker({ credentials: devices.credentials, ingest, presence, bus, metrics, logger })
  const telemetry = createTelemetryService(db)
  const routes: RouteDefinition[] = [
    ...createDeviceRoutes(devices, broker),
    ...createTelemetryRoutes({ devices, telemetry, db, ...(deps.now === undefined ? {} : { now: deps.now }) })
  ]

  return {
    devices,
    ingest,
    broker,
    telemetry,
    routes,

    async start (): Promise<AddressInfo> {
      await applyTelemetryPolicies(db, config.telemetry)
      await presence.markAllOffline()
      presence.start()
      return await broker.listen(config.mqtt.port, config.mqtt.host)
    },

    async stop (): Promise<void> {
      await broker.close()
      await presence.stop()
      await ingest.close()
    }
  }
}

export type Gateway = Awaited<ReturnType<typeof createGateway>>
