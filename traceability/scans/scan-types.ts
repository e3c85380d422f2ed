import type { CatalogSnapshot } from '../catalog/catalog-snapshot.js'
import type { LatLng } from '../catalog/territory.js'

export type ScanAction = 'ship' | 'receive' | 'sell' | 'install' | 'verify'
export const SCAN_ACTIONS: readonly ScanAction[] = ['ship', 'receive', 'sell', 'install', 'verify']
export type ScanSource = 'api' | 'verify' | 'epcis' | 'workorder'
export type ScanResult = 'ok' | 'warning' | 'rejected'
export type AlertType = 'counterfeit' | 'clone' | 'diversion' | 'custody'
export const ALERT_TYPES: readonly AlertType[] = ['counterfeit', 'clone', 'diversion', 'custody']

/** Who scanned: a platform role, an anonymous consumer (public verification) or a partner's EPCIS system. */
export type ActorRole = 'admin' | 'brand' | 'org_staff' | 'engineer' | 'supervisor' | 'agent' | 'consumer' | 'partner'

/** One scan as the pipeline sees it, whatever door it came through (API, public verify, EPCIS, work order). */
export interface ScanRequest {
  /** Idempotency key: the client's scanId, a work order's part, an EPCIS event. */
  requestId: string
  code: string
  action: ScanAction
  orgId: string | null
  toOrgId: string | null
  deviceId: string | null
  workOrderId: string | null
  location: LatLng | null
  at: Date
  actorRole: ActorRole
  actorUserId: string | null
  /** An opaque id a consumer's browser keeps, so distinct consumers can be counted. */
  consumerId: string | null
  source: ScanSource
  /** Set when the EPCIS event already exists (captured from a partner): no new event is recorded. */
  eventId: string | null
}

export interface CheckResult {
  name: string
  passed: boolean
  detail: string
}

/** A failed check may reject the scan (counterfeits) or let it through with a warning, raising an alert. */
export interface CheckOutcome extends CheckResult {
  alert?: AlertType
  /** Reject the scan and run no further checks. */
  reject?: boolean
  /** The organisation the evidence points at (the diverting dealer, the receiver without a ship…). */
  orgId?: string | null
}

export interface IssuedItem {
  serial: string
  gtin: string
  lot: string | null
  batchId: number
  batchStatus: 'issuing' | 'issued' | 'failed'
  issuedAt: Date | null
}

export type ItemStatus = 'issued' | 'in_transit' | 'in_stock' | 'sold' | 'installed'

/** Where an item stands after the scans so far (trace_code_state). */
export interface ItemState {
  serial: string
  gtin: string
  lot: string | null
  status: ItemStatus
  holderOrgId: string | null
  /** Organisations that received the item through authorised links, factory first. */
  channelPath: string[]
  shipFrom: string | null
  shipTo: string | null
  shippedAt: Date | null
  soldAt: Date | null
  soldBy: string | null
  installedAt: Date | null
  deviceId: string | null
  parentSscc: string | null
  lastAt: Date | null
  lastLocation: LatLng | null
  consumerVerifications: number
  consumerIds: string[]
  firstVerifiedAt: Date | null
  scans: number
  /** How many of the item's narrow verification rows (trace_verifications) this state includes. */
  verificationRows: number
}

/** Thresholds of the clone checks; documented in traceability/README.md. */
export interface CheckRules {
  /** Faster than this between two located scans is not one item travelling (airliner cruise ≈ 900 km/h). */
  maxSpeedKmh: number
  /** Below this distance no speed is suspicious (GPS error, two shops in one town). */
  minTravelKm: number
  /** Consumer verifications one genuine item plausibly gets (the buyer checking a few times). */
  maxConsumerVerifications: number
  /** Distinct consumers (browser ids) one genuine item plausibly gets (buyer, fitter, a family member). */
  maxDistinctConsumers: number
}

export const DEFAULT_CHECK_RULES: CheckRules = {
  maxSpeedKmh: 900,
  minTravelKm: 50,
  maxConsumerVerifications: 20,
  maxDistinctConsumers: 3
}

/** What every check step reads; nothing here does I/O. */
export interface CheckInput {
  scan: ScanRequest
  /** The scan's own location, else the scanning organisation's. */
  where: LatLng | null
  parsed: { ok: true, gtin: string, lot: string | null, serial: string } | { ok: false, reason: string }
  issued: IssuedItem | null
  state: ItemState
  catalog: CatalogSnapshot
  rules: CheckRules
  hasValidTag: (gtin: string, serial: string) => boolean
}

export type CheckStep = (input: CheckInput) => CheckOutcome | null

export function createInitialState (item: IssuedItem): ItemState {
  return {
    serial: item.serial, gtin: item.gtin, lot: item.lot, status: 'issued', holderOrgId: null, channelPath: [],
    shipFrom: null, shipTo: null, shippedAt: null, soldAt: null, soldBy: null, installedAt: null, deviceId: null,
    parentSscc: null, lastAt: null, lastLocation: null, consumerVerifications: 0, consumerIds: [], firstVerifiedAt: null, scans: 0,
    verificationRows: 0
  }
}
