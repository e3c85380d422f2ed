import { randomUUID } from 'node:crypto'
import { createTimeOrderedId } from './time-ordered-id.js'
import type { Database, Queryable, Transaction } from '../../core/db/database.js'
import type { AlertRepository, AlertUpsert, TraceAlert } from '../alerts/alert.repository.js'
import type { CatalogSnapshot } from '../catalog/catalog-snapshot.js'
import type { OrgKind } from '../catalog/catalog.repository.js'
import type { LatLng } from '../catalog/territory.js'
import { alertSubjectOf } from '../alerts/alert-code.js'
import { TRC_SCAN_ID_REUSED } from '../errors.js'
import { formatItemUri, formatSsccUri, parseCode } from '../gs1/digital-link.js'
import type { LedgerRecord } from '../rewards/reward.repository.js'
import { pickRule, splitReward } from '../rewards/reward-split.js'
import type { RewardRule, RewardTrigger } from '../rewards/reward-split.js'
import type { AttributedEvent, EpcisEventSink } from './event-sink.js'
import { eventIdOf, toEpcisEvent } from './epcis-mapping.js'
import { applyScan, isPassedConsumerVerification, runChecks } from './scan-pipeline.js'
import { isEmptyBatch } from './scan.repository.js'
import type { LoadedItem, ScanBatchRows, ScanRecord, ScanRepository, VerificationRecord } from './scan.repository.js'
import type { ItemCache } from './item-cache.js'
import type { VerificationJournal } from './verification-journal.js'
import { outcomeFromRecords, summariseContainer, worstResult } from './scan-outcome.js'
import type { ItemOutcome, ScanOutcome } from './scan-outcome.js'
import { createInitialState } from './scan-types.js'
import type { CheckInput, CheckRules, ItemState, ScanRequest } from './scan-types.js'

/** A part that became fitted in this batch: announced on the bus after the commit. */
export interface InstalledPart {
  serial: string
  gtin: string
  lot: string | null
  code: string
  deviceId: string
  installedAt: Date
  installedBy: string
  workOrderId: string | null
}

export interface BatchResult {
  outcomes: Array<ScanOutcome | Error>
  alertsRaised: TraceAlert[]
  installed: InstalledPart[]
}

export interface ScanBatchDeps {
  db: Database
  /** Items known from earlier batches (embedded engine only); null = always read them. */
  cache: ItemCache | null
  /**
   * Where narrow verification rows go on the embedded engine (verification-journal.ts); null = into
   * trace_verifications with the rest of the batch (server).
   */
  journal: VerificationJournal | null
  scans: ScanRepository
  alerts: AlertRepository
  sink: EpcisEventSink
  hasValidTag: (gtin: string, serial: string) => boolean
  resolver: string
  rules: CheckRules
  now: () => number
}

const MAX_CODE_CHARS = 512
// Wall-clock milliseconds order the ids; the injected clock (simulated time) need not move forward.
const nextScanId = createTimeOrderedId()

/**
 * One group-committed batch of scan requests, in one transaction: load the items (and what cases hold),
 * run each request's checks in arrival order against the state left by the ones before, then write
 * scans, states, alerts, rewards and EPCIS events together.
 */
export async function processScanBatch (deps: ScanBatchDeps, requests: readonly ScanRequest[], catalog: CatalogSnapshot, rewardRules: readonly RewardRule[]): Promise<BatchResult> {
  if (deps.db.driver === 'server') {
    // Another process may scan the same items: read them under row locks, write in the same transaction.
    return await deps.db.transaction(async (tx) => await writePlan(deps, tx, await evaluateBatch(deps, tx, true, requests, catalog, rewardRules)))
  }
  const plan = await planScanBatch(deps, requests, catalog, rewardRules)
  const result = await writePlannedBatches(deps, [plan])
  deps.cache?.remember(plan.items)
  return result
}

/**
 * The embedded engine's first half of a batch: read what it needs (nothing, when every item is in the
 * cache) and run the checks. The engine belongs to this process (data-directory lock) and its batches
 * are written one at a time in the order they were planned, so what a plan read cannot change before
 * it is written.
 */
export async function planScanBatch (deps: ScanBatchDeps, requests: readonly ScanRequest[], catalog: CatalogSnapshot, rewardRules: readonly RewardRule[], options: { cachedOnly?: boolean } = {}): Promise<BatchPlan> {
  return await evaluateBatch(deps, deps.db, false, requests, catalog, rewardRules, options.cachedOnly === true)
}

const parsedCodes = new WeakMap<ScanRequest, ReturnType<typeof parseCode>>()
/** A request's code parsed, once per request (the scan queue looks at it before its plan does). */
export function parsedCodeOf (request: ScanRequest): ReturnType<typeof parseCode> {
  let parsed = parsedCodes.get(request)
  if (parsed === undefined) {
    parsed = parseCode(request.code)
    parsedCodes.set(request, parsed)
  }
  return parsed
}

/** A plan to be made from the item cache alone needed the database (planScanBatch `cachedOnly`). */
export class CacheMissed extends Error {
  constructor (missing: readonly string[]) {
    super(`scan plan needs the database: ${missing.length === 0 ? 'replay lookup' : missing.slice(0, 3).join(', ')}`)
    this.name = 'CacheMissed'
  }
}

/** Scans, states and rewards only (consumer verifications): plans like this can share one statement. */
export function isPlainPlan (plan: BatchPlan): boolean {
  return plan.alerts.length === 0 && plan.events.length === 0 && plan.installed.length === 0
}

/**
 * The second half on the embedded engine: plain plans (see isPlainPlan) are written together by one
 * atomic statement, a later plan's item state replacing an earlier one's; any other plan must come
 * alone and is written in a transaction with its alerts and EPCIS events.
 */
export async function writePlannedBatches (deps: ScanBatchDeps, plans: readonly BatchPlan[]): Promise<BatchResult> {
  const last = plans[plans.length - 1]
  if (last === undefined) return { outcomes: [], alertsRaised: [], installed: [] }
  if (plans.length === 1 && !isPlainPlan(last)) {
    const result = await deps.db.transaction(async (tx) => await writePlan(deps, tx, last))
    await deps.journal?.append(last.verifications)
    return result
  }
  const merged = mergePlainPlans(plans)
  await deps.scans.insertScanBatch(deps.db, storedRows(deps, merged.rows))
  await deps.journal?.append(merged.rows.verifications)
  return { outcomes: merged.outcomes, alertsRaised: [], installed: [] }
}

/** What goes into the batch's own statement: everything, less the narrow verifications a journal takes. */
const storedRows = (deps: ScanBatchDeps, rows: ScanBatchRows): ScanBatchRows =>
  deps.journal === null || rows.verifications.length === 0 ? rows : { ...rows, verifications: [] }

/**
 * writePlannedBatches for plain plans on the embedded driver's staged query: `executed` once they are
 * committed (the next write may go), `durable` with their result once the commit is on disk (their
 * callers may be answered). Null when the driver has no staged query.
 */
export function startPlainWrite (deps: ScanBatchDeps, plans: readonly BatchPlan[]): { executed: Promise<unknown>, durable: Promise<BatchResult> } | null {
  const db = deps.db
  if (db.queryStaged === undefined || plans.length === 0) return null
  const merged = mergePlainPlans(plans)
  const result: BatchResult = { outcomes: merged.outcomes, alertsRaised: [], installed: [] }
  const rows = storedRows(deps, merged.rows)
  const journal = deps.journal
  if (journal !== null && isEmptyBatch(rows)) {
    // Narrow verifications alone (consumers' traffic): the journal only. The next write goes once this
    // one is durable (the journal gathers what arrives meanwhile), so a failed one is seen before any
    // plan resting on it is written, and those plans are checked again.
    const durable = journal.append(merged.rows.verifications).then(() => result)
    return { executed: durable, durable }
  }
  const staged = deps.scans.insertScanBatchStaged(db.queryStaged.bind(db), rows)
  // The statement first: one that fails has put nothing in the journal, and its requests are checked
  // again. A journal that fails after the statement committed fails this write's callers only.
  const journalled = journal === null ? null : staged.executed.then(async () => await journal.append(merged.rows.verifications))
  const durable = Promise.all([staged.durable, journalled]).then(() => result)
  // A write that failed before it ran is handled through `executed`; nobody then waits for this one.
  durable.catch(() => {})
  return { executed: staged.executed, durable }
}

/**
 * Plain plans as one statement's rows, a later plan's item state replacing an earlier one's. A state
 * stored by an earlier plan and not by a later one is still right: it counts the verification rows
 * before it (verificationRows), and reading the item replays the later ones.
 */
function mergePlainPlans (plans: readonly BatchPlan[]): { rows: ScanBatchRows, outcomes: Array<ScanOutcome | Error> } {
  if (!plans.every(isPlainPlan)) throw new TypeError('only plain scan plans can be written together')
  const last = plans[plans.length - 1] as BatchPlan
  if (plans.length === 1) return { rows: rowsOf(last), outcomes: last.outcomes }
  const bySerial = new Map<string, ItemState>()
  for (const plan of plans) for (const state of plan.states) bySerial.set(state.serial, state)
  return {
    rows: {
      scans: plans.flatMap((p) => p.records),
      verifications: plans.flatMap((p) => p.verifications),
      states: [...bySerial.values()],
      ledger: plans.flatMap((p) => p.ledger),
      at: last.recordedAt
    },
    outcomes: plans.flatMap((p) => p.outcomes)
  }
}

const rowsOf = (plan: BatchPlan): ScanBatchRows =>
  ({ scans: plan.records, verifications: plan.verifications, states: plan.states, ledger: plan.ledger, at: plan.recordedAt })

export interface BatchPlan {
  recordedAt: Date
  /** Every item the batch read, with its state after the batch. */
  items: LoadedItem[]
  outcomes: Array<ScanOutcome | Error>
  records: ScanRecord[]
  /** Consumers' verifications that passed every check: narrow rows, their items' states not stored. */
  verifications: VerificationRecord[]
  /** The new state of every item a full scan record touched. */
  states: ItemState[]
  alerts: AlertUpsert[]
  ledger: LedgerRecord[]
  events: AttributedEvent[]
  installed: InstalledPart[]
}

async function writePlan (deps: ScanBatchDeps, tx: Transaction, plan: BatchPlan): Promise<BatchResult> {
  await deps.scans.insertScanBatch(tx, storedRows(deps, rowsOf(plan)))
  const raised = await writeAlerts(deps.alerts, tx, plan.alerts, plan.recordedAt)
  if (plan.events.length > 0) await deps.sink.recordEvents(tx, plan.events)
  return { outcomes: plan.outcomes, alertsRaised: raised, installed: plan.installed }
}

/** Read what the batch needs and run every request's checks in order; nothing is written here. */
async function evaluateBatch (deps: ScanBatchDeps, tx: Queryable, lock: boolean, requests: readonly ScanRequest[], catalog: CatalogSnapshot, rewardRules: readonly RewardRule[], cachedOnly = false): Promise<BatchPlan> {
  const recordedAt = new Date(deps.now())
  const replayable = [...new Set(requests.filter((r) => r.source !== 'verify').map((r) => r.requestId))]
  // Earlier plans may not be written yet (cachedOnly): the database would not show their scans and states.
  if (cachedOnly && replayable.length > 0) throw new CacheMissed([])
  const storedByRequest = new Map<string, ScanRecord[]>()
  for (const record of await deps.scans.findByRequests(tx, replayable)) {
    const list = storedByRequest.get(record.requestId) ?? []
    list.push(record)
    storedByRequest.set(record.requestId, list)
  }

  const parsed = requests.map(parsedCodeOf)
  const ssccs = [...new Set(parsed.flatMap((p) => p.ok && p.code.kind === 'sscc' ? [p.code.sscc] : []))]
  if (cachedOnly && ssccs.length > 0) throw new CacheMissed(ssccs)
  const known = await deps.scans.existingContainers(tx, ssccs)
  const contents = await deps.scans.expandContainers(tx, [...known])
  const serials = new Set<string>()
  for (const p of parsed) if (p.ok && p.code.kind === 'item') serials.add(p.code.serial)
  for (const inside of contents.values()) for (const serial of inside) serials.add(serial)
  const loaded = new Map<string, LoadedItem>()
  const missing: string[] = []
  for (const serial of serials) {
    const cached = deps.cache?.get(serial)
    if (cached === undefined) missing.push(serial)
    else loaded.set(serial, cached)
  }
  if (cachedOnly && missing.length > 0) throw new CacheMissed(missing)
  // Reading an item replays its verification rows: the journalled ones must be in the table first.
  if (missing.length > 0) await deps.journal?.applied()
  for (const [serial, item] of await deps.scans.loadItems(tx, missing, lock)) loaded.set(serial, item)

  const states = new Map<string, ItemState>()
  /** Items a full scan record touched: their state is stored (the others' is replayed from verification rows). */
  const storeState = new Set<string>()
  const records: ScanRecord[] = []
  const verifications: VerificationRecord[] = []
  const alerts = new Map<string, AlertUpsert>()
  const ledger: LedgerRecord[] = []
  const events: AttributedEvent[] = []
  const installed: InstalledPart[] = []
  const seenInBatch = new Map<string, ScanOutcome>()

  const stateOf = (serial: string): ItemState | null => {
    const current = states.get(serial)
    if (current !== undefined) return current
    const item = loaded.get(serial)
    if (item === undefined) return null
    return item.state ?? createInitialState(item.issued)
  }

  const whereOf = (request: ScanRequest): LatLng | null =>
    request.location ?? (request.orgId === null ? null : catalog.org(request.orgId)?.location ?? null)

  const runItem = (request: ScanRequest, code: string, sscc: string | null, p: ReturnType<typeof parseCode> = parseCode(code)): ItemOutcome => {
    const itemCode = p.ok && p.code.kind === 'item' ? p.code : null
    const issued = itemCode === null ? null : loaded.get(itemCode.serial)?.issued ?? null
    const before = itemCode === null ? null : stateOf(itemCode.serial)
    const where = whereOf(request)
    const input: CheckInput = {
      scan: request,
      where,
      parsed: itemCode !== null
        ? { ok: true, gtin: itemCode.gtin, lot: itemCode.lot, serial: itemCode.serial }
        : { ok: false, reason: p.ok ? 'an SSCC names a case or pallet, not an item' : p.reason },
      issued,
      state: before ?? createInitialState({ serial: itemCode?.serial ?? '', gtin: itemCode?.gtin ?? '', lot: itemCode?.lot ?? null, batchId: 0, batchStatus: 'failed', issuedAt: null }),
      catalog,
      rules: deps.rules,
      hasValidTag: deps.hasValidTag
    }
    const outcome = runChecks(input)
    let after: ItemState | null = null
    const narrow = issued !== null && before !== null && sscc === null && isPassedConsumerVerification(request, outcome.result)
    if (issued !== null && before !== null && outcome.result !== 'rejected') {
      after = applyScan(before, request, where, outcome, catalog)
      if (narrow) after.verificationRows = before.verificationRows + 1
      else storeState.add(issued.serial)
      states.set(issued.serial, after)
    }
    const scanId = nextScanId()
    const storedCode = code.trim().slice(0, MAX_CODE_CHARS)
    const city = request.orgId !== null ? catalog.org(request.orgId)?.city ?? null : where === null ? null : catalog.nearestCity(where)
    if (narrow && issued !== null) {
      verifications.push({ id: scanId, code: storedCode, serial: issued.serial, gtin: issued.gtin, lot: issued.lot, consumerId: request.consumerId, location: where, city, at: request.at, recordedAt })
    } else records.push({
      id: scanId, requestId: request.requestId, code: storedCode, serial: itemCode?.serial ?? null,
      gtin: itemCode?.gtin ?? null, lot: itemCode?.lot ?? issued?.lot ?? null, sscc, action: request.action, result: outcome.result,
      source: request.source, orgId: request.orgId, toOrgId: request.toOrgId, deviceId: request.deviceId, workOrderId: request.workOrderId,
      actorRole: request.actorRole, actorUserId: request.actorUserId, consumerId: request.consumerId, location: where,
      city, at: request.at, recordedAt, checks: outcome.checks, eventId: null
    })

    const alertCode = outcome.alerts.length === 0 ? '' : alertSubjectOf(code)
    for (const raised of outcome.alerts) {
      const key = `${raised.type}|${alertCode}`
      const evidence = { scanId, at: request.at, action: request.action, orgId: request.orgId, location: where, detail: raised.reason }
      const known = alerts.get(key)
      if (known !== undefined) {
        known.evidence.push(evidence)
        known.consumerOnly = known.consumerOnly && request.actorRole === 'consumer'
        continue
      }
      alerts.set(key, {
        id: randomUUID(), type: raised.type, code: alertCode, serial: itemCode?.serial ?? null, gtin: itemCode?.gtin ?? null,
        orgId: raised.orgId, reason: raised.reason, evidence: [evidence], consumerOnly: request.actorRole === 'consumer', at: recordedAt
      })
    }

    if (after !== null && before !== null && issued !== null && outcome.result === 'ok') {
      let trigger: RewardTrigger | null = null
      if (request.action === 'receive' && request.orgId !== null && catalog.org(request.orgId)?.kind === 'store') trigger = 'store_receive'
      if (request.action === 'verify' && request.actorRole === 'consumer' && before.firstVerifiedAt === null && after.firstVerifiedAt !== null) trigger = 'consumer_first_verify'
      const rule = trigger === null ? null : pickRule(rewardRules, issued.gtin, trigger)
      if (rule !== null && trigger !== null) {
        const path = after.channelPath.flatMap((orgId) => {
          const kind = catalog.org(orgId)?.kind
          return kind === undefined ? [] : [{ orgId, kind: kind as OrgKind }]
        })
        // Without a consumer id there is nobody to credit: the consumer level's share is not paid.
        for (const entry of splitReward(rule, path, request.consumerId)) {
          ledger.push({ id: randomUUID(), ruleId: entry.ruleId, serial: issued.serial, trigger, level: entry.level, beneficiary: entry.beneficiary, amount: entry.amount, scanId, createdAt: recordedAt })
        }
      }
    }
    if (after !== null && issued !== null && before?.status !== 'installed' && after.status === 'installed' && after.deviceId !== null) {
      installed.push({
        serial: issued.serial, gtin: issued.gtin, lot: issued.lot, code: formatItemUri(deps.resolver, issued.gtin, issued.lot, issued.serial),
        deviceId: after.deviceId, installedAt: request.at, installedBy: request.actorUserId ?? request.orgId ?? request.actorRole,
        workOrderId: request.workOrderId
      })
    }

    const product = issued === null ? undefined : catalog.product(issued.gtin)
    const state = after ?? before
    return {
      scanId, code: storedCode, serial: itemCode?.serial ?? null, gtin: itemCode?.gtin ?? null, lot: issued?.lot ?? itemCode?.lot ?? null,
      result: outcome.result, checks: outcome.checks,
      product: product === undefined ? null : { gtin: product.gtin, name: product.name, partNumber: product.partNumber, unit: product.unit },
      status: issued === null ? null : state?.status ?? null,
      firstVerifiedAt: issued === null ? null : state?.firstVerifiedAt ?? null,
      consumerVerifications: issued === null ? null : state?.consumerVerifications ?? null
    }
  }

  const outcomes: Array<ScanOutcome | Error> = requests.map((request, i) => {
    const replayKey = `${request.requestId}|${request.code}`
    const earlier = seenInBatch.get(replayKey)
    if (earlier !== undefined) return { ...earlier, replayed: true }
    const p = parsed[i] as ReturnType<typeof parseCode>
    const stored = storedByRequest.get(request.requestId)
    if (stored !== undefined && request.source !== 'verify') {
      const sscc = p.ok && p.code.kind === 'sscc' ? p.code.sscc : null
      const mine = stored.filter((r) => sscc !== null ? r.sscc === sscc : r.sscc === null && r.code === request.code.trim().slice(0, MAX_CODE_CHARS))
      if (mine.length > 0 && mine.every((r) => r.action === request.action)) return outcomeFromRecords(request.requestId, mine, catalog)
      if (request.source !== 'epcis') return new TRC_SCAN_ID_REUSED(request.requestId).withDetails({ field: 'body.scanId' })
    }

    let outcome: ScanOutcome
    if (p.ok && p.code.kind === 'sscc') {
      const sscc = p.code.sscc
      if (!known.has(sscc)) {
        outcome = {
          scanId: request.requestId, result: 'rejected', eventId: null, items: [], replayed: false,
          checks: [{ name: 'container_known', passed: false, detail: `SSCC ${sscc} is not a registered case or pallet` }]
        }
      } else {
        const items = (contents.get(sscc) ?? []).map((serial) => {
          const issued = loaded.get(serial)?.issued
          return runItem(request, issued === undefined ? serial : formatItemUri(deps.resolver, issued.gtin, issued.lot, serial), sscc)
        })
        const result = items.length === 0 ? 'rejected' : worstResult(items.map((item) => item.result))
        outcome = { scanId: request.requestId, result, checks: summariseContainer(sscc, items), eventId: null, items, replayed: false }
        if (items.some((item) => item.result !== 'rejected')) outcome.eventId = recordEvent(request, () => [formatSsccUri(deps.resolver, sscc)], result)
      }
    } else {
      const item = runItem(request, request.code, null, p)
      outcome = { scanId: request.requestId, result: item.result, checks: item.checks, eventId: null, items: [item], replayed: false }
      const { gtin, serial } = item
      if (item.result !== 'rejected' && serial !== null && gtin !== null) {
        outcome.eventId = recordEvent(request, () => [formatItemUri(deps.resolver, gtin, item.lot, serial)], item.result)
      }
    }
    seenInBatch.set(replayKey, outcome)
    return outcome
  })

  function recordEvent (request: ScanRequest, epcs: () => string[], result: ScanOutcome['result']): string | null {
    // Captured events are stored already; consumers' verifications stay private (not shared with partners over EPCIS).
    if (request.eventId !== null) return request.eventId
    if (request.source === 'verify') return null
    events.push({ event: toEpcisEvent(request, epcs(), result, catalog), orgId: request.orgId })
    return eventIdOf(request.requestId)
  }
  const recordById = new Map(records.map((r) => [r.id, r]))
  for (const outcome of outcomes) {
    if (outcome instanceof Error || outcome.replayed || outcome.eventId === null) continue
    for (const item of outcome.items) {
      const record = recordById.get(item.scanId)
      if (record !== undefined) record.eventId = outcome.eventId
    }
  }

  const items = [...loaded.values()].map((item) => ({ issued: item.issued, state: states.get(item.issued.serial) ?? item.state }))
  const stored = [...states.values()].filter((state) => storeState.has(state.serial))
  return { recordedAt, items, outcomes, records, verifications, states: stored, alerts: [...alerts.values()], ledger, events, installed }
}

/** Upsert alerts; a clone alert supersedes consumer-only diversions of its code, and one that exists already absorbs new ones. */
async function writeAlerts (repo: AlertRepository, tx: Transaction, alerts: readonly AlertUpsert[], at: Date): Promise<TraceAlert[]> {
  if (alerts.length === 0) return []
  const created: TraceAlert[] = []
  const consumerDiversions = alerts.filter((a) => a.type === 'diversion' && a.consumerOnly && a.serial !== null)
  const clones = await repo.findCloneAlerts(tx, consumerDiversions.map((a) => a.serial as string))
  // Clone alerts first, so diversions of the same code in this batch see them.
  const ordered = [...alerts].sort((a, b) => (a.type === 'clone' ? 0 : 1) - (b.type === 'clone' ? 0 : 1))
  for (const alert of ordered) {
    const cloneId = alert.serial === null ? undefined : clones.get(alert.serial)
    if (alert.type === 'diversion' && alert.consumerOnly && cloneId !== undefined) {
      await repo.insertSuperseded(tx, alert, cloneId)
      continue
    }
    const { alert: stored, created: isNew } = await repo.upsert(tx, alert)
    if (isNew) created.push(stored)
    if (alert.type === 'clone' && alert.serial !== null) {
      clones.set(alert.serial, stored.id)
      await repo.supersedeConsumerDiversions(tx, alert.serial, stored.id, at)
    }
  }
  return created
}
