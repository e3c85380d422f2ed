import t from 'tap'
import { createRequestLimiter } from '../../dispatch/service-requests/request-limiter.js'
import { forEachDriver } from '../helpers/database.js'
import { registerDevice } from '../helpers/mqtt.js'
import { startTestPlatform } from '../helpers/platform.js'
import type { TestPlatform } from '../helpers/platform.js'
import { addEngineer, createClock, MONDAY_11H, near } from './fixtures.js'

const iso = (minutes: number): string => new Date(MONDAY_11H + minutes * 60_000).toISOString()
const CUSTOMER = { name: 'Zhang San', phone: '+86 138 0000 1234', email: 'zhang@example.com' }

/** An anonymous POST /api/service-requests from `ip`. */
async function submit (test: TestPlatform, body: unknown, ip = '198.51.100.7'): Promise<{ status: number, body: any }> {
  const response = await test.platform.app.inject({ method: 'POST', url: '/api/service-requests', remoteAddress: ip, payload: body as object })
  return { status: response.statusCode, body: response.json() }
}

forEachDriver(t, 'a customer raises a work order without logging in, through the same intake as the service desk', async (t, driver) => {
  const test = await startTestPlatform(driver, { now: createClock().now })
  t.teardown(() => test.close())
  const supervisor = await test.tokenFor('supervisor')
  const admin = await test.tokenFor('admin')

  const plain = await submit(test, { customer: CUSTOMER, location: near(0, 0), problem: 'fridge is warm' })
  t.equal(plain.status, 201)
  t.same(Object.keys(plain.body).sort(), ['id', 'status', 'trackingToken', 'trackingUrl'])
  t.same([plain.body.status, plain.body.trackingUrl], ['new', `/dispatch/track.html?t=${plain.body.trackingToken}`])
  const order = (await test.request('GET', `/api/work-orders/${plain.body.id}`, { token: supervisor })).body
  t.match(order, { source: 'customer', priority: 'medium', contract: 'standard', customer: CUSTOMER, location: near(0, 0), autoDispatch: false, problem: 'fridge is warm' })
  t.same([order.sla.respondBy, order.sla.arriveBy], [iso(60), iso(240)], 'the standard SLA for medium priority')
  t.match(order.timeline, [{ kind: 'created', actor: { userId: null, name: 'Zhang San', role: 'customer' }, details: { source: 'customer' } }])
  t.match((await test.request('GET', `/api/track/${plain.body.trackingToken}`)).body, { number: order.number, status: 'new' })

  // The machine's plate: its location, owner and contract come from the registry.
  const owner = { name: 'Acme Cold Chain', contract: 'premium', phone: '+86 21 5555 0100', email: 'ops@acme.example', address: '88 Harbour Rd' }
  const device = await registerDevice(test, 'EX-200 4711', { location: near(3, 0), customer: owner })
  const byAsset = await submit(test, { assetCode: 'EX-200 4711', customer: { name: 'Zhang San', phone: CUSTOMER.phone }, problem: 'hydraulic leak', priority: 'high' })
  t.equal(byAsset.status, 201)
  const raised = (await test.request('GET', `/api/work-orders/${byAsset.body.id}`, { token: supervisor })).body
  t.match(raised, { deviceId: device.id, location: near(3, 0), contract: 'premium', priority: 'high', sla: { respondBy: iso(20) } })
  t.same(raised.customer, { name: 'Zhang San', phone: CUSTOMER.phone, contract: 'premium', owner: 'Acme Cold Chain' },
    'the caller is the contact: the owner\'s phone, email and address are not mixed into it')
  // The service desk, by contrast, starts from the owner's record and corrects single fields.
  const agent = await test.tokenFor('agent')
  const desk = await test.request('POST', '/api/work-orders', { token: agent, body: { source: 'agent', deviceId: device.id, priority: 'high', problem: 'hydraulic leak', customer: { phone: CUSTOMER.phone } } })
  t.same(desk.body.customer, { ...owner, phone: CUSTOMER.phone })
  const phonedIn = await test.request('POST', '/api/work-orders', { token: agent, body: { source: 'customer', deviceId: device.id, priority: 'high', problem: 'hydraulic leak', customer: { name: 'Zhang San' } } })
  t.same(phonedIn.body.customer, { ...owner, name: 'Zhang San' }, 'so does a customer\'s call the desk records (source customer)')

  // The auto-dispatch policy for (customer, priority) applies as for any order.
  const wang = await addEngineer(test, supervisor, { name: 'Wang Wei', at: near(1, 0), skills: {} })
  t.equal((await test.request('PUT', '/api/dispatch/policies/auto-dispatch', { token: admin, body: { source: 'customer', priority: 'high', enabled: true } })).status, 200)
  const auto = await submit(test, { customer: CUSTOMER, location: near(0.5, 0), problem: 'no power', priority: 'high' }, '198.51.100.8')
  t.same([auto.status, auto.body.status], [201, 'assigned'])
  t.match((await test.request('GET', `/api/work-orders/${auto.body.id}`, { token: supervisor })).body, { engineerId: wang.id, autoDispatch: true })
})

forEachDriver(t, 'a service request is refused with a coded error naming the field', async (t, driver) => {
  const test = await startTestPlatform(driver, { now: createClock().now })
  t.teardown(() => test.close())
  const base = { customer: CUSTOMER, location: near(0, 0), problem: 'fridge is warm' }
  const refused = async (body: unknown, ip?: string): Promise<[number, string, string | undefined]> => {
    const response = await submit(test, body, ip)
    return [response.status, response.body.code, response.body.field]
  }
  t.same(await refused({ ...base, priority: 'critical' }), [400, 'WEB_VALIDATION', 'body.priority'], 'customers cannot choose critical')
  t.same(await refused({ ...base, source: 'alert' }), [400, 'WEB_VALIDATION', 'body.source'])
  t.same(await refused({ ...base, customer: { name: 'Zhang San' } }), [400, 'WEB_VALIDATION', 'body.customer.phone'])
  t.same(await refused({ ...base, customer: { ...CUSTOMER, phone: 'call me' } }), [400, 'WEB_VALIDATION', 'body.customer.phone'])
  t.same(await refused({ ...base, customer: { ...CUSTOMER, email: 'not-an-address' } }), [400, 'WEB_VALIDATION', 'body.customer.email'])
  t.same(await refused({ ...base, customer: { ...CUSTOMER, contract: 'premium' } }), [400, 'WEB_VALIDATION', 'body.customer.contract'], 'nor their contract')
  t.same(await refused({ ...base, problem: 'x'.repeat(2001) }), [400, 'WEB_VALIDATION', 'body.problem'])
  t.same(await refused({ ...base, assetCode: '%' }), [400, 'WEB_VALIDATION', 'body.assetCode'])
  t.same(await refused({ ...base, assetCode: 'NO-SUCH-MACHINE' }), [400, 'DSP_ASSET_UNKNOWN', 'body.assetCode'])
  t.same(await refused({ customer: CUSTOMER, problem: 'fridge is warm' }), [400, 'DSP_LOCATION_REQUIRED', 'body.location'])
  t.same(await refused({ ...base, deviceId: '00000000-0000-4000-8000-000000000001' }, '198.51.100.9'), [400, 'DSP_DEVICE_UNKNOWN', 'body.deviceId'])
  const huge = await submit(test, { ...base, customer: { ...CUSTOMER, address: 'x'.repeat(33 * 1024) } })
  t.same([huge.status, huge.body.code], [413, 'WEB_BODY_TOO_LARGE'], 'a body over 32 KiB is not even read')
  const total = await test.platform.db.query<{ n: number }>('SELECT count(*)::int AS n FROM dispatch_work_orders')
  t.equal(total.rows[0]?.n, 0, 'nothing was opened')
  const full = { ...base, problem: '🔧'.repeat(1000), customer: { ...CUSTOMER, name: '张'.repeat(200), address: '路'.repeat(500) } }
  t.same((await submit(test, full, '198.51.100.10')).status, 201, 'every field full fits')
})

forEachDriver(t, 'one address may raise 5 requests at once, then one every 10 minutes; others are not held back', async (t, driver) => {
  const clock = createClock()
  const test = await startTestPlatform(driver, { now: clock.now })
  t.teardown(() => test.close())
  const body = { customer: CUSTOMER, location: near(0, 0), problem: 'fridge is warm' }
  const statuses: number[] = []
  for (let i = 0; i < 5; i++) statuses.push((await submit(test, body)).status)
  t.same(statuses, [201, 201, 201, 201, 201])
  const limited = await submit(test, body)
  t.same([limited.status, limited.body.code, limited.body.retryAfterSeconds], [429, 'DSP_TOO_MANY_REQUESTS', 600])
  t.equal((await submit(test, body, '203.0.113.1')).status, 201, 'another address')
  clock.advanceMinutes(4)
  t.same((await submit(test, body)).body.retryAfterSeconds, 360)
  clock.advanceMinutes(6)
  t.same([(await submit(test, body)).status, (await submit(test, body)).status], [201, 429], 'one token back after 10 minutes')
})

t.test('the request limiter never tracks more addresses than its bound, dropping refilled ones first', async (t) => {
  let now = 0
  const limiter = createRequestLimiter({ capacity: 2, refillSeconds: 60, maxKeys: 3, now: () => now })
  t.same(['a', 'a', 'a'].map((key) => limiter.take(key)), [{ allowed: true }, { allowed: true }, { allowed: false, retryAfterSeconds: 60 }])
  limiter.take('b')
  limiter.take('c')
  now += 30_000
  t.same(limiter.take('d'), { allowed: true })
  t.equal(limiter.trackedKeys, 3, 'the oldest bucket made room')
  now += 120_000
  t.same([limiter.take('e'), limiter.trackedKeys], [{ allowed: true }, 1], 'refilled buckets are forgotten first')
  t.same([limiter.take('e'), limiter.take('e')], [{ allowed: true }, { allowed: false, retryAfterSeconds: 60 }])
})
