import t from 'tap'
import { registerDevice } from '../helpers/mqtt.js'
import { forEachDriver } from '../helpers/database.js'
import { issueCodes, WENZHOU } from './fixtures.js'
import { iso, moveToStore, setup } from './scan-helpers.js'

forEachDriver(t, 'partner events about other brands\' goods are stored and queryable but are not checked as our scans; ours still are', async (t, driver) => {
  const { test, brand } = await setup(t, driver)
  const [code] = await issueCodes(test, brand, 1) as [string]
  // Other companies' items, as the EPCIS standard's example documents carry them, and an SSCC under our
  // company prefix that was never registered here.
  const foreign = ['urn:epc:id:sgtin:0614141.107346.2017', 'https://id.gs1.org/01/04012345111118/21/9876', 'urn:epc:id:sscc:0614141.1234567890']
  const document = {
    '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
    type: 'EPCISDocument', schemaVersion: '2.0', creationDate: iso(1),
    epcisBody: {
      eventList: [
        { type: 'ObjectEvent', eventID: 'urn:uuid:21111111-2222-4333-8444-555555555555', eventTime: iso(30), eventTimeZoneOffset: '+08:00', action: 'OBSERVE', epcList: [code, ...foreign], bizStep: 'shipping', bizLocation: { id: 'urn:afterline:org:factory-ningbo' }, destinationList: [{ type: 'owning_party', destination: 'urn:afterline:org:dist-east' }] },
        { type: 'ObjectEvent', eventID: 'urn:uuid:31111111-2222-4333-8444-555555555555', eventTime: iso(20), eventTimeZoneOffset: '+08:00', action: 'OBSERVE', epcList: foreign, bizStep: 'receiving', bizLocation: { id: 'urn:afterline:org:dealer-ah' } }
      ]
    }
  }
  const captured = await test.request('POST', '/epcis/capture', { token: brand, body: document })
  t.equal(captured.status, 201, captured.text)
  const scans = await test.platform.db.query<{ code: string, action: string, result: string }>('SELECT code, action, result FROM trace_scans ORDER BY at')
  t.same(scans.rows, [{ code, action: 'ship', result: 'ok' }])
  t.same((await test.request('GET', '/api/trace-alerts', { token: brand })).body.total, 0, 'no counterfeit, clone or diversion alert for goods that are not ours')
  const found = await test.request('GET', `/epcis/events?MATCH_epc=${encodeURIComponent(foreign[0] as string)}`, { token: brand })
  t.same(found.body.epcisBody.queryResults.resultsBody.eventList.map((e: any) => e.eventID), ['urn:uuid:21111111-2222-4333-8444-555555555555', 'urn:uuid:31111111-2222-4333-8444-555555555555'])
  const verified = await test.request('GET', `/api/verify?code=${encodeURIComponent('https://id.gs1.org/01/04012345111118/21/9876')}`)
  t.same([verified.body.genuine, verified.body.result], [false, 'rejected'], 'a consumer verifying a foreign code is still told it is not genuine')
})

forEachDriver(t, 'provenance lists the hand-overs that moved the part, not the scans of a copy of its code', async (t, driver) => {
  const { test, brand, scan } = await setup(t, driver)
  const [code] = await issueCodes(test, brand, 1) as [string]
  const engineer = await test.tokenFor('engineer')
  const machine7 = (await registerDevice(test, 'MACHINE-7')).id
  const machine8 = (await registerDevice(test, 'MACHINE-8')).id
  await scan({ code, action: 'ship', orgId: 'factory-ningbo', toOrgId: 'dist-east', at: iso(100) })
  await scan({ code, action: 'receive', orgId: 'dist-east', at: iso(90) })
  await scan({ code, action: 'ship', orgId: 'dist-east', toOrgId: 'dealer-zj', at: iso(60) })
  const diverted = await scan({ code, action: 'receive', orgId: 'dealer-ah', at: iso(50) })
  await scan({ code, action: 'install', deviceId: machine7, at: iso(20) }, engineer)
  const copyReceived = await scan({ code, action: 'receive', orgId: 'store-suzhou', at: iso(10) })
  const copyFitted = await scan({ code, action: 'install', deviceId: machine8, at: iso(5) }, engineer)
  t.same([diverted.body.result, copyReceived.body.result, copyFitted.body.result], ['warning', 'warning', 'warning'])
  t.same([copyReceived.body.checks.at(-1).name, copyFitted.body.checks.at(-1).name], ['not_sold_or_installed', 'not_installed'], 'the last two are clone findings')
  const provenance = await test.request('GET', `/api/parts/${encodeURIComponent(code)}/provenance`, { token: engineer })
  t.same({ status: provenance.body.status, deviceId: provenance.body.deviceId, steps: provenance.body.provenance.map((p: any) => [p.bizStep, p.orgId]) }, {
    status: 'installed',
    deviceId: machine7,
    steps: [['commissioning', 'factory-ningbo'], ['shipping', 'factory-ningbo'], ['receiving', 'dist-east'], ['shipping', 'dist-east'], ['receiving', 'dealer-ah'], ['installing', null]]
  }, 'the diverted receive was a real hand-over and stays; the copy\'s receive and second fitting are not')
})

forEachDriver(t, 'rewards: a consumer\'s first verification without a consumer id pays the channel\'s shares, and no consumer share', async (t, driver) => {
  const { test, brand, scan } = await setup(t, driver)
  t.equal((await test.request('POST', '/api/reward-rules', { token: brand, body: { trigger: 'consumer_first_verify', amount: 2, shares: { consumer: 0.75, store: 0.25 } } })).status, 201)
  const [code] = await issueCodes(test, brand, 1) as [string]
  await moveToStore(scan, code)
  await scan({ code, action: 'sell', orgId: 'store-wenzhou', at: iso(5) })
  const anonymous = await test.request('GET', `/api/verify?code=${encodeURIComponent(code)}&lat=${WENZHOU.lat}&lng=${WENZHOU.lng}`)
  t.same([anonymous.body.genuine, anonymous.body.result], [true, 'ok'])
  await test.request('GET', `/api/verify?code=${encodeURIComponent(code)}&lat=${WENZHOU.lat}&lng=${WENZHOU.lng}&consumerId=consumer-0001`)
  const ledger = await test.request('GET', '/api/rewards/ledger', { token: brand })
  t.same(ledger.body.lines.map((l: any) => [l.trigger, l.level, l.beneficiary, l.amount]), [['consumer_first_verify', 'store', 'store-wenzhou', 0.5]],
    'the first verification was the anonymous one; a later one with an id is not a first verification')
})

forEachDriver(t, 'a consumer verifying a genuine code that never left the factory is told so as a warning', async (t, driver) => {
  const { test, brand } = await setup(t, driver)
  const [code] = await issueCodes(test, brand, 1) as [string]
  const verified = await test.request('GET', `/api/verify?code=${encodeURIComponent(code)}&lat=${WENZHOU.lat}&lng=${WENZHOU.lng}&consumerId=consumer-0001`)
  t.same([verified.body.genuine, verified.body.result, verified.body.warnings], [true, 'warning', ['not yet released into the channel: the item never left the factory']])
  const alerts = await test.request('GET', '/api/trace-alerts?type=custody', { token: brand })
  t.match(alerts.body.alerts, [{ type: 'custody', orgId: null, serial: code.split('/21/')[1], reason: 'not yet released into the channel: the item never left the factory' }])
})
