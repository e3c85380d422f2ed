import t from 'tap'
import { forEachDriver } from '../helpers/database.js'
import { startTestPlatform } from '../helpers/platform.js'
import type { TestPlatform } from '../helpers/platform.js'
import { addEngineer, createClock, near, openOrder } from './fixtures.js'

async function post (test: TestPlatform, token: string, url: string, body: unknown): Promise<{ status: number, code: string | undefined }> {
  const response = await fetch(`${test.httpUrl}${url}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body)
  })
  const json = await response.json() as { code?: string }
  return { status: response.status, code: json.code }
}

forEachDriver(t, '50 parallel assignments of one engineer to 50 orders: exactly one succeeds, 49 get 409', async (t, driver) => {
  const test = await startTestPlatform(driver, { now: createClock().now })
  t.teardown(() => test.close())
  const supervisor = await test.tokenFor('supervisor')
  const engineer = await addEngineer(test, supervisor, { name: 'Wang Wei', at: near(0, 0) })
  const orders = []
  for (let i = 0; i < 50; i++) orders.push(await openOrder(test, supervisor, { location: near(i * 0.05, 0) }))

  const results = await Promise.all(orders.map((order) => post(test, supervisor, `/api/work-orders/${order.id}/assign`, { engineerId: engineer.id })))
  const won = results.filter((r) => r.status === 200)
  t.equal(won.length, 1, 'one winner')
  t.same(results.filter((r) => r.status !== 200).map((r) => `${r.status} ${r.code}`), new Array(49).fill('409 DSP_ENGINEER_UNAVAILABLE'))

  const held = await test.platform.db.query<{ n: number }>(
    "SELECT count(*) AS n FROM dispatch_work_orders WHERE engineer_id = $1 AND status = 'assigned'", [engineer.id])
  t.equal(held.rows[0]?.n, 1, 'the database holds exactly one assignment')
  const profile = await test.request('GET', `/api/engineers/${engineer.id}`, { token: supervisor })
  t.match(profile.body, { status: 'busy' })
  const active = await test.request('GET', '/api/work-orders?status=assigned', { token: supervisor })
  t.equal(profile.body.activeOrderId, active.body.workOrders[0].id)
  t.equal(test.platform.dispatch.pool.get(engineer.id)?.activeOrderId, profile.body.activeOrderId, 'the engine agrees with the database')
})

forEachDriver(t, 'parallel assignments of one order to 20 engineers: exactly one succeeds, the others get 409', async (t, driver) => {
  const test = await startTestPlatform(driver, { now: createClock().now })
  t.teardown(() => test.close())
  const supervisor = await test.tokenFor('supervisor')
  const engineers = []
  for (let i = 0; i < 20; i++) engineers.push(await addEngineer(test, supervisor, { name: `E${i}`, at: near(i * 0.1, 0) }))
  const order = await openOrder(test, supervisor, {})

  const results = await Promise.all(engineers.map((e) => post(test, supervisor, `/api/work-orders/${order.id}/assign`, { engineerId: e.id })))
  t.equal(results.filter((r) => r.status === 200).length, 1)
  t.same(results.filter((r) => r.status !== 200).map((r) => `${r.status} ${r.code}`), new Array(19).fill('409 DSP_ORDER_STATE'))
  const busy = await test.platform.db.query<{ n: number }>("SELECT count(*) AS n FROM dispatch_engineers WHERE status = 'busy'")
  t.equal(busy.rows[0]?.n, 1, 'only the winner is busy')
  t.equal([...test.platform.dispatch.pool.values()].filter((e) => e.status === 'busy').length, 1)
})

forEachDriver(t, 'the same transition sent twice at once (a double tap): one wins, the other gets 409', async (t, driver) => {
  const test = await startTestPlatform(driver, { now: createClock().now })
  t.teardown(() => test.close())
  const supervisor = await test.tokenFor('supervisor')
  const engineer = await addEngineer(test, supervisor, { name: 'Wang Wei', at: near(0, 0) })
  const order = await openOrder(test, supervisor, {})
  await post(test, supervisor, `/api/work-orders/${order.id}/assign`, { engineerId: engineer.id })
  const results = await Promise.all([1, 2].map(() => post(test, engineer.token, `/api/work-orders/${order.id}/accept`, {})))
  t.same(results.map((r) => `${r.status} ${r.code ?? ''}`).sort(), ['200 ', '409 DSP_ORDER_STATE'])
  const timeline = (await test.request('GET', `/api/work-orders/${order.id}`, { token: supervisor })).body.timeline
  t.same(timeline.map((e: any) => e.kind), ['created', 'assign', 'accept'], 'recorded once')
})

forEachDriver(t, 'an order cancelled while it is being assigned leaves no engineer holding it', async (t, driver) => {
  const test = await startTestPlatform(driver, { now: createClock().now })
  t.teardown(() => test.close())
  const supervisor = await test.tokenFor('supervisor')
  const pairs = []
  for (let i = 0; i < 12; i++) {
    const engineer = await addEngineer(test, supervisor, { name: `Engineer ${i}`, at: near(i * 0.5, 1) })
    pairs.push({ engineer, order: await openOrder(test, supervisor, { location: near(i * 0.5, 0) }) })
  }
  // Each order assigned and cancelled at the same moment, in both orders of sending.
  const results = await Promise.all(pairs.flatMap(({ engineer, order }, i) => {
    const assign = (): Promise<{ status: number }> => post(test, supervisor, `/api/work-orders/${order.id}/assign`, { engineerId: engineer.id })
    const cancel = (): Promise<{ status: number }> => post(test, supervisor, `/api/work-orders/${order.id}/cancel`, { reason: 'customer fixed it' })
    return i % 2 === 0 ? [cancel(), assign()] : [assign(), cancel()]
  }))
  t.ok(results.every((r) => r.status === 200 || r.status === 409), 'each request either succeeds or is refused with 409')
  for (const { engineer, order } of pairs) {
    const current = await test.request('GET', `/api/work-orders/${order.id}`, { token: supervisor })
    t.equal(current.body.status, 'cancelled', 'the cancel stands, whichever came first')
    const profile = await test.request('GET', `/api/engineers/${engineer.id}`, { token: supervisor })
    t.match(profile.body, { status: 'available', activeOrderId: null }, `${profile.body.name} is free again`)
    t.match(test.platform.dispatch.pool.get(engineer.id), { status: 'available', activeOrderId: null }, 'the engine agrees')
  }
})
