import t from 'tap'
import { forEachDriver } from '../helpers/database.js'
import { startTestPlatform } from '../helpers/platform.js'

forEachDriver(t, 'device registry: create, credentials once, list, update, errors', async (t, driver) => {
  const test = await startTestPlatform(driver)
  t.teardown(() => test.close())
  const admin = await test.tokenFor('admin')
  const agent = await test.tokenFor('agent')

  const created = await test.request('POST', '/api/devices', { token: admin, body: { assetCode: 'GEN-001', model: 'G100', customer: { name: 'Acme Quarry', phone: '+86 21 5555' }, location: { lat: 31.23, lng: 121.47 } } })
  t.equal(created.status, 201)
  t.match(created.body, {
    id: /^[0-9a-f-]{36}$/, assetCode: 'GEN-001', model: 'G100', customer: { name: 'Acme Quarry' }, location: { lat: 31.23, lng: 121.47 },
    status: 'offline', disabled: false, lastSeenAt: null,
    credentials: { username: created.body.id, password: /^[A-Za-z0-9_-]{43}$/, accessToken: created.body.credentials.password }
  })
  const fetched = await test.request('GET', `/api/devices/${created.body.id}`, { token: agent })
  t.equal(fetched.status, 200)
  t.notOk('credentials' in fetched.body, 'credentials are never shown again')
  t.notOk(JSON.stringify(fetched.body).includes(created.body.credentials.password))
  const stored = await test.platform.db.query<{ secret_hash: string }>('SELECT secret_hash FROM devices WHERE id = $1', [created.body.id])
  t.match(stored.rows[0]!.secret_hash, /^[0-9a-f]{64}$/, 'only a hash is stored')

  await test.request('POST', '/api/devices', { token: admin, body: { assetCode: 'GEN-002', model: 'G200', customer: { name: 'Beta Farms' } } })
  const list = await test.request('GET', '/api/devices?q=acme', { token: agent })
  t.same(list.body.devices.map((d: { assetCode: string }) => d.assetCode), ['GEN-001'])
  t.equal(list.body.total, 1)
  t.equal((await test.request('GET', '/api/devices?model=G200', { token: agent })).body.total, 1)
  t.equal((await test.request('GET', '/api/devices?limit=1&offset=1', { token: agent })).body.devices[0].assetCode, 'GEN-002')

  const moved = await test.request('PATCH', `/api/devices/${created.body.id}`, { token: admin, body: { location: { lat: 30, lng: 120 } } })
  t.same(moved.body.location, { lat: 30, lng: 120 })
  t.equal(moved.body.assetCode, 'GEN-001', 'other fields unchanged')

  const duplicate = await test.request('POST', '/api/devices', { token: admin, body: { assetCode: 'GEN-002', model: 'G100' } })
  t.match(duplicate, { status: 409, body: { code: 'GW_DEVICE_ASSET_CODE_TAKEN', field: 'body.assetCode' } })
  const renamed = await test.request('PATCH', `/api/devices/${created.body.id}`, { token: admin, body: { assetCode: 'GEN-002' } })
  t.match(renamed, { status: 409, body: { code: 'GW_DEVICE_ASSET_CODE_TAKEN' } })
  t.match(await test.request('POST', '/api/devices', { token: admin, body: { model: 'G100' } }), { status: 400, body: { code: 'WEB_VALIDATION', field: 'body.assetCode' } })
  t.match(await test.request('POST', '/api/devices', { token: admin, body: { assetCode: 'X', model: 'G', location: { lat: 91, lng: 0 } } }), { status: 400, body: { code: 'WEB_VALIDATION', field: 'body.location.lat' } })
  t.match(await test.request('POST', '/api/devices', { token: admin, body: { assetCode: 'X', model: 'G', colour: 'red' } }), { status: 400, body: { code: 'WEB_VALIDATION', field: 'body.colour' } })
  t.match(await test.request('PATCH', '/api/devices/00000000-0000-4000-8000-000000000000', { token: admin, body: { model: 'x' } }), { status: 404, body: { code: 'GW_DEVICE_NOT_FOUND' } })
  t.match(await test.request('GET', '/api/devices/not-a-uuid', { token: agent }), { status: 400, body: { code: 'WEB_VALIDATION', field: 'params.id' } })
  const badJson = await test.platform.app.inject({ method: 'POST', url: '/api/devices', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, payload: '{"assetCode":' })
  t.match(JSON.parse(badJson.body), { statusCode: 400, code: 'WEB_BODY_INVALID' })
  const wrongType = await test.platform.app.inject({ method: 'POST', url: '/api/devices', headers: { authorization: `Bearer ${admin}`, 'content-type': 'text/plain' }, payload: 'hello' })
  t.match(JSON.parse(wrongType.body), { statusCode: 415, code: 'WEB_MEDIA_TYPE' })
  t.match(await test.request('GET', '/api/nothing-here', { token: agent }), { status: 404, body: { code: 'WEB_NOT_FOUND' } })
})
