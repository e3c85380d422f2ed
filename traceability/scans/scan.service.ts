import { randomUUID } from 'node:crypto'
import { Counter, Histogram } from 'prom-client'
import type { Principal } from '../../core/auth/roles.js'
import { createGroupCommit } from '../../core/db/group-commit.js'
import type { Database } from '../../core/db/database.js'
import type { EventBus } from '../../core/event-bus.js'
import type { Logger } from '../../core/logger.js'
import type { MetricsRegistry } from '../../core/metrics.js'
import { createAlertRepository } from '../alerts/alert.repository.js'
import type { CatalogService } from '../catalog/catalog.service.js'
import type { LatLng } from '../catalog/territory.js'
import type { SerialGenerator } from '../codes/serial.js'
import { TRC_CODE_INVALID, TRC_CODE_NOT_FOUND, TRC_ORG_NOT_FOUND, TRC_SCAN_ACTION_FORBIDDEN, TRC_SCAN_DEVICE_NOT_FOUND, TRC_SCAN_FIELD_REQUIRED, TRC_SCAN_ORG_FORBIDDEN, TRC_SCAN_TIME_INVALID } from '../errors.js'
import type { PartInstalledEvent, ProvenanceStep } from '../events.js'
import { formatItemUri, parseCode } from '../gs1/digital-link.js'
import type { RewardService } from '../rewards/reward.service.js'
import type { WorkOrderCompletedEvent } from '../workorder-completed-event.js'
import type { EpcisEvent, EpcisEventSink } from './event-sink.js'
import { BIZ_STEP_OF, isOwnCode, scansOfCapturedEvent, ssccsOf } from './epcis-mapping.js'
import { processScanBatch } from './scan-batch.js'
import { movedTheItem } from './scan-pipeline.js'
import type { BatchResult, InstalledPart } from './scan-batch.js'
import { createScanWriter } from './scan-writer.js'
import type { ScanOutcome } from './scan-outcome.js'
import { createScanHistoryRepository, createScanRepository } from './scan.repository.js'
import { DEFAULT_CHECK_RULES } from './scan-types.js'
import type { ActorRole, CheckRules, ScanAction, ScanRequest } from './scan-types.js'
import { stableUuid } from './stable-id.js'
import { createItemCache } from './item-cache.js'
import type { VerificationJournal } from './verification-journal.js'

export interface ScanInput {
  scanId?: string | undefined
  code: string
  action: ScanAction
  orgId?: string | null | undefined
  toOrgId?: string | null | undefined
  deviceId?: string | null | undefined
  workOrderId?: string | null | undefined
  location?: LatLng | null | undefined
  at?: string | undefined
}

/** Which roles may perform which scan actions (admin: all). Consumers verify through the public route. */
const ACTIONS_OF_ROLE: Readonly<Partial<Record<Principal['role'], readonly ScanAction[]>>> = {
  org_staff: ['ship', 'receive', 'sell', 'verify'],
  engineer: ['install', 'verify'],
  brand: ['verify'],
  admin: ['ship', 'receive', 'sell', 'install', 'verify']
}

const MAX_CLOCK_SKEW_MS = 5 * 60_000
const MAX_BATCH = 256
/** Items kept in memory between batches on the embedded engine (a few hundred bytes each). */
const ITEM_CACHE_SIZE = 200_000

export interface ScanServiceDeps {
  db: Database
  /** The embedded engine's verification journal (verification-journal.ts); null on the server. */
  journal: VerificationJournal | null
  bus: EventBus
  logger: Logger
  metrics: MetricsRegistry
  catalog: CatalogService
  rewards: RewardService
  serials: SerialGenerator
  sink: EpcisEventSink
  resolver: string
  now: () => number
  rules?: CheckRules
  /** The machine registry (the gateway's): install scans must name a registered machine. */
  devices?: { exists (deviceId: string): Promise<boolean> }
}

/** How far ahead of the server's clock a scan's time may be. */
const CAPTURED_SKEW_MS = 5 * 60_000

/**
 * Scans from every door (API, public verification, EPCIS capture, completed work orders) go through one
 * group-committed queue: concurrent scans share a transaction, each is answered after its commit.
 */
export function createScanService (deps: ScanServiceDeps) {
  const scans = createScanRepository()
  const history = createScanHistoryRepository(deps.db)
  const alerts = createAlertRepository()
  const cache = deps.db.driver === 'embedded' ? createItemCache(ITEM_CACHE_SIZE) : null
  const registers = [deps.metrics]
  const scanCounter = new Counter({ name: 'afterline_trace_scans_total', help: 'item scans checked and recorded, by action and result', labelNames: ['action', 'result'] as const, registers })
  const batchSize = new Histogram({ name: 'afterline_trace_scan_batch_size', help: 'scan requests per group-committed transaction', buckets: [1, 2, 5, 10, 20, 50, 100, 200], registers })
  const batchSeconds = new Histogram({ name: 'afterline_trace_scan_batch_seconds', help: 'time to check and commit one scan batch', buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1], registers })

  const publishAfterCommit = async (raised: BatchResult): Promise<void> => {
    for (const alert of raised.alertsRaised) {
      deps.bus.publish('trace.alert_raised', { alertId: alert.id, type: alert.type, code: alert.code, serial: alert.serial, gtin: alert.gtin, orgId: alert.orgId, reason: alert.reason })
    }
    for (const part of raised.installed) deps.bus.publish('part.installed', await toInstalledEvent(part))
  }

  const batchDeps = {
    db: deps.db, cache, journal: deps.journal, scans, alerts, sink: deps.sink,
    hasValidTag: deps.serials.hasValidTag, resolver: deps.resolver, rules: deps.rules ?? DEFAULT_CHECK_RULES, now: deps.now
  }
  const context = async () => {
    const catalog = await deps.catalog.snapshot()
    return { catalog, rewardRules: await deps.rewards.rules(catalog.version) }
  }
  const countOutcomes = (requests: readonly ScanRequest[], result: BatchResult): void => {
    result.outcomes.forEach((outcome, i) => {
      if (outcome instanceof Error || outcome.replayed) return
      for (const item of outcome.items) scanCounter.inc({ action: requests[i]?.action ?? 'verify', result: item.result })
    })
  }

  // Embedded: requests are checked while earlier ones are being written (scan-writer.ts). Server: one
  // transaction with row locks per batch, as another process may scan the same items.
  const writer = cache !== null
    ? createScanWriter({
      batch: batchDeps,
      cache,
      maxBatch: MAX_BATCH,
      context,
      async onCommitted (requests, result, seconds) {
        batchSize.observe(requests.length)
        batchSeconds.observe(seconds)
        countOutcomes(requests, result)
        // The scans are recorded: a failure to announce them must not fail (and so repeat) them.
        await publishAfterCommit(result).catch((error: unknown) => { deps.logger.error({ err: error }, 'scan batch events could not be published') })
      }
    })
    : createGroupCommit<ScanRequest, ScanOutcome | Error>({
      maxBatch: MAX_BATCH,
      isolateFailures: true,
      onBatch: (size, seconds) => { batchSize.observe(size); batchSeconds.observe(seconds) },
      async write (requests) {
        const { catalog, rewardRules } = await context()
        const result = await processScanBatch(batchDeps, requests, catalog, rewardRules)
        countOutcomes(requests, result)
        // Committed: a failure to announce the batch must not fail it (the group commit would then
        // write its requests again, one by one).
        await publishAfterCommit(result).catch((error: unknown) => { deps.logger.error({ err: error }, 'scan batch events could not be published') })
        return result.outcomes
      }
    })

  async function submit (request: ScanRequest): Promise<ScanOutcome> {
    const outcome = await writer.submit(request)
    if (outcome instanceof Error) throw outcome
    return outcome
  }

  async function provenanceOf (serial: string): Promise<ProvenanceStep[]> {
    const issued = await history.issuedItem(serial)
    const steps: ProvenanceStep[] = []
    // Only the scans that moved the item: a copy's scans (clone findings) are not hand-overs of the part.
    const records = (await history.itemHistory(serial)).filter(movedTheItem)
    const catalog = await deps.catalog.snapshot()
    const firstShip = records.find((r) => r.action === 'ship')
    const factory = firstShip?.orgId !== null && firstShip?.orgId !== undefined && catalog.org(firstShip.orgId)?.kind === 'factory' ? firstShip.orgId : null
    if (issued?.issuedAt != null) {
      steps.push({ bizStep: 'commissioning', orgId: factory, at: issued.issuedAt, location: factory === null ? null : catalog.org(factory)?.location ?? null })
    }
    for (const record of records) {
      if (record.action === 'verify') continue
      steps.push({ bizStep: BIZ_STEP_OF[record.action], orgId: record.orgId, at: record.at, location: record.location })
    }
    return steps
  }

  async function toInstalledEvent (part: InstalledPart): Promise<PartInstalledEvent> {
    return { ...part, provenance: await provenanceOf(part.serial) }
  }

  /**
   * Why a scan a captured event stands for is not checked and recorded as one (the event itself stays
   * stored), or null. The same rules as POST /api/scans: organisation staff act for their own
   * organisation only; ship, receive and sell need an organisation, install a registered machine; a
   * scan may not lie in the future.
   */
  const capturedScanRefusal = async (request: ScanRequest, capturerOrgId: string | null, registered: (deviceId: string) => Promise<boolean>): Promise<string | null> => {
    if (capturerOrgId !== null && request.orgId !== capturerOrgId) return `the event names organisation ${request.orgId ?? '(none)'}, not the capturer's ${capturerOrgId}`
    if (request.action !== 'install' && request.action !== 'verify' && request.orgId === null) return `a ${request.action} event must name an organisation of the channel`
    if (request.action === 'install') {
      if (request.deviceId === null) return 'an installing event must name the machine (parentID)'
      if (!await registered(request.deviceId)) return `machine ${request.deviceId} is not registered`
    }
    if (request.at.getTime() > deps.now() + CAPTURED_SKEW_MS) return `eventTime ${request.at.toISOString()} lies in the future`
    return null
  }

  const requireOrg = async (orgId: string, field: string): Promise<void> => {
    if ((await deps.catalog.snapshot()).org(orgId) === undefined) throw new TRC_ORG_NOT_FOUND(orgId).withDetails({ field })
  }

  const service = {
    submit,

    /** POST /api/scans: who may do what, the fields each action needs, then the pipeline. */
    async scan (input: ScanInput, principal: Principal): Promise<ScanOutcome> {
      const allowed = ACTIONS_OF_ROLE[principal.role] ?? []
      if (!allowed.includes(input.action)) throw new TRC_SCAN_ACTION_FORBIDDEN(principal.role, input.action).withDetails({ field: 'body.action' })
      let orgId = input.orgId ?? null
      if (principal.role === 'org_staff') {
        if (orgId !== null && orgId !== principal.orgId) throw new TRC_SCAN_ORG_FORBIDDEN(orgId).withDetails({ field: 'body.orgId' })
        orgId = principal.orgId
      }
      const toOrgId = input.toOrgId ?? null
      const deviceId = input.deviceId ?? null
      if (input.action === 'ship' && toOrgId === null) throw new TRC_SCAN_FIELD_REQUIRED('ship', 'toOrgId').withDetails({ field: 'body.toOrgId' })
      if (input.action !== 'install' && input.action !== 'verify' && orgId === null) throw new TRC_SCAN_FIELD_REQUIRED(input.action, 'orgId').withDetails({ field: 'body.orgId' })
      if (input.action === 'install' && deviceId === null) throw new TRC_SCAN_FIELD_REQUIRED('install', 'deviceId').withDetails({ field: 'body.deviceId' })
      if (deviceId !== null && input.action === 'install' && deps.devices !== undefined && !await deps.devices.exists(deviceId)) {
        throw new TRC_SCAN_DEVICE_NOT_FOUND(deviceId).withDetails({ field: 'body.deviceId' })
      }
      if (orgId !== null) await requireOrg(orgId, 'body.orgId')
      if (toOrgId !== null) await requireOrg(toOrgId, 'body.toOrgId')
      const at = input.at === undefined ? new Date(deps.now()) : new Date(input.at)
      if (at.getTime() > deps.now() + MAX_CLOCK_SKEW_MS) throw new TRC_SCAN_TIME_INVALID(at.toISOString()).withDetails({ field: 'body.at' })
      return await submit({
        // Stored as uuid (lower case): a retry spelling it in upper case is the same scan.
        requestId: input.scanId?.toLowerCase() ?? randomUUID(),
        code: input.code,
        action: input.action,
        orgId,
        toOrgId: input.action === 'ship' ? toOrgId : null,
        deviceId: input.action === 'install' ? deviceId : null,
        workOrderId: input.workOrderId ?? null,
        location: input.location ?? null,
        at,
        actorRole: principal.role as ActorRole,
        actorUserId: principal.userId,
        consumerId: null,
        source: 'api',
        eventId: null
      })
    },

    /** Public verification by a consumer: recorded like every scan, answered with what a buyer wants to know. */
    async verify (code: string, options: { location: LatLng | null, consumerId: string | null, at?: Date }): Promise<ScanOutcome> {
      // A case's or pallet's code would reveal (and credit a first verification of) every part inside.
      const parsed = parseCode(code)
      if (parsed.ok && parsed.code.kind === 'sscc') {
        throw new TRC_CODE_INVALID('an SSCC names a case or pallet; verify the code on the part itself').withDetails({ field: 'query.code' })
      }
      return await submit({
        requestId: randomUUID(), code, action: 'verify', orgId: null, toOrgId: null, deviceId: null, workOrderId: null,
        location: options.location, at: options.at ?? new Date(deps.now()), actorRole: 'consumer', actorUserId: null,
        consumerId: options.consumerId, source: 'verify', eventId: null
      })
    },

    /** GET /api/parts/{code}/provenance: the item, where it is, and every hand-over. */
    async provenance (code: string) {
      const parsed = parseCode(code)
      if (!parsed.ok || parsed.code.kind !== 'item') throw new TRC_CODE_INVALID(parsed.ok ? 'an SSCC names a case or pallet' : parsed.reason).withDetails({ field: 'params.code' })
      const { serial, gtin, lot } = parsed.code
      const issued = await history.issuedItem(serial)
      // A code naming a lot must name the item's own lot.
      if (issued === null || issued.gtin !== gtin || issued.status !== 'issued' || (lot !== null && lot !== issued.lot)) throw new TRC_CODE_NOT_FOUND(code).withDetails({ field: 'params.code' })
      const state = await history.itemState(serial)
      const product = (await deps.catalog.snapshot()).product(gtin) ?? null
      return {
        code: formatItemUri(deps.resolver, gtin, issued.lot, serial),
        gtin, serial, lot: issued.lot, product,
        status: state?.status ?? 'issued',
        deviceId: state?.deviceId ?? null,
        holderOrgId: state?.holderOrgId ?? null,
        provenance: await provenanceOf(serial)
      }
    },

    /** Parts listed on a completed work order and not scanned at fitting count as install scans by its engineer. */
    async handleWorkOrderCompleted (event: WorkOrderCompletedEvent): Promise<void> {
      // A work order without a machine has nothing to fit parts to.
      if (typeof event.deviceId !== 'string' || event.deviceId === '') return
      for (const code of event.partsUsed) {
        const parsed = parseCode(code)
        if (parsed.ok && parsed.code.kind === 'item' && await history.installedOn(parsed.code.serial) === event.deviceId) continue
        const outcome = await submit({
          requestId: stableUuid(`workorder:${event.workOrderId}:${code}`), code, action: 'install', orgId: null, toOrgId: null,
          deviceId: event.deviceId, workOrderId: event.workOrderId, location: null, at: new Date(event.completedAt),
          actorRole: 'engineer', actorUserId: event.engineerId, consumerId: null, source: 'workorder', eventId: null
        })
        if (outcome.result !== 'ok') deps.logger.warn({ workOrderId: event.workOrderId, code, result: outcome.result }, 'part on a completed work order failed its checks')
      }
    },

    /**
     * Events stored through POST /epcis/capture go through the same checks as POST /api/scans, for the
     * codes that are ours (see isOwnCode); other brands' goods stay plain EPCIS events.
     */
    async handleCapturedEvents (events: readonly EpcisEvent[], capturerOrgId: string | null = null): Promise<void> {
      const catalog = await deps.catalog.snapshot()
      const candidates: ScanRequest[] = []
      // One look-up per machine, however many parts an event fits to it.
      const machines = new Map<string, Promise<boolean>>()
      const registered = async (deviceId: string): Promise<boolean> => {
        let known = machines.get(deviceId)
        if (known === undefined) machines.set(deviceId, known = deps.devices?.exists(deviceId) ?? Promise.resolve(true))
        return await known
      }
      for (const scan of events.flatMap((event) => scansOfCapturedEvent(event, catalog))) {
        // An event naming no organisation, captured by organisation staff, is taken as theirs.
        const request = capturerOrgId !== null && scan.orgId === null ? { ...scan, orgId: capturerOrgId } : scan
        const refusal = await capturedScanRefusal(request, capturerOrgId, registered)
        if (refusal === null) candidates.push(request)
        else deps.logger.warn({ eventId: request.eventId, code: request.code, capturerOrgId, reason: refusal }, 'captured EPCIS event stored, but not counted as a scan')
      }
      const containers = await scans.existingContainers(deps.db, ssccsOf(candidates.map((r) => r.code)))
      const requests = candidates.filter((r) => isOwnCode(r.code, catalog, containers))
      const settled = await Promise.allSettled(requests.map((request) => submit(request)))
      for (const [i, s] of settled.entries()) {
        if (s.status === 'rejected') deps.logger.error({ err: s.reason, eventId: requests[i]?.eventId }, 'captured EPCIS event could not be checked')
      }
    },

    /** Packing changed these items outside the scan batches: read them again next time. */
    forgetItems (serials: Iterable<string>): void {
      cache?.forget(serials)
    },

    /** Every scan submitted so far is answered, and in the tables reports read (the journal copied). */
    async idle (): Promise<void> {
      await writer.idle()
      await service.settled()
    },

    /** Every answered scan is in the tables reports read (the journal copied): call before reading them. */
    async settled (): Promise<void> {
      await deps.journal?.applied()
    }
  }
  return service
}

export type ScanService = ReturnType<typeof createScanService>
