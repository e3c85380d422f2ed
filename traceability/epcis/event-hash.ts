import { createHash } from 'node:crypto'
import { canonicalIdentifier } from './identifiers.js'
import { formatHashTimestamp, parseTimestamp } from './timestamps.js'
import { expandCurie, resolveVocabulary } from './vocabulary.js'
import type { VocabularyKind } from './vocabulary.js'

/**
 * The EPCIS Event Hash ID of CBV 2.0 §8.9: a representation-independent fingerprint of an event,
 * `ni:///sha-256;{hex}?ver=CBV2.0` (RFC 6920). The pre-hash string concatenates `key=value` pairs in
 * the canonical property order, without separators; list members are sorted (case-sensitive, by code
 * point); timestamps are UTC with milliseconds; numbers lose trailing zeros; standard vocabulary, CURIEs
 * and EPC URIs are expanded to their Web URI / canonical GS1 Digital Link forms; ILMD and extension
 * fields become `{namespace}localName=value`, sorted. eventID, recordTime, errorDeclaration and
 * certificationInfo are not part of the hash, so an error declaration hashes like the event it corrects.
 * Pure: depends only on the event and the CURIE prefixes in force.
 */

type Json = Record<string, unknown>

const QUANTITY_LISTS = ['quantityList', 'childQuantityList', 'inputQuantityList', 'outputQuantityList'] as const
const METADATA_ORDER = ['time', 'startTime', 'endTime', 'deviceID', 'deviceMetadata', 'rawData', 'dataProcessingMethod', 'bizRules']
const REPORT_ORDER = [
  'type', 'exception', 'deviceID', 'deviceMetadata', 'rawData', 'dataProcessingMethod', 'time', 'microorganism', 'chemicalSubstance',
  'value', 'component', 'stringValue', 'booleanValue', 'hexBinaryValue', 'uriValue', 'minValue', 'maxValue', 'meanValue', 'sDev',
  'percRank', 'percValue', 'uom', 'coordinateReferenceSystem'
]
const REPORT_VOCABULARY: Record<string, VocabularyKind> = { type: 'measurementType', exception: 'sensorAlertType', component: 'component' }

/** Fields of the event that are not hashed at all. */
const NOT_HASHED = new Set(['@context', 'id', 'type', 'eventID', 'recordTime', 'errorDeclaration', 'certificationInfo'])
/** Fields the canonical order covers (everything else at event level is an extension). */
const ORDERED = new Set([
  'eventTime', 'eventTimeZoneOffset', 'epcList', 'parentID', 'inputEPCList', 'childEPCs', ...QUANTITY_LISTS, 'outputEPCList', 'action',
  'transformationID', 'bizStep', 'disposition', 'persistentDisposition', 'readPoint', 'bizLocation', 'bizTransactionList', 'sourceList',
  'destinationList', 'sensorElementList', 'ilmd'
])

export function computeEventHash (event: Json, prefixes: Readonly<Record<string, string>> = {}): string {
  return `ni:///sha-256;${createHash('sha256').update(buildPreHashString(event, prefixes), 'utf8').digest('hex')}?ver=CBV2.0`
}

export function buildPreHashString (event: Json, prefixes: Readonly<Record<string, string>> = {}): string {
  const value = (raw: unknown): string => canonicalValue(raw, prefixes)
  const vocabulary = (kind: VocabularyKind, raw: unknown): string => {
    const result = resolveVocabulary(kind, raw, prefixes)
    return result.ok ? result.uri : value(raw)
  }
  const epcList = (field: string): string => {
    const list = asArray(event[field])
    return list.length === 0 ? '' : field + sorted(list.map((epc) => `epc=${value(epc)}`))
  }
  const quantityList = (field: string): string => {
    const list = asArray(event[field]).filter(isObject)
    return list.length === 0
      ? ''
      : field + sorted(list.map((q) => 'quantityElement' + pairs([['epcClass', q.epcClass], ['quantity', q.quantity], ['uom', q.uom]], value)))
  }
  const typedList = (field: 'bizTransactionList' | 'sourceList' | 'destinationList', key: string, kind: VocabularyKind): string => {
    const list = asArray(event[field]).filter(isObject)
    // CBV 2.0 §8.9.2 rule 13: the type pair follows the value pair, then the member's extensions; the
    // members are sorted.
    const known = new Set([key, 'type'])
    return list.length === 0
      ? ''
      : field + sorted(list.map((item) => `${key}=${value(item[key])}` + (item.type === undefined ? '' : `type=${vocabulary(kind, item.type)}`) +
        extensions(item, known, prefixes)))
  }
  const location = (field: 'readPoint' | 'bizLocation'): string => {
    const place = event[field]
    if (!isObject(place)) return ''
    return field + pairs([['id', place.id]], value) + extensions(place, new Set(['id']), prefixes)
  }

  const parts = [
    `eventType=${String(event.type)}`,
    pairs([['eventTime', event.eventTime], ['eventTimeZoneOffset', event.eventTimeZoneOffset]], value),
    epcList('epcList'),
    pairs([['parentID', event.parentID]], value),
    epcList('inputEPCList'),
    epcList('childEPCs'),
    quantityList('quantityList'),
    quantityList('childQuantityList'),
    quantityList('inputQuantityList'),
    epcList('outputEPCList'),
    quantityList('outputQuantityList'),
    pairs([['action', event.action], ['transformationID', event.transformationID]], value),
    event.bizStep === undefined ? '' : `bizStep=${vocabulary('bizStep', event.bizStep)}`,
    event.disposition === undefined ? '' : `disposition=${vocabulary('disposition', event.disposition)}`,
    persistentDisposition(event.persistentDisposition, (raw) => vocabulary('disposition', raw)),
    location('readPoint'),
    location('bizLocation'),
    typedList('bizTransactionList', 'bizTransaction', 'bizTransactionType'),
    typedList('sourceList', 'source', 'sourceDestType'),
    typedList('destinationList', 'destination', 'sourceDestType'),
    sensorElements(event.sensorElementList, prefixes, value, vocabulary),
    isObject(event.ilmd) && Object.keys(event.ilmd).length > 0 ? 'ilmd' + extensions(event.ilmd, new Set(), prefixes) : '',
    extensions(event, new Set([...ORDERED, ...NOT_HASHED]), prefixes)
  ]
  return parts.join('')
}

function persistentDisposition (raw: unknown, vocabulary: (raw: unknown) => string): string {
  if (!isObject(raw)) return ''
  const set = asArray(raw.set).map((d) => `set=${vocabulary(d)}`)
  const unset = asArray(raw.unset).map((d) => `unset=${vocabulary(d)}`)
  return set.length + unset.length === 0 ? '' : 'persistentDisposition' + sorted(set) + sorted(unset)
}

function sensorElements (raw: unknown, prefixes: Readonly<Record<string, string>>, value: (raw: unknown) => string, vocabulary: (kind: VocabularyKind, raw: unknown) => string): string {
  const elements = asArray(raw).filter(isObject)
  if (elements.length === 0) return ''
  const strings = elements.map((element) => {
    let text = 'sensorElement'
    if (isObject(element.sensorMetadata)) {
      const metadata = element.sensorMetadata
      text += 'sensorMetadata' + pairs(METADATA_ORDER.map((key) => [key, metadata[key]]), value) + extensions(metadata, new Set(METADATA_ORDER), prefixes)
    }
    const reports = asArray(element.sensorReport).filter(isObject).map((report) => 'sensorReport' + REPORT_ORDER.map((key) => {
      if (report[key] === undefined) return ''
      const kind = REPORT_VOCABULARY[key]
      return `${key}=${kind === undefined ? value(report[key]) : vocabulary(kind, report[key])}`
    }).join('') + extensions(report, new Set(REPORT_ORDER), prefixes))
    return text + sorted(reports) + extensions(element, new Set(['sensorMetadata', 'sensorReport']), prefixes)
  })
  return 'sensorElementList' + sorted(strings)
}

/** `{namespace}local=value` for every field not in `known`, nested objects flattened in order, sorted. */
function extensions (object: Json, known: ReadonlySet<string>, prefixes: Readonly<Record<string, string>>): string {
  const entries: string[] = []
  for (const [key, raw] of Object.entries(object)) {
    if (known.has(key) || key.startsWith('@')) continue
    for (const item of Array.isArray(raw) ? raw : [raw]) entries.push(extensionEntry(qualifiedName(key, prefixes), item, prefixes))
  }
  return sorted(entries)
}

function extensionEntry (name: string, raw: unknown, prefixes: Readonly<Record<string, string>>): string {
  if (isObject(raw)) return name + extensions(raw, new Set(), prefixes)
  if (raw === null || raw === undefined) return name
  const text = canonicalValue(raw, prefixes)
  return text === '' ? name : `${name}=${text}`
}

/** `ex:field` → `{http://ns.example.com/}field` (the prefix's IRI); an absolute IRI splits at its last `#`, `/` or URN `:`. */
function qualifiedName (key: string, prefixes: Readonly<Record<string, string>>): string {
  const colon = key.indexOf(':')
  const expanded = expandCurie(key, prefixes)
  if (expanded !== key) return `{${expanded.slice(0, expanded.length - (key.length - colon - 1))}}${key.slice(colon + 1)}`
  if (!key.includes('//') && !key.startsWith('urn:')) return key
  const cut = Math.max(key.lastIndexOf('#'), key.lastIndexOf('/'), key.startsWith('urn:') ? key.lastIndexOf(':') : -1) + 1
  return `{${key.slice(0, cut)}}${key.slice(cut)}`
}

/** Rules 5–9, 14, 15, 17, 18: trimmed; timestamps in UTC ms; numbers without trailing zeros; URIs expanded. */
function canonicalValue (raw: unknown, prefixes: Readonly<Record<string, string>>): string {
  if (typeof raw === 'number') return String(raw)
  if (typeof raw === 'boolean') return raw ? 'true' : 'false'
  if (typeof raw !== 'string') return raw === null || raw === undefined ? '' : JSON.stringify(raw)
  const text = raw.trim()
  const time = /^-?\d{4,}-\d{2}-\d{2}T/.test(text) ? parseTimestamp(text) : null
  if (time !== null) return formatHashTimestamp(time.ms)
  if (/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(text)) return String(Number(text))
  const cbvUrn = /^urn:epcglobal:cbv:(bizstep|disp|btt|sdt|er):(.+)$/.exec(text)
  if (cbvUrn !== null) return `https://ref.gs1.org/cbv/${URN_TO_WEB[cbvUrn[1] as string] as string}-${cbvUrn[2] as string}`
  return canonicalIdentifier(expandCurie(text, prefixes))
}
const URN_TO_WEB: Record<string, string> = { bizstep: 'BizStep', disp: 'Disp', btt: 'BTT', sdt: 'SDT', er: 'ER' }

function pairs (list: Array<[string, unknown]>, value: (raw: unknown) => string): string {
  return list.filter(([, raw]) => raw !== undefined && raw !== null).map(([key, raw]) => `${key}=${value(raw)}`).join('')
}

/** Case-sensitive code-point order (rule 10), not locale order. */
function sorted (strings: string[]): string {
  return [...strings].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).join('')
}

function asArray (value: unknown): unknown[] {
  return Array.isArray(value) ? value : []
}

function isObject (value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
