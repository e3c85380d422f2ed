import t from 'tap'
import { planFleet } from '../../../simulators/fleet/fleet-plan.js'
import type { DevicePlan } from '../../../simulators/fleet/fleet-plan.js'
import { SIM_MODELS } from '../../../simulators/fleet/models/index.js'
import { createPlatformClient } from '../../../simulators/fleet/platform-client.js'
import { runFleetOverMqtt } from '../../../simulators/fleet/run-over-mqtt.js'
import { ADMIN_PASSWORD, startTestPlatform } from '../../helpers/platform.js'

const DAY = 86_400_000

t.test('the fleet simulator drives a running platform over MQTT: models and devices through the API, readings and fault codes through the broker', async (t) => {
  const test = await startTestPlatform('embedded', { env: { SPOOL_FSYNC: 'false' } })
  t.teardown(() => test.close())
  const intervalMs = 120_000
  const end = Math.floor(Date.now() / intervalMs) * intervalMs
  const plan = planFleet({ devices: 4, days: 3, seed: 11, start: end - 3 * DAY, models: SIM_MODELS, failingShare: 0 })
  // Device 0 (a compressor) wears out its motor bearing and breaks down half a day before the end.
  const failing = plan.devices[0] as DevicePlan
  plan.devices[0] = { ...failing, failure: { mode: 'bearing_wear', onsetAt: end - 6 * DAY, at: end - DAY / 2 } }

  const client = createPlatformClient(test.httpUrl)
  await client.login('admin', ADMIN_PASSWORD)
  for (const spec of SIM_MODELS) await client.putModel(spec, true)
  const devices = []
  for (const device of plan.devices) devices.push(await client.register(device))
  const again = await client.register(plan.devices[1] as DevicePlan)
  t.equal(again.deviceId, devices[1]?.deviceId, 'a device registered before is found by asset code and gets new credentials')
  devices[1] = again

  const run = await runFleetOverMqtt({ plan, models: SIM_MODELS, devices, url: test.mqttUrl, intervalSeconds: 120, speed: Number.POSITIVE_INFINITY, stepsPerMessage: 30 })
  t.ok(run.published >= 3 * 72 + 60, `an hour of readings per message from every device while it runs (${run.published} messages)`)
  await test.platform.gateway.ingest.drained()
  await test.platform.bus.idle()
  await test.platform.gateway.insight.flush()

  const token = await test.tokenFor('supervisor')
  const brokenId = devices[0]?.deviceId as string
  const telemetry = await test.request('GET', `/api/devices/${brokenId}/telemetry?metric=vibration&from=${new Date(end - 3 * DAY).toISOString()}&to=${new Date(end).toISOString()}&bucket=1h&agg=avg`, { token })
  const hourly = telemetry.body.points as Array<{ value: number }>
  t.ok(hourly.length >= 60 && hourly.length <= 61, `stored until the breakdown (${hourly.length} hours)`)
  t.ok((hourly.at(-1)?.value as number) > (hourly[0]?.value as number) + 1, 'vibration climbed as the bearing wore')

  const alerts = await test.request('GET', `/api/alerts?deviceId=${brokenId}&limit=100`, { token })
  const kinds = alerts.body.alerts.map((alert: { kind: string, evidence: { code?: string } }) => alert.kind === 'fault_code' ? `fault_code:${alert.evidence.code as string}` : alert.kind)
  t.ok(kinds.includes('fault_code:F310'), `the breakdown is reported (${kinds.join(', ')})`)
  t.ok(kinds.includes('rul'), 'and it was predicted')
  const rulAlert = alerts.body.alerts.find((alert: { kind: string }) => alert.kind === 'rul')
  t.ok(Date.parse(rulAlert.raisedAt) < end - DAY / 2 - 2 * 3_600_000, 'more than 2 hours before it')
  for (const device of devices.slice(1)) {
    const health = await test.request('GET', `/api/devices/${device.deviceId}/health`, { token })
    t.ok(health.body.healthIndex > 0.8, `healthy ${device.plan.model} looks healthy (${JSON.stringify(health.body.rul)})`)
  }
})
