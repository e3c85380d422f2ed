import t from 'tap'
import { buildPreHashString, computeEventHash } from '../../../traceability/epcis/event-hash.js'

// Modelled on the worked example of the GS1 EPCIS event hash generator (CBV 2.0 §8.9): an SSCC
// observed while transporting, read at a geo URI. The expected pre-hash string is the one that
// reference implementation prints for this event.
const transporting = {
  type: 'ObjectEvent',
  eventTime: '2022-02-16T16:50:00.000+01:00',
  eventTimeZoneOffset: '+01:00',
  epcList: ['urn:epc:id:sscc:4012345.1112223334'],
  action: 'OBSERVE',
  bizStep: 'transporting',
  readPoint: { id: 'geo:47.506694,11.104301' }
}

t.test('the pre-hash string of the reference example, and its ni: URI', async (t) => {
  const preHash = 'eventType=ObjectEventeventTime=2022-02-16T15:50:00.000ZeventTimeZoneOffset=+01:00' +
    'epcListepc=https://id.gs1.org/00/140123451122233341action=OBSERVEbizStep=https://ref.gs1.org/cbv/BizStep-transporting' +
    'readPointid=geo:47.506694,11.104301'
  t.equal(buildPreHashString(transporting), preHash)
  t.equal(computeEventHash(transporting), 'ni:///sha-256;1d2ec4174d8f0b5988a44795b31a636e8bc7f88ebc4bdc0d35c14f215a842e80?ver=CBV2.0')
})

t.test('every rule of the canonical form, on one event', async (t) => {
  const event = {
    type: 'ObjectEvent',
    eventID: 'urn:uuid:not-hashed',
    recordTime: '2026-03-09T00:00:00Z',
    certificationInfo: 'https://certification.example/cert/1',
    errorDeclaration: { declarationTime: '2026-03-10T00:00:00Z' },
    eventTime: '2026-03-08T19:02:03.1415-05:00',
    eventTimeZoneOffset: '-05:00',
    epcList: ['urn:epc:id:sgtin:6901234.012345.B', 'https://x.example/01/06901234123456/21/A'],
    quantityList: [{ epcClass: 'urn:epc:class:lgtin:6901234.012346.L1', quantity: 12.50, uom: 'KGM' }],
    action: 'ADD',
    bizStep: 'urn:epcglobal:cbv:bizstep:commissioning',
    disposition: 'active',
    persistentDisposition: { unset: ['completeness_inferred'], set: ['completeness_verified'] },
    readPoint: { id: 'urn:epc:id:sgln:6901234.00001.0', 'ex:bay': ' 7 ' },
    bizTransactionList: [{ type: 'po', bizTransaction: 'urn:epcglobal:cbv:bt:6901234000016:PO-1' }],
    sourceList: [{ type: 'owning_party', source: 'urn:epc:id:pgln:6901234.00000' }],
    sensorElementList: [{
      sensorMetadata: { time: '2026-03-08T10:00:00+08:00', 'ex:fw': '4.2' },
      sensorReport: [{ type: 'Temperature', value: 4.0, uom: 'CEL' }, { type: 'gs1:Temperature', exception: 'ALARM_CONDITION', value: 9.5 }]
    }],
    ilmd: { 'cbvmda:lotNumber': 'L1', 'ex:grade': 'A' },
    'ex:inspector': { 'ex:name': 'Li', 'ex:badge': '0220' },
    'ex:readings': ['12.0', '3']
  }
  const prefixes = { ex: 'https://ns.example.com/epcis/' }
  t.equal(buildPreHashString(event, prefixes), [
    'eventType=ObjectEvent',
    'eventTime=2026-03-09T00:02:03.142Z',
    'eventTimeZoneOffset=-05:00',
    'epcList',
    'epc=https://id.gs1.org/01/06901234123456/21/A',
    'epc=https://id.gs1.org/01/06901234123456/21/B',
    'quantityListquantityElementepcClass=https://id.gs1.org/01/06901234123463/10/L1quantity=12.5uom=KGM',
    'action=ADD',
    'bizStep=https://ref.gs1.org/cbv/BizStep-commissioning',
    'disposition=https://ref.gs1.org/cbv/Disp-active',
    'persistentDispositionset=https://ref.gs1.org/cbv/Disp-completeness_verifiedunset=https://ref.gs1.org/cbv/Disp-completeness_inferred',
    'readPointid=https://id.gs1.org/414/6901234000016{https://ns.example.com/epcis/}bay=7',
    'bizTransactionListbizTransaction=urn:epcglobal:cbv:bt:6901234000016:PO-1type=https://ref.gs1.org/cbv/BTT-po',
    'sourceListsource=https://id.gs1.org/417/6901234000009type=https://ref.gs1.org/cbv/SDT-owning_party',
    'sensorElementListsensorElement',
    'sensorMetadatatime=2026-03-08T02:00:00.000Z{https://ns.example.com/epcis/}fw=4.2',
    'sensorReporttype=https://gs1.org/voc/Temperatureexception=https://gs1.org/voc/ALARM_CONDITIONvalue=9.5',
    'sensorReporttype=https://gs1.org/voc/Temperaturevalue=4uom=CEL',
    'ilmd{https://ns.example.com/epcis/}grade=A{urn:epcglobal:cbv:mda:}lotNumber=L1',
    '{https://ns.example.com/epcis/}inspector{https://ns.example.com/epcis/}badge=220{https://ns.example.com/epcis/}name=Li',
    '{https://ns.example.com/epcis/}readings=12{https://ns.example.com/epcis/}readings=3'
  ].join(''))
})

t.test('the same event written differently hashes the same', async (t) => {
  const hash = computeEventHash(transporting)
  const rewritten = {
    readPoint: { id: 'geo:47.506694,11.104301' },
    bizStep: 'https://ref.gs1.org/cbv/BizStep-transporting',
    action: 'OBSERVE',
    epcList: ['https://logistics.example/00/140123451122233341?x=1'],
    eventTimeZoneOffset: '+01:00',
    eventTime: '2022-02-16T15:50:00Z',
    eventID: 'urn:uuid:11111111-2222-4333-8444-555555555555',
    recordTime: '2030-01-01T00:00:00Z',
    errorDeclaration: { declarationTime: '2022-03-01T00:00:00Z', reason: 'incorrect_data' },
    type: 'ObjectEvent'
  }
  t.equal(computeEventHash(rewritten), hash, 'key order, time zone, URI forms, eventID, recordTime, errorDeclaration do not count')
  const reordered = { ...transporting, epcList: ['urn:epc:id:sscc:4012345.1112223335', 'urn:epc:id:sscc:4012345.1112223334'] }
  const sameSet = { ...transporting, epcList: ['urn:epc:id:sscc:4012345.1112223334', 'urn:epc:id:sscc:4012345.1112223335'] }
  t.equal(computeEventHash(reordered), computeEventHash(sameSet), 'list order does not count')
})

t.test('any change of a value, or a field added, changes the hash', async (t) => {
  const hash = computeEventHash(transporting)
  const variants = [
    { ...transporting, eventTime: '2022-02-16T16:50:00.001+01:00' },
    { ...transporting, eventTimeZoneOffset: '+02:00' },
    { ...transporting, action: 'ADD' },
    { ...transporting, bizStep: 'shipping' },
    { ...transporting, disposition: 'in_transit' },
    { ...transporting, epcList: ['urn:epc:id:sscc:4012345.1112223335'] },
    { ...transporting, readPoint: { id: 'geo:47.506694,11.104302' } },
    { ...transporting, 'ex:note': 'x' },
    { ...transporting, type: 'TransactionEvent' }
  ]
  const hashes = new Set(variants.map((variant) => computeEventHash(variant, { ex: 'https://ns.example.com/' })))
  t.equal(hashes.size, variants.length, 'all different from each other')
  t.notOk(hashes.has(hash), 'and from the original')
})

t.test('extension fields of a source or destination entry are part of the hash, so events differing there are not duplicates', async (t) => {
  const shipped = {
    ...transporting,
    sourceList: [{ type: 'owning_party', source: 'urn:epc:id:pgln:4012345.00000' }],
    destinationList: [{ type: 'location', destination: 'https://partner.example/loc/123' }]
  }
  const withDock = { ...shipped, sourceList: [{ ...shipped.sourceList[0], 'ex:dock': 'D4' }] }
  const prefixes = { ex: 'https://ns.example.com/epcis/' }
  t.match(buildPreHashString(withDock, prefixes), /sourceListsource=https:\/\/id\.gs1\.org\/417\/4012345000009type=https:\/\/ref\.gs1\.org\/cbv\/SDT-owning_party\{https:\/\/ns\.example\.com\/epcis\/\}dock=D4destinationListdestination=https:\/\/partner\.example\/loc\/123type=/)
  t.not(computeEventHash(withDock, prefixes), computeEventHash(shipped, prefixes))
})
