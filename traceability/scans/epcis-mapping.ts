import type { CatalogSnapshot } from '../catalog/catalog-snapshot.js'
import type { LatLng } from '../catalog/territory.js'
import { canonicalIdentifier } from '../epcis/index.js'
import { parseCode } from '../gs1/digital-link.js'
import type { EpcisEvent } from './event-sink.js'
import type { ScanAction, ScanRequest, ScanResult } from './scan-types.js'
import { stableUuid } from './stable-id.js'

/**
 * Scans ↔ EPCIS 2.0 events (JSON-LD, EPCIS 2.0 §7–9; vocabulary from CBV 2.0 §7.2 bizStep, §7.3
 * disposition). Each scan action is one CBV business step:
 *
 *   ship → shipping / in_transit         receive → receiving / in_progress
 *   sell → retail_selling / retail_sold  install → installing (AggregationEvent: part ADDed to the machine)
 *   verify → inspecting / conformant or non_conformant (a check of genuineness)
 */
export const BIZ_STEP_OF: Readonly<Record<ScanAction, string>> = {
  ship: 'shipping',
  receive: 'receiving',
  sell: 'retail_selling',
  install: 'installing',
  verify: 'inspecting'
}

const DISPOSITION_OF: Readonly<Record<Exclude<ScanAction, 'verify' | 'install'>, string>> = {
  ship: 'in_transit',
  receive: 'in_progress',
  sell: 'retail_sold'
}

export const EPCIS_CONTEXT = 'https://ref.gs1.org/standards/epcis/epcis-context.jsonld'
const ORG_URN = 'urn:afterline:org:'
const DEVICE_URN = 'urn:afterline:device:'

/** How an organisation is named in events: its GLN as a GS1 Digital Link (AI 414 location, 417 party), else a URN. */
export function orgLocationUri (catalog: CatalogSnapshot, orgId: string): string {
  const gln = catalog.org(orgId)?.gln ?? null
  return gln === null ? `${ORG_URN}${encodeURIComponent(orgId)}` : `https://id.gs1.org/414/${gln}`
}

export function orgPartyUri (catalog: CatalogSnapshot, orgId: string): string {
  const gln = catalog.org(orgId)?.gln ?? null
  return gln === null ? `${ORG_URN}${encodeURIComponent(orgId)}` : `https://id.gs1.org/417/${gln}`
}

export function deviceUri (deviceId: string): string {
  return `${DEVICE_URN}${encodeURIComponent(deviceId)}`
}

export function eventIdOf (requestId: string): string {
  return `urn:uuid:${requestId}`
}

function timeZoneOffset (): string {
  // Scans carry UTC instants; the offset names the zone of eventTime as written (EPCIS 2.0 §7.4.1).
  return '+00:00'
}

/** The EPCIS event a scan request produces; `epcs` are the item or logistic-unit URIs it observed. */
export function toEpcisEvent (scan: ScanRequest, epcs: readonly string[], result: ScanResult, catalog: CatalogSnapshot): EpcisEvent {
  const base: Record<string, unknown> & { eventID: string } = {
    eventID: eventIdOf(scan.requestId),
    eventTime: scan.at.toISOString(),
    eventTimeZoneOffset: timeZoneOffset(),
    bizStep: BIZ_STEP_OF[scan.action]
  }
  if (scan.location !== null) base.readPoint = { id: `geo:${scan.location.lat},${scan.location.lng}` }
  else if (scan.orgId !== null) base.readPoint = { id: orgLocationUri(catalog, scan.orgId) }
  if (scan.orgId !== null) base.bizLocation = { id: orgLocationUri(catalog, scan.orgId) }

  if (scan.action === 'install' && scan.deviceId !== null) {
    return { type: 'AggregationEvent', ...base, parentID: deviceUri(scan.deviceId), childEPCs: [...epcs], action: 'ADD' }
  }
  const event: EpcisEvent = { type: 'ObjectEvent', ...base, epcList: [...epcs], action: 'OBSERVE' }
  if (scan.action === 'verify') event.disposition = result === 'ok' ? 'conformant' : 'non_conformant'
  else if (scan.action !== 'install') event.disposition = DISPOSITION_OF[scan.action]
  if (scan.action === 'ship' && scan.orgId !== null && scan.toOrgId !== null) {
    event.sourceList = [{ type: 'owning_party', source: orgPartyUri(catalog, scan.orgId) }]
    event.destinationList = [{ type: 'owning_party', destination: orgPartyUri(catalog, scan.toOrgId) }]
  }
  return event
}

// ---- captured events → scans ---------------------------------------------------------------------

const ACTION_OF_BIZ_STEP: Readonly<Record<string, ScanAction>> = {
  shipping: 'ship',
  receiving: 'receive',
  retail_selling: 'sell',
  installing: 'install',
  inspecting: 'verify'
}

/** `shipping`, `https://ref.gs1.org/cbv/BizStep-shipping` and `urn:epcglobal:cbv:bizstep:shipping` are one step. */
export function normaliseBizStep (value: unknown): string | null {
  if (typeof value !== 'string') return null
  const match = /(?:BizStep-|cbv:bizstep:)([a-z_]+)$/.exec(value)
  return match?.[1] ?? (/^[a-z_]+$/.test(value) ? value : null)
}

/** The organisation an EPCIS location or party identifier names, if we know it. */
export function orgOfIdentifier (catalog: CatalogSnapshot, id: unknown): string | null {
  if (typeof id !== 'string') return null
  if (id.startsWith(ORG_URN)) {
    const orgId = decodeURIComponent(id.slice(ORG_URN.length))
    return catalog.org(orgId) === undefined ? null : orgId
  }
  // EPC URNs, Digital Links on any domain and short names all become https://id.gs1.org/414|417/{gln};
  // any other URI (a partner's own location URL) names no organisation of ours.
  const link = /^https:\/\/id\.gs1\.org\/(?:414|417)\/(\d{13})(?:\/|$)/.exec(canonicalIdentifier(id))
  return link === null ? null : catalog.orgByGln(link[1] as string)?.id ?? null
}

/**
 * Whether a code in a captured event names something of ours: an item of a product in our catalogue, or
 * a case or pallet registered here (`containers`: the SSCCs among the codes that are). Partners' events
 * also carry other brands' goods (the standard's example documents are full of them); those are stored
 * and queryable as EPCIS events, but checking them as our scans would call every one a counterfeit.
 */
export function isOwnCode (code: string, catalog: CatalogSnapshot, containers: ReadonlySet<string>): boolean {
  const parsed = parseCode(code)
  if (!parsed.ok) return false
  return parsed.code.kind === 'item' ? catalog.product(parsed.code.gtin) !== undefined : containers.has(parsed.code.sscc)
}

/** The SSCCs among these codes, to look up which are registered cases or pallets. */
export function ssccsOf (codes: Iterable<string>): string[] {
  const ssccs = new Set<string>()
  for (const code of codes) {
    const parsed = parseCode(code)
    if (parsed.ok && parsed.code.kind === 'sscc') ssccs.add(parsed.code.sscc)
  }
  return [...ssccs]
}

function geoOf (id: unknown): LatLng | null {
  if (typeof id !== 'string') return null
  const match = /^geo:(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)/.exec(id)
  if (match === null) return null
  const lat = Number(match[1]); const lng = Number(match[2])
  return Math.abs(lat) <= 90 && Math.abs(lng) <= 180 ? { lat, lng } : null
}

function idOf (value: unknown): unknown {
  return typeof value === 'object' && value !== null ? (value as { id?: unknown }).id : undefined
}

function partyOf (catalog: CatalogSnapshot, list: unknown, key: 'source' | 'destination'): string | null {
  if (!Array.isArray(list)) return null
  for (const entry of list) {
    const org = orgOfIdentifier(catalog, (entry as Record<string, unknown> | null)?.[key])
    if (org !== null) return org
  }
  return null
}

/**
 * The scans a captured event stands for: one per EPC of an ObjectEvent (or per child of an installing
 * AggregationEvent) whose bizStep is one of our five. Other events (commissioning, packing, sensor
 * reports…) are stored by EPCIS but are not scans. Request ids derive from the eventID, so a re-delivered
 * event maps to the same scans.
 */
export function scansOfCapturedEvent (event: EpcisEvent, catalog: CatalogSnapshot): ScanRequest[] {
  const step = normaliseBizStep(event.bizStep)
  const action = step === null ? undefined : ACTION_OF_BIZ_STEP[step]
  if (action === undefined) return []
  if (event.type === 'ObjectEvent' && event.action === 'DELETE') return []
  let epcs: unknown[] = []
  let deviceId: string | null = null
  if (event.type === 'ObjectEvent' && Array.isArray(event.epcList)) epcs = event.epcList
  else if (event.type === 'AggregationEvent' && action === 'install' && event.action === 'ADD' && Array.isArray(event.childEPCs)) {
    epcs = event.childEPCs
    if (typeof event.parentID === 'string' && event.parentID.startsWith(DEVICE_URN)) deviceId = decodeURIComponent(event.parentID.slice(DEVICE_URN.length))
  } else return []
  const time = new Date(typeof event.eventTime === 'string' ? event.eventTime : NaN)
  if (Number.isNaN(time.getTime())) return []

  const bizLocation = orgOfIdentifier(catalog, idOf(event.bizLocation))
  const readPoint = orgOfIdentifier(catalog, idOf(event.readPoint))
  const source = partyOf(catalog, event.sourceList, 'source')
  const destination = partyOf(catalog, event.destinationList, 'destination')
  const orgId = action === 'ship' ? source ?? bizLocation ?? readPoint : bizLocation ?? readPoint ?? (action === 'receive' ? destination : null)
  const requestId = stableUuid(`epcis:${event.eventID}`)
  return epcs.filter((epc): epc is string => typeof epc === 'string').map((code) => ({
    requestId,
    code,
    action,
    orgId,
    toOrgId: action === 'ship' ? destination : null,
    deviceId,
    workOrderId: null,
    location: geoOf(idOf(event.readPoint)),
    at: time,
    actorRole: 'partner' as const,
    actorUserId: null,
    consumerId: null,
    source: 'epcis' as const,
    eventId: event.eventID
  }))
}
