import t from 'tap'
import { forEachDriver } from '../helpers/database.js'
import { connectDevice, eventually } from '../helpers/mqtt.js'
import { startTestPlatform } from '../helpers/platform.js'
import { addEngineer, createClock, near } from '../dispatch/fixtures.js'

/**
 * The closed loop across modules: a machine's readings arrive over MQTT through the real gateway, trip
 * an alarm rule of its device model, the alert opens a work order, and dispatch assigns it to the
 * engineer who is near, free, skilled and has the part on the van.
 */
forEachDriver(t, 'readings that trip a rule become an auto-assigned work order', async (t, driver) => {
  const clock = createClock()
  const test = await startTestPlatform(driver, { now: clock.now })
  t.teardown(() => test.close())
  const admin = await test.tokenFor('admin')
  const supervisor = await test.tokenFor('supervisor')

  const model = await test.request('PUT', '/api/device-models/CP-90', {
    token: admin,
    body: {
      name: 'Coolant pump CP-90',
      metrics: [{ name: 'temp', unit: '°C', normal: { min: 20, max: 90 } }, { name: 'flow', unit: 'l/min', normal: { min: 10, max: 50 } }],
      rules: [{ kind: 'threshold', id: 'hot', metric: 'temp', above: 95, clearBelow: 90, forSeconds: 300, severity: 'critical', requiredSkills: ['mechanical'], requiredParts: ['SEAL-7'] }]
    }
  })
  t.equal(model.status, 201)
  const device = await test.request('POST', '/api/devices', { token: admin, body: { assetCode: 'CP-0001', model: 'CP-90', customer: { name: 'Harbour Works' }, location: near(0, 0) } })
  t.equal(device.status, 201)
  const nobody = await addEngineer(test, supervisor, { name: 'Li Na', at: near(0.5, 0), skills: { electrical: 4 }, vanStock: { 'SEAL-7': 1 } })
  const far = await addEngineer(test, supervisor, { name: 'Zhou Min', at: near(25, 10), skills: { mechanical: 3 }, vanStock: { 'SEAL-7': 1 } })
  const right = await addEngineer(test, supervisor, { name: 'Wang Wei', at: near(2, 1), skills: { mechanical: 3 }, vanStock: { 'SEAL-7': 2 } })

  const client = await connectDevice(test.mqttUrl, { username: device.body.credentials.username, password: device.body.credentials.password })
  t.teardown(() => client.endAsync())
  // Ten minutes of an overheating pump, one reading a minute, sent as the machine measured them.
  for (let minute = 10; minute >= 0; minute--) {
    await client.publishAsync(`devices/${device.body.id}/telemetry`, JSON.stringify({ ts: clock.now() - minute * 60_000, values: { temp: 97 + (10 - minute) * 0.2, flow: 31 } }), { qos: 1 })
  }

  const alert = await eventually(async () => {
    const alerts = await test.request('GET', `/api/alerts?deviceId=${device.body.id}&status=open`, { token: supervisor })
    return alerts.body.alerts?.[0]
  }, 10_000, 'the alert')
  t.match(alert, { deviceId: device.body.id, kind: 'threshold', severity: 'critical', metric: 'temp' })

  const order = await eventually(async () => {
    const orders = await test.request('GET', '/api/work-orders?source=alert', { token: supervisor })
    return orders.body.workOrders?.find((o: { status: string }) => o.status === 'assigned')
  }, 10_000, 'the assigned work order')
  t.match(order, {
    source: 'alert', alertId: alert.id, deviceId: device.body.id, priority: 'critical', location: near(0, 0),
    requiredSkills: [{ skill: 'mechanical' }], requiredParts: ['SEAL-7'], engineerId: right.id, autoDispatch: true
  })
  t.not(order.engineerId, nobody.id, 'the nearest engineer lacks the skill')
  t.not(order.engineerId, far.id, 'a skilled engineer farther away is not chosen')
  const tracking = await test.request('GET', `/api/track/${order.trackingToken}`)
  t.match(tracking, { status: 200, body: { status: 'assigned', engineer: { firstName: 'Wang' } } })
})
