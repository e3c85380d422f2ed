import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { MigrationSource } from '../core/db/migrate.js'
import type { DomainEventName } from '../core/events.js'
import type { Audience, ModuleContext, PlatformModule } from '../core/module.js'
import { createAlertRoutes } from './alerts/alert.routes.js'
import { createAlertService } from './alerts/alert.service.js'
import { createAnalyticsRoutes } from './analytics/analytics.routes.js'
import { createCatalogRoutes } from './catalog/catalog.routes.js'
import { createCatalogService } from './catalog/catalog.service.js'
import { createCodeRepository } from './codes/code.repository.js'
import { createCodeRoutes } from './codes/code.routes.js'
import { createCodeService } from './codes/code.service.js'
import { createSerialGenerator } from './codes/serial.js'
import { createContainerRoutes } from './containers/container.routes.js'
import { createContainerService } from './containers/container.service.js'
import { createEpcisRoutes, createEpcisService } from './epcis/index.js'
import { createRewardRoutes } from './rewards/reward.routes.js'
import { createRewardService } from './rewards/reward.service.js'
import { createEpcisEventSink } from './scans/event-sink.js'
import { createScanRoutes } from './scans/scan.routes.js'
import { createScanService } from './scans/scan.service.js'
import { openVerificationJournal } from './scans/verification-journal.js'
import type { CheckRules } from './scans/scan-types.js'
import './events.js'

export type { PartInstalledEvent, ProvenanceStep } from './events.js'
export type { WorkOrderCompletedEvent } from './workorder-completed-event.js'
export type { ScanOutcome, ItemOutcome } from './scans/scan-outcome.js'
export type { ScanRequest, CheckResult, CheckRules, AlertType, ScanAction } from './scans/scan-types.js'
export type { Territory, LatLng } from './catalog/territory.js'
export type { Organisation, Product, ChannelLink, OrgKind } from './catalog/catalog.repository.js'
export { DEFAULT_CHECK_RULES } from './scans/scan-types.js'
export { createOutletStock } from './catalog/dealer-stock.js'
export type { OutletStock } from './catalog/dealer-stock.js'
export { createSerialGenerator } from './codes/serial.js'
export { formatItemUri, formatSsccUri, parseCode } from './gs1/digital-link.js'
export { completeGtin, parseGtin } from './gs1/gtin.js'
export { alertSubjectOf } from './alerts/alert-code.js'

export const traceabilityMigrations: MigrationSource = {
  module: 'traceability',
  dir: fileURLToPath(new URL('./migrations/', import.meta.url))
}

const BRAND_ROOMS = ['role:brand', 'role:admin']

/** Live updates: the audit queue and issuance to brand staff; an alert also to the organisation it names. */
export const traceabilityAudiences: Partial<Record<DomainEventName, Audience>> = {
  'trace.alert_raised': (payload) => {
    const orgId = (payload as { orgId: string | null }).orgId
    return orgId === null ? BRAND_ROOMS : [...BRAND_ROOMS, `org:${orgId}`]
  },
  'trace.alert_resolved': () => BRAND_ROOMS,
  'trace.codes_issued': () => BRAND_ROOMS
}

export const VERIFY_PAGE = '/traceability/verify.html'

/**
 * Parts traceability: products, organisations and channel, code issuance and labels, cases and pallets,
 * scans with their checks (recorded as EPCIS 2.0 events), public verification, trace alerts and their
 * audit, scan rewards, analytics, and the EPCIS 2.0 interface for partners. Subscribes to
 * `workorder.completed`; publishes `part.installed`, `trace.alert_raised`, `trace.alert_resolved`,
 * `trace.codes_issued` (and EPCIS's `epcis.events_captured`).
 */
export async function createTraceability (ctx: ModuleContext, options: { rules?: CheckRules, devices?: { exists (deviceId: string): Promise<boolean> } } = {}) {
  const { config, db, bus, now } = ctx
  const logger = ctx.logger.child({ module: 'traceability' })
  const codeSecret = config.trace.codeSecret ?? await createCodeRepository(db).initSetting('trace.code_secret', randomBytes(32).toString('base64url'))
  const serials = createSerialGenerator(codeSecret)
  const resolver = config.trace.resolver

  const catalog = createCatalogService({ db, now })
  const epcis = createEpcisService({ db, bus, logger, now })
  const sink = createEpcisEventSink(epcis)
  const rewards = createRewardService({ db, catalog, now })
  const codes = createCodeService({ db, bus, catalog, serials, resolver, logger, now })
  // Embedded: consumers' passed verifications are journalled, then copied in bulk (verification-journal.ts).
  const journal = db.driver === 'embedded'
    ? (await openVerificationJournal({
        db,
        dir: path.join(config.dataDir, 'trace-journal'),
        fsync: config.database.fsync,
        onApplyFailed: (error) => { logger.error({ err: error }, 'journalled verifications could not be copied into the database; retrying') }
      })).journal
    : null
  const scans = createScanService({ db, journal, bus, logger, metrics: ctx.metrics, catalog, rewards, serials, sink, resolver, now, ...(options.rules === undefined ? {} : { rules: options.rules }), ...(options.devices === undefined ? {} : { devices: options.devices }) })
  const containers = createContainerService({ db, catalog, serials, sink, resolver, companyPrefix: config.trace.companyPrefix, now, onItemsChanged: (serials) => scans.forgetItems(serials) })
  const alerts = createAlertService({ db, bus, now })

  const unsubscribe = [
    bus.subscribe('workorder.completed', (event) => scans.handleWorkOrderCompleted(event)),
    sink.onCaptured((events, capturerOrgId) => scans.handleCapturedEvents(events, capturerOrgId))
  ]

  return {
    name: 'traceability',
    routes: [
      ...createCatalogRoutes(catalog),
      ...createCodeRoutes({ codes, catalog, batchMax: config.trace.batchMax }),
      ...createContainerRoutes(containers),
      ...createScanRoutes(scans, { verifyPage: VERIFY_PAGE }),
      ...createAlertRoutes(alerts),
      ...createRewardRoutes(rewards),
      ...createAnalyticsRoutes({ db, catalog, now, settled: () => scans.settled() }),
      ...createEpcisRoutes(epcis, { now })
    ],
    audiences: traceabilityAudiences,
    catalog,
    codes,
    scans,
    containers,
    alerts,
    rewards,
    epcis,
    serials,

    async stop (): Promise<void> {
      for (const off of unsubscribe) off()
      await scans.idle()
      await journal?.close()
    }
  } satisfies PlatformModule & Record<string, unknown>
}

export type Traceability = Awaited<ReturnType<typeof createTraceability>>
