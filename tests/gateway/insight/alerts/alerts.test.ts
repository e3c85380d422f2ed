import t from 'tap'
import type { AlertRaisedEvent } from '../../../../gateway/insight/events.js'
import { forEachDriver } from '../../../helpers/database.js'
import { startTestPlatform } from '../../../helpers/platform.js'
import { publish, PUMP, setUpPump } from '../pump-fixture.js'

const T0 = Date.parse('2026-05-04T08:00:00Z')
const MINUTE = 60_000

forEachDriver(t, 'alerts: raised by rules and fault codes, deduplicated, acknowledged and cleared, with events', async (t, driver) => {
  const clock = { now: T0 }
  const test = await startTestPlatform(driver, { now: () => clock.now })
  t.teardown(() => test.close())
  const deviceId = await setUpPump(test)
  const supervisor = await test.tokenFor('supervisor')
  const agent = await test.tokenFor('agent')
  const events: Array<{ name: string, payload: unknown }> = []
  test.platform.bus.subscribeAll((envelope) => { if (envelope.name.startsWith('alert.')) events.push({ name: envelope.name, payload: envelope.payload }) })

  const at = (minutes: number): number => { clock.now = T0 + minutes * MINUTE; return clock.now }
  for (const minute of [0, 2, 4, 6, 8]) await publish(test, deviceId, at(minute), { temp: 96 + minute / 10, flow: 30 })
  await test.platform.bus.idle()

  const open = await test.request('GET', `/api/alerts?status=open&deviceId=${deviceId}`, { token: supervisor })
  t.equal(open.status, 200)
  t.equal(open.body.total, 1, 'one alert, although the condition held on every reading after minute 5')
  const alert = open.body.alerts[0]
  t.same(alert, {
    id: alert.id,
    deviceId,
    kind: 'threshold',
    severity: 'critical',
    metric: 'temp',
    status: 'raised',
    cause: 'rule:hot',
    raisedAt: new Date(T0 + 6 * MINUTE).toISOString(),
    acknowledgedAt: null,
    acknowledgedBy: null,
    clearedAt: null,
    clearedBy: null,
    clearReason: null,
    evidence: { rule: 'hot', condition: 'temp > 95 for 300 s', value: 96.6, extreme: 96.6, level: 95, clearLevel: 90, unit: '°C', since: new Date(T0).toISOString() },
    rul: null,
    location: { lat: 52.52, lng: 13.4 },
    requiredSkills: ['mechanical'],
    requiredParts: ['SEAL-7']
  })
  const raised = events.find((event) => event.name === 'alert.raised')?.payload as AlertRaisedEvent
  t.same(raised, {
    alertId: alert.id, deviceId, kind: 'threshold', severity: 'critical', metric: 'temp', raisedAt: new Date(T0 + 6 * MINUTE),
    evidence: alert.evidence, rul: null, location: { lat: 52.52, lng: 13.4 }, requiredSkills: ['mechanical'], requiredParts: ['SEAL-7']
  }, 'alert.raised carries what dispatch needs')

  const acknowledged = await test.request('POST', `/api/alerts/${alert.id as string}/acknowledge`, { token: agent })
  t.equal(acknowledged.status, 200)
  t.match(acknowledged.body, { status: 'acknowledged', acknowledgedBy: 'test-agent', acknowledgedAt: new Date(T0 + 8 * MINUTE).toISOString() })
  const again = await test.request('POST', `/api/alerts/${alert.id as string}/acknowledge`, { token: agent })
  t.equal(again.status, 409)
  t.equal(again.body.code, 'GW_ALERT_NOT_OPEN')

  await publish(test, deviceId, at(10), { temp: 92 })
  t.equal(test.platform.gateway.insight.alerts.book.size, 1, 'inside the hysteresis band: still open')
  await publish(test, deviceId, at(11), { temp: 88 })
  await test.platform.bus.idle()
  const cleared = await test.request('GET', `/api/alerts/${alert.id as string}`, { token: supervisor })
  t.match(cleared.body, { status: 'cleared', clearedBy: 'system', clearedAt: new Date(T0 + 11 * MINUTE).toISOString(), clearReason: 'temp back below 90 (88)' })

  // A device fault code: catalogue severity and parts; cleared by hand.
  await test.platform.gateway.ingest.accept(deviceId, `devices/${deviceId}/events`, 'events', Buffer.from(JSON.stringify({ ts: at(12), code: 'E21', severity: 'info', message: 'seal pressure low' })))
  await test.platform.bus.idle()
  const faults = await test.request('GET', `/api/alerts?kind=fault_code&deviceId=${deviceId}`, { token: supervisor })
  t.equal(faults.body.total, 1)
  t.match(faults.body.alerts[0], { kind: 'fault_code', severity: 'warning', status: 'raised', requiredParts: ['SEAL-7'], evidence: { code: 'E21', title: 'Seal leak', remedy: 'Replace the seal kit', message: 'seal pressure low' } })
  const clear = await test.request('POST', `/api/alerts/${faults.body.alerts[0].id as string}/clear`, { token: supervisor, body: { reason: 'seal replaced' } })
  t.match(clear.body, { status: 'cleared', clearedBy: 'test-supervisor', clearReason: 'seal replaced' })
  const clearAgain = await test.request('POST', `/api/alerts/${faults.body.alerts[0].id as string}/clear`, { token: supervisor })
  t.equal(clearAgain.body.code, 'GW_ALERT_NOT_OPEN')

  // Silence: the missing-data timer (driven with the test clock) raises an offline alert; data clears it.
  test.platform.gateway.insight.pipeline.tick(at(45))
  await test.platform.bus.idle()
  const offline = await test.request('GET', '/api/alerts?kind=offline&status=raised', { token: supervisor })
  t.match(offline.body, { total: 1, alerts: [{ kind: 'offline', metric: null, severity: 'warning', evidence: { condition: 'no data for 30 min', lastSeenAt: new Date(T0 + 12 * MINUTE).toISOString(), silentMinutes: 33 } }] }, 'the fault code at minute 12 counted as a sign of life')
  await publish(test, deviceId, at(46), { temp: 70, flow: 30 })
  await test.platform.bus.idle()
  t.equal((await test.request('GET', '/api/alerts?status=open', { token: supervisor })).body.total, 0)

  const all = await test.request('GET', `/api/alerts?deviceId=${deviceId}&limit=10`, { token: supervisor })
  t.same(all.body.alerts.map((a: { kind: string, status: string }) => [a.kind, a.status]), [['offline', 'cleared'], ['fault_code', 'cleared'], ['threshold', 'cleared']], 'newest first')
  t.same(events.map((event) => event.name), ['alert.raised', 'alert.acknowledged', 'alert.cleared', 'alert.raised', 'alert.cleared', 'alert.raised', 'alert.cleared'])
  t.equal((await test.request('GET', '/api/alerts/00000000-0000-4000-8000-000000000000', { token: supervisor })).body.code, 'GW_ALERT_NOT_FOUND')
})

t.test('device models: created, versioned, listed; invalid rules and fault codes are refused naming the field', async (t) => {
  const test = await startTestPlatform('embedded')
  t.teardown(() => test.close())
  const admin = await test.tokenFor('admin')
  const engineer = await test.tokenFor('engineer')
  t.equal((await test.request('PUT', '/api/device-models/P-1', { token: admin, body: PUMP })).status, 201)
  const second = await test.request('PUT', '/api/device-models/P-1', { token: admin, body: { ...PUMP, name: 'Pump P-1 rev B' } })
  t.match(second, { status: 200, body: { id: 'P-1', name: 'Pump P-1 rev B', version: 2, updatedBy: 'admin' } })

  const badRules = await test.request('PUT', '/api/device-models/P-1/rules', {
    token: admin,
    body: { rules: [PUMP.rules[0], PUMP.rules[1], { kind: 'threshold', id: 'warm', metric: 'temp', above: 80, clearBelow: 85 }] }
  })
  t.same(badRules.body, {
    statusCode: 400, code: 'GW_MODEL_INVALID', error: 'Bad Request',
    message: 'body.rules[2].clearBelow must be at most above (80): the rule clears below the level that raised it', field: 'body.rules[2].clearBelow'
  })
  const badMetric = await test.request('PUT', '/api/device-models/P-1/rules', { token: admin, body: { rules: [{ kind: 'anomaly', id: 'a', metric: 'rpm' }] } })
  t.match(badMetric.body, { statusCode: 400, field: 'body.rules[0].metric' })
  const badCodes = await test.request('PUT', '/api/device-models/P-1/fault-codes', { token: admin, body: { faultCodes: [{ code: 'E1', title: 'x', cause: 'y', remedy: 'z', severity: 'fatal' }] } })
  t.match(badCodes.body, { statusCode: 400, code: 'GW_MODEL_INVALID', field: 'body.faultCodes[0].severity' })
  const badModel = await test.request('PUT', '/api/device-models/P-2', { token: admin, body: { name: 'x', metrics: [], rules: [] } })
  t.match(badModel.body, { statusCode: 400, field: 'body.metrics' })

  const rules = await test.request('PUT', '/api/device-models/P-1/rules', { token: admin, body: { rules: [PUMP.rules[0]] } })
  t.match(rules.body, { version: 3, rules: [{ id: 'hot', kind: 'threshold' }] })
  t.equal(rules.body.rules.length, 1)
  const listed = await test.request('GET', '/api/device-models', { token: engineer })
  t.same(listed.body.models.map((m: { id: string, version: number }) => [m.id, m.version]), [['P-1', 3]])
  t.equal((await test.request('GET', '/api/device-models/NOPE', { token: engineer })).body.code, 'GW_MODEL_NOT_FOUND')

  await test.request('POST', '/api/devices', { token: admin, body: { assetCode: 'PUMP-9', model: 'P-1' } })
  t.match((await test.request('DELETE', '/api/device-models/P-1', { token: admin })).body, { code: 'GW_MODEL_IN_USE', statusCode: 409 })
  t.equal((await test.request('PUT', '/api/device-models/P-3', { token: admin, body: PUMP })).status, 201)
  t.equal((await test.request('DELETE', '/api/device-models/P-3', { token: admin })).status, 204)
})

t.test('DETECTION_ENABLED=false: readings are stored but not watched; the insight API still answers', async (t) => {
  const clock = { now: T0 }
  const test = await startTestPlatform('embedded', { now: () => clock.now, env: { DETECTION_ENABLED: 'false' } })
  t.teardown(() => test.close())
  const deviceId = await setUpPump(test)
  for (const minute of [0, 6, 12]) {
    clock.now = T0 + minute * MINUTE
    await publish(test, deviceId, clock.now, { temp: 99, flow: 30 })
  }
  await test.platform.gateway.ingest.drained()
  await test.platform.bus.idle()
  const supervisor = await test.tokenFor('supervisor')
  t.same((await test.request('GET', '/api/alerts', { token: supervisor })).body, { alerts: [], total: 0 })
  t.same((await test.request('GET', `/api/devices/${deviceId}/health`, { token: supervisor })).body, { healthIndex: null, rul: null, updatedAt: null })
  t.equal(test.platform.gateway.insight.pipeline.counters.readings, 0)
  const stored = await test.request('GET', `/api/devices/${deviceId}/telemetry?metric=temp&from=${new Date(T0 - MINUTE).toISOString()}&to=${new Date(T0 + 13 * MINUTE).toISOString()}`, { token: supervisor })
  t.equal(stored.body.points.length, 3)
})
