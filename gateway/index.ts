import { fileURLToPath } from 'node:url'
import type { AddressInfo } from 'node:net'
import type { MigrationSource } from '../core/db/migrate.js'
import type { Audience, ModuleContext, PlatformModule } from '../core/module.js'
import type { DomainEventName } from '../core/events.js'
import { createDeviceRoutes } from './devices/device.routes.js'
import { createDeviceService } from './devices/device.service.js'
import { createInsight, insightAudiences } from './insight/index.js'
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
export { insightMigrations } from './insight/index.js'
export type { Insight, Alert, AlertKind, AlertRaisedEvent, DeviceModel, PartInstalledEvent, WorkOrderCompletedEvent } from './insight/index.js'

const FIELD_STAFF = ['role:admin', 'role:supervisor', 'role:agent', 'role:engineer']

/** Live updates for the console: device lifecycle and presence to field staff, rejections to admins. */
export const gatewayAudiences: Partial<Record<DomainEventName, Audience>> = {
  'device.created': () => FIELD_STAFF,
  'device.updated': () => FIELD_STAFF,
  'device.disabled': () => FIELD_STAFF,
  'device.enabled': () => FIELD_STAFF,
  'device.connected': () => FIELD_STAFF,
  'device.disconnected': () => FIELD_STAFF,
  'device.event_received': () => FIELD_STAFF,
  'payload.rejected': () => ['role:admin']
}

export const gatewayMigrations: MigrationSource = {
  module: 'gateway',
  dir: fileURLToPath(new URL('./migrations/', import.meta.url))
}

/**
 * The device gateway: registry, MQTT broker with per-device auth and ACL, durable ingest, presence and
 * the telemetry API. `start` opens the MQTT listener on MQTT_HOST:MQTT_PORT; `stop` closes it and
 * stops the drainer (what is not yet in the database stays in the spool for the next start).
 */
export async function createGateway (ctx: ModuleContext) {
  const { config, db, bus, now } = ctx
  const logger = ctx.logger.child({ module: 'gateway' })
  const metrics = createGatewayMetrics(ctx.metrics)
  const devices = createDeviceService({ db, bus })
  const ingest = await createIngestService({
    db,
    bus,
    logger,
    metrics,
    spool: config.spool,
    batchPoints: config.ingest.batchPoints,
    maxLagMs: config.ingest.maxLagMs,
    limits: {
      maxPayloadBytes: config.telemetry.maxPayloadBytes,
      maxFutureMicros: config.telemetry.maxFutureSeconds * 1e6,
      maxAgeMicros: config.telemetry.retentionDays * 86_400e6
    },
    deadLetterMaxBytes: config.deadLetter.maxPayloadBytes,
    now
  })
  const presence = createPresence({ repo: devices.repository, bus, logger, now })
  const broker = await createBroker({ credentials: devices.credentials, ingest, presence, bus, metrics, logger, maxPacketBytes: config.mqtt.maxPacketBytes })
  const telemetry = createTelemetryService(db)
  const insight = await createInsight({ ctx, devices, ingest })
  let address: AddressInfo | null = null

  return {
    name: 'gateway',
    routes: [
      ...createDeviceRoutes(devices, broker),
      ...createTelemetryRoutes({ devices, telemetry, db, now }),
      ...insight.routes
    ],
    audiences: { ...gatewayAudiences, ...insightAudiences },
    devices,
    ingest,
    broker,
    telemetry,
    /** Device insight: models, detection, alerts, health, device 360°. */
    insight,

    /** Where the MQTT listener is bound, once started. */
    get mqttAddress (): AddressInfo | null { return address },

    async start (): Promise<void> {
      await applyTelemetryPolicies(db, config.telemetry)
      await presence.markAllOffline()
      presence.start()
      // Detection state is restored before devices can connect, so no reading overtakes the replay.
      await insight.start()
      address = await broker.listen(config.mqtt.port, config.mqtt.host)
    },

    async stop (): Promise<void> {
      await broker.close()
      await insight.stop()
      await presence.stop()
      await ingest.close()
    }
  } satisfies PlatformModule & Record<string, unknown>
}

export type Gateway = Awaited<ReturnType<typeof createGateway>>
