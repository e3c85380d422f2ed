import t from 'tap'
import { workOrderCompleted } from '../../helpers/events.js'
import { forEachDriver } from '../../helpers/database.js'
import { startTestPlatform } from '../../helpers/platform.js'
import { publish, setUpPump } from './pump-fixture.js'

const T0 = Date.parse('2026-05-04T08:00:00Z')

forEachDriver(t, 'device 360°: contract, BOM from admins and from part.installed, service history, alerts and health in one profile', async (t, driver) => {
  const clock = { now: T0 }
  const test = await startTestPlatform(driver, { now: () => clock.now })
  t.teardown(() => test.close())
  const deviceId = await setUpPump(test)
  const admin = await test.tokenFor('admin')
  const engineer = await test.tokenFor('engineer')

  // Contract: a lease needs an end; dates in order; admin only (route-access test covers the roles).
  const lease = { type: 'lease', number: 'L-2026-0042', customer: { name: 'Bäckerei Müller', phone: '+49 30 1234' }, startsOn: '2026-01-01', endsOn: '2028-12-31', warrantyUntil: '2027-12-31', terms: { monthlyFee: 189, currency: 'EUR', serviceLevel: 'next business day' } }
  const noEnd = await test.request('PUT', `/api/devices/${deviceId}/contract`, { token: admin, body: { ...lease, endsOn: null } })
  t.match(noEnd.body, { statusCode: 400, code: 'GW_CONTRACT_INVALID', field: 'body.endsOn' })
  const backwards = await test.request('PUT', `/api/devices/${deviceId}/contract`, { token: admin, body: { ...lease, endsOn: '2025-12-31' } })
  t.match(backwards.body, { statusCode: 400, field: 'body.endsOn', message: 'body.endsOn must not be before startsOn (2026-01-01)' })
  const badType = await test.request('PUT', `/api/devices/${deviceId}/contract`, { token: admin, body: { ...lease, type: 'rent' } })
  t.match(badType.body, { statusCode: 400, code: 'WEB_VALIDATION', field: 'body.type' })
  t.equal((await test.request('GET', `/api/devices/${deviceId}/contract`, { token: engineer })).body.code, 'GW_CONTRACT_NOT_FOUND')
  const contract = await test.request('PUT', `/api/devices/${deviceId}/contract`, { token: admin, body: lease })
  t.same(contract.body, {
    deviceId, type: 'lease', number: 'L-2026-0042', customer: lease.customer, startsOn: '2026-01-01', endsOn: '2028-12-31', warrantyUntil: '2027-12-31',
    terms: lease.terms, notes: null, updatedAt: contract.body.updatedAt, updatedBy: 'admin'
  })

  // BOM by hand.
  const seal = await test.request('POST', `/api/devices/${deviceId}/bom`, { token: admin, body: { partNumber: 'SEAL-7', name: 'Seal kit', position: 'shaft', serial: 'S-1001', fittedAt: '2026-03-01T10:00:00Z', fittedBy: 'eng-7' } })
  t.equal(seal.status, 201)
  t.match(seal.body, { partNumber: 'SEAL-7', serial: 'S-1001', fittedBy: 'eng-7', source: 'manual', removedAt: null, fittedAt: '2026-03-01T10:00:00.000Z' })
  const future = await test.request('POST', `/api/devices/${deviceId}/bom`, { token: admin, body: { partNumber: 'X', fittedAt: '2027-01-01T00:00:00Z' } })
  t.match(future.body, { statusCode: 400, code: 'GW_BOM_ITEM_INVALID', field: 'body.fittedAt' })
  const corrected = await test.request('PATCH', `/api/devices/${deviceId}/bom/${seal.body.id as string}`, { token: admin, body: { serial: 'S-1002' } })
  t.match(corrected.body, { serial: 'S-1002', name: 'Seal kit', position: 'shaft' })

  // Traceability reports a genuine part fitted on a work order: it goes on the BOM, once.
  const code = 'https://id.example.com/01/04012345000017/21/Q7RM2K9XW4ZT'
  const installed = {
    deviceId, code, gtin: '04012345000017', serial: 'Q7RM2K9XW4ZT', lot: 'LOT-88', installedAt: new Date('2026-05-04T07:30:00Z'), installedBy: 'eng-7', workOrderId: 'WO-881',
    provenance: [
      { bizStep: 'commissioning', orgId: 'factory-1', at: new Date('2026-10-01T08:00:00Z'), location: { lat: 52.4, lng: 13.1 } },
      { bizStep: 'shipping', orgId: 'factory-1', at: new Date('2026-10-03T08:00:00Z'), location: null },
      { bizStep: 'receiving', orgId: 'station-berlin', at: new Date('2026-10-05T08:00:00Z'), location: { lat: 52.5, lng: 13.4 } }
    ]
  }
  test.platform.bus.publish('part.installed', installed)
  test.platform.bus.publish('part.installed', installed)
  test.platform.bus.publish('workorder.completed', workOrderCompleted({ workOrderId: 'WO-881', deviceId, engineerId: 'eng-7', completedAt: new Date('2026-05-04T07:45:00Z'), notes: 'replaced impeller', partsUsed: [code] }))
  await test.platform.bus.idle()
  const bom = await test.request('GET', `/api/devices/${deviceId}/bom`, { token: engineer })
  t.same(bom.body.items.map((item: { partNumber: string, code: string | null, source: string }) => [item.partNumber, item.code, item.source]), [
    ['04012345000017', code, 'traceability'],
    ['SEAL-7', null, 'manual']
  ], 'newest first, the scanned part once')
  t.match(bom.body.items[0], { serial: 'Q7RM2K9XW4ZT', lot: 'LOT-88', workOrderId: 'WO-881', fittedBy: 'eng-7', provenance: JSON.parse(JSON.stringify(installed.provenance)) })
  const taken = await test.request('POST', `/api/devices/${deviceId}/bom`, { token: admin, body: { partNumber: 'P', code } })
  t.match(taken.body, { statusCode: 400, field: 'body.code' }, 'a coded part is on one machine at a time')

  const removed = await test.request('DELETE', `/api/devices/${deviceId}/bom/${seal.body.id as string}`, { token: admin })
  t.match(removed.body, { removedBy: 'admin', removedAt: new Date(T0).toISOString() })
  t.equal((await test.request('GET', `/api/devices/${deviceId}/bom`, { token: engineer })).body.items.length, 1)
  t.equal((await test.request('GET', `/api/devices/${deviceId}/bom?includeRemoved=true`, { token: engineer })).body.items.length, 2)

  // An alert, then the whole profile.
  for (const minute of [0, 5, 6]) {
    clock.now = T0 + minute * 60_000
    await publish(test, deviceId, clock.now, { temp: 97, flow: 30 })
  }
  await test.platform.bus.idle()
  const profile = await test.request('GET', `/api/devices/${deviceId}/profile`, { token: engineer })
  t.equal(profile.status, 200)
  t.same(Object.keys(profile.body), ['device', 'model', 'owner', 'contract', 'bom', 'alerts', 'health', 'serviceHistory'])
  t.match(profile.body, {
    device: { id: deviceId, assetCode: 'PUMP-0001', model: 'P-1' },
    model: { id: 'P-1', name: 'Pump P-1', metrics: [{ name: 'temp' }, { name: 'flow' }] },
    owner: {},
    contract: { number: 'L-2026-0042', type: 'lease' },
    alerts: { open: [{ kind: 'threshold', cause: 'rule:hot' }], past: [], pastTotal: 0 },
    health: { healthIndex: null, rul: null, updatedAt: null },
    serviceHistory: [{ workOrderId: 'WO-881', engineerId: 'eng-7', notes: 'replaced impeller', partsUsed: [code], completedAt: '2026-05-04T07:45:00.000Z' }]
  })
  t.same(profile.body.bom.fitted.map((item: { code: string | null }) => item.code), [code])
  t.same(profile.body.bom.removed.map((item: { partNumber: string }) => item.partNumber), ['SEAL-7'])
  t.equal((await test.request('GET', '/api/devices/00000000-0000-4000-8000-000000000000/profile', { token: engineer })).body.code, 'GW_DEVICE_NOT_FOUND')
})

t.test('fault-code lookup is public: by exact code, by prefix, by words across every model', async (t) => {
  const test = await startTestPlatform('embedded')
  t.teardown(() => test.close())
  await setUpPump(test)
  const admin = await test.tokenFor('admin')
  await test.request('PUT', '/api/device-models/P-2', {
    token: admin,
    body: {
      name: 'Pump P-2', metrics: [{ name: 'temp', unit: '°C', normal: { min: 0, max: 90 } }],
      faultCodes: [
        { code: 'E210', title: 'Motor overheated', cause: 'Blocked cooling fan', remedy: 'Clean the fan', severity: 'critical', parts: [{ partNumber: 'FAN-2', name: 'Cooling fan' }], skills: ['electrical'] },
        { code: 'E21A', title: 'Seal temperature', cause: 'Dry running wears the seal', remedy: 'Check the inlet', severity: 'warning' }
      ]
    }
  })
  const exact = await test.request('GET', '/api/fault-codes?q=e21')
  t.equal(exact.status, 200, 'no token needed')
  t.same(exact.body.results.map((r: { model: string, code: string }) => `${r.model}/${r.code}`), ['P-1/E21', 'P-2/E210', 'P-2/E21A'], 'exact code first, then prefixes')
  t.same(exact.body.results[0], {
    code: 'E21', title: 'Seal leak', cause: 'Worn shaft seal', remedy: 'Replace the seal kit', severity: 'warning',
    parts: [{ partNumber: 'SEAL-7', name: 'Seal kit', quantity: 1 }], skills: ['mechanical'], model: 'P-1', modelName: 'Pump P-1'
  })
  const words = await test.request('GET', '/api/fault-codes?q=seal%20worn')
  t.same(words.body.results.map((r: { code: string }) => r.code), ['E21'], 'every word must match')
  const fan = await test.request('GET', '/api/fault-codes?q=fan&model=P-2')
  t.same(fan.body.results.map((r: { code: string }) => r.code), ['E210'])
  t.same((await test.request('GET', '/api/fault-codes?q=zzz')).body.results, [])
  t.equal((await test.request('GET', '/api/fault-codes')).body.field, 'query.q')
})
