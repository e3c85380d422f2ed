import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import type { MigrationSource } from '../../core/db/migrate.js'
import type { DomainEventName } from '../../core/events.js'
import type { Audience, ModuleContext } from '../../core/module.js'
import type { DeviceService } from '../devices/device.service.js'
import type { IngestService } from '../ingest/ingest.service.js'
import { createAlertRoutes } from './alerts/alert.routes.js'
import { createAlertService } from './alerts/alert.service.js'
import { createDetectionPipeline } from './detection/pipeline.js'
import { loadRulModels } from './detection/rul-models.js'
import type { RulModelCatalog } from './detection/rul-port.js'
import { createDeviceModelRoutes } from './device-models/device-model.routes.js'
import { createDeviceModelService } from './device-models/device-model.service.js'
import { createFaultCodeRoutes } from './fault-codes/fault-code.routes.js'
import { createInsightMetrics } from './insight.metrics.js'
import { createProfileRoutes } from './profile/profile.routes.js'
import type { HealthJson } from './profile/profile.routes.js'
import { createProfileService } from './profile/profile.service.js'
import { createDeviceDirectory } from './state/device-directory.js'
import { createDeviceStateRepository } from './state/device-state.repository.js'
import { createInsightWriter } from './state/insight-writer.js'
import { restoreDetection } from './state/restore-detection.js'
import './events.js'

export type { Alert, AlertStatus } from './alerts/alert.js'
export type { AlertKind, AlertRaisedEvent, AlertAcknowledgedEvent, AlertClearedEvent } from './events.js'
export type { DeviceModel, DeviceModelDefinition, Rule, FaultCode } from './device-models/device-model.js'
export type { PartInstalledEvent } from './part-installed-event.js'
export type { WorkOrderCompletedEvent } from './workorder-completed-event.js'

export const insightMigrations: MigrationSource = {
  module: 'insight',
  dir: fileURLToPath(new URL('./migrations/', import.meta.url))
}

const FIELD_STAFF = ['role:admin', 'role:supervisor', 'role:agent', 'role:engineer']

/** Alerts and health go live to the console and engineers' phones; model changes to admins. */
export const insightAudiences: Partial<Record<DomainEventName, Audience>> = {
  'alert.raised': () => FIELD_STAFF,
  'alert.acknowledged': () => FIELD_STAFF,
  'alert.cleared': () => FIELD_STAFF,
  'device.health_updated': () => FIELD_STAFF,
  'device_model.updated': () => ['role:admin'],
  'device_model.deleted': () => ['role:admin']
}

/** Missing-data rules are checked this often (simulations call `pipeline.tick` themselves). */
const TICK_MS = 15_000

export interface InsightDeps {
  ctx: ModuleContext
  devices: DeviceService
  ingest: IngestService
  /** RUL artefacts; default: the ones shipped in gateway/insight/models/. */
  rulModels?: RulModelCatalog
}

/**
 * Device insight, part of the gateway: device models and their rules, streaming detection on every
 * accepted reading (hooked synchronously into ingest), alerts with their lifecycle, health and remaining
 * useful life, the fault-code lookup and the device 360° record. `start` restores detection state (and
 * replays telemetry stored after the last checkpoint) before the broker opens; `stop` checkpoints.
 */
export async function createInsight (deps: InsightDeps) {
  const { config, db, bus, now } = deps.ctx
  const logger = deps.ctx.logger.child({ module: 'insight' })
  const enabled = config.detection.enabled
  const rul = deps.rulModels ?? loadRulModels()
  const directory = createDeviceDirectory(db)
  const states = createDeviceStateRepository(db)
  const metrics = createInsightMetrics(deps.ctx.metrics)

  // The writer needs the pipeline's snapshots and the alert book needs the writer: tie the knot lazily.
  let writer: ReturnType<typeof createInsightWriter> | null = null
  const alerts = createAlertService({
    db, bus, now, newId: randomUUID,
    persist: (alert) => {
      metrics.alertChanges.inc({ kind: alert.kind, status: alert.status })
      writer?.enqueueAlert(alert)
    },
    flushed: async () => { await writer?.flush() }
  })
  const pipeline = createDetectionPipeline({
    now,
    directory,
    sink: alerts.book.sink(),
    onHealth: (deviceId, health) => bus.publish('device.health_updated', { deviceId, healthIndex: health.healthIndex, rul: health.rul, updatedAt: new Date(health.updatedAt) })
  })
  metrics.sources.readings = () => pipeline.counters.readings
  metrics.sources.openAlerts = () => alerts.book.size
  writer = createInsightWriter({
    db, logger,
    snapshot: (deviceId) => {
      const state = pipeline.stateOf(deviceId)
      return state === undefined ? null : { deviceId, state: state.snapshot(), lastReadingUs: state.lastTs }
    }
  })
  const models = createDeviceModelService({
    db, bus, rul,
    onCompiled: (model) => pipeline.setModel(model),
    onRemoved: (modelId) => pipeline.removeModel(modelId)
  })
  const profile = createProfileService({ db, devices: deps.devices, now })

  const health = async (deviceId: string): Promise<HealthJson> => {
    const live = pipeline.health(deviceId)
    if (live !== null) return { healthIndex: live.healthIndex, rul: live.rul, updatedAt: new Date(live.updatedAt).toISOString() }
    const stored = await states.health(deviceId)
    return { healthIndex: stored?.healthIndex ?? null, rul: stored?.rul ?? null, updatedAt: stored?.updatedAt?.toISOString() ?? null }
  }

  const cleanups: Array<() => void> = []
  const onReadings = (deviceId: string, readings: Parameters<typeof pipeline.onReadings>[1]): void => pipeline.onReadings(deviceId, readings)

  return {
    name: 'insight',
    routes: [
      ...createDeviceModelRoutes(models),
      ...createAlertRoutes(alerts),
      ...createFaultCodeRoutes(models),
      ...createProfileRoutes({ devices: deps.devices, profile, models, alerts, health })
    ],
    audiences: insightAudiences,
    models,
    alerts,
    profile,
    pipeline,
    health,
    /** Resolves when every queued alert change and checkpoint is in the database. */
    flush: async (): Promise<void> => { await writer?.flush() },

    async start (): Promise<void> {
      await directory.load()
      await models.load()
      await alerts.load()
      // Whatever traceability and dispatch report is recorded whether or not detection runs.
      cleanups.push(bus.subscribe('part.installed', (event) => profile.recordPartInstalled(event)))
      cleanups.push(bus.subscribe('workorder.completed', (event) => profile.recordWorkOrderCompleted(event)))
      cleanups.push(bus.subscribe('device.created', (event) => {
        directory.set(event.deviceId, { model: event.model, location: event.location })
        pipeline.deviceChanged(event.deviceId)
      }))
      cleanups.push(bus.subscribe('device.updated', async (event) => {
        await directory.refresh(event.deviceId)
        pipeline.deviceChanged(event.deviceId)
      }))
      if (!enabled) {
        logger.info('insight: detection is disabled (DETECTION_ENABLED=false)')
        return
      }
      // Spooled readings from before a crash must be in the database before the replay reads them.
      await deps.ingest.drained()
      const restored = await restoreDetection({ pipeline, states, logger, now })
      if (restored.devices > 0) logger.info(restored, 'insight: detection state restored')
      cleanups.push(deps.ingest.addReadingsListener(onReadings))
      cleanups.push(bus.subscribe('device.event_received', (event) => pipeline.onDeviceEvent(event)))
      const tick = setInterval(() => pipeline.tick(now()), TICK_MS)
      const checkpoint = setInterval(() => writer?.enqueueStates(pipeline.takeDirty()), config.detection.checkpointSeconds * 1000)
      tick.unref()
      checkpoint.unref()
      cleanups.push(() => clearInterval(tick), () => clearInterval(checkpoint))
    },

    async stop (): Promise<void> {
      for (const cleanup of cleanups.splice(0).reverse()) cleanup()
      if (enabled) writer?.enqueueStates(pipeline.takeDirty())
      await writer?.close()
    }
  }
}

export type Insight = Awaited<ReturnType<typeof createInsight>>
