import type { EpcisAction, EpcisEvent, EpcisEventType, EpcRole } from './epcis.types.js'
import { canonicalIdentifier } from './identifiers.js'
import { isTimeZoneOffset } from './timestamps.js'
import { isExtensionName, isPlainObject, pointerOf } from './validation-context.js'
import type { ProblemCollector } from './validation-context.js'
import { checkSensorElementList } from './sensor-validation.js'

/** An event that passed validation, with the fields the repository indexes already resolved. */
export interface ValidatedEvent {
  index: number
  event: EpcisEvent
  type: EpcisEventType
  action: EpcisAction | null
  eventTimeMs: number
  bizStep: string | null
  disposition: string | null
  readPoint: string | null
  bizLocation: string | null
  parentId: string | null
  errorDeclared: boolean
  /** Canonical identifiers (GS1 keys as canonical Digital Link URIs) with the role they play. */
  epcs: Array<{ epc: string, role: EpcRole }>
  /** CURIE prefixes in force for this event (document and event `@context`). */
  prefixes: Record<string, string>
}

// `id` is the JSON-LD alias of @id, as eventID is (EPCIS 2.0 context); some writers give events a blank-node id.
const COMMON = ['@context', 'id', 'type', 'eventTime', 'recordTime', 'eventTimeZoneOffset', 'eventID', 'errorDeclaration', 'certificationInfo']
const WHAT_WHERE_WHY = ['bizStep', 'disposition', 'persistentDisposition', 'readPoint', 'bizLocation', 'bizTransactionList', 'sourceList', 'destinationList', 'sensorElementList']

/** Fields each event type may carry besides extensions (EPCIS 2.0 §7.4.2–7.4.6). */
const FIELDS: Record<EpcisEventType, ReadonlySet<string>> = {
  ObjectEvent: new Set([...COMMON, ...WHAT_WHERE_WHY, 'action', 'epcList', 'quantityList', 'ilmd']),
  AggregationEvent: new Set([...COMMON, ...WHAT_WHERE_WHY, 'action', 'parentID', 'childEPCs', 'childQuantityList']),
  AssociationEvent: new Set([...COMMON, ...WHAT_WHERE_WHY, 'action', 'parentID', 'childEPCs', 'childQuantityList']),
  TransactionEvent: new Set([...COMMON, ...WHAT_WHERE_WHY, 'action', 'parentID', 'epcList', 'quantityList']),
  TransformationEvent: new Set([...COMMON, ...WHAT_WHERE_WHY, 'inputEPCList', 'inputQuantityList', 'outputEPCList', 'outputQuantityList', 'transformationID', 'ilmd'])
}

/** The same plus `ilmd`, which gets its own message where it is not allowed. */
const WITH_ILMD = Object.fromEntries(Object.entries(FIELDS).map(([type, fields]) => [type, new Set([...fields, 'ilmd'])])) as unknown as Record<EpcisEventType, ReadonlySet<string>>

const TYPE_NAMES = new Map<string, EpcisEventType>()
for (const type of Object.keys(FIELDS) as EpcisEventType[]) {
  for (const name of [type, `epcis:${type}`, `https://ref.gs1.org/epcis/${type}`]) TYPE_NAMES.set(name, type)
}

const ACTIONS = new Set(['ADD', 'OBSERVE', 'DELETE'])

/** Check one event against the rules of its type; null when it has problems (they are in `check`). */
export function validateEvent (raw: unknown, index: number, pointer: string, check: ProblemCollector): ValidatedEvent | null {
  const before = check.problems.length
  if (!isPlainObject(raw)) {
    check.add(pointer, 'each event must be a JSON object')
    return null
  }
  if (typeof raw.eventID === 'string') check.eventID = raw.eventID
  const type = typeof raw.type === 'string' ? TYPE_NAMES.get(raw.type) : undefined
  if (type === undefined) {
    check.add(pointerOf(pointer, 'type'), raw.type === undefined
      ? 'is required: ObjectEvent, AggregationEvent, TransactionEvent, TransformationEvent or AssociationEvent'
      : `${JSON.stringify(raw.type)} is not an EPCIS 2.0 event type (ObjectEvent, AggregationEvent, TransactionEvent, TransformationEvent, AssociationEvent)`)
    return null
  }
  const at = (...parts: Array<string | number>): string => pointerOf(pointer, ...parts)
  const epcs: ValidatedEvent['epcs'] = []
  const collect = (field: string, role: EpcRole): void => {
    const list = raw[field]
    if (list === undefined) return
    if (check.identifierList(at(field), list)) for (const epc of list) epcs.push({ epc: canonicalIdentifier(epc), role })
  }
  const collectQuantities = (field: string, role: EpcRole): void => {
    const list = raw[field]
    if (list === undefined || !check.array(at(field), list)) return
    list.forEach((element, i) => {
      const where = at(field, i)
      if (!check.object(where, element)) return
      check.keys(where, element, QUANTITY_FIELDS, 'a quantity element (epcClass, quantity, uom)')
      if (element.epcClass === undefined) check.add(pointerOf(where, 'epcClass'), 'is required')
      else if (check.identifier(pointerOf(where, 'epcClass'), element.epcClass)) epcs.push({ epc: canonicalIdentifier(element.epcClass), role })
      if (element.quantity !== undefined) check.number(pointerOf(where, 'quantity'), element.quantity)
      if (element.uom !== undefined) {
        if (typeof element.uom !== 'string' || !/^[A-Z0-9]{2,3}$/.test(element.uom)) check.add(pointerOf(where, 'uom'), 'must be a UN/ECE Rec. 20 unit code (2–3 capitals or digits, e.g. KGM)')
        else if (element.quantity === undefined) check.add(pointerOf(where, 'uom'), 'needs a quantity')
      }
    })
  }

  check.keys(pointer, raw, WITH_ILMD[type], type)
  if (raw.ilmd !== undefined && !FIELDS[type].has('ilmd')) {
    check.add(at('ilmd'), `ILMD is only allowed on an ObjectEvent with action ADD or on a TransformationEvent, not on ${type}`)
  }

  // When: eventTime and its offset are required of every event (EPCIS 2.0 §7.4.1).
  let eventTimeMs: number | null = null
  if (raw.eventTime === undefined) check.add(at('eventTime'), 'is required')
  else eventTimeMs = check.timestamp(at('eventTime'), raw.eventTime)
  if (raw.eventTimeZoneOffset === undefined) check.add(at('eventTimeZoneOffset'), 'is required')
  else if (!isTimeZoneOffset(raw.eventTimeZoneOffset)) check.add(at('eventTimeZoneOffset'), 'must be an offset from -14:00 to +14:00, e.g. +08:00')
  if (raw.recordTime !== undefined) check.timestamp(at('recordTime'), raw.recordTime)
  if (raw.eventID !== undefined) check.uri(at('eventID'), raw.eventID)
  if (raw.id !== undefined && typeof raw.id !== 'string') check.add(at('id'), 'must be an IRI or a blank node identifier')
  if (raw.certificationInfo !== undefined) checkCertificationInfo(check, at('certificationInfo'), raw.certificationInfo)
  const errorDeclared = raw.errorDeclaration !== undefined
  if (errorDeclared) checkErrorDeclaration(check, at('errorDeclaration'), raw.errorDeclaration)

  // Action: required except on TransformationEvent, which has none (§7.4.6).
  let action: EpcisAction | null = null
  if (type !== 'TransformationEvent') {
    if (raw.action === undefined) check.add(at('action'), 'is required: ADD, OBSERVE or DELETE')
    else if (typeof raw.action !== 'string' || !ACTIONS.has(raw.action)) check.add(at('action'), `${JSON.stringify(raw.action)} is not ADD, OBSERVE or DELETE`)
    else action = raw.action as EpcisAction
  }

  // What.
  let parentId: string | null = null
  if (raw.parentID !== undefined && check.identifier(at('parentID'), raw.parentID)) {
    parentId = canonicalIdentifier(raw.parentID)
    epcs.push({ epc: parentId, role: 'parent' })
  }
  const nonEmpty = (field: string): boolean => Array.isArray(raw[field]) && (raw[field] as unknown[]).length > 0
  switch (type) {
    case 'ObjectEvent':
      collect('epcList', 'epc')
      collectQuantities('quantityList', 'quantity')
      // EPCIS 2.0 JSON schema, ObjectEvent: objects (epcList, or a non-empty quantityList), or sensor data
      // together with the readPoint it was measured at. bizLocation is where objects are expected to be
      // after the event, not where it happened, so it does not stand in for the readPoint.
      if (!nonEmpty('epcList') && !nonEmpty('quantityList')) {
        if (!nonEmpty('sensorElementList')) check.add(at('epcList'), 'an ObjectEvent needs a non-empty epcList or quantityList (or sensor data with a readPoint)')
        else if (raw.readPoint === undefined) {
          check.add(at('readPoint'), 'is required of an ObjectEvent that reports sensor data without epcList or quantityList: the data is about the place it was read at (EPCIS 2.0 JSON schema); bizLocation does not name that place')
        }
      }
      if (raw.ilmd !== undefined && action !== null && action !== 'ADD') check.add(at('ilmd'), `ILMD is only allowed when action is ADD, not ${action} (EPCIS 2.0 §7.4.2)`)
      break
    case 'AggregationEvent':
    case 'AssociationEvent':
      collect('childEPCs', 'child')
      collectQuantities('childQuantityList', 'quantity')
      if (raw.parentID === undefined && (type === 'AssociationEvent' || (action !== null && action !== 'OBSERVE'))) {
        check.add(at('parentID'), type === 'AssociationEvent' ? 'is required of an AssociationEvent' : `is required of an AggregationEvent with action ${action ?? 'ADD or DELETE'}`)
      }
      if (!nonEmpty('childEPCs') && !nonEmpty('childQuantityList') && action !== 'DELETE') {
        check.add(at('childEPCs'), `an ${type} with action ${action ?? 'ADD or OBSERVE'} needs a non-empty childEPCs or childQuantityList`)
      }
      break
    case 'TransactionEvent':
      collect('epcList', 'epc')
      collectQuantities('quantityList', 'quantity')
      if (raw.bizTransactionList === undefined) check.add(at('bizTransactionList'), 'is required of a TransactionEvent')
      else if (Array.isArray(raw.bizTransactionList) && raw.bizTransactionList.length === 0) check.add(at('bizTransactionList'), 'must name at least one business transaction')
      if (!nonEmpty('epcList') && !nonEmpty('quantityList') && action !== 'DELETE') {
        check.add(at('epcList'), 'a TransactionEvent needs a non-empty epcList or quantityList')
      }
      break
    case 'TransformationEvent': {
      collect('inputEPCList', 'input')
      collectQuantities('inputQuantityList', 'input_quantity')
      collect('outputEPCList', 'output')
      collectQuantities('outputQuantityList', 'output_quantity')
      if (raw.transformationID !== undefined) check.uri(at('transformationID'), raw.transformationID)
      const inputs = nonEmpty('inputEPCList') || nonEmpty('inputQuantityList')
      const outputs = nonEmpty('outputEPCList') || nonEmpty('outputQuantityList')
      if (raw.transformationID === undefined ? !(inputs && outputs) : !(inputs || outputs)) {
        check.add(at(inputs ? 'outputEPCList' : 'inputEPCList'), raw.transformationID === undefined
          ? 'a TransformationEvent needs inputs and outputs (or a transformationID with inputs or outputs)'
          : 'a TransformationEvent needs inputs or outputs')
      }
      break
    }
  }
  if (raw.ilmd !== undefined && FIELDS[type].has('ilmd') && check.object(at('ilmd'), raw.ilmd)) {
    for (const key of Object.keys(raw.ilmd)) {
      if (!isExtensionName(key)) check.add(at('ilmd', key), `ILMD fields need a namespace prefix declared in @context (e.g. "example:${key}")`)
    }
  }

  // Where and why.
  const bizStep = raw.bizStep === undefined ? null : check.vocabulary('bizStep', at('bizStep'), raw.bizStep)
  const disposition = raw.disposition === undefined ? null : check.vocabulary('disposition', at('disposition'), raw.disposition)
  if (raw.persistentDisposition !== undefined) checkPersistentDisposition(check, at('persistentDisposition'), raw.persistentDisposition)
  const readPoint = checkLocation(check, at('readPoint'), raw.readPoint)
  const bizLocation = checkLocation(check, at('bizLocation'), raw.bizLocation)
  if (raw.bizTransactionList !== undefined) checkBizTransactions(check, at('bizTransactionList'), raw.bizTransactionList)
  if (raw.sourceList !== undefined) checkSourcesOrDestinations(check, at('sourceList'), raw.sourceList, 'source')
  if (raw.destinationList !== undefined) checkSourcesOrDestinations(check, at('destinationList'), raw.destinationList, 'destination')
  if (raw.sensorElementList !== undefined) checkSensorElementList(check, at('sensorElementList'), raw.sensorElementList)

  if (check.problems.length > before || eventTimeMs === null) return null
  return {
    index,
    event: raw as EpcisEvent,
    type,
    action,
    eventTimeMs,
    bizStep,
    disposition,
    readPoint,
    bizLocation,
    parentId,
    errorDeclared,
    epcs,
    prefixes: check.prefixes
  }
}

const QUANTITY_FIELDS: ReadonlySet<string> = new Set(['epcClass', 'quantity', 'uom'])
const LOCATION_FIELDS: ReadonlySet<string> = new Set(['id'])
const ERROR_DECLARATION_FIELDS: ReadonlySet<string> = new Set(['declarationTime', 'reason', 'correctiveEventIDs'])
const PERSISTENT_DISPOSITION_FIELDS: ReadonlySet<string> = new Set(['set', 'unset'])

function checkLocation (check: ProblemCollector, pointer: string, value: unknown): string | null {
  if (value === undefined) return null
  if (!check.object(pointer, value)) return null
  check.keys(pointer, value, LOCATION_FIELDS, 'a location (id and extension fields)')
  if (value.id === undefined) {
    check.add(pointerOf(pointer, 'id'), 'is required')
    return null
  }
  return check.identifier(pointerOf(pointer, 'id'), value.id) ? canonicalIdentifier(value.id) : null
}

function checkCertificationInfo (check: ProblemCollector, pointer: string, value: unknown): void {
  if (Array.isArray(value)) value.forEach((item, i) => check.uri(pointerOf(pointer, i), item))
  else check.uri(pointer, value)
}

function checkErrorDeclaration (check: ProblemCollector, pointer: string, value: unknown): void {
  if (!check.object(pointer, value)) return
  check.keys(pointer, value, ERROR_DECLARATION_FIELDS, 'an error declaration (declarationTime, reason, correctiveEventIDs)')
  if (value.declarationTime === undefined) check.add(pointerOf(pointer, 'declarationTime'), 'is required')
  else check.timestamp(pointerOf(pointer, 'declarationTime'), value.declarationTime)
  if (value.reason !== undefined) check.vocabulary('errorReason', pointerOf(pointer, 'reason'), value.reason)
  if (value.correctiveEventIDs !== undefined && check.array(pointerOf(pointer, 'correctiveEventIDs'), value.correctiveEventIDs)) {
    value.correctiveEventIDs.forEach((id, i) => check.uri(pointerOf(pointer, 'correctiveEventIDs', i), id))
  }
}

function checkPersistentDisposition (check: ProblemCollector, pointer: string, value: unknown): void {
  if (!check.object(pointer, value)) return
  check.keys(pointer, value, PERSISTENT_DISPOSITION_FIELDS, 'persistentDisposition (set, unset)')
  if (value.set === undefined && value.unset === undefined) check.add(pointer, 'needs set or unset')
  for (const field of ['set', 'unset'] as const) {
    const list = value[field]
    if (list !== undefined && check.array(pointerOf(pointer, field), list)) {
      list.forEach((item, i) => check.vocabulary('disposition', pointerOf(pointer, field, i), item))
    }
  }
}

function checkBizTransactions (check: ProblemCollector, pointer: string, value: unknown): void {
  if (!check.array(pointer, value)) return
  value.forEach((item, i) => {
    const where = pointerOf(pointer, i)
    if (!check.object(where, item)) return
    check.keys(where, item, BIZ_TRANSACTION_FIELDS, 'a business transaction (type, bizTransaction)')
    if (item.bizTransaction === undefined) check.add(pointerOf(where, 'bizTransaction'), 'is required')
    else check.identifier(pointerOf(where, 'bizTransaction'), item.bizTransaction)
    if (item.type !== undefined) check.vocabulary('bizTransactionType', pointerOf(where, 'type'), item.type)
  })
}
const BIZ_TRANSACTION_FIELDS: ReadonlySet<string> = new Set(['type', 'bizTransaction'])
const SOURCE_FIELDS: ReadonlySet<string> = new Set(['type', 'source'])
const DESTINATION_FIELDS: ReadonlySet<string> = new Set(['type', 'destination'])

function checkSourcesOrDestinations (check: ProblemCollector, pointer: string, value: unknown, field: 'source' | 'destination'): void {
  if (!check.array(pointer, value)) return
  const known = field === 'source' ? SOURCE_FIELDS : DESTINATION_FIELDS
  value.forEach((item, i) => {
    const where = pointerOf(pointer, i)
    if (!check.object(where, item)) return
    check.keys(where, item, known, `a ${field} (type, ${field})`)
    if (item.type === undefined) check.add(pointerOf(where, 'type'), 'is required (owning_party, possessing_party, location or a URI)')
    else check.vocabulary('sourceDestType', pointerOf(where, 'type'), item.type)
    if (item[field] === undefined) check.add(pointerOf(where, field), 'is required')
    else check.identifier(pointerOf(where, field), item[field])
  })
}
