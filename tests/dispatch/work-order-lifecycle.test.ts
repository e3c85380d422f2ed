import t from 'tap'
import { forEachDriver } from '../helpers/database.js'
import { startTestPlatform } from '../helpers/platform.js'
import { addEngineer, createClock, MONDAY_11H, near, openOrder, recordEvents } from './fixtures.js'

const iso = (ms: number): string => new Date(ms).toISOString()

forEachDriver(t, 'a work order goes from new to completed through its routes, each step checked and kept on the timeline', async (t, driver) => {
  const clock = createClock()
  const test = await startTestPlatform(driver, { now: clock.now })
  t.teardown(() => test.close())
  const supervisor = await test.tokenFor('supervisor')
  const agent = await test.tokenFor('agent')
  const events = recordEvents(test)

  const station = await test.request('POST', '/api/stations', { token: supervisor, body: { code: 'SH-01', name: 'Pudong station', location: near(1, 1), timezone: 'Asia/Shanghai' } })
  t.equal(station.status, 201)
  const wang = await addEngineer(test, supervisor, { name: 'Wang Wei', at: near(1, 0), stationId: station.body.id })
  const li = await addEngineer(test, supervisor, { name: 'Li Na', at: near(3, 0), stationId: station.body.id })
  const zhao = await addEngineer(test, supervisor, { name: 'Zhao Lei', at: near(0.5, 0), skills: { electrical: 4 } })
  await addEngineer(test, supervisor, { name: 'Chen Jie', at: near(0.2, 0) }, { available: false })

  const order = await openOrder(test, agent, { customer: { name: 'Acme Cold Chain', phone: '+86 21 5555 0101' } })
  t.match(order, {
    status: 'new', source: 'agent', priority: 'medium', contract: 'standard', engineerId: null, autoDispatch: false,
    customer: { name: 'Acme Cold Chain', phone: '+86 21 5555 0101' }, requiredSkills: [{ skill: 'hvac', level: 1 }]
  })
  t.match(order.trackingToken, /^[A-Za-z0-9_-]{22}$/)
  t.same(order.sla, {
    respondBy: iso(MONDAY_11H + 60 * 60_000), arriveBy: iso(MONDAY_11H + 240 * 60_000), resolveBy: iso(MONDAY_11H + 1440 * 60_000),
    respondedAt: null, arrivedAt: null, resolvedAt: null, atRisk: false, breached: false, flags: []
  })

  const candidates = await test.request('GET', `/api/work-orders/${order.id}/candidates`, { token: supervisor })
  t.equal(candidates.status, 200)
  t.same(candidates.body.candidates.map((c: any) => c.engineerId), [wang.id, li.id], 'qualified and available engineers, nearest first (Zhao lacks hvac, Chen is off)')
  t.same(candidates.body.candidates[0].reasons.map((r: any) => r.factor), ['travel', 'sla', 'workload'])
  t.equal(candidates.body.candidates[0].distanceKm, 1)

  const wrongEngineer = await test.request('POST', `/api/work-orders/${order.id}/assign`, { token: supervisor, body: { engineerId: zhao.id } })
  t.equal(wrongEngineer.status, 409)
  t.equal(wrongEngineer.body.code, 'DSP_ASSIGN_RULE_VIOLATED')
  t.same(wrongEngineer.body.violations, [{ rule: 'skills', reason: 'lacks skill hvac' }])

  clock.advanceMinutes(2)
  const assigned = await test.request('POST', `/api/work-orders/${order.id}/assign`, { token: supervisor, body: { engineerId: wang.id } })
  t.equal(assigned.status, 200)
  // Offers do not lapse on the test platform unless a test sets DISPATCH_OFFER_TIMEOUT_MIN.
  t.match(assigned.body, { status: 'assigned', engineerId: wang.id, assignedAt: iso(clock.now()), answerBy: null })
  t.equal((await test.request('GET', `/api/engineers/${wang.id}`, { token: supervisor })).body.status, 'busy')

  const notYours = await test.request('POST', `/api/work-orders/${order.id}/accept`, { token: li.token })
  t.same([notYours.status, notYours.body.code], [403, 'DSP_NOT_ASSIGNED_TO_YOU'])
  const tooEarly = await test.request('POST', `/api/work-orders/${order.id}/complete`, { token: wang.token, body: {} })
  t.same([tooEarly.status, tooEarly.body.code, tooEarly.body.message],
    [409, 'DSP_ORDER_STATE', `work order ${order.id} is assigned; complete is allowed only when it is on_site`])
  t.equal((await test.request('GET', `/api/work-orders/${order.id}`, { token: li.token })).status, 404, 'another engineer cannot read it')

  clock.advanceMinutes(3)
  t.equal((await test.request('POST', `/api/work-orders/${order.id}/accept`, { token: wang.token })).body.status, 'accepted')
  t.equal((await test.request('POST', `/api/work-orders/${order.id}/depart`, { token: wang.token })).body.status, 'en_route')
  const tracked = await test.request('GET', `/api/track/${order.trackingToken}`)
  t.equal(tracked.status, 200)
  t.same(Object.keys(tracked.body).sort(), ['arriveBy', 'createdAt', 'engineer', 'eta', 'etaMinutes', 'number', 'priority', 'status', 'timeline'])
  t.match(tracked.body, { status: 'en_route', engineer: { firstName: 'Wang' }, etaMinutes: 6 })
  t.notMatch(tracked.text, /Acme|5555|Wang Wei|eng-/, 'no customer data, full name or username')

  clock.advanceMinutes(10)
  await test.request('PUT', `/api/engineers/${wang.id}/location`, { token: wang.token, body: near(0, 0) })
  t.equal((await test.request('POST', `/api/work-orders/${order.id}/arrive`, { token: wang.token })).body.status, 'on_site')
  clock.advanceMinutes(45)
  const code = 'https://id.afterline.example/01/09506000134352/21/Xk3vQ9mW2rT7pL1a'
  const completed = await test.request('POST', `/api/work-orders/${order.id}/complete`, { token: wang.token, body: { notes: 'replaced start capacitor', partsUsed: [code] } })
  t.match(completed.body, { status: 'completed', partsUsed: [code], completionNotes: 'replaced start capacitor' })
  t.same(completed.body.sla, {
    respondBy: iso(MONDAY_11H + 60 * 60_000), arriveBy: iso(MONDAY_11H + 240 * 60_000), resolveBy: iso(MONDAY_11H + 1440 * 60_000),
    respondedAt: iso(MONDAY_11H + 5 * 60_000), arrivedAt: iso(MONDAY_11H + 15 * 60_000), resolvedAt: iso(MONDAY_11H + 60 * 60_000),
    atRisk: false, breached: false, flags: []
  })
  t.equal((await test.request('GET', `/api/engineers/${wang.id}`, { token: supervisor })).body.status, 'available', 'free again')
  const again = await test.request('POST', `/api/work-orders/${order.id}/cancel`, { token: agent, body: {} })
  t.same([again.status, again.body.code], [409, 'DSP_ORDER_STATE'], 'a completed order cannot be cancelled')

  const detail = await test.request('GET', `/api/work-orders/${order.id}`, { token: wang.token })
  t.same(detail.body.timeline.map((e: any) => [e.kind, e.fromStatus, e.toStatus, e.actor.role]), [
    ['created', null, 'new', 'agent'],
    ['assign', 'new', 'assigned', 'supervisor'],
    ['accept', 'assigned', 'accepted', 'engineer'],
    ['depart', 'accepted', 'en_route', 'engineer'],
    ['arrive', 'en_route', 'on_site', 'engineer'],
    ['complete', 'on_site', 'completed', 'engineer']
  ])
  t.same(detail.body.timeline.map((e: any) => e.at), [0, 2, 5, 5, 15, 60].map((m) => iso(MONDAY_11H + m * 60_000)))

  await test.platform.bus.idle()
  const orderEvents = events.filter((e) => e.name.startsWith('workorder.')).map((e) => [e.name, e.payload.status])
  t.same(orderEvents, [
    ['workorder.created', 'new'], ['workorder.assigned', 'assigned'], ['workorder.accepted', 'accepted'],
    ['workorder.status_changed', 'en_route'], ['workorder.status_changed', 'on_site'], ['workorder.completed', 'completed']
  ])
  const done = events.find((e) => e.name === 'workorder.completed')!.payload
  t.match(done, { workOrderId: order.id, engineerId: wang.id, engineerUserId: wang.userId, deviceId: null, partsUsed: [code], trackingToken: order.trackingToken })
  t.same(events.filter((e) => e.name === 'engineer.status_changed' && e.payload.engineerId === wang.id).map((e) => [e.payload.previous, e.payload.status]),
    [['off', 'available'], ['available', 'busy'], ['busy', 'available']])
})

forEachDriver(t, 'a rejected order returns to the queue and is never offered to that engineer again', async (t, driver) => {
  const clock = createClock()
  const test = await startTestPlatform(driver, { now: clock.now })
  t.teardown(() => test.close())
  const supervisor = await test.tokenFor('supervisor')
  const wang = await addEngineer(test, supervisor, { name: 'Wang Wei', at: near(1, 0) })
  const li = await addEngineer(test, supervisor, { name: 'Li Na', at: near(2, 0) })
  const order = await openOrder(test, supervisor, {})
  await test.request('POST', `/api/work-orders/${order.id}/assign`, { token: supervisor, body: { engineerId: wang.id } })
  const rejected = await test.request('POST', `/api/work-orders/${order.id}/reject`, { token: wang.token, body: { reason: 'van broke down' } })
  t.match(rejected.body, { status: 'new', engineerId: null, rejectedBy: [wang.id] })
  const candidates = await test.request('GET', `/api/work-orders/${order.id}/candidates`, { token: supervisor })
  t.same(candidates.body.candidates.map((c: any) => c.engineerId), [li.id])
  const retry = await test.request('POST', `/api/work-orders/${order.id}/assign`, { token: supervisor, body: { engineerId: wang.id } })
  t.same([retry.status, retry.body.code], [409, 'DSP_ASSIGN_RULE_VIOLATED'])
  const timeline = (await test.request('GET', `/api/work-orders/${order.id}`, { token: supervisor })).body.timeline
  t.same(timeline.map((e: any) => [e.kind, e.toStatus, e.details.reason ?? null]), [['created', 'new', null], ['assign', 'assigned', null], ['reject', 'new', 'van broke down']])
  const tracked = await test.request('GET', `/api/track/${order.trackingToken}`)
  t.same(tracked.body.timeline.map((e: any) => e.event), ['created', 'assigned', 'reassigning'])
  t.equal(tracked.body.engineer, null)
  t.equal((await test.request('GET', '/api/track/AAAAAAAAAAAAAAAAAAAAAA')).body.code, 'DSP_TRACKING_NOT_FOUND')
})

forEachDriver(t, 'auto-dispatch policy assigns critical orders at once; batch optimisation assigns the rest together', async (t, driver) => {
  const clock = createClock()
  const test = await startTestPlatform(driver, { now: clock.now })
  t.teardown(() => test.close())
  const supervisor = await test.tokenFor('supervisor')
  const agent = await test.tokenFor('agent')
  const a = await addEngineer(test, supervisor, { name: 'A', at: near(0, 0) })
  const b = await addEngineer(test, supervisor, { name: 'B', at: near(4, 0) })
  const c = await addEngineer(test, supervisor, { name: 'C', at: near(8, 0) })

  const urgent = await openOrder(test, agent, { priority: 'critical', location: near(0.5, 0) })
  t.match(urgent, { status: 'assigned', engineerId: a.id, autoDispatch: true })
  const timeline = (await test.request('GET', `/api/work-orders/${urgent.id}`, { token: supervisor })).body.timeline
  t.match(timeline[1], { kind: 'assign', actor: { role: 'system', userId: null }, details: { auto: true, reasons: [{ factor: 'travel' }] } })

  // Two orders, at 5.5 km and 4 km east. One by one (same priority, older first) the 5.5 km order
  // takes B (1.5 km away), leaving C 4 km from the other. Together: B→4 (on the spot), C→5.5 (2.5 km).
  const first = await openOrder(test, agent, { location: near(5.5, 0) })
  clock.advanceMinutes(1)
  const second = await openOrder(test, agent, { location: near(4, 0) })
  const dry = await test.request('POST', '/api/dispatch/optimize', { token: supervisor, body: { dryRun: true } })
  t.match(dry.body, { dryRun: true, orders: 2, unassigned: [], conflicts: [], oneByOneAssigned: 2 })
  t.same(dry.body.assigned.map((p: any) => [p.workOrderId, p.engineerId]).sort(), [[first.id, c.id], [second.id, b.id]].sort())
  t.ok(dry.body.totalCost < dry.body.oneByOneCost, `batch ${dry.body.totalCost} < one by one ${dry.body.oneByOneCost}`)
  t.equal((await test.request('GET', `/api/work-orders/${first.id}`, { token: supervisor })).body.status, 'new', 'a dry run assigns nothing')
  const applied = await test.request('POST', '/api/dispatch/optimize', { token: supervisor, body: {} })
  t.same(applied.body.assigned.map((p: any) => p.engineerId).sort(), [b.id, c.id].sort())
  t.equal((await test.request('GET', `/api/work-orders/${second.id}`, { token: supervisor })).body.engineerId, b.id)
})

forEachDriver(t, 'completing an order takes the parts used off the van, never below zero', async (t, driver) => {
  const test = await startTestPlatform(driver, { now: createClock().now })
  t.teardown(() => test.close())
  const supervisor = await test.tokenFor('supervisor')
  const wang = await addEngineer(test, supervisor, { name: 'Wang Wei', at: near(0, 0), vanStock: { 'P-7': 2, 'P-9': 1 } })
  const finish = async (order: any, body: Record<string, unknown>): Promise<void> => {
    await test.request('POST', `/api/work-orders/${order.id}/assign`, { token: supervisor, body: { engineerId: wang.id } })
    for (const step of ['accept', 'depart', 'arrive']) await test.request('POST', `/api/work-orders/${order.id}/${step}`, { token: wang.token })
    t.equal((await test.request('POST', `/api/work-orders/${order.id}/complete`, { token: wang.token, body })).body.status, 'completed')
  }
  await finish(await openOrder(test, supervisor, { requiredParts: ['P-7'] }), {})
  t.same((await test.request('GET', `/api/engineers/${wang.id}`, { token: supervisor })).body.vanStock, { 'P-7': 1, 'P-9': 1 }, 'the required part by default')
  await finish(await openOrder(test, supervisor, {}), { stockUsed: [{ partNumber: 'P-9', quantity: 5 }, { partNumber: 'P-404', quantity: 1 }] })
  t.same((await test.request('GET', `/api/engineers/${wang.id}`, { token: supervisor })).body.vanStock, { 'P-7': 1, 'P-9': 0 }, 'as reported, floored at zero')
  t.same(test.platform.dispatch.pool.get(wang.id)?.vanStock, { 'P-7': 1, 'P-9': 0 }, 'the engine sees the same stock')
})
