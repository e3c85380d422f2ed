import t from 'tap'
import { forEachDriver } from '../helpers/database.js'
import { startTestPlatform, TEST_ORG_ID } from '../helpers/platform.js'
import { addEngineer, createClock, near, openOrder } from './fixtures.js'

/** What a careless or hostile client sends to dispatch: refused with a coded 400 naming the field, or handled as meant. */

forEachDriver(t, 'engineer profiles: skill and part names follow their pattern, territories their ranges', async (t, driver) => {
  const test = await startTestPlatform(driver, { now: createClock().now })
  t.teardown(() => test.close())
  const supervisor = await test.tokenFor('supervisor')
  const create = async (body: Record<string, unknown>): Promise<[number, string, string]> => {
    const answer = await test.request('POST', '/api/engineers', { token: supervisor, body: { name: 'Rec Zhao', ...body } })
    return [answer.status, answer.body.code, answer.body.field]
  }
  t.same(await create({ skills: { 'hvac ': 3 } }), [400, 'WEB_VALIDATION', 'body.skills.hvac '], 'a skill no order could require, named')
  t.same(await create({ skills: { 'a b': { deep: [1] } } }), [400, 'WEB_VALIDATION', 'body.skills.a b'])
  t.same(await create({ vanStock: { 'P 1': 'ten' } }), [400, 'WEB_VALIDATION', 'body.vanStock.P 1'])
  t.same(await create({ skills: Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`skill${i}`, 1])) }), [400, 'WEB_VALIDATION', 'body.skills'])

  const shanghai = [[121.3, 31.1], [121.6, 31.1], [121.6, 31.3], [121.3, 31.3], [121.3, 31.1]]
  const swapped = shanghai.map(([lng, lat]) => [lat, lng])
  const refusedSwap = await test.request('POST', '/api/engineers', { token: supervisor, body: { name: 'Swap', territory: { type: 'Polygon', coordinates: [swapped] } } })
  t.same([refusedSwap.status, refusedSwap.body.code, refusedSwap.body.field], [400, 'DSP_TERRITORY_INVALID', 'body.territory.coordinates[0][0]'])
  t.match(refusedSwap.body.message, /longitude first/)
  t.same(await create({ territory: { type: 'Polygon', coordinates: [[[121, 31], [121, 31], [121, 31], [121, 31]]] } }), [400, 'DSP_TERRITORY_INVALID', 'body.territory.coordinates[0]'], 'a ring enclosing nothing')
  t.same(await create({ territory: { type: 'Polygon', coordinates: [[[1e308, 0], [0, 1], [1, 1], [1e308, 0]]] } }), [400, 'DSP_TERRITORY_INVALID', 'body.territory.coordinates[0][0]'])
  const blank = await test.request('POST', '/api/engineers', { token: supervisor, body: { name: '   ' } })
  t.same([blank.status, blank.body.code, blank.body.field, blank.body.message], [400, 'WEB_VALIDATION', 'body.name', 'body.name must not be blank'])
  t.equal((await test.request('POST', '/api/engineers', { token: supervisor, body: { name: 'Fine', skills: { hvac: 3 }, vanStock: { 'P-1': 2 }, territory: { type: 'Polygon', coordinates: [shanghai] } } })).status, 201)
})

forEachDriver(t, 'orders: bounded customer records, stock used summed per part, and answers that say what the order now is', async (t, driver) => {
  const clock = createClock()
  const test = await startTestPlatform(driver, { now: clock.now })
  t.teardown(() => test.close())
  const supervisor = await test.tokenFor('supervisor')
  const agent = await test.tokenFor('agent')
  const base = { source: 'agent', priority: 'medium', problem: 'no cooling', location: near(0, 0) }
  const bloated = await test.request('POST', '/api/work-orders', { token: agent, body: { ...base, customer: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, 'x'])) } })
  t.same([bloated.status, bloated.body.code, bloated.body.field], [400, 'WEB_VALIDATION', 'body.customer'])
  const blankProblem = await test.request('POST', '/api/work-orders', { token: agent, body: { ...base, problem: '  \t ' } })
  t.same([blankProblem.status, blankProblem.body.field], [400, 'body.problem'])
  const nobody = await test.request('POST', '/api/work-orders', { token: agent, body: { ...base, preferredEngineerId: '3f2b8c1e-9d4a-4e6b-8a7c-1d2e3f4a5b6c' } })
  t.same([nobody.status, nobody.body.code, nobody.body.field], [404, 'DSP_ENGINEER_NOT_FOUND', 'body.preferredEngineerId'])
  const longKey = await test.request('POST', '/api/work-orders', { token: agent, body: { ...base, customer: { ['k'.repeat(65)]: 'x' } } })
  t.same([longKey.status, longKey.body.field], [400, 'body.customer'])

  const engineer = await addEngineer(test, supervisor, { name: 'Li Na', at: near(1, 0), vanStock: { 'P-1': 10 } })
  const order = await openOrder(test, agent, {})
  t.equal((await test.request('POST', `/api/work-orders/${order.id as string}/assign`, { token: supervisor, body: { engineerId: engineer.id } })).status, 200)
  for (const step of ['accept', 'depart', 'arrive']) {
    const moved = await test.request('POST', `/api/work-orders/${order.id as string}/${step}`, { token: engineer.token, body: {} })
    t.equal(moved.status, 200, `${step}: ${moved.text}`)
  }
  const done = await test.request('POST', `/api/work-orders/${order.id as string}/complete`, { token: engineer.token, body: { stockUsed: [{ partNumber: 'P-1', quantity: 3 }, { partNumber: 'P-1', quantity: 4 }] } })
  t.equal(done.status, 200, done.text)
  const van = await test.request('GET', `/api/engineers/${engineer.id}`, { token: supervisor })
  t.same(van.body.vanStock, { 'P-1': 3 }, 'both lines are taken from the van: 10 − 3 − 4')

  const admin = await test.tokenFor('admin')
  const sla = await test.request('PUT', '/api/dispatch/policies/sla', { token: admin, body: { contract: 'gold', priority: 'high', respondMinutes: 525600, arriveMinutes: 1, resolveMinutes: 2 } })
  t.same([sla.status, sla.body.code, sla.body.field], [400, 'DSP_SLA_POLICY_INVALID', 'body.arriveMinutes'])
})

forEachDriver(t, 'station staff of several stations page through one list; a search for % or _ finds those characters', async (t, driver) => {
  const test = await startTestPlatform(driver, { now: createClock().now })
  t.teardown(() => test.close())
  const supervisor = await test.tokenFor('supervisor')
  const staff = await test.tokenFor('org_staff')
  const stations = []
  for (const code of ['ONE', 'TWO']) stations.push((await test.request('POST', '/api/stations', { token: supervisor, body: { code, name: code, orgId: TEST_ORG_ID, location: near(0, 0) } })).body.id as string)
  const names = [['Zed', 0], ['alpha', 0], ['Émile', 0], ['Bob', 1], ['émile', 1], ['Ann_Lee', 1]] as const
  for (const [name, station] of names) {
    t.equal((await test.request('POST', '/api/engineers', { token: supervisor, body: { name, stationId: stations[station] } })).status, 201)
  }
  const all = (await test.request('GET', '/api/engineers?limit=100', { token: staff })).body
  const paged: string[] = []
  for (let offset = 0; offset < names.length; offset++) {
    paged.push(...(await test.request('GET', `/api/engineers?limit=1&offset=${offset}`, { token: staff })).body.engineers.map((e: any) => e.name))
  }
  t.same(paged, all.engineers.map((e: any) => e.name), 'pages of one, in the same order as one page of all')
  t.equal(new Set(paged).size, names.length, 'nobody twice, nobody skipped')
  t.equal(all.total, names.length)
  t.same((await test.request('GET', '/api/engineers?q=_', { token: supervisor })).body.engineers.map((e: any) => e.name), ['Ann_Lee'], '_ is not a wildcard')
  t.same((await test.request('GET', '/api/engineers?q=%25', { token: supervisor })).body.engineers, [], '% is not a wildcard')
})

forEachDriver(t, 'a transferred engineer\'s past orders stay with the station that did them', async (t, driver) => {
  const test = await startTestPlatform(driver, { now: createClock().now })
  t.teardown(() => test.close())
  const supervisor = await test.tokenFor('supervisor')
  const agent = await test.tokenFor('agent')
  const ours = await test.tokenFor('org_staff')
  await test.platform.users.create({ username: 'staff-other', password: 'password-other', role: 'org_staff', orgId: 'org-other' })
  const theirs = (await test.platform.users.login('staff-other', 'password-other')).token
  const home = (await test.request('POST', '/api/stations', { token: supervisor, body: { code: 'HOME', name: 'Home', orgId: TEST_ORG_ID, location: near(0, 0) } })).body.id as string
  const away = (await test.request('POST', '/api/stations', { token: supervisor, body: { code: 'AWAY', name: 'Away', orgId: 'org-other', location: near(5, 0) } })).body.id as string
  const engineer = await addEngineer(test, supervisor, { name: 'Li Na', at: near(1, 0), stationId: home })
  const order = await openOrder(test, agent, { customer: { name: 'Alice Customer', address: '1 Secret Rd' } })
  t.equal((await test.request('POST', `/api/work-orders/${order.id as string}/assign`, { token: supervisor, body: { engineerId: engineer.id } })).status, 200)
  for (const step of ['accept', 'depart', 'arrive', 'complete']) t.equal((await test.request('POST', `/api/work-orders/${order.id as string}/${step}`, { token: engineer.token, body: {} })).status, 200, step)

  t.equal((await test.request('PATCH', `/api/engineers/${engineer.id}`, { token: supervisor, body: { stationId: away } })).status, 200)
  t.equal((await test.request('GET', `/api/work-orders/${order.id as string}`, { token: ours })).status, 200, 'the station that did the job still sees it')
  t.same((await test.request('GET', '/api/work-orders?status=completed', { token: ours })).body.workOrders.map((o: any) => o.id), [order.id])
  const other = await test.request('GET', `/api/work-orders/${order.id as string}`, { token: theirs })
  t.same([other.status, other.body.code], [403, 'DSP_STATION_SCOPE'], 'the new station does not get the customer\'s contact with the engineer')
  t.same((await test.request('GET', '/api/work-orders?status=completed', { token: theirs })).body.workOrders, [])

  // A job the engineer takes now belongs to the new station.
  const next = await openOrder(test, agent, {})
  t.equal((await test.request('POST', `/api/work-orders/${next.id as string}/assign`, { token: supervisor, body: { engineerId: engineer.id } })).status, 200)
  t.equal((await test.request('GET', `/api/work-orders/${next.id as string}`, { token: theirs })).status, 200)
  t.equal((await test.request('GET', `/api/work-orders/${next.id as string}`, { token: ours })).status, 403)
})

forEachDriver(t, 'a refusal answers the order as it stands once auto-dispatch has offered it again', async (t, driver) => {
  const test = await startTestPlatform(driver, { now: createClock().now })
  t.teardown(() => test.close())
  const supervisor = await test.tokenFor('supervisor')
  const agent = await test.tokenFor('agent')
  const admin = await test.tokenFor('admin')
  t.equal((await test.request('PUT', '/api/dispatch/policies/auto-dispatch', { token: admin, body: { source: 'agent', priority: 'high', enabled: true } })).status, 200)
  const near1 = await addEngineer(test, supervisor, { name: 'Near One', at: near(1, 0) })
  const near2 = await addEngineer(test, supervisor, { name: 'Near Two', at: near(3, 0) })
  const order = await openOrder(test, agent, { priority: 'high' })
  t.equal(order.engineerId, near1.id, 'auto-dispatched to the nearest')
  const rejected = await test.request('POST', `/api/work-orders/${order.id as string}/reject`, { token: near1.token, body: { reason: 'van broken' } })
  t.equal(rejected.status, 200)
  const now = await test.request('GET', `/api/work-orders/${order.id as string}`, { token: supervisor })
  t.same([now.body.status, now.body.engineerId], ['assigned', near2.id], 'offered to the next engineer')
  t.same([rejected.body.status, rejected.body.engineerId], [now.body.status, now.body.engineerId], 'and the refusal\'s answer says so')
})
