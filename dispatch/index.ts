import { fileURLToPath } from 'node:url'
import type { MigrationSource } from '../core/db/migrate.js'
import type { ModuleContext, PlatformModule } from '../core/module.js'
import { createAccessScope } from './access.js'
import { createAlertIntake } from './alerts/alert-intake.js'
import { createDispatchRoutes } from './assignment/dispatch.routes.js'
import { createAssignmentService } from './assignment/assignment.service.js'
import { createMapService } from './assignment/map.service.js'
import { createDispatchAudiences } from './audiences.js'
import { createEngineerPool } from './engine/engineer-pool.js'
import { DEFAULT_ETA_MODEL } from './engine/geo.js'
import { DEFAULT_ROUND } from './engine/dispatch-round.js'
import { DEFAULT_WEIGHTS } from './engine/score.js'
import { createEngineerRoutes } from './engineers/engineer.routes.js'
import { createEngineerService } from './engineers/engineer.service.js'
import { createPolicyService } from './policies/policy.service.js'
import { NO_DEALER_STOCK, NO_DEVICES } from './ports.js'
import type { DealerStock, DeviceDirectory } from './ports.js'
import { createSlaMonitor } from './sla/sla-monitor.js'
import { createStationRoutes } from './stations/station.routes.js'
import { createStationService } from './stations/station.service.js'
import { createTrackingService } from './tracking/tracking.service.js'
import { createRequestLimiter, SERVICE_REQUEST_LIMITS } from './service-requests/request-limiter.js'
import { createServiceRequestRoutes } from './service-requests/service-request.routes.js'
import { createServiceRequestService } from './service-requests/service-request.service.js'
import { createOfferExpiry } from './work-orders/offer-expiry.js'
import { createWorkOrderRoutes } from './work-orders/work-order.routes.js'
import { createWorkOrderService } from './work-orders/work-order.service.js'
import './alert-event.js'
import './events.js'

export type { DealerStock, DealerStockOffer, DeviceDirectory, DirectoryDevice } from './ports.js'
export type { WorkOrder, TimelineEntry } from './work-orders/work-order.repository.js'
export type { Engineer } from './engineers/engineer.repository.js'
export type { Station } from './stations/station.repository.js'
export type { WorkOrderEvent, EngineerLocationUpdated, EngineerStatusChanged, SlaEvent } from './events.js'
export type { AlertRaised } from './alert-event.js'

export const dispatchMigrations: MigrationSource = {
  module: 'dispatch',
  dir: fileURLToPath(new URL('./migrations/', import.meta.url))
}

/** What dispatch needs from other modules; both default to "none known". */
export interface DispatchPorts {
  devices?: DeviceDirectory
  dealerStock?: DealerStock
}

/**
 * Dispatch: service stations, engineers, work orders and their state machine, the assignment engine
 * (hard rules, scoring, candidate search over a live spatial index, batch optimisation), auto-
 * dispatch, SLA timers, proactive orders from `alert.raised`, and public tracking.
 * `start` loads policies and every engineer into the in-memory pool, subscribes to alerts, re-arms
 * the SLA checker from the stored deadlines, and retries queued auto-dispatch orders periodically.
 */
export async function createDispatch (ctx: ModuleContext, ports: DispatchPorts = {}) {
  const { db, bus, now, config } = ctx
  const logger = ctx.logger.child({ module: 'dispatch' })
  const pool = createEngineerPool()
  const scope = createAccessScope(db)
  const stations = createStationService({ db, now })
  const policies = createPolicyService(db)
  const engineers = createEngineerService({ db, bus, pool, stations: stations.repository, scope, now })
  const devices = ports.devices ?? NO_DEVICES
  const workOrders = createWorkOrderService({
    db, bus, pool, scope, stations: stations.repository, now,
    intake: { devices, slaPolicies: policies.sla, autoDispatch: policies.autoDispatch, now }
  })
  const settings = { defaultMaxDistanceKm: config.dispatch.maxDistanceKm, dealerRadiusKm: config.dispatch.dealerRadiusKm, weights: DEFAULT_WEIGHTS, etaModel: DEFAULT_ETA_MODEL, round: DEFAULT_ROUND }
  const assignment = createAssignmentService({ pool, workOrders, dealerStock: ports.dealerStock ?? NO_DEALER_STOCK, scope, settings, logger, now })
  workOrders.setAssignmentCheck(assignment.checkAssignment)
  workOrders.setAutoDispatcher(assignment.autoDispatch)
  const sla = createSlaMonitor({
    repo: workOrders.repository, bus, pool, logger, now, etaModel: DEFAULT_ETA_MODEL,
    atRiskRatio: config.dispatch.slaAtRiskRatio, intervalSeconds: config.dispatch.slaCheckIntervalSeconds
  })
  const offers = createOfferExpiry({
    repo: workOrders.repository, expireOffer: workOrders.expireOffer, logger, now,
    timeoutMinutes: config.dispatch.offerTimeoutMinutes, intervalSeconds: config.dispatch.slaCheckIntervalSeconds
  })
  const alerts = createAlertIntake({ bus, workOrders, logger })
  const tracking = createTrackingService({ repo: workOrders.repository, pool, etaModel: DEFAULT_ETA_MODEL, now })
  const serviceRequests = createServiceRequestService({ workOrders, devices, limiter: createRequestLimiter({ ...SERVICE_REQUEST_LIMITS, now }) })
  const map = createMapService({ pool, stations: stations.repository, workOrders: workOrders.repository, scope })
  let retryTimer: NodeJS.Timeout | null = null
  let retrying: Promise<void> | null = null

  const retryQueued = async (): Promise<void> => {
    await engineers.refreshWorkload()
    await assignment.dispatchQueued()
  }

  return {
    name: 'dispatch',
    routes: [
      ...createStationRoutes(stations, engineers.rosterOf),
      ...createEngineerRoutes(engineers),
      ...createWorkOrderRoutes({ workOrders, assignment, tracking, offerTimeoutMinutes: config.dispatch.offerTimeoutMinutes }),
      ...createServiceRequestRoutes(serviceRequests),
      ...createDispatchRoutes({ assignment, policies, map })
    ],
    audiences: createDispatchAudiences(stations.orgOf, tracking.toPublicEvent, pool.stationOf),
    pool,
    stations,
    engineers,
    workOrders,
    assignment,
    policies,
    sla,
    offers,
    alerts,
    tracking,
    serviceRequests,

    /** socket.io rooms an anonymous client may join: `?track=<token>` → the order's tracking room. */
    publicRooms: async (query: Record<string, unknown>): Promise<string[]> => await tracking.roomsFor(query.track),

    async start (): Promise<void> {
      await policies.load()
      await stations.load()
      const loaded = await engineers.loadPool()
      alerts.start()
      await sla.start()
      await offers.start()
      await assignment.dispatchQueued()
      retryTimer = setInterval(() => {
        retrying ??= retryQueued()
          .catch((error: unknown) => logger.warn({ err: error }, 'auto-dispatch retry failed'))
          .finally(() => { retrying = null })
      }, config.dispatch.autoRetrySeconds * 1000)
      retryTimer.unref()
      logger.info({ engineers: loaded }, 'dispatch started')
    },

    async stop (): Promise<void> {
      if (retryTimer !== null) clearInterval(retryTimer)
      retryTimer = null
      alerts.stop()
      await sla.stop()
      await offers.stop()
      await retrying
    }
  } satisfies PlatformModule & Record<string, unknown>
}

export type Dispatch = Awaited<ReturnType<typeof createDispatch>>
