import t from 'tap'
import { forEachDriver } from '../helpers/database.js'
import { startTestPlatform } from '../helpers/platform.js'
import { addEngineer, createClock, near, openOrder } from './fixtures.js'

const QUIET = { DISPATCH_SLA_CHECK_INTERVAL_S: '3600', DISPATCH_AUTO_RETRY_S: '3600' }

forEachDriver(t, 'a new auto order waits for an engineer finishing next door instead of sending one from across town', async (t, driver) => {
  const clock = createClock()
  const test = await startTestPlatform(driver, { now: clock.now, env: QUIET })
  t.teardown(() => test.close())
  const supervisor = await test.tokenFor('supervisor')
  const wang = await addEngineer(test, supervisor, { name: 'Wang Wei', at: near(0, 0) })
  const first = await openOrder(test, supervisor, { priority: 'critical', location: near(0.2, 0) })
  t.match(first, { status: 'assigned', engineerId: wang.id })
  for (const step of ['accept', 'depart', 'arrive']) await test.request('POST', `/api/work-orders/${first.id}/${step}`, { token: wang.token })
  const li = await addEngineer(test, supervisor, { name: 'Li Na', at: near(12, 0) })

  // Wang has been on site 30 minutes: with a 40-minute visit expected, free in about 10, 300 m away.
  clock.advanceMinutes(30)
  const second = await openOrder(test, supervisor, { priority: 'critical', location: near(0.5, 0) })
  t.match(second, { status: 'new', engineerId: null }, 'held for Wang rather than sending Li 12 km')

  clock.advanceMinutes(8)
  await test.request('POST', `/api/work-orders/${first.id}/complete`, { token: wang.token, body: {} })
  t.equal(await test.platform.dispatch.assignment.dispatchQueued(), 1)
  t.match((await test.request('GET', `/api/work-orders/${second.id}`, { token: supervisor })).body, { status: 'assigned', engineerId: wang.id })
  t.match((await test.request('GET', `/api/engineers/${li.id}`, { token: supervisor })).body, { status: 'available', activeOrderId: null })
})
