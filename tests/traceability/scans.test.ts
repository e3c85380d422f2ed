import t from 'tap'
import { registerDevice } from '../helpers/mqtt.js'
import { workOrderCompleted } from '../helpers/events.js'
import type { DomainEventEnvelope } from '../../core/events.js'
import { forEachDriver } from '../helpers/database.js'
import { BEIJING, GTIN, HANGZHOU, issueCodes, WENZHOU } from './fixtures.js'
import { iso, moveToStore, NOW, setup } from './scan-helpers.js'

forEachDriver(t, 'a scan answers its ordered checks, is recorded as an EPCIS event with its CBV step, and a replayed scanId changes nothing', async (t, driver) => {
  const { test, brand, scan } = await setup(t, driver)
  const [code] = await issueCodes(test, brand, 3) as [string]
  await moveToStore(scan, code)
  const scanId = '7d0c4a5e-2f7b-4c1e-9a55-0f2d0a1b2c3d'
  const sale = await scan({ scanId, code, action: 'sell', orgId: 'store-wenzhou', at: iso(10) })
  t.equal(sale.status, 200)
  t.same({ result: sale.body.result, eventId: sale.body.eventId, replayed: sale.body.replayed, names: sale.body.checks.map((c: any) => c.name) }, {
    result: 'ok', eventId: `urn:uuid:${scanId}`, replayed: false,
    names: ['code_format', 'gtin_check_digit', 'serial_signature', 'code_issued', 'not_sold_or_installed', 'travel_speed', 'seller_in_channel', 'custody_holder', 'territory']
  })
  const replay = await scan({ scanId, code, action: 'sell', orgId: 'store-wenzhou', at: iso(10) })
  t.same({ ...replay.body, replayed: false }, { ...sale.body })
  t.equal(replay.body.replayed, true)
  const reused = await scan({ scanId, code, action: 'receive', orgId: 'store-wenzhou' })
  t.same([reused.status, reused.body.code, reused.body.field], [409, 'TRC_SCAN_ID_REUSED', 'body.scanId'])

  const event = await test.request('GET', `/epcis/events/${encodeURIComponent(`urn:uuid:${scanId}`)}`, { token: brand })
  t.equal(event.status, 200)
  t.match(event.body, { type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'retail_selling', disposition: 'retail_sold', epcList: [code], bizLocation: { id: 'urn:afterline:org:store-wenzhou' } })
  const shipping = await test.request('GET', '/epcis/events?EQ_bizStep=shipping', { token: brand })
  t.equal(shipping.body.epcisBody.queryResults.resultsBody.eventList.length, 3, 'three shipments recorded')
  const rows = await test.platform.db.query<{ n: number }>('SELECT count(*) AS n FROM trace_scans')
  t.equal(rows.rows[0]?.n, 7, 'six hand-overs and one sale, the replay wrote nothing')
})

forEachDriver(t, 'counterfeit, clone, diversion and custody raise alerts with evidence; brand staff audit them', async (t, driver) => {
  const { test, brand, scan } = await setup(t, driver)
  const raised: DomainEventEnvelope[] = []
  test.platform.bus.subscribeAll((e) => { if (e.name === 'trace.alert_raised') raised.push(e) })
  const [a, b, c] = await issueCodes(test, brand, 3) as [string, string, string]

  const fake = a.replace(/\/21\/.{4}/, '/21/ZZZZ')
  const counterfeit = await test.request('GET', `/api/verify?code=${encodeURIComponent(fake)}`)
  t.same([counterfeit.status, counterfeit.body.genuine, counterfeit.body.result], [200, false, 'rejected'])
  t.match(counterfeit.body.warnings, [/forged serial/])

  await moveToStore(scan, b)
  await scan({ code: b, action: 'sell', orgId: 'store-wenzhou', at: iso(50) })
  const home = await test.request('GET', `/api/verify?code=${encodeURIComponent(b)}&lat=${WENZHOU.lat}&lng=${WENZHOU.lng}&consumerId=consumer-0001`)
  t.same([home.body.genuine, home.body.result, home.body.verifications, home.body.product.gtin, home.body.lot], [true, 'ok', 1, GTIN, 'L2026-11'])
  t.equal(home.body.firstVerifiedAt, new Date(NOW).toISOString())
  const far = await test.request('GET', `/api/verify?code=${encodeURIComponent(b)}&lat=${BEIJING.lat}&lng=${BEIJING.lng}&consumerId=consumer-0002`)
  t.same([far.body.genuine, far.body.result], [true, 'warning'])
  t.match(far.body.warnings, [/km\/h is faster than 900 km\/h/])

  await scan({ code: c, action: 'ship', orgId: 'factory-ningbo', toOrgId: 'dist-east', at: iso(100) })
  const diverted = await scan({ code: c, action: 'receive', orgId: 'dist-west', at: iso(90) })
  t.equal(diverted.body.result, 'warning')
  const custody = await scan({ code: a, action: 'receive', orgId: 'dealer-zj', at: iso(80) })
  t.same(custody.body.checks.filter((x: any) => !x.passed).map((x: any) => x.name), ['custody_shipped'])

  const list = await test.request('GET', '/api/trace-alerts?status=open', { token: brand })
  t.same(list.body.alerts.map((x: any) => x.type).sort(), ['clone', 'counterfeit', 'custody', 'diversion'])
  t.equal(list.body.total, 4)
  await test.platform.bus.idle()
  t.same(raised.map((e) => (e.payload as any).type).sort(), ['clone', 'counterfeit', 'custody', 'diversion'])
  const diversion = list.body.alerts.find((x: any) => x.type === 'diversion')
  t.match(diversion, { orgId: 'dist-east', serial: c.split('/21/')[1], evidence: [{ action: 'receive', orgId: 'dist-west' }] })
  t.same((await test.request('GET', '/api/trace-alerts?type=diversion', { token: brand })).body.total, 1)

  const confirmed = await test.request('POST', `/api/trace-alerts/${diversion.id as string}/confirm`, { token: brand, body: { note: 'dealer admitted' } })
  t.same([confirmed.status, confirmed.body.status, confirmed.body.resolutionNote, confirmed.body.resolvedBy], [200, 'confirmed', 'dealer admitted', 'test-brand'])
  const again = await test.request('POST', `/api/trace-alerts/${diversion.id as string}/dismiss`, { token: brand, body: {} })
  t.same([again.status, again.body.code], [409, 'TRC_ALERT_STATE'])
  const staff = await test.tokenFor('org_staff')
  t.equal((await test.request('GET', '/api/trace-alerts', { token: staff })).status, 403)
})

forEachDriver(t, 'who may scan what, and for which organisation', async (t, driver) => {
  const { test, brand, scan } = await setup(t, driver)
  const [code] = await issueCodes(test, brand, 1) as [string]
  const staff = await test.tokenFor('org_staff')
  const engineer = await test.tokenFor('engineer')
  const forbidden = await scan({ code, action: 'ship', orgId: 'factory-ningbo', toOrgId: 'dist-east' }, staff)
  t.same([forbidden.status, forbidden.body.code, forbidden.body.field], [403, 'TRC_SCAN_ORG_FORBIDDEN', 'body.orgId'])
  const install = await scan({ code, action: 'install', deviceId: 'm-1' }, staff)
  t.same([install.status, install.body.code], [403, 'TRC_SCAN_ACTION_FORBIDDEN'])
  const noDevice = await scan({ code, action: 'install' }, engineer)
  t.same([noDevice.status, noDevice.body.code, noDevice.body.field], [400, 'TRC_SCAN_FIELD_REQUIRED', 'body.deviceId'])
  const noTarget = await scan({ code, action: 'ship', orgId: 'factory-ningbo' })
  t.same([noTarget.status, noTarget.body.field], [400, 'body.toOrgId'])
  const unknown = await scan({ code, action: 'ship', orgId: 'factory-ningbo', toOrgId: 'nobody' })
  t.same([unknown.status, unknown.body.code, unknown.body.field], [404, 'TRC_ORG_NOT_FOUND', 'body.toOrgId'])
  const future = await scan({ code, action: 'verify', at: new Date(NOW + 3_600_000).toISOString() })
  t.same([future.status, future.body.code], [400, 'TRC_SCAN_TIME_INVALID'])
  const invalid = await scan({ code, action: 'steal' })
  t.same([invalid.status, invalid.body.code, invalid.body.field], [400, 'WEB_VALIDATION', 'body.action'])
})

forEachDriver(t, 'cases and pallets: nested packing, a pallet scan acts on every item inside, unpacking', async (t, driver) => {
  const { test, brand, scan } = await setup(t, driver)
  const codes = await issueCodes(test, brand, 5)
  const container = async (kind: string) => (await test.request('POST', '/api/containers', { token: brand, body: { kind, orgId: 'factory-ningbo' } })).body
  const caseA = await container('case')
  const caseB = await container('case')
  const pallet = await container('pallet')
  t.match(caseA.sscc, /^00614141\d{10}$/)
  t.equal((await test.request('POST', `/api/containers/${caseA.sscc as string}/pack`, { token: brand, body: { children: codes.slice(0, 3) } })).body.itemCount, 3)
  t.equal((await test.request('POST', `/api/containers/${caseB.sscc as string}/pack`, { token: brand, body: { children: codes.slice(3) } })).body.itemCount, 2)
  const packed = await test.request('POST', `/api/containers/${pallet.sscc as string}/pack`, { token: brand, body: { children: [caseA.uri, caseB.sscc] } })
  t.same([packed.status, packed.body.itemCount, packed.body.containers.length], [200, 5, 2])

  const twice = await test.request('POST', `/api/containers/${caseB.sscc as string}/pack`, { token: brand, body: { children: [codes[0], caseB.sscc, 'nonsense'] } })
  t.same([twice.status, twice.body.code, twice.body.field], [409, 'TRC_PACK_REFUSED', 'body.children.0'])
  t.equal(twice.body.problems.length, 3)
  const cycle = await test.request('POST', `/api/containers/${caseA.sscc as string}/pack`, { token: brand, body: { children: [pallet.sscc] } })
  t.equal(cycle.status, 409)

  const shipped = await scan({ code: pallet.uri, action: 'ship', orgId: 'factory-ningbo', toOrgId: 'dist-east', at: iso(20) })
  t.same([shipped.body.result, shipped.body.items.length], ['ok', 5])
  t.same(shipped.body.checks.slice(0, 2).map((c: any) => [c.name, c.passed]), [['container_known', true], ['container_contents', true]])
  const event = await test.request('GET', `/epcis/events/${encodeURIComponent(shipped.body.eventId)}`, { token: brand })
  t.same(event.body.epcList, [pallet.uri])
  const received = await scan({ code: caseA.sscc, action: 'receive', orgId: 'dist-east', at: iso(10) })
  t.same([received.body.result, received.body.items.length], ['ok', 3])
  const inventory = await test.request('GET', '/api/trace-analytics/inventory?orgId=dist-east', { token: brand })
  t.same(inventory.body.inventory, [{ org_id: 'dist-east', gtin: GTIN, in_stock: 3, in_transit: 2 }])

  const unpacked = await test.request('POST', `/api/containers/${pallet.sscc as string}/unpack`, { token: brand, body: {} })
  t.same([unpacked.status, unpacked.body.itemCount, unpacked.body.containers], [200, 0, []])
  const aggregations = await test.request('GET', `/epcis/events?MATCH_parentID=${encodeURIComponent(pallet.uri)}`, { token: brand })
  t.same(aggregations.body.epcisBody.queryResults.resultsBody.eventList.map((e: any) => [e.type, e.action, e.bizStep]),
    [['AggregationEvent', 'ADD', 'packing'], ['AggregationEvent', 'DELETE', 'unpacking']])
  const unknown = await scan({ code: '106141412345678908', action: 'ship', orgId: 'factory-ningbo', toOrgId: 'dist-east' })
  t.same([unknown.body.result, unknown.body.checks], ['rejected', [{ name: 'container_known', passed: false, detail: 'SSCC 106141412345678908 is not a registered case or pallet' }]])
})

forEachDriver(t, 'installing a part publishes part.installed with provenance; a completed work order installs parts not scanned', async (t, driver) => {
  const { test, brand, scan } = await setup(t, driver)
  const installed: any[] = []
  test.platform.bus.subscribe('part.installed', (payload) => { installed.push(payload) })
  const [first, second] = await issueCodes(test, brand, 2) as [string, string]
  const machine7 = (await registerDevice(test, 'MACHINE-7')).id
  const machine8 = (await registerDevice(test, 'MACHINE-8')).id
  for (const code of [first, second]) {
    await scan({ code, action: 'ship', orgId: 'factory-ningbo', toOrgId: 'dist-east', at: iso(100) })
    await scan({ code, action: 'receive', orgId: 'dist-east', at: iso(90) })
    await scan({ code, action: 'ship', orgId: 'dist-east', toOrgId: 'dealer-zj', at: iso(60) })
    await scan({ code, action: 'receive', orgId: 'dealer-zj', at: iso(50) })
  }
  const engineer = await test.tokenFor('engineer')
  const engineerId = (await test.request('GET', '/api/users?role=engineer', { token: await test.tokenFor('admin') })).body.users[0].id
  const fit = await scan({ code: first, action: 'install', deviceId: machine7, workOrderId: 'wo-1', location: HANGZHOU, at: iso(2) }, engineer)
  t.equal(fit.body.result, 'ok')
  await test.platform.bus.idle()
  t.equal(installed.length, 1)
  const event = installed[0]
  t.same({ ...event, provenance: event.provenance.map((p: any) => [p.bizStep, p.orgId]) }, {
    deviceId: machine7, code: first, gtin: GTIN, serial: first.split('/21/')[1], lot: 'L2026-11', installedAt: new Date(iso(2)),
    installedBy: engineerId, workOrderId: 'wo-1',
    provenance: [['commissioning', 'factory-ningbo'], ['shipping', 'factory-ningbo'], ['receiving', 'dist-east'], ['shipping', 'dist-east'], ['receiving', 'dealer-zj'], ['installing', null]]
  })
  t.same(event.provenance[1].location, { lat: 29.87, lng: 121.55 })
  const provenance = await test.request('GET', `/api/parts/${encodeURIComponent(first)}/provenance`, { token: engineer })
  t.same([provenance.body.status, provenance.body.deviceId, provenance.body.provenance.length], ['installed', machine7, 6])
  t.same((await test.request('GET', `/api/parts/${encodeURIComponent('https://x/01/09506000134352/21/NOPE')}/provenance`, { token: engineer })).body.code, 'TRC_CODE_NOT_FOUND')

  test.platform.bus.publish('workorder.completed', workOrderCompleted({ workOrderId: 'wo-2', deviceId: machine8, engineerId: 'eng-42', completedAt: new Date(iso(1)), partsUsed: [second, first] }))
  await test.platform.bus.idle()
  await test.platform.traceability.scans.idle()
  t.same(installed.map((e) => [e.serial, e.deviceId, e.installedBy, e.workOrderId]), [
    [first.split('/21/')[1], machine7, event.installedBy, 'wo-1'],
    [second.split('/21/')[1], machine8, 'eng-42', 'wo-2']
  ], 'the second part is installed by the work order; the first, already on machine-7, is a clone warning, not a new fitting')
  const alerts = await test.request('GET', '/api/trace-alerts?type=clone', { token: brand })
  t.equal(alerts.body.total, 1, 'a part already fitted elsewhere, listed on another machine\'s work order')
  test.platform.bus.publish('workorder.completed', workOrderCompleted({ workOrderId: 'wo-2', deviceId: machine8, engineerId: 'eng-42', completedAt: new Date(iso(1)), partsUsed: [second] }))
  await test.platform.bus.idle()
  await test.platform.traceability.scans.idle()
  t.equal(installed.length, 2, 'redelivery of the work order changes nothing')
})

forEachDriver(t, 'events captured over EPCIS go through the same checks as scans', async (t, driver) => {
  const { test, brand } = await setup(t, driver)
  const [code] = await issueCodes(test, brand, 1) as [string]
  const document = {
    '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
    type: 'EPCISDocument', schemaVersion: '2.0', creationDate: iso(1),
    epcisBody: {
      eventList: [
        { type: 'ObjectEvent', eventID: 'urn:uuid:11111111-2222-4333-8444-555555555555', eventTime: iso(30), eventTimeZoneOffset: '+08:00', action: 'OBSERVE', epcList: [code], bizStep: 'https://ref.gs1.org/cbv/BizStep-shipping', bizLocation: { id: 'urn:afterline:org:factory-ningbo' }, destinationList: [{ type: 'owning_party', destination: 'urn:afterline:org:dist-east' }] },
        { type: 'ObjectEvent', eventTime: iso(20), eventTimeZoneOffset: '+08:00', action: 'OBSERVE', epcList: [code], bizStep: 'receiving', bizLocation: { id: 'urn:afterline:org:dealer-ah' } }
      ]
    }
  }
  const captured = await test.request('POST', '/epcis/capture', { token: brand, body: document })
  t.equal(captured.status, 201, captured.text)
  const scans = await test.platform.db.query<{ action: string, result: string, source: string, org_id: string }>('SELECT action, result, source, org_id FROM trace_scans ORDER BY at')
  t.same(scans.rows, [
    { action: 'ship', result: 'ok', source: 'epcis', org_id: 'factory-ningbo' },
    { action: 'receive', result: 'warning', source: 'epcis', org_id: 'dealer-ah' }
  ])
  const alerts = await test.request('GET', '/api/trace-alerts', { token: brand })
  t.same(alerts.body.alerts.map((a: any) => a.type), ['diversion'])
  const again = await test.request('POST', '/epcis/capture', { token: brand, body: document })
  t.equal(again.status, 201)
  t.equal((await test.platform.db.query<{ n: number }>('SELECT count(*) AS n FROM trace_scans')).rows[0]?.n, 2, 're-capturing changes nothing')
})

forEachDriver(t, 'rewards: split across channel levels, never twice for one code and trigger', async (t, driver) => {
  const { test, brand, scan } = await setup(t, driver)
  const rule = await test.request('POST', '/api/reward-rules', { token: brand, body: { gtin: GTIN, trigger: 'store_receive', amount: 1, shares: { store: 0.5, dealer: 0.3, distributor: 0.2 } } })
  t.equal(rule.status, 201)
  t.equal((await test.request('POST', '/api/reward-rules', { token: brand, body: { trigger: 'consumer_first_verify', amount: 2, shares: { consumer: 0.75, store: 0.25 } } })).status, 201)
  const bad = await test.request('POST', '/api/reward-rules', { token: brand, body: { trigger: 'store_receive', amount: 1, shares: { store: 0.8, dealer: 0.3 } } })
  t.same([bad.status, bad.body.code, bad.body.field], [400, 'TRC_REWARD_RULE_INVALID', 'body.shares'])
  const [code] = await issueCodes(test, brand, 1) as [string]
  await moveToStore(scan, code)
  await scan({ code, action: 'sell', orgId: 'store-wenzhou', at: iso(5) })
  for (let i = 0; i < 3; i++) await test.request('GET', `/api/verify?code=${encodeURIComponent(code)}&lat=${WENZHOU.lat}&lng=${WENZHOU.lng}&consumerId=consumer-0001`)
  const ledger = await test.request('GET', '/api/rewards/ledger', { token: brand })
  t.same(ledger.body.lines.map((l: any) => [l.trigger, l.level, l.beneficiary, l.amount]).sort(), [
    ['consumer_first_verify', 'consumer', 'consumer-0001', 1.5],
    ['consumer_first_verify', 'store', 'store-wenzhou', 0.5],
    ['store_receive', 'dealer', 'dealer-zj', 0.3],
    ['store_receive', 'distributor', 'dist-east', 0.2],
    ['store_receive', 'store', 'store-wenzhou', 0.5]
  ])
  const balances = await test.request('GET', '/api/rewards/balances', { token: brand })
  t.same(balances.body.balances.find((b: any) => b.beneficiary === 'store-wenzhou' && b.level === 'store'), { beneficiary: 'store-wenzhou', level: 'store', total: 1, lines: 2 })
  await test.platform.db.query('INSERT INTO trace_reward_ledger (id, rule_id, serial, trigger, level, beneficiary, amount, scan_id, created_at) SELECT gen_random_uuid(), rule_id, serial, trigger, level, beneficiary, amount, scan_id, now() FROM trace_reward_ledger LIMIT 1')
    .then(() => t.fail('a second line for one code, trigger and level must be refused'), (error: Error) => t.match(error.message, /duplicate key|unique/))
})

forEachDriver(t, 'a first verification that pays a reward is written with its ledger lines in one statement on the embedded engine', async (t, driver) => {
  const { test, brand, scan } = await setup(t, driver)
  t.equal((await test.request('POST', '/api/reward-rules', { token: brand, body: { trigger: 'consumer_first_verify', amount: 2, shares: { consumer: 0.5, store: 0.5 } } })).status, 201)
  const [code] = await issueCodes(test, brand, 1) as [string]
  await moveToStore(scan, code)
  await scan({ code, action: 'sell', orgId: 'store-wenzhou', at: iso(5) })
  const db = test.platform.db
  const transaction = db.transaction
  let transactions = 0
  db.transaction = async (fn) => { transactions++; return await transaction.call(db, fn) as never }
  const verified = await test.request('GET', `/api/verify?code=${encodeURIComponent(code)}&lat=${WENZHOU.lat}&lng=${WENZHOU.lng}&consumerId=consumer-0002`)
  db.transaction = transaction
  t.same([verified.status, verified.body.result, verified.body.verifications], [200, 'ok', 1])
  // The server driver always takes row locks in a transaction; the embedded engine needs none here.
  t.equal(transactions, driver === 'embedded' ? 0 : 1)
  const ledger = await test.request('GET', '/api/rewards/ledger', { token: brand })
  t.same(ledger.body.lines.map((l: any) => [l.trigger, l.level, l.beneficiary, l.amount]).sort(), [
    ['consumer_first_verify', 'consumer', 'consumer-0002', 1],
    ['consumer_first_verify', 'store', 'store-wenzhou', 1]
  ])
})
