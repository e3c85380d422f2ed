import t from 'tap'
import { groundTruthOf, planFleet } from '../../../simulators/fleet/fleet-plan.js'
import type { DevicePlan, FleetPlan } from '../../../simulators/fleet/fleet-plan.js'
import { AC_200, GS_60, SIM_MODELS } from '../../../simulators/fleet/models/index.js'
import { createDeviceSimulator } from '../../../simulators/fleet/physics.js'
import type { SimEvent, SimReading } from '../../../simulators/fleet/physics.js'
import { runFleetInProcess } from '../../../simulators/fleet/run-in-process.js'
import { randomAlerts, scoreAlerts } from '../../../simulators/fleet/score-alerts.js'
import { createRandom } from '../../../simulators/fleet/random.js'

const START = Date.parse('2026-03-02T00:00:00Z')
const HOUR = 3_600_000
const DAY = 24 * HOUR

function collect (plan: FleetPlan, days = 2): { readings: Map<string, SimReading[]>, events: SimEvent[] } {
  const readings = new Map<string, SimReading[]>()
  const events: SimEvent[] = []
  runFleetInProcess({
    plan: { ...plan, end: plan.start + days * DAY }, models: SIM_MODELS, intervalSeconds: 120, setNow: () => {},
    targets: [{
      onReadings: (deviceId, list) => { const all = readings.get(deviceId) ?? []; all.push(...list); readings.set(deviceId, all) },
      onEvent: (_deviceId, event) => events.push(event)
    }]
  })
  return { readings, events }
}

t.test('the same seed gives the same fleet and the same readings; another seed does not', async (t) => {
  const a = planFleet({ devices: 6, days: 10, seed: 5, start: START, models: SIM_MODELS })
  const b = planFleet({ devices: 6, days: 10, seed: 5, start: START, models: SIM_MODELS })
  const c = planFleet({ devices: 6, days: 10, seed: 6, start: START, models: SIM_MODELS })
  t.same(a, b)
  t.not(JSON.stringify(a), JSON.stringify(c))
  const first = collect(a)
  t.same([...first.readings.entries()], [...collect(b).readings.entries()])
  t.same(a.devices.map((d) => d.model), ['AC-200', 'GS-60', 'AC-200', 'GS-60', 'AC-200', 'GS-60'])
})

t.test('the plan has failing and healthy devices, sudden faults, dropouts and gaps, all within the period', async (t) => {
  const plan = planFleet({ devices: 400, days: 30, seed: 9, start: START, models: SIM_MODELS })
  const failing = plan.devices.filter((d) => d.failure !== null)
  t.ok(failing.length > 70 && failing.length < 130, `about a quarter fail (${failing.length})`)
  for (const device of failing) {
    const failure = device.failure as NonNullable<DevicePlan['failure']>
    t.ok(failure.at >= START + 3 * DAY && failure.at <= plan.end, 'fails within the period, not before day 3')
    const degradation = (failure.at - failure.onsetAt) / DAY
    t.ok(degradation >= 6 && degradation <= 20, 'wears for 6 to 20 days')
    if (device.transients.some((e) => e.at >= failure.at)) t.fail('no sudden fault after the failure')
  }
  t.ok(plan.devices.every((d) => d.gaps.every((g) => g.until - g.at <= 40 * 60_000)), 'connectivity gaps shorter than the offline rule')
  t.ok(plan.devices.reduce((n, d) => n + d.transients.length, 0) > 400, 'sudden faults')
  t.ok(plan.devices.reduce((n, d) => n + d.dropouts.length, 0) > 2000, 'sensor dropouts')
  const truth = groundTruthOf(plan)
  t.equal(truth.failures.length, failing.length)
  t.match(truth.failures[0], { deviceId: String, assetCode: /^(AC-200|GS-60)-009-\d{5}$/, mode: String, failureAt: String })
})

t.test('physics: daily cycle, wear that grows towards the failure, the failure code, then silence', async (t) => {
  const plan = planFleet({ devices: 1, days: 12, seed: 3, start: START, models: [AC_200], failingShare: 1, minFailureDay: 11, degradationDays: [8, 8] })
  const device = { ...(plan.devices[0] as DevicePlan), transients: [], dropouts: [], gaps: [] }
  const failure = device.failure as NonNullable<DevicePlan['failure']>
  const bearing = { ...device, failure: { ...failure, mode: 'bearing_wear' } }
  const healthy = { ...device, failure: null }
  const mean = (sim: ReturnType<typeof createDeviceSimulator>, from: number, to: number, metric: string): number => {
    let sum = 0
    let n = 0
    for (let at = from; at < to; at += 120_000) {
      for (const message of sim.step(at).messages) for (const r of message) if (r.metric === metric) { sum += r.value; n++ }
    }
    return sum / n
  }
  const worn = createDeviceSimulator(AC_200, bearing)
  const fresh = createDeviceSimulator(AC_200, healthy)
  const day = (d: number): [number, number] => [START + d * DAY, START + (d + 1) * DAY]
  const wornEarly = mean(worn, ...day(1), 'vibration')
  const freshEarly = mean(fresh, ...day(1), 'vibration')
  t.ok(Math.abs(wornEarly - freshEarly) < 0.1, 'no visible wear a week before the failure')
  for (let d = 2; d < 10; d++) { mean(worn, ...day(d), 'vibration'); mean(fresh, ...day(d), 'vibration') }
  const wornLate = mean(worn, START + 10 * DAY, failure.at - HOUR, 'vibration')
  const freshLate = mean(fresh, START + 10 * DAY, failure.at - HOUR, 'vibration')
  t.ok(wornLate > freshLate + 2, `vibration of the worn bearing is up on the last day (${wornLate.toFixed(2)} vs ${freshLate.toFixed(2)})`)
  const after = worn.step(failure.at + 60_000)
  t.same(after.events.map((e) => [e.code, e.severity, e.ts]), [['F310', 'critical', failure.at]], 'the controller reports the breakdown')
  t.same(worn.step(failure.at + 180_000), { messages: [], events: [] }, 'then the machine is down')

  const ambient = createDeviceSimulator(GS_60, { ...healthy, model: 'GS-60' })
  const hourly: number[] = []
  for (let h = 0; h < 24; h++) hourly.push(mean(ambient, START + h * HOUR, START + (h + 1) * HOUR, 'ambient_temp'))
  t.ok(Math.max(...hourly) - Math.min(...hourly) > 4, 'ambient temperature follows the day')
})

t.test('scoring: the hit window, too early and too late, healthy devices, post-failure alerts, recall and lead', async (t) => {
  const failing = (id: string, at: number) => ({ deviceId: id, assetCode: id, model: 'AC-200', seed: 1, location: { lat: 0, lng: 0 }, profile: {} as DevicePlan['profile'], failure: { mode: 'x', onsetAt: START, at }, transients: [], dropouts: [], gaps: [] })
  const F = START + 20 * DAY
  const plan: FleetPlan = {
    seed: 1, start: START, end: START + 30 * DAY,
    devices: [failing('a', F), failing('b', F), { ...failing('h', F), failure: null }]
  }
  const score = scoreAlerts(plan, [
    { deviceId: 'a', raisedAt: F - 7 * DAY, kind: 'rul' }, // hit: exactly 7 days
    { deviceId: 'a', raisedAt: F - 2 * HOUR, kind: 'threshold' }, // hit: exactly 2 h
    { deviceId: 'a', raisedAt: F - 7 * DAY - 1, kind: 'rul' }, // too early
    { deviceId: 'b', raisedAt: F - 2 * HOUR + 1, kind: 'threshold' }, // too late
    { deviceId: 'b', raisedAt: F, kind: 'fault_code' }, // the breakdown itself
    { deviceId: 'h', raisedAt: F, kind: 'anomaly' } // healthy device
  ])
  t.same(score, {
    precision: 0.4, recall: 0.5, median_lead_hours: 168, false_alarms_per_device_day: 0.04286,
    alerts: 6, hits: 2, false_alarms: 3, post_failure: 1, failures: 2, caught: 1, device_days: 70,
    by_kind: {
      rul: { hits: 1, false_alarms: 1, post_failure: 0 },
      threshold: { hits: 1, false_alarms: 1, post_failure: 0 },
      fault_code: { hits: 0, false_alarms: 0, post_failure: 1 },
      anomaly: { hits: 0, false_alarms: 1, post_failure: 0 }
    }
  })
  const random = randomAlerts(plan, 1000, createRandom(1))
  t.equal(random.length, 1000)
  t.ok(random.every((alert) => alert.raisedAt >= START && alert.raisedAt < (alert.deviceId === 'h' ? plan.end : F)), 'random alerts fall within each device\'s observed life')
})
