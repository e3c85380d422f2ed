import type { CatalogSnapshot } from '../catalog/catalog-snapshot.js'
import type { LatLng } from '../catalog/territory.js'
import { checkShipmentAuthorised, checkReceivedByConsignee, checkReceiverInChannel, checkSellerInChannel, checkTerritory } from './checks/channel-checks.js'
import { checkConsumerVerifications, checkNotFinished, checkTravelSpeed, CLONE_CHECK_NAMES } from './checks/clone-checks.js'
import { checkCodeFormat, checkCodeIssued, checkGtinCheckDigit, checkSerialSignature } from './checks/code-checks.js'
import { checkLeftFactory, checkReceiveMatchesShip, checkReleased, checkSellerHolds, checkShipperHolds } from './checks/custody-checks.js'
import type { AlertType, CheckInput, CheckOutcome, CheckResult, CheckStep, ItemState, ScanAction, ScanRequest, ScanResult } from './scan-types.js'

const GENUINE: readonly CheckStep[] = [checkCodeFormat, checkGtinCheckDigit, checkSerialSignature, checkCodeIssued]

/**
 * The checks of each scan action, in order (the order is the contract: it is what the scanner sees).
 * Genuineness first, then clone, then custody and channel.
 */
export const SCAN_PIPELINES: Readonly<Record<ScanAction, readonly CheckStep[]>> = {
  ship: [...GENUINE, checkNotFinished, checkTravelSpeed, checkShipperHolds, checkShipmentAuthorised],
  receive: [...GENUINE, checkNotFinished, checkTravelSpeed, checkReceiveMatchesShip, checkReceivedByConsignee, checkReceiverInChannel],
  sell: [...GENUINE, checkNotFinished, checkTravelSpeed, checkSellerInChannel, checkSellerHolds, checkTerritory],
  install: [...GENUINE, checkNotFinished, checkTravelSpeed, checkLeftFactory],
  verify: [...GENUINE, checkTravelSpeed, checkConsumerVerifications, checkReleased, checkTerritory]
}

export interface RaisedAlert {
  type: AlertType
  reason: string
  orgId: string | null
}

export interface PipelineOutcome {
  result: ScanResult
  checks: CheckResult[]
  alerts: RaisedAlert[]
  /** False when the scan is rejected or looks like a copy: the item's state must not move. */
  moves: boolean
}

/** Run the action's checks in order; stop after a rejection or a clone finding. */
export function runChecks (input: CheckInput): PipelineOutcome {
  const checks: CheckResult[] = []
  const failed: CheckOutcome[] = []
  let rejected = false
  let clone = false
  for (const step of SCAN_PIPELINES[input.scan.action]) {
    const outcome = step(input)
    if (outcome === null) continue
    // A passed check is just its name and detail; a failed one also carries what to raise (not shown).
    checks.push(outcome.passed ? outcome : { name: outcome.name, passed: false, detail: outcome.detail })
    if (outcome.passed) continue
    failed.push(outcome)
    if (outcome.reject === true) { rejected = true; break }
    if (outcome.alert === 'clone') { clone = true; break }
  }
  const byType = new Map<AlertType, RaisedAlert>()
  for (const outcome of failed) {
    if (outcome.alert === undefined) continue
    const known = byType.get(outcome.alert)
    if (known === undefined) byType.set(outcome.alert, { type: outcome.alert, reason: outcome.detail, orgId: outcome.orgId ?? null })
    else known.reason = `${known.reason}; ${outcome.detail}`
  }
  return {
    result: rejected ? 'rejected' : failed.length > 0 ? 'warning' : 'ok',
    checks,
    alerts: [...byType.values()],
    moves: !rejected && !clone
  }
}

/**
 * Whether a recorded scan moved its item, as applyScan did when it was made: it was not rejected, and
 * no clone check failed (a clone finding means the scan was probably of a copy). A warning of another
 * kind (a diverted receive, a sale outside the territory) was a real hand-over of the item and counts.
 */
export function movedTheItem (record: { result: ScanResult, checks: readonly CheckResult[] }): boolean {
  return record.result !== 'rejected' && !record.checks.some((check) => !check.passed && CLONE_CHECK_NAMES.has(check.name))
}

const MAX_CONSUMER_IDS = 16

/**
 * The item's state after a scan. A scan that looks like a copy only counts (verifications, scans); a
 * genuine one moves the item: shipped, received (joining the authorised path when the link is
 * authorised), sold, fitted; and becomes the last known position.
 */
export function applyScan (state: ItemState, scan: ScanRequest, where: LatLng | null, outcome: Pick<PipelineOutcome, 'moves'>, catalog: Pick<CatalogSnapshot, 'isLinkAuthorised'>): ItemState {
  const next: ItemState = { ...state, scans: state.scans + 1 }
  if (scan.action === 'verify' && scan.actorRole === 'consumer') {
    next.consumerVerifications = state.consumerVerifications + 1
    if (scan.consumerId !== null && !state.consumerIds.includes(scan.consumerId) && state.consumerIds.length < MAX_CONSUMER_IDS) {
      next.consumerIds = [...state.consumerIds, scan.consumerId]
    }
    if (outcome.moves && state.firstVerifiedAt === null) next.firstVerifiedAt = scan.at
  }
  if (!outcome.moves) return next

  switch (scan.action) {
    case 'ship': {
      if (state.status === 'issued' && scan.orgId !== null && state.channelPath.length === 0) next.channelPath = [scan.orgId]
      next.status = 'in_transit'
      next.holderOrgId = scan.orgId
      next.shipFrom = scan.orgId
      next.shipTo = scan.toOrgId
      next.shippedAt = scan.at
      break
    }
    case 'receive': {
      const supplier = state.status === 'in_transit' ? state.shipFrom : state.holderOrgId
      const last = state.channelPath[state.channelPath.length - 1]
      if (scan.orgId !== null && supplier !== null && catalog.isLinkAuthorised(supplier, scan.orgId, state.gtin) && last !== scan.orgId) {
        next.channelPath = [...state.channelPath, scan.orgId]
      }
      next.status = 'in_stock'
      next.holderOrgId = scan.orgId
      next.shipFrom = null
      next.shipTo = null
      break
    }
    case 'sell': {
      next.status = 'sold'
      next.soldAt = scan.at
      next.soldBy = scan.orgId
      next.holderOrgId = scan.orgId
      next.parentSscc = null
      break
    }
    case 'install': {
      next.status = 'installed'
      next.installedAt = state.status === 'installed' ? state.installedAt : scan.at
      next.deviceId = scan.deviceId
      next.parentSscc = null
      break
    }
    case 'verify':
      break
  }
  if (where !== null && (state.lastAt === null || scan.at.getTime() >= state.lastAt.getTime())) {
    next.lastAt = scan.at
    next.lastLocation = where
  }
  return next
}

/**
 * Whether a scan is kept as a narrow verification row (trace_verifications, migration 0016) rather than
 * a full trace_scans row: a consumer's verification of an issued item that passed every check. Its
 * checks are then the verify list, all passed, and what it did to the item is replayed when the item is
 * read (applyPassedVerification).
 */
export function isPassedConsumerVerification (scan: Pick<ScanRequest, 'source' | 'actorRole'>, result: ScanResult): boolean {
  return scan.source === 'verify' && scan.actorRole === 'consumer' && result === 'ok'
}

const NO_LINKS: Pick<CatalogSnapshot, 'isLinkAuthorised'> = { isLinkAuthorised: () => false }

/**
 * A narrow verification row applied to the state before it, exactly as applyScan applied its request
 * when it was checked (a consumer's verify that moved nothing but counts and the last position).
 */
export function applyPassedVerification (state: ItemState, row: { consumerId: string | null, location: LatLng | null, at: Date }): ItemState {
  const scan: ScanRequest = {
    requestId: '', code: '', action: 'verify', orgId: null, toOrgId: null, deviceId: null, workOrderId: null, location: row.location,
    at: row.at, actorRole: 'consumer', actorUserId: null, consumerId: row.consumerId, source: 'verify', eventId: null
  }
  const next = applyScan(state, scan, row.location, { moves: true }, NO_LINKS)
  next.verificationRows = state.verificationRows + 1
  return next
}
