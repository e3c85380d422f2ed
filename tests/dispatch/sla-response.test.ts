import t from 'tap'
import { forEachDriver } from '../helpers/database.js'
import { startTestPlatform } from '../helpers/platform.js'
import { addEngineer, createClock, MONDAY_11H, near, openOrder } from './fixtures.js'

const iso = (minutes: number): string => new Date(MONDAY_11H + minutes * 60_000).toISOString()
const QUIET = { DISPATCH_SLA_CHECK_INTERVAL_S: '3600', DISPATCH_AUTO_RETRY_S: '3600' }

forEachDriver(t, 'a rejected offer is no response: the respond deadline is met only by the accept that stands', async (t, driver) => {
  const clock = createClock()
  const test = await startTestPlatform(driver, { now: clock.now, env: QUIET })
  t.teardown(() => test.close())
  const supervisor = await test.tokenFor('supervisor')
  const wang = await addEngineer(test, supervisor, { name: 'Wang Wei', at: near(1, 0) })
  const li = await addEngineer(test, supervisor, { name: 'Li Na', at: near(2, 0) })
  const step = async (id: string, name: string, token: string, body?: unknown): Promise<any> =>
    (await test.request('POST', `/api/work-orders/${id}/${name}`, { token, ...(body === undefined ? {} : { body }) })).body

  // Medium priority, standard contract: respond within 60 minutes.
  const order = await openOrder(test, supervisor, {})
  await step(order.id, 'assign', supervisor, { engineerId: wang.id })
  clock.advanceMinutes(5)
  t.equal((await step(order.id, 'accept', wang.token)).sla.respondedAt, iso(5))
  clock.advanceMinutes(5)
  const rejected = await step(order.id, 'reject', wang.token, { reason: 'van broke down' })
  t.same([rejected.status, rejected.sla.respondedAt], ['new', null], 'the withdrawn accept no longer counts')

  clock.set(MONDAY_11H + 61 * 60_000)
  t.same(await test.platform.dispatch.sla.checkNow(), { atRisk: 0, breached: 1 }, 'nobody holds it past the deadline: breached')
  await step(order.id, 'assign', supervisor, { engineerId: li.id })
  clock.advanceMinutes(2)
  const accepted = await step(order.id, 'accept', li.token)
  t.same([accepted.sla.respondedAt, accepted.sla.flags], [iso(63), ['respond:breached']])

  // Taken back by the dispatcher and accepted again in time: the second accept is the response.
  // Opened 63 minutes in, so due to respond 60 minutes later.
  const second = await openOrder(test, supervisor, { location: near(0.5, 0) })
  await step(second.id, 'assign', supervisor, { engineerId: wang.id })
  clock.advanceMinutes(5)
  await step(second.id, 'accept', wang.token)
  clock.advanceMinutes(5)
  t.equal((await step(second.id, 'unassign', supervisor, {})).sla.respondedAt, null)
  await step(second.id, 'assign', supervisor, { engineerId: wang.id })
  clock.advanceMinutes(10)
  const again = await step(second.id, 'accept', wang.token)
  t.same([again.sla.respondedAt, again.sla.flags], [iso(83), []])
  await test.platform.bus.idle()
  t.same((await test.request('GET', `/api/work-orders/${second.id}`, { token: supervisor })).body.sla.flags, [], 'met, no flag raised')
})

forEachDriver(t, 'an order booked for a later visit window is not at risk before the window opens', async (t, driver) => {
  const clock = createClock()
  const test = await startTestPlatform(driver, { now: clock.now, env: QUIET })
  t.teardown(() => test.close())
  const agent = await test.tokenFor('agent')
  // Medium priority: arrive within 240 minutes of the window opening, capped by its end (+51 h).
  const order = await openOrder(test, agent, { window: { start: iso(48 * 60), end: iso(51 * 60) } })
  t.same([order.sla.arriveBy, order.sla.resolveBy], [iso(51 * 60), iso(48 * 60 + 1440)])
  // Read from the service: days later the agent's login has long expired.
  const flags = async (): Promise<string[]> => (await test.platform.dispatch.workOrders.get(order.id)).sla.flags
  clock.set(MONDAY_11H + 39 * 3_600_000)
  await test.platform.dispatch.sla.checkNow()
  t.same(await flags(), ['respond:breached'], 'nobody accepted it within the hour, but the visit is two days away')
  clock.set(MONDAY_11H + (50 * 60 + 14) * 60_000)
  await test.platform.dispatch.sla.checkNow()
  t.same(await flags(), ['respond:breached'], '46 of the window\'s 180 minutes left: not yet at risk')
  clock.set(MONDAY_11H + (50 * 60 + 16) * 60_000)
  await test.platform.dispatch.sla.checkNow()
  t.same(await flags(), ['respond:breached', 'arrive:at_risk'], 'under a quarter left of the window')
})
