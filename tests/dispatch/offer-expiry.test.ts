import t from 'tap'
import { forEachDriver } from '../helpers/database.js'
import { startTestPlatform } from '../helpers/platform.js'
import { addEngineer, createClock, MONDAY_11H, near, openOrder, recordEvents } from './fixtures.js'

forEachDriver(t, 'an offer left unanswered is taken back and goes to the next engineer', async (t, driver) => {
  const clock = createClock()
  const test = await startTestPlatform(driver, { now: clock.now, env: { DISPATCH_OFFER_TIMEOUT_MIN: '5', DISPATCH_SLA_CHECK_INTERVAL_S: '3600' } })
  t.teardown(() => test.close())
  const supervisor = await test.tokenFor('supervisor')
  const agent = await test.tokenFor('agent')
  const wang = await addEngineer(test, supervisor, { name: 'Wang Wei', at: near(1, 0) })
  const li = await addEngineer(test, supervisor, { name: 'Li Na', at: near(4, 0) })
  const offers = test.platform.dispatch.offers
  const get = async (id: string): Promise<any> => (await test.request('GET', `/api/work-orders/${id}`, { token: supervisor })).body

  const order = await openOrder(test, agent, {})
  t.equal(order.answerBy, null, 'nobody to answer yet')
  const offered = (await test.request('POST', `/api/work-orders/${order.id}/assign`, { token: supervisor, body: { engineerId: wang.id } })).body
  t.equal(offered.answerBy, new Date(clock.now() + 5 * 60_000).toISOString(), 'the offer says when it lapses')
  const mine = (await test.request('GET', '/api/work-orders?status=assigned', { token: wang.token })).body.workOrders
  t.same(mine.map((o: any) => [o.id, o.answerBy]), [[order.id, offered.answerBy]], 'and the engineer\'s list shows it')
  clock.advanceMinutes(4)
  t.equal(await offers.checkNow(), 0, 'within its time the offer stands')
  t.match(await get(order.id), { status: 'assigned', engineerId: wang.id })

  const events = recordEvents(test)
  clock.advanceMinutes(2)
  t.equal(await offers.checkNow(), 1)
  t.equal(await offers.checkNow(), 0, 'taken back once')
  await test.platform.bus.idle()
  const back = await get(order.id)
  t.match(back, { status: 'new', engineerId: null, rejectedBy: [wang.id], sla: { respondedAt: null } })
  t.match(back.timeline.at(-1), { kind: 'expire', fromStatus: 'assigned', toStatus: 'new', engineerId: wang.id, actor: { role: 'system' }, details: { reason: 'offer_expired', timeoutMinutes: 5 } })
  t.match(events.find((e) => e.name === 'workorder.status_changed')?.payload, { workOrderId: order.id, status: 'new', from: 'assigned', reason: 'offer_expired', previousEngineerUserId: wang.userId })
  t.match(events.find((e) => e.name === 'engineer.status_changed')?.payload, { engineerId: wang.id, status: 'off', previous: 'busy' },
    'the engineer who did not answer is taken off dispatch, not offered the next order')
  t.match(test.platform.dispatch.pool.get(wang.id), { status: 'off', activeOrderId: null })
  const candidates = (await test.request('GET', `/api/work-orders/${order.id}/candidates`, { token: supervisor })).body.candidates
  t.same(candidates.map((c: any) => c.engineerId), [li.id])
  t.equal((await test.request('PUT', `/api/engineers/${wang.id}/status`, { token: wang.token, body: { status: 'available' } })).status, 200, 'back when they say so')
  const again = (await test.request('GET', `/api/work-orders/${order.id}/candidates`, { token: supervisor })).body.candidates
  t.same(again.map((c: any) => c.engineerId), [li.id], 'and not offered this order again, though they are nearer')
  const track = (await test.request('GET', `/api/track/${order.trackingToken}`)).body
  t.same(track.timeline.map((e: any) => e.event), ['created', 'assigned', 'reassigning'], 'the customer sees it being reassigned, no more')

  // An offer accepted in time is never taken back, however long the job then takes.
  await test.request('POST', `/api/work-orders/${order.id}/assign`, { token: supervisor, body: { engineerId: li.id } })
  clock.advanceMinutes(3)
  t.match((await test.request('POST', `/api/work-orders/${order.id}/accept`, { token: li.token })).body, { status: 'accepted', answerBy: null })
  clock.advanceMinutes(60)
  t.equal(await offers.checkNow(), 0)
  t.match(await get(order.id), { status: 'accepted', engineerId: li.id })
})

forEachDriver(t, 'under an auto-dispatch policy the order is offered again at once; offers lapsed while down are taken back at start', async (t, driver) => {
  const clock = createClock()
  const test = await startTestPlatform(driver, { now: clock.now, env: { DISPATCH_OFFER_TIMEOUT_MIN: '5', DISPATCH_SLA_CHECK_INTERVAL_S: '3600', DISPATCH_AUTO_RETRY_S: '3600' } })
  t.teardown(() => test.close())
  const supervisor = await test.tokenFor('supervisor')
  const agent = await test.tokenFor('agent')
  const admin = await test.tokenFor('admin')
  const policy = await test.request('PUT', '/api/dispatch/policies/auto-dispatch', { token: admin, body: { source: 'agent', priority: 'critical', enabled: true } })
  t.equal(policy.status, 200)
  const wang = await addEngineer(test, supervisor, { name: 'Wang Wei', at: near(1, 0) })
  const li = await addEngineer(test, supervisor, { name: 'Li Na', at: near(4, 0) })

  const order = await openOrder(test, agent, { priority: 'critical' })
  t.match(order, { status: 'assigned', engineerId: wang.id }, 'auto-dispatched to the nearer engineer')
  clock.advanceMinutes(6)
  t.equal(await test.platform.dispatch.offers.checkNow(), 1)
  const again = (await test.request('GET', `/api/work-orders/${order.id}`, { token: supervisor })).body
  t.match(again, { status: 'assigned', engineerId: li.id, rejectedBy: [wang.id] }, 'offered to the next engineer straight away')
  t.same(again.timeline.map((e: any) => e.kind), ['created', 'assign', 'expire', 'assign'])

  // Li does not answer either, and the platform restarts meanwhile: the offer is taken back as it starts.
  await test.platform.dispatch.stop()
  clock.advanceMinutes(10)
  await test.platform.dispatch.start()
  const lapsed = (await test.request('GET', `/api/work-orders/${order.id}`, { token: supervisor })).body
  t.match(lapsed, { status: 'new', engineerId: null, rejectedBy: [wang.id, li.id] }, 'nobody is left to offer it to: it waits for the supervisor')
  t.match(test.platform.dispatch.pool.get(li.id), { status: 'off', activeOrderId: null })
  t.match(test.platform.dispatch.pool.get(wang.id), { status: 'off', activeOrderId: null })

  // An engineer who let an offer lapse is not offered the next order either.
  const next = await openOrder(test, agent, { priority: 'critical', location: near(1, 1) })
  t.match(next, { status: 'new', engineerId: null }, 'nobody available: queued, not offered to either')
})

forEachDriver(t, 'an offer taken back and made again meanwhile is not expired on the strength of the first', async (t, driver) => {
  // Off the whole second, so the offer time's milliseconds must survive the round trip for the guard to hold.
  const clock = createClock(MONDAY_11H + 123)
  const test = await startTestPlatform(driver, { now: clock.now, env: { DISPATCH_OFFER_TIMEOUT_MIN: '5', DISPATCH_SLA_CHECK_INTERVAL_S: '3600' } })
  t.teardown(() => test.close())
  const supervisor = await test.tokenFor('supervisor')
  const agent = await test.tokenFor('agent')
  const wang = await addEngineer(test, supervisor, { name: 'Wang Wei', at: near(1, 0) })
  const workOrders = test.platform.dispatch.workOrders

  const order = await openOrder(test, agent, {})
  await test.request('POST', `/api/work-orders/${order.id}/assign`, { token: supervisor, body: { engineerId: wang.id } })
  clock.advanceMinutes(6)
  // The check has read the lapsed offer; before it acts, the supervisor takes the order back and offers it to Wang again.
  const [lapsed] = await workOrders.repository.listUnansweredOffers(new Date(clock.now() - 5 * 60_000))
  t.equal(lapsed?.id, order.id)
  t.equal((await test.request('POST', `/api/work-orders/${order.id}/unassign`, { token: supervisor, body: { reason: 'called, will re-send' } })).status, 200)
  t.equal((await test.request('POST', `/api/work-orders/${order.id}/assign`, { token: supervisor, body: { engineerId: wang.id } })).status, 200)

  t.equal(await workOrders.expireOffer(lapsed as any, 5), null, 'the fresh offer is not the one that lapsed')
  t.match(await workOrders.get(order.id), { status: 'assigned', engineerId: wang.id, rejectedBy: [] })
  t.match(test.platform.dispatch.pool.get(wang.id), { status: 'busy', activeOrderId: order.id })
  t.equal(await test.platform.dispatch.offers.checkNow(), 0, 'and the fresh offer has its own five minutes')
  clock.advanceMinutes(6)
  t.equal(await test.platform.dispatch.offers.checkNow(), 1)
})
