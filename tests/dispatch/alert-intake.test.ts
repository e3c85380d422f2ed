import t from 'tap'
import { forEachDriver } from '../helpers/database.js'
import { startTestPlatform } from '../helpers/platform.js'
import { addEngineer, createClock, MONDAY_11H, near, recordEvents } from './fixtures.js'
import type { AlertRaised } from '../../dispatch/index.js'

const iso = (ms: number): string => new Date(ms).toISOString()

forEachDriver(t, 'alert.raised opens one auto-dispatched work order per alert, at the device\'s location', async (t, driver) => {
  const clock = createClock()
  const test = await startTestPlatform(driver, { now: clock.now })
  t.teardown(() => test.close())
  const admin = await test.tokenFor('admin')
  const supervisor = await test.tokenFor('supervisor')
  const events = recordEvents(test)
  const near1 = await addEngineer(test, supervisor, { name: 'Wang Wei', at: near(0.5, 0), skills: { hydraulics: 3 }, vanStock: { 'HP-220': 1 } })
  await addEngineer(test, supervisor, { name: 'Li Na', at: near(0.2, 0), skills: { hydraulics: 3 } }) // no pump on the van
  const device = await test.request('POST', '/api/devices', {
    token: admin, body: { assetCode: 'EXC-0042', model: 'EX-200', customer: { name: 'Harbour Works', contract: 'premium' }, location: near(0, 0) }
  })
  t.equal(device.status, 201)

  const alert: AlertRaised = {
    alertId: 'alert-7f3a', deviceId: device.body.id, kind: 'rul', severity: 'warning', metric: 'hydraulic_pressure',
    raisedAt: new Date(MONDAY_11H), evidence: { slope: -0.8 }, rul: { value: 5, unit: 'hours', lower: 4, upper: 7 },
    location: null, requiredSkills: ['hydraulics'], requiredParts: ['HP-220']
  }
  test.platform.bus.publish('alert.raised', alert)
  test.platform.bus.publish('alert.raised', alert) // redelivered
  await test.platform.bus.idle()

  const list = await test.request('GET', '/api/work-orders?source=alert', { token: supervisor })
  t.equal(list.body.total, 1, 'one order for one alert, however often it is delivered')
  const order = list.body.workOrders[0]
  t.match(order, {
    source: 'alert', alertId: 'alert-7f3a', deviceId: device.body.id, priority: 'high', contract: 'premium',
    customer: { name: 'Harbour Works', contract: 'premium' }, location: near(0, 0),
    requiredSkills: [{ skill: 'hydraulics', level: 1 }], requiredParts: ['HP-220'],
    status: 'assigned', engineerId: near1.id, autoDispatch: true,
    problem: 'Predicted failure on hydraulic_pressure: about 5 h of useful life left (4–7 h)'
  })
  // Premium high: respond 20, arrive 90, resolve 360 min — but the pump is predicted to fail in 4 h.
  t.same([order.sla.respondBy, order.sla.arriveBy, order.sla.resolveBy],
    [iso(MONDAY_11H + 20 * 60_000), iso(MONDAY_11H + 90 * 60_000), iso(MONDAY_11H + 240 * 60_000)])
  const timeline = (await test.request('GET', `/api/work-orders/${order.id}`, { token: supervisor })).body.timeline
  t.same(timeline.map((e: any) => [e.kind, e.actor.role]), [['created', 'system'], ['assign', 'system']])
  t.same(events.filter((e) => e.name.startsWith('workorder.')).map((e) => [e.name, e.payload.source]),
    [['workorder.created', 'alert'], ['workorder.assigned', 'alert']])

  // An alert with its own location, for a device the registry does not know, still opens an order.
  test.platform.bus.publish('alert.raised', { ...alert, alertId: 'alert-9', deviceId: '00000000-0000-4000-8000-000000000009', severity: 'critical', kind: 'fault_code', evidence: { code: 'E-301' }, rul: null, location: near(5, 5), requiredParts: [] })
  await test.platform.bus.idle()
  const second = (await test.request('GET', '/api/work-orders?source=alert&priority=critical', { token: supervisor })).body.workOrders[0]
  t.match(second, { alertId: 'alert-9', problem: 'Fault code reported E-301 on hydraulic_pressure', location: near(5, 5), contract: 'standard' })
})
