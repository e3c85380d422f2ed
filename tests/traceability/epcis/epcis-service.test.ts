import t from 'tap'
import { computeEventHash } from '../../../traceability/epcis/index.js'
import type { EpcisQuery, StoredEpcisEvent } from '../../../traceability/epcis/index.js'
import { forEachDriver } from '../../helpers/database.js'
import { listFixtures, loadFixture, startEpcis } from './epcis-helpers.js'

async function tableCounts (db: { query: (sql: string) => Promise<{ rows: any[] }> }): Promise<{ events: number, epcs: number, jobs: number }> {
  const { rows } = await db.query(`SELECT (SELECT count(*) FROM epcis_events) AS events, (SELECT count(*) FROM epcis_event_epcs) AS epcs,
    (SELECT count(*) FROM epcis_capture_jobs) AS jobs`)
  return { events: rows[0].events, epcs: rows[0].epcs, jobs: rows[0].jobs }
}

const ids = (events: readonly StoredEpcisEvent[]): string[] => events.map((event) => event.eventId)

forEachDriver(t, 'capturing every fixture stores each event once; capturing again changes nothing', async (t, driver) => {
  const epcis = await startEpcis(driver)
  t.teardown(() => epcis.close())
  const first: Record<string, [number, number]> = {}
  for (const name of listFixtures()) {
    const result = await epcis.service.capture(loadFixture(name))
    first[name] = [result.captured, result.duplicates]
  }
  t.same(first, {
    'aggregation-events.jsonld': [3, 0],
    'association-event.jsonld': [2, 0],
    'digital-link.jsonld': [2, 0],
    // The declaration of an event already captured by object-events.jsonld, and its corrective event.
    'error-declaration.jsonld': [2, 0],
    'jsonld-variants.jsonld': [3, 0],
    'object-events.jsonld': [3, 0],
    'sensor-data.jsonld': [2, 0],
    'transaction-event.jsonld': [1, 0],
    'transformation-event.jsonld': [1, 0],
    'without-event-ids.jsonld': [3, 0]
  })
  const before = await tableCounts(epcis.database.db)
  const stored = await epcis.service.get('urn:uuid:6f1c2a4e-1b7d-4c3a-9f10-000000000001')
  epcis.clock.now += 60_000
  const again: Record<string, [number, number]> = {}
  for (const name of listFixtures()) {
    const result = await epcis.service.capture(loadFixture(name))
    again[name] = [result.captured, result.duplicates]
  }
  t.same(Object.values(again), listFixtures().map((name) => [0, first[name]?.[0]]), 'all duplicates')
  const after = await tableCounts(epcis.database.db)
  t.same({ events: after.events, epcs: after.epcs }, { events: before.events, epcs: before.epcs }, 'no event or identifier row added')
  t.equal(after.jobs, before.jobs + listFixtures().length, 'each accepted call leaves its capture job')
  t.same(await epcis.service.get('urn:uuid:6f1c2a4e-1b7d-4c3a-9f10-000000000001'), stored, 'the stored event, recordTime included, is unchanged')
})

forEachDriver(t, 'events without eventID are identified by their CBV event hash', async (t, driver) => {
  const epcis = await startEpcis(driver)
  t.teardown(() => epcis.close())
  const document = loadFixture('without-event-ids.jsonld')
  const result = await epcis.service.capture(document)
  const hashes = document.epcisBody.eventList.map((event: any) => computeEventHash(event))
  t.same(result.eventIds, hashes)
  t.match(result.eventIds[0], /^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/)

  // The same events, written another way: other key order, list order, time zone, URI forms, type as an IRI.
  const rewritten = loadFixture('without-event-ids.jsonld')
  const [received, sold, packed] = rewritten.epcisBody.eventList
  received.epcList.reverse()
  received.eventTime = '2026-03-10T00:00:00Z'
  received.bizStep = 'urn:epcglobal:cbv:bizstep:receiving'
  sold.epcList = ['https://id.gs1.org/01/06901234123456/21/B2001']
  packed.type = 'https://ref.gs1.org/epcis/AggregationEvent'
  sold.disposition = 'https://ref.gs1.org/cbv/Disp-retail_sold'
  rewritten.epcisBody.eventList = [packed, Object.fromEntries(Object.entries(sold).reverse()), received]
  const again = await epcis.service.capture(rewritten)
  t.same({ captured: again.captured, duplicates: again.duplicates, eventIds: again.eventIds }, { captured: 0, duplicates: 3, eventIds: [hashes[2], hashes[1], hashes[0]] })

  const served = await epcis.service.get(hashes[1])
  t.same(served?.event, { ...document.epcisBody.eventList[1], eventID: hashes[1], recordTime: '2026-03-10T00:00:00.000Z' })
})

forEachDriver(t, 'an error declaration is kept beside the event it corrects', async (t, driver) => {
  const epcis = await startEpcis(driver)
  t.teardown(() => epcis.close())
  await epcis.service.capture(loadFixture('object-events.jsonld'))
  epcis.clock.now += 3_600_000
  const declared = await epcis.service.capture(loadFixture('error-declaration.jsonld'))
  t.same([declared.captured, declared.duplicates], [2, 0])
  const wrong = 'urn:uuid:6f1c2a4e-1b7d-4c3a-9f10-000000000002'
  const current = await epcis.service.get(wrong)
  t.same([current?.errorDeclared, (current?.event.errorDeclaration as any)?.reason], [true, 'incorrect_data'])
  const declarations = await epcis.service.query({ EXISTS_errorDeclaration: true })
  t.same(ids(declarations.events), [wrong])
  const everything = await epcis.service.query({ EQ_eventID: [wrong] })
  t.same(everything.events.map((event) => event.errorDeclared), [false, true])
  t.same((await epcis.service.capture(loadFixture('error-declaration.jsonld'))).duplicates, 2, 'declaring again changes nothing')
})

forEachDriver(t, 'SimpleEventQuery parameters, in every form the standard allows', async (t, driver) => {
  const epcis = await startEpcis(driver)
  t.teardown(() => epcis.close())
  for (const name of ['object-events.jsonld', 'aggregation-events.jsonld', 'association-event.jsonld', 'digital-link.jsonld', 'transformation-event.jsonld', 'transaction-event.jsonld']) {
    await epcis.service.capture(loadFixture(name))
    epcis.clock.now += 1000
  }
  const find = async (query: EpcisQuery): Promise<string[]> => ids((await epcis.service.query({ perPage: 100, ...query })).events).map((id) => id.slice(-2))
  t.same({
    bareBizStep: await find({ EQ_bizStep: ['shipping'] }),
    uriBizStep: await find({ EQ_bizStep: ['https://ref.gs1.org/cbv/BizStep-shipping'] }),
    urnBizStep: await find({ EQ_bizStep: ['urn:epcglobal:cbv:bizstep:shipping', 'packing'] }),
    disposition: await find({ EQ_disposition: ['in_transit'] }),
    epcAsUrn: await find({ MATCH_epc: ['urn:epc:id:sgtin:6901234.012345.A1001'] }),
    epcAsDigitalLink: await find({ MATCH_epc: ['https://id.gs1.org/01/06901234123456/21/A1001'] }),
    epcPattern: await find({ MATCH_epc: ['urn:epc:idpat:sgtin:6901234.012345.*'] }),
    parent: await find({ MATCH_parentID: ['urn:epc:id:sscc:6901234.0000000017'] }),
    anyEpc: await find({ MATCH_anyEPC: ['https://id.gs1.org/00/069012340000000177'] }),
    input: await find({ MATCH_inputEPC: ['urn:epc:id:sgtin:6901234.088888.CORE-17'] }),
    epcClass: await find({ MATCH_epcClass: ['urn:epc:class:lgtin:6901234.012346.LOT7'] }),
    readPoint: await find({ EQ_readPoint: ['https://id.gs1.org/414/6901234000016/254/12'] }),
    bizLocation: await find({ EQ_bizLocation: ['urn:epc:id:sgln:6954321.00002.0', 'https://id.gs1.org/414/6954321000024'] }),
    eventTimeWindow: await find({ GE_eventTime: new Date('2026-03-03T00:00:00+08:00'), LT_eventTime: new Date('2026-03-06T00:00:00+08:00') }),
    eventTypes: await find({ eventType: ['TransformationEvent', 'TransactionEvent'] }),
    action: await find({ EQ_action: ['DELETE'] }),
    recordedLater: await find({ GE_recordTime: new Date(Date.parse('2026-03-10T00:00:05Z')) }),
    combined: await find({ EQ_bizStep: ['shipping'], MATCH_epc: ['urn:epc:id:sgtin:6901234.012345.A1001'], eventType: ['ObjectEvent'] })
  }, {
    bareBizStep: ['02', '21'],
    uriBizStep: ['02', '21'],
    urnBizStep: ['02', '11', '62', '21'],
    disposition: ['02', '21'],
    epcAsUrn: ['01', '02', '03', '11', '41', '42', '61', '21'],
    epcAsDigitalLink: ['01', '02', '03', '11', '41', '42', '61', '21'],
    epcPattern: ['01', '02', '03', '11', '13', '41', '42', '61', '62', '21'],
    parent: ['11', '12', '21'],
    anyEpc: ['11', '12', '21'],
    input: ['31'],
    epcClass: ['02', '11', '62'],
    readPoint: ['02'],
    bizLocation: ['03'],
    eventTimeWindow: ['03', '12', '13'],
    eventTypes: ['31', '21'],
    action: ['12', '42'],
    recordedLater: ['21'],
    combined: ['02']
  })
})

forEachDriver(t, 'paging with perPage and nextPageToken, in either order', async (t, driver) => {
  const epcis = await startEpcis(driver)
  t.teardown(() => epcis.close())
  await epcis.service.capture(loadFixture('object-events.jsonld'))
  await epcis.service.capture(loadFixture('aggregation-events.jsonld'))
  const walk = async (query: EpcisQuery): Promise<string[][]> => {
    const pages: string[][] = []
    let token: string | undefined
    do {
      const page = await epcis.service.query({ ...query, perPage: 2, ...(token === undefined ? {} : { nextPageToken: token }) })
      pages.push(ids(page.events).map((id) => id.slice(-2)))
      token = page.nextPageToken ?? undefined
    } while (token !== undefined)
    return pages
  }
  t.same(await walk({}), [['01', '02'], ['03', '11'], ['12', '13']], 'record order by default')
  t.same(await walk({ orderBy: 'eventTime', orderDirection: 'DESC' }), [['12', '03'], ['13', '02'], ['11', '01']])
  const first = await epcis.service.query({ perPage: 2 })
  await t.rejects(epcis.service.query({ perPage: 2, orderBy: 'eventTime', nextPageToken: first.nextPageToken as string }), { code: 'TRC_EPCIS_QUERY_INVALID' })
  await t.rejects(epcis.service.query({ nextPageToken: 'garbage' }), { code: 'TRC_EPCIS_QUERY_INVALID', details: { field: 'query.nextPageToken' } })
  await t.rejects(epcis.service.query({ EQ_bizStep: ['boxing'] }), { code: 'TRC_EPCIS_QUERY_INVALID', details: { field: 'query.EQ_bizStep' } })
})

forEachDriver(t, 'organisation staff see their own organisation\'s events only', async (t, driver) => {
  const epcis = await startEpcis(driver)
  t.teardown(() => epcis.close())
  const mine = await epcis.service.capture(loadFixture('object-events.jsonld'), { orgId: 'dealer-1' })
  const theirs = await epcis.service.capture(loadFixture('aggregation-events.jsonld'), { orgId: 'dealer-2' })
  await epcis.service.capture(loadFixture('transaction-event.jsonld'))
  const dealer = { orgId: 'dealer-1', restrictedToOrg: true }
  t.same(ids((await epcis.service.query({}, dealer)).events), mine.eventIds)
  t.same(ids((await epcis.service.query({}, { orgId: null, restrictedToOrg: false })).events).length, 7)
  t.equal(await epcis.service.get(theirs.eventIds[0] as string, dealer), null)
  t.equal(await epcis.service.getCaptureJob(theirs.captureId as string, dealer), null)
  t.same((await epcis.service.getCaptureJob(mine.captureId as string, dealer))?.eventIds, mine.eventIds)
})

forEachDriver(t, 'record() joins the caller\'s transaction; capture announces new events once', async (t, driver) => {
  const epcis = await startEpcis(driver)
  t.teardown(() => epcis.close())
  const announced: Array<[string[], string, string | null]> = []
  const published: unknown[] = []
  epcis.bus.subscribe('epcis.events_captured', (payload) => { published.push(payload) })
  epcis.service.onCaptured((events, info) => { announced.push([ids(events), info.source, info.orgId]) })
  epcis.service.onCaptured(() => { throw new Error('a failing listener does not undo the capture') })

  const scanEvent = {
    type: 'ObjectEvent',
    eventID: 'urn:uuid:00000000-0000-4000-8000-00000000abcd',
    eventTime: '2026-03-10T01:00:00.000Z',
    eventTimeZoneOffset: '+00:00',
    epcList: ['https://id.gs1.org/01/06901234123456/21/A1001'],
    action: 'OBSERVE',
    bizStep: 'inspecting',
    disposition: 'conformant',
    readPoint: { id: 'geo:31.2304,121.4737' }
  }
  await t.rejects(epcis.database.db.transaction(async (tx) => {
    await epcis.service.record([scanEvent], { tx, orgId: 'store-9' })
    throw new Error('scan failed')
  }), /scan failed/)
  t.equal(await epcis.service.get(scanEvent.eventID), null, 'rolled back with the scan')
  const recorded = await epcis.database.db.transaction(async (tx) => await epcis.service.record([scanEvent], { tx, orgId: 'store-9' }))
  t.same(recorded, { captured: 1, duplicates: 0, eventIds: [scanEvent.eventID] })
  t.same([(await epcis.service.get(scanEvent.eventID))?.source, (await epcis.service.get(scanEvent.eventID))?.orgId], ['record', 'store-9'])

  const captured = await epcis.service.capture(loadFixture('transaction-event.jsonld'), { orgId: 'dealer-1' })
  await epcis.service.capture(loadFixture('transaction-event.jsonld'), { orgId: 'dealer-1' })
  await epcis.bus.idle()
  t.same(announced, [[captured.eventIds, 'capture', 'dealer-1']], 'recorded and duplicate events are not announced')
  t.same(published, [{
    source: 'capture',
    orgId: 'dealer-1',
    count: 1,
    events: [{ eventId: captured.eventIds[0], type: 'TransactionEvent', bizStep: 'https://ref.gs1.org/cbv/BizStep-shipping' }]
  }])

  await t.rejects(epcis.service.record([{ ...scanEvent, bizStep: 'scanning' }]), {
    code: 'TRC_EPCIS_INVALID',
    details: { field: '/events/0/bizStep', eventIndex: 0, eventID: scanEvent.eventID }
  })
})
