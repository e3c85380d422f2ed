import t from 'tap'
import { forEachDriver } from '../helpers/database.js'
import { startTestPlatform, TEST_ORG_ID } from '../helpers/platform.js'
import { addEngineer, createClock, near, openOrder, recordEvents } from './fixtures.js'

forEachDriver(t, 'bad input is refused with a coded error naming the field', async (t, driver) => {
  const test = await startTestPlatform(driver, { now: createClock().now })
  t.teardown(() => test.close())
  const supervisor = await test.tokenFor('supervisor')
  const agent = await test.tokenFor('agent')
  const refused = async (method: string, url: string, body: unknown, token = supervisor): Promise<[number, string, string | undefined]> => {
    const response = await test.request(method, url, { token, body })
    return [response.status, response.body.code, response.body.field]
  }
  const order = { source: 'agent', priority: 'high', problem: 'leak' }
  t.same(await refused('POST', '/api/work-orders', order, agent), [400, 'DSP_LOCATION_REQUIRED', 'body.location'])
  t.same(await refused('POST', '/api/work-orders', { ...order, deviceId: '00000000-0000-4000-8000-000000000001' }, agent), [400, 'DSP_DEVICE_UNKNOWN', 'body.deviceId'])
  // Saying the order comes from an alert does not skip the checks: only alerts the platform raised do.
  const alertOrder = { ...order, source: 'alert' }
  t.same(await refused('POST', '/api/work-orders', alertOrder, agent), [400, 'DSP_LOCATION_REQUIRED', 'body.location'])
  t.same(await refused('POST', '/api/work-orders', { ...alertOrder, deviceId: '00000000-0000-4000-8000-000000000001', location: near(0, 0) }, agent), [400, 'DSP_DEVICE_UNKNOWN', 'body.deviceId'])
  t.same(await refused('POST', '/api/work-orders', { ...order, location: near(0, 0), window: { start: '2026-11-23T10:00:00Z', end: '2026-11-23T09:00:00Z' } }, agent),
    [400, 'DSP_WINDOW_INVALID', 'body.window.end'])
  t.same(await refused('POST', '/api/work-orders', { ...order, location: near(0, 0), window: { start: '2026-11-22T10:00:00Z', end: '2026-11-22T12:00:00Z' } }, agent),
    [400, 'DSP_WINDOW_INVALID', 'body.window.end'], 'a window already over')
  t.same(await refused('POST', '/api/work-orders', { ...order, location: near(0, 0), window: { start: '9999-12-30T00:00:00Z' } }, agent),
    [400, 'DSP_WINDOW_TOO_FAR', 'body.window.start'], 'a visit more than a year ahead')
  t.same(await refused('POST', '/api/work-orders', { ...order, location: near(0, 0), window: { end: '2028-01-01T00:00:00Z' } }, agent),
    [400, 'DSP_WINDOW_TOO_FAR', 'body.window.end'])
  t.same(await refused('POST', '/api/work-orders', { ...order, location: near(0, 0), priority: 'urgent' }, agent), [400, 'WEB_VALIDATION', 'body.priority'])
  t.same(await refused('POST', '/api/engineers', { name: 'X', timezone: 'US/Pacific-New' }), [400, 'DSP_TIMEZONE_INVALID', 'body.timezone'], 'a zone the clock knows but the database does not')
  t.same(await refused('POST', '/api/stations', { code: 'ST-TZ', name: 'X', location: near(0, 0), timezone: 'US/Pacific-New' }), [400, 'DSP_TIMEZONE_INVALID', 'body.timezone'])
  t.same(await refused('POST', '/api/engineers', { name: 'X', timezone: 'Mars/Olympus' }), [400, 'DSP_TIMEZONE_INVALID', 'body.timezone'])
  t.same(await refused('POST', '/api/engineers', { name: 'X', shifts: [{ days: [1], start: '25:00', end: '08:00' }] }), [400, 'DSP_SHIFT_INVALID', 'body.shifts[0].start'])
  t.same(await refused('POST', '/api/engineers', { name: 'X', territory: { type: 'Polygon', coordinates: [[[121, 31], [121.1, 31], [121.1, 31.1], [121, 31.2]]] } }),
    [400, 'DSP_TERRITORY_INVALID', 'body.territory.coordinates[0]'])
  const agentUser = (await test.request('GET', '/api/auth/me', { token: agent })).body
  t.same(await refused('POST', '/api/engineers', { name: 'X', userId: agentUser.id }), [400, 'DSP_ENGINEER_USER_INVALID', 'body.userId'])
  const wang = await addEngineer(test, supervisor, { name: 'Wang Wei', at: near(0, 0) })
  t.same(await refused('POST', '/api/engineers', { name: 'Y', userId: wang.userId }), [409, 'DSP_ENGINEER_USER_TAKEN', 'body.userId'])
  t.same(await refused('PUT', `/api/engineers/${wang.id}/status`, { status: 'busy' }), [400, 'DSP_STATUS_RESERVED', 'body.status'])
  const li = await addEngineer(test, supervisor, { name: 'Li Na', at: near(1, 0) })
  t.same(await refused('PUT', `/api/engineers/${li.id}/location`, near(2, 2), wang.token), [403, 'DSP_NOT_YOUR_PROFILE', undefined])
  const held = await openOrder(test, agent, {})
  await test.request('POST', `/api/work-orders/${held.id}/assign`, { token: supervisor, body: { engineerId: wang.id } })
  t.same(await refused('PUT', `/api/engineers/${wang.id}/status`, { status: 'off' }, wang.token), [409, 'DSP_ENGINEER_HAS_ACTIVE_ORDER', undefined])
  t.same(await refused('GET', '/api/engineers/me', undefined, (await test.tokenFor('engineer'))), [404, 'DSP_ENGINEER_NOT_LINKED', undefined])
  t.same(await refused('POST', '/api/stations', { code: 'S1', name: 'One', location: near(0, 0) }).then(() => refused('POST', '/api/stations', { code: 'S1', name: 'Again', location: near(0, 0) })),
    [409, 'DSP_STATION_CODE_TAKEN', 'body.code'])
})

forEachDriver(t, 'station staff see and dispatch only their station\'s orders, to their station\'s engineers', async (t, driver) => {
  const test = await startTestPlatform(driver, { now: createClock().now })
  t.teardown(() => test.close())
  const supervisor = await test.tokenFor('supervisor')
  const staff = await test.tokenFor('org_staff')
  const mine = (await test.request('POST', '/api/stations', { token: supervisor, body: { code: 'MINE', name: 'Ours', orgId: TEST_ORG_ID, location: near(0, 0) } })).body
  const theirs = (await test.request('POST', '/api/stations', { token: supervisor, body: { code: 'THEIRS', name: 'Theirs', orgId: 'org-other', location: near(5, 0) } })).body
  const ours = await addEngineer(test, supervisor, { name: 'Our Engineer', at: near(2, 0), stationId: mine.id })
  const other = await addEngineer(test, supervisor, { name: 'Their Engineer', at: near(0.5, 0), stationId: theirs.id })
  const routed = await openOrder(test, supervisor, {})
  const elsewhere = await openOrder(test, supervisor, {})
  const events = recordEvents(test)
  t.match((await test.request('POST', `/api/work-orders/${routed.id}/route`, { token: supervisor, body: { stationId: mine.id } })).body, { stationId: mine.id })
  t.match(events.filter((e) => e.name === 'workorder.routed').map((e) => e.payload), [{ workOrderId: routed.id, stationId: mine.id, previousStationId: null, status: 'new' }],
    'the station\'s staff are told live')

  const list = await test.request('GET', '/api/work-orders', { token: staff })
  t.same(list.body.workOrders.map((o: any) => o.id), [routed.id], 'only the order routed to their station')
  t.same((await test.request('GET', `/api/work-orders/${elsewhere.id}`, { token: staff })).body.code, 'DSP_STATION_SCOPE')
  const candidates = await test.request('GET', `/api/work-orders/${routed.id}/candidates`, { token: staff })
  t.same(candidates.body.candidates.map((c: any) => c.engineerId), [ours.id], 'their own engineers only, though another is nearer')
  const wrong = await test.request('POST', `/api/work-orders/${routed.id}/assign`, { token: staff, body: { engineerId: other.id } })
  t.same([wrong.status, wrong.body.code], [403, 'DSP_STATION_SCOPE'])
  const right = await test.request('POST', `/api/work-orders/${routed.id}/assign`, { token: staff, body: { engineerId: ours.id } })
  t.match(right.body, { status: 'assigned', engineerId: ours.id })
  const reroute = await test.request('POST', `/api/work-orders/${routed.id}/route`, { token: supervisor, body: { stationId: theirs.id } })
  t.same([reroute.status, reroute.body.code], [409, 'DSP_ORDER_STATE'], 'an assigned order is not handed to another station')
  t.equal(events.filter((e) => e.name === 'workorder.routed').length, 1)
  t.same((await test.request('GET', '/api/engineers', { token: staff })).body.engineers.map((e: any) => e.id), [ours.id])
  const map = await test.request('GET', '/api/dispatch/map', { token: staff })
  t.same([map.body.stations.map((s: any) => s.code), map.body.engineers.map((e: any) => e.id), map.body.orders.map((o: any) => o.id)], [['MINE'], [ours.id], [routed.id]])

  const urgent = await openOrder(test, supervisor, { priority: 'high', location: near(1, 1) })
  const capped = (await test.request('GET', '/api/dispatch/map?limit=1', { token: supervisor })).body
  t.same([capped.orders.map((o: any) => o.id), capped.ordersTotal], [[urgent.id], 3], 'the map shows the most urgent orders first, and how many there are')

  const roster = async (stationId: string, token: string): Promise<unknown> => (await test.request('GET', `/api/stations/${stationId}`, { token })).body.engineers
  t.same(await roster(mine.id, staff), [{ id: ours.id, name: 'Our Engineer', status: 'busy', skills: { hvac: 3, electrical: 2 }, activeOrderId: routed.id }],
    'a station lists its engineers, with the order each holds')
  t.same(await roster(theirs.id, supervisor), [{ id: other.id, name: 'Their Engineer', status: 'available', skills: { hvac: 3, electrical: 2 }, activeOrderId: null }])
  t.equal(await roster(theirs.id, staff), undefined, 'another station\'s staff see the station, not its engineers')
  t.equal(await roster(mine.id, ours.token), undefined, 'nor does an engineer')
  t.equal((await test.request('GET', `/api/stations/${theirs.id}`, { token: staff })).body.code, 'THEIRS')
})
