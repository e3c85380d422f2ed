import { pointerOf } from './validation-context.js'
import type { ProblemCollector } from './validation-context.js'

/**
 * Sensor data (EPCIS 2.0 §7.3.8): `sensorElementList` holds sensor elements, each with optional
 * `sensorMetadata` and a non-empty `sensorReport` list. Every level takes extension fields.
 */

const ELEMENT_FIELDS: ReadonlySet<string> = new Set(['sensorMetadata', 'sensorReport'])

const METADATA_TIMES = ['time', 'startTime', 'endTime'] as const
const METADATA_URIS = ['deviceID', 'deviceMetadata', 'rawData', 'dataProcessingMethod', 'bizRules'] as const
const METADATA_FIELDS: ReadonlySet<string> = new Set([...METADATA_TIMES, ...METADATA_URIS])

const REPORT_URIS = ['deviceID', 'deviceMetadata', 'rawData', 'dataProcessingMethod', 'microorganism', 'chemicalSubstance', 'uriValue', 'coordinateReferenceSystem'] as const
const REPORT_NUMBERS = ['value', 'minValue', 'maxValue', 'meanValue', 'sDev', 'percRank', 'percValue'] as const
const REPORT_FIELDS: ReadonlySet<string> = new Set([
  ...REPORT_URIS, ...REPORT_NUMBERS, 'type', 'exception', 'time', 'component', 'stringValue', 'booleanValue', 'hexBinaryValue', 'uom'
])

export function checkSensorElementList (check: ProblemCollector, pointer: string, value: unknown): void {
  if (!check.array(pointer, value)) return
  value.forEach((element, i) => {
    const where = pointerOf(pointer, i)
    if (!check.object(where, element)) return
    check.keys(where, element, ELEMENT_FIELDS, 'a sensor element (sensorMetadata, sensorReport)')
    if (element.sensorMetadata !== undefined) checkMetadata(check, pointerOf(where, 'sensorMetadata'), element.sensorMetadata)
    if (element.sensorReport === undefined) check.add(pointerOf(where, 'sensorReport'), 'is required')
    else if (check.array(pointerOf(where, 'sensorReport'), element.sensorReport, { nonEmpty: true })) {
      element.sensorReport.forEach((report, r) => checkReport(check, pointerOf(where, 'sensorReport', r), report))
    }
  })
}

function checkMetadata (check: ProblemCollector, pointer: string, value: unknown): void {
  if (!check.object(pointer, value)) return
  check.keys(pointer, value, METADATA_FIELDS, 'sensor metadata')
  for (const field of METADATA_TIMES) if (value[field] !== undefined) check.timestamp(pointerOf(pointer, field), value[field])
  for (const field of METADATA_URIS) if (value[field] !== undefined) check.uri(pointerOf(pointer, field), value[field])
}

function checkReport (check: ProblemCollector, pointer: string, value: unknown): void {
  if (!check.object(pointer, value)) return
  check.keys(pointer, value, REPORT_FIELDS, 'a sensor report')
  const at = (field: string): string => pointerOf(pointer, field)
  if (value.type !== undefined) check.vocabulary('measurementType', at('type'), value.type)
  if (value.exception !== undefined) check.vocabulary('sensorAlertType', at('exception'), value.exception)
  if (value.component !== undefined) check.vocabulary('component', at('component'), value.component)
  if (value.time !== undefined) check.timestamp(at('time'), value.time)
  for (const field of REPORT_URIS) if (value[field] !== undefined) check.uri(at(field), value[field])
  for (const field of REPORT_NUMBERS) if (value[field] !== undefined) check.number(at(field), value[field])
  if (value.stringValue !== undefined && typeof value.stringValue !== 'string') check.add(at('stringValue'), 'must be a string')
  if (value.booleanValue !== undefined && typeof value.booleanValue !== 'boolean') check.add(at('booleanValue'), 'must be true or false')
  if (value.hexBinaryValue !== undefined && (typeof value.hexBinaryValue !== 'string' || !/^([0-9A-Fa-f]{2})*$/.test(value.hexBinaryValue))) {
    check.add(at('hexBinaryValue'), 'must be hexadecimal digits, two per byte')
  }
  if (value.uom !== undefined && (typeof value.uom !== 'string' || value.uom === '')) check.add(at('uom'), 'must be a unit code (UN/ECE Rec. 20, e.g. CEL)')
  if (value.percRank !== undefined && typeof value.percRank === 'number' && (value.percRank < 0 || value.percRank > 100)) {
    check.add(at('percRank'), 'must be a percentile rank from 0 to 100')
  }
}
