import t from 'tap'
import { QUEUE_ROUND } from '../../dispatch/assignment/assignment.service.js'
import { forEachDriver } from '../helpers/database.js'
import { startTestPlatform } from '../helpers/platform.js'
import type { TestPlatform } from '../helpers/platform.js'
import { addEngineer, createClock, MONDAY_11H, near, openOrder } from './fixtures.js'

const QUIET = { DISPATCH_SLA_CHECK_INTERVAL_S: '3600', DISPATCH_AUTO_RETRY_S: '3600' }

/** A full round of newer orders, due later, 330 km north where nobody can reach them. */
async function queueNewerUnreachable (test: TestPlatform, options: { auto: boolean }): Promise<void> {
  const far = near(0, 330)
  await test.platform.db.query(
    `INSERT INTO dispatch_work_orders (id, source, lat, lng, priority, problem, status, tracking_token, auto_dispatch,
       respond_by, arrive_by, resolve_by, created_at, updated_at)
     SELECT gen_random_uuid(), 'agent', $1, $2, 'critical', 'far away', 'new', 'bulk-' || i, $3,
       $4::timestamptz + i * interval '1 second', $4::timestamptz + interval '1 day' + i * interval '1 second',
       $4::timestamptz + interval '2 days', $4::timestamptz + i * interval '1 second', $4::timestamptz
     FROM generate_series(1, $5::int) AS i`,
    [far.lat, far.lng, options.auto, new Date(MONDAY_11H + 60_000), QUEUE_ROUND])
}

forEachDriver(t, 'with more than a round of orders waiting, the auto-dispatch retry takes the most urgent, not the newest', async (t, driver) => {
  const test = await startTestPlatform(driver, { now: createClock().now, env: QUIET })
  t.teardown(() => test.close())
  const supervisor = await test.tokenFor('supervisor')
  const wang = await addEngineer(test, supervisor, { name: 'Wang Wei', at: near(1, 0) }, { available: false })
  const oldest = await openOrder(test, supervisor, { priority: 'critical' })
  t.match(oldest, { status: 'new', autoDispatch: true }, 'nobody free when it came in')
  await queueNewerUnreachable(test, { auto: true })
  await test.request('PUT', `/api/engineers/${wang.id}/status`, { token: wang.token, body: { status: 'available' } })

  t.equal(await test.platform.dispatch.assignment.dispatchQueued(), 1)
  t.match((await test.request('GET', `/api/work-orders/${oldest.id}`, { token: supervisor })).body, { status: 'assigned', engineerId: wang.id })
})

forEachDriver(t, 'with more than a round of orders waiting, batch optimisation plans the most urgent, also when named', async (t, driver) => {
  const test = await startTestPlatform(driver, { now: createClock().now, env: QUIET })
  t.teardown(() => test.close())
  const supervisor = await test.tokenFor('supervisor')
  const wang = await addEngineer(test, supervisor, { name: 'Wang Wei', at: near(1, 0) })
  const oldest = await openOrder(test, supervisor, {})
  await queueNewerUnreachable(test, { auto: false })

  const plan = await test.request('POST', '/api/dispatch/optimize', { token: supervisor, body: { dryRun: true } })
  t.match(plan.body, { orders: QUEUE_ROUND, conflicts: [] })
  t.same(plan.body.assigned.map((p: any) => [p.workOrderId, p.engineerId]), [[oldest.id, wang.id]])
  const named = await test.request('POST', '/api/dispatch/optimize', { token: supervisor, body: { orderIds: [oldest.id] } })
  t.same([named.body.orders, named.body.assigned.map((p: any) => p.workOrderId)], [1, [oldest.id]])
})
