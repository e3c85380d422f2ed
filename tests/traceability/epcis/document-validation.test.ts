import t from 'tap'
import { validateDocument } from '../../../traceability/epcis/document-validation.js'
import { listFixtures, loadFixture } from './epcis-helpers.js'

t.test('every fixture (all five event types, sensor data, error declaration, Digital Link, JSON-LD variants) is valid', async (t) => {
  const counts: Record<string, number | string> = {}
  for (const name of listFixtures()) {
    const result = validateDocument(loadFixture(name))
    counts[name] = result.ok ? result.events.length : JSON.stringify(result.problems)
  }
  t.same(counts, {
    'aggregation-events.jsonld': 3,
    'association-event.jsonld': 2,
    'digital-link.jsonld': 2,
    'error-declaration.jsonld': 2,
    'jsonld-variants.jsonld': 3,
    'object-events.jsonld': 3,
    'sensor-data.jsonld': 2,
    'transaction-event.jsonld': 1,
    'transformation-event.jsonld': 1,
    'without-event-ids.jsonld': 3
  })
})

t.test('resolved fields: CBV terms as Web URIs, identifiers canonical, roles', async (t) => {
  const result = validateDocument(loadFixture('digital-link.jsonld'))
  if (!result.ok) throw new Error('fixture must be valid')
  const [sale, packing] = result.events
  t.same({ bizStep: sale?.bizStep, disposition: sale?.disposition, readPoint: sale?.readPoint, bizLocation: sale?.bizLocation, epcs: sale?.epcs }, {
    bizStep: 'https://ref.gs1.org/cbv/BizStep-retail_selling',
    disposition: 'https://ref.gs1.org/cbv/Disp-retail_sold',
    readPoint: 'https://id.gs1.org/414/6954321000024',
    bizLocation: 'https://id.gs1.org/414/6954321000024/254/shelf-3',
    epcs: [
      { epc: 'https://id.gs1.org/01/06901234123456/21/A1001', role: 'epc' },
      { epc: 'https://id.gs1.org/01/06901234123456/21/A1002', role: 'epc' }
    ]
  })
  t.same(packing?.epcs, [
    { epc: 'https://id.gs1.org/00/169012340000000174', role: 'parent' },
    { epc: 'https://id.gs1.org/01/06901234123456/21/A1003', role: 'child' },
    { epc: 'https://id.gs1.org/01/06901234123463/10/LOT7', role: 'quantity' }
  ])
  const variants = validateDocument(loadFixture('jsonld-variants.jsonld'))
  if (!variants.ok) throw new Error('fixture must be valid')
  t.same(variants.events.map((event) => [event.bizStep, event.disposition]), [
    ['https://ref.gs1.org/cbv/BizStep-inspecting', 'https://ref.gs1.org/cbv/Disp-conformant'],
    ['https://ref.gs1.org/cbv/BizStep-stocking', 'https://ref.gs1.org/cbv/Disp-sellable_accessible'],
    ['https://dealer.example/vocab/bizstep/bench-testing', 'https://ref.gs1.org/cbv/Disp-available']
  ])
  t.same(variants.events[0]?.prefixes, {
    ext1: 'https://ns.dealer.example/epcis/',
    ext2: 'https://ns.logistics.example/v2/',
    ext3: 'https://ns.workshop.example/'
  })
})

type Mutation = (document: any) => void
const event = (index: number, change: (event: any) => void): Mutation => (document) => change(document.epcisBody.eventList[index])

/** [fixture, what is wrong, mutation, pointer, eventIndex, eventID, message pattern] */
const INVALID: Array<[string, string, Mutation, string, number | undefined, string | undefined, RegExp]> = [
  ['object-events.jsonld', 'eventTime missing', event(1, (e) => { delete e.eventTime }), '/epcisBody/eventList/1/eventTime', 1, 'urn:uuid:6f1c2a4e-1b7d-4c3a-9f10-000000000002', /is required/],
  ['object-events.jsonld', 'eventTime without offset', event(0, (e) => { e.eventTime = '2026-03-01T09:15:00' }), '/epcisBody/eventList/0/eventTime', 0, 'urn:uuid:6f1c2a4e-1b7d-4c3a-9f10-000000000001', /time zone offset/],
  ['object-events.jsonld', 'eventTime not ISO 8601', event(0, (e) => { e.eventTime = '01-03-2026' }), '/epcisBody/eventList/0/eventTime', 0, 'urn:uuid:6f1c2a4e-1b7d-4c3a-9f10-000000000001', /date-time/],
  ['object-events.jsonld', 'eventTimeZoneOffset out of range', event(2, (e) => { e.eventTimeZoneOffset = '+15:00' }), '/epcisBody/eventList/2/eventTimeZoneOffset', 2, 'urn:uuid:6f1c2a4e-1b7d-4c3a-9f10-000000000003', /-14:00 to \+14:00/],
  ['object-events.jsonld', 'eventTimeZoneOffset missing', event(2, (e) => { delete e.eventTimeZoneOffset }), '/epcisBody/eventList/2/eventTimeZoneOffset', 2, 'urn:uuid:6f1c2a4e-1b7d-4c3a-9f10-000000000003', /is required/],
  ['object-events.jsonld', 'action missing', event(1, (e) => { delete e.action }), '/epcisBody/eventList/1/action', 1, 'urn:uuid:6f1c2a4e-1b7d-4c3a-9f10-000000000002', /is required: ADD, OBSERVE or DELETE/],
  ['object-events.jsonld', 'action not a CBV action', event(1, (e) => { e.action = 'CREATE' }), '/epcisBody/eventList/1/action', 1, 'urn:uuid:6f1c2a4e-1b7d-4c3a-9f10-000000000002', /"CREATE" is not ADD, OBSERVE or DELETE/],
  ['object-events.jsonld', 'bizStep not in CBV', event(1, (e) => { e.bizStep = 'transforming' }), '/epcisBody/eventList/1/bizStep', 1, 'urn:uuid:6f1c2a4e-1b7d-4c3a-9f10-000000000002', /"transforming" is not a CBV 2.0 bizStep value/],
  ['object-events.jsonld', 'bizStep URI in the CBV namespace that CBV does not define', event(1, (e) => { e.bizStep = 'https://ref.gs1.org/cbv/BizStep-transforming' }), '/epcisBody/eventList/1/bizStep', 1, 'urn:uuid:6f1c2a4e-1b7d-4c3a-9f10-000000000002', /CBV namespace/],
  ['object-events.jsonld', 'disposition URN not in CBV', event(1, (e) => { e.disposition = 'urn:epcglobal:cbv:disp:in_transport' }), '/epcisBody/eventList/1/disposition', 1, 'urn:uuid:6f1c2a4e-1b7d-4c3a-9f10-000000000002', /not a CBV 2.0 disposition/],
  ['object-events.jsonld', 'ILMD with OBSERVE', event(1, (e) => { e.ilmd = { 'cbvmda:lotNumber': 'L1' } }), '/epcisBody/eventList/1/ilmd', 1, 'urn:uuid:6f1c2a4e-1b7d-4c3a-9f10-000000000002', /only allowed when action is ADD, not OBSERVE/],
  ['object-events.jsonld', 'ILMD field without namespace', event(0, (e) => { e.ilmd.materialType = 'steel' }), '/epcisBody/eventList/0/ilmd/materialType', 0, 'urn:uuid:6f1c2a4e-1b7d-4c3a-9f10-000000000001', /namespace prefix/],
  ['object-events.jsonld', 'no epcList, quantityList or sensor data', event(2, (e) => { delete e.epcList }), '/epcisBody/eventList/2/epcList', 2, 'urn:uuid:6f1c2a4e-1b7d-4c3a-9f10-000000000003', /non-empty epcList or quantityList/],
  ['object-events.jsonld', 'quantity as text', event(1, (e) => { e.quantityList[0].quantity = '12' }), '/epcisBody/eventList/1/quantityList/0/quantity', 1, 'urn:uuid:6f1c2a4e-1b7d-4c3a-9f10-000000000002', /must be a number/],
  ['object-events.jsonld', 'unknown field in a quantity element', event(1, (e) => { e.quantityList[0].weight = 5 }), '/epcisBody/eventList/1/quantityList/0/weight', 1, 'urn:uuid:6f1c2a4e-1b7d-4c3a-9f10-000000000002', /not a field of a quantity element/],
  ['object-events.jsonld', 'source type not in CBV', event(1, (e) => { e.sourceList[0].type = 'place' }), '/epcisBody/eventList/1/sourceList/0/type', 1, 'urn:uuid:6f1c2a4e-1b7d-4c3a-9f10-000000000002', /not a CBV 2.0 sourceDestType/],
  ['object-events.jsonld', 'source entry field without namespace', event(1, (e) => { e.sourceList[0].place = 'dock 4' }), '/epcisBody/eventList/1/sourceList/0/place', 1, 'urn:uuid:6f1c2a4e-1b7d-4c3a-9f10-000000000002', /is not a field of a source \(type, source\); extension fields need a namespace prefix/],
  ['object-events.jsonld', 'bizTransaction missing', event(1, (e) => { delete e.bizTransactionList[1].bizTransaction }), '/epcisBody/eventList/1/bizTransactionList/1/bizTransaction', 1, 'urn:uuid:6f1c2a4e-1b7d-4c3a-9f10-000000000002', /is required/],
  ['object-events.jsonld', 'malformed SGTIN', event(0, (e) => { e.epcList[1] = 'urn:epc:id:sgtin:6901234.01234.A1002' }), '/epcisBody/eventList/0/epcList/1', 0, 'urn:uuid:6f1c2a4e-1b7d-4c3a-9f10-000000000001', /not a valid urn:epc:id:sgtin URI/],
  ['object-events.jsonld', 'unknown field without namespace', event(2, (e) => { e.bizstep = 'receiving' }), '/epcisBody/eventList/2/bizstep', 2, 'urn:uuid:6f1c2a4e-1b7d-4c3a-9f10-000000000003', /not a field of ObjectEvent/],
  ['object-events.jsonld', 'field of another event type', event(2, (e) => { e.childEPCs = [] }), '/epcisBody/eventList/2/childEPCs', 2, 'urn:uuid:6f1c2a4e-1b7d-4c3a-9f10-000000000003', /not a field of ObjectEvent/],
  ['object-events.jsonld', 'readPoint as a bare string', event(2, (e) => { e.readPoint = 'urn:epc:id:sgln:6954321.00002.0' }), '/epcisBody/eventList/2/readPoint', 2, 'urn:uuid:6f1c2a4e-1b7d-4c3a-9f10-000000000003', /must be an object/],
  ['object-events.jsonld', 'persistentDisposition term not in CBV', event(2, (e) => { e.persistentDisposition.set = ['verified'] }), '/epcisBody/eventList/2/persistentDisposition/set/0', 2, 'urn:uuid:6f1c2a4e-1b7d-4c3a-9f10-000000000003', /not a CBV 2.0 disposition/],
  ['object-events.jsonld', 'certificationInfo a number', event(2, (e) => { e.certificationInfo = 42 }), '/epcisBody/eventList/2/certificationInfo', 2, 'urn:uuid:6f1c2a4e-1b7d-4c3a-9f10-000000000003', /absolute URI/],
  ['object-events.jsonld', 'event type unknown', event(0, (e) => { e.type = 'ShippingEvent' }), '/epcisBody/eventList/0/type', 0, 'urn:uuid:6f1c2a4e-1b7d-4c3a-9f10-000000000001', /not an EPCIS 2.0 event type/],
  ['aggregation-events.jsonld', 'AggregationEvent ADD without parentID', event(0, (e) => { delete e.parentID }), '/epcisBody/eventList/0/parentID', 0, 'urn:uuid:0c9d3a55-4b2e-4f7a-8e21-000000000011', /required of an AggregationEvent with action ADD/],
  ['aggregation-events.jsonld', 'AggregationEvent ADD without children', event(0, (e) => { delete e.childEPCs; delete e.childQuantityList }), '/epcisBody/eventList/0/childEPCs', 0, 'urn:uuid:0c9d3a55-4b2e-4f7a-8e21-000000000011', /non-empty childEPCs or childQuantityList/],
  ['aggregation-events.jsonld', 'ILMD on an AggregationEvent', event(0, (e) => { e.ilmd = { 'cbvmda:lotNumber': 'L1' } }), '/epcisBody/eventList/0/ilmd', 0, 'urn:uuid:0c9d3a55-4b2e-4f7a-8e21-000000000011', /not on AggregationEvent/],
  ['aggregation-events.jsonld', 'parentID an SSCC with a wrong check digit', event(1, (e) => { e.parentID = 'https://id.gs1.org/00/169012340000000175' }), '/epcisBody/eventList/1/parentID', 1, 'urn:uuid:0c9d3a55-4b2e-4f7a-8e21-000000000012', /wrong check digit/],
  ['association-event.jsonld', 'AssociationEvent without parentID', event(1, (e) => { delete e.parentID }), '/epcisBody/eventList/1/parentID', 1, 'urn:uuid:4e5f6a7b-8c9d-4e0f-9a1b-000000000042', /required of an AssociationEvent/],
  ['transaction-event.jsonld', 'TransactionEvent without bizTransactionList', event(0, (e) => { delete e.bizTransactionList }), '/epcisBody/eventList/0/bizTransactionList', 0, 'urn:uuid:2b7a9c3d-5e6f-4a1b-8c2d-000000000021', /required of a TransactionEvent/],
  ['transformation-event.jsonld', 'TransformationEvent with an action', event(0, (e) => { e.action = 'ADD' }), '/epcisBody/eventList/0/action', 0, 'urn:uuid:7d8e9f0a-1b2c-4d3e-8f4a-000000000031', /not a field of TransformationEvent/],
  ['transformation-event.jsonld', 'TransformationEvent without outputs or transformationID', event(0, (e) => { delete e.outputEPCList; delete e.transformationID }), '/epcisBody/eventList/0/outputEPCList', 0, 'urn:uuid:7d8e9f0a-1b2c-4d3e-8f4a-000000000031', /needs inputs and outputs/],
  ['sensor-data.jsonld', 'sensor report with a measurement type not in the GS1 vocabulary', event(0, (e) => { e.sensorElementList[0].sensorReport[0].type = 'Temp' }), '/epcisBody/eventList/0/sensorElementList/0/sensorReport/0/type', 0, 'urn:uuid:9a0b1c2d-3e4f-4a5b-8c6d-000000000051', /measurementType/],
  ['sensor-data.jsonld', 'measurement type in the wrong case', event(0, (e) => { e.sensorElementList[0].sensorReport[0].type = 'temperature' }), '/epcisBody/eventList/0/sensorElementList/0/sensorReport/0/type', 0, 'urn:uuid:9a0b1c2d-3e4f-4a5b-8c6d-000000000051', /did you mean "Temperature"/],
  ['sensor-data.jsonld', 'sensor data without objects, with a bizLocation but no readPoint', event(1, (e) => { e.bizLocation = e.readPoint; delete e.readPoint }), '/epcisBody/eventList/1/readPoint', 1, 'urn:uuid:9a0b1c2d-3e4f-4a5b-8c6d-000000000052', /is required of an ObjectEvent that reports sensor data without epcList or quantityList.*EPCIS 2\.0 JSON schema.*bizLocation/],
  ['sensor-data.jsonld', 'sensor value as text', event(0, (e) => { e.sensorElementList[0].sensorReport[1].value = '61' }), '/epcisBody/eventList/0/sensorElementList/0/sensorReport/1/value', 0, 'urn:uuid:9a0b1c2d-3e4f-4a5b-8c6d-000000000051', /must be a number/],
  ['sensor-data.jsonld', 'sensor element without reports', event(1, (e) => { e.sensorElementList[0].sensorReport = [] }), '/epcisBody/eventList/1/sensorElementList/0/sensorReport', 1, 'urn:uuid:9a0b1c2d-3e4f-4a5b-8c6d-000000000052', /must not be empty/],
  ['error-declaration.jsonld', 'error declaration without declarationTime', event(0, (e) => { delete e.errorDeclaration.declarationTime }), '/epcisBody/eventList/0/errorDeclaration/declarationTime', 0, 'urn:uuid:6f1c2a4e-1b7d-4c3a-9f10-000000000002', /is required/],
  ['error-declaration.jsonld', 'error reason not in CBV', event(0, (e) => { e.errorDeclaration.reason = 'typo' }), '/epcisBody/eventList/0/errorDeclaration/reason', 0, 'urn:uuid:6f1c2a4e-1b7d-4c3a-9f10-000000000002', /errorReason/],
  ['without-event-ids.jsonld', 'problem in an event without eventID', event(2, (e) => { e.bizStep = 'boxing' }), '/epcisBody/eventList/2/bizStep', 2, undefined, /"boxing"/],
  ['object-events.jsonld', 'no @context', (d) => { delete d['@context'] }, '/@context', undefined, undefined, /is required/],
  ['object-events.jsonld', 'not an EPCISDocument', (d) => { d.type = 'EPCISQueryDocument' }, '/type', undefined, undefined, /not "EPCISDocument"/],
  ['object-events.jsonld', 'schemaVersion missing', (d) => { delete d.schemaVersion }, '/schemaVersion', undefined, undefined, /is required/],
  ['object-events.jsonld', 'creationDate missing', (d) => { delete d.creationDate }, '/creationDate', undefined, undefined, /is required/],
  ['object-events.jsonld', 'eventList not an array', (d) => { d.epcisBody.eventList = {} }, '/epcisBody/eventList', undefined, undefined, /must be an array/]
]

t.test('invalid documents are refused, naming the event and the field', async (t) => {
  for (const [fixture, what, mutate, pointer, eventIndex, eventID, message] of INVALID) {
    const document = loadFixture(fixture)
    mutate(document)
    const result = validateDocument(document)
    if (result.ok) {
      t.fail(`${what}: accepted`)
      continue
    }
    const [first] = result.problems
    t.same({ pointer: first?.pointer, eventIndex: first?.eventIndex, eventID: first?.eventID }, { pointer, eventIndex, eventID }, what)
    t.match(first?.message, message, `${what}: message`)
  }
})

t.test('all problems of a document are reported together', async (t) => {
  const document = loadFixture('object-events.jsonld')
  document.epcisBody.eventList[0].bizStep = 'boxing'
  document.epcisBody.eventList[2].action = 'CREATE'
  document.epcisBody.eventList[2].eventTime = 'yesterday'
  const result = validateDocument(document)
  t.same(result.ok ? [] : result.problems.map((p) => p.pointer), [
    '/epcisBody/eventList/0/bizStep',
    '/epcisBody/eventList/2/eventTime',
    '/epcisBody/eventList/2/action'
  ])
})

t.test('extension fields in source and destination entries are accepted, as everywhere else in an event', async (t) => {
  const document = loadFixture('object-events.jsonld')
  const shipping = document.epcisBody.eventList[1]
  shipping.sourceList[0]['afl:dock'] = 'D4'
  shipping.sourceList[1]['https://ns.carrier.example/epcis/gate'] = { 'afl:lane': 2 }
  shipping.destinationList[0]['afl:contact'] = 'receiving office'
  const result = validateDocument(document)
  t.same(result.ok ? result.events.length : result.problems, 3)
})

t.test('locations, parties and EPCs that are web URIs but not Digital Links are accepted as they are (EPCIS 2.0 allows any URI)', async (t) => {
  const document = loadFixture('object-events.jsonld')
  const receiving = document.epcisBody.eventList[2]
  receiving.epcList.push('https://assets.partner.example/00/42')
  receiving.readPoint = { id: 'https://partner.example/loc/123' }
  receiving.bizLocation = { id: 'https://partner.example/loc/6954321000025' }
  receiving.sourceList = [{ type: 'possessing_party', source: 'https://partner.example/party/acme-logistics' }]
  const result = validateDocument(document)
  if (!result.ok) throw new Error(JSON.stringify(result.problems))
  const event = result.events[2]
  t.same({ readPoint: event?.readPoint, bizLocation: event?.bizLocation, epcs: event?.epcs }, {
    readPoint: 'https://partner.example/loc/123',
    bizLocation: 'https://partner.example/loc/6954321000025',
    epcs: [
      { epc: 'https://id.gs1.org/01/06901234123456/21/A1001', role: 'epc' },
      { epc: 'https://assets.partner.example/00/42', role: 'epc' }
    ]
  })
})
