import t from 'tap'
import { createTestPipeline, DEVICE, iso, MINUTE, T0 } from '../helpers.js'

const temp = { name: 'temp', unit: '°C', normal: { min: 20, max: 90 } }

t.test('threshold: raises after the value stays above for the duration, clears only below the clear level', async (t) => {
  const { send, sink } = createTestPipeline({
    name: 'T', metrics: [temp],
    rules: [{ kind: 'threshold', id: 'hot', metric: 'temp', above: 95, clearBelow: 90, forSeconds: 300 }]
  })
  send(0, { temp: 96 }) // pending from minute 0
  send(2, { temp: 94 }) // back under 95: the duration restarts
  send(3, { temp: 97 })
  send(6, { temp: 98 })
  send(8, { temp: 99 }) // 5 min above since minute 3: raised
  send(9, { temp: 92 }) // inside the hysteresis band: stays raised
  send(10, { temp: 97 })
  send(11, { temp: 89.5 }) // below 90: cleared
  send(12, { temp: 96 })
  t.same(sink.transitions, [
    {
      type: 'raise', cause: 'rule:hot', kind: 'threshold', at: iso(8),
      evidence: { rule: 'hot', condition: 'temp > 95 for 300 s', value: 99, extreme: 99, level: 95, clearLevel: 90, unit: '°C', since: iso(3) }
    },
    { type: 'clear', cause: 'rule:hot', at: iso(11), reason: 'temp back below 90 (89.5)' }
  ])
})

t.test('threshold below a level, with no duration, raises at once and clears above clearAbove', async (t) => {
  const { send, sink } = createTestPipeline({
    name: 'T', metrics: [{ name: 'pressure', unit: 'bar', normal: { min: 2, max: 4 } }],
    rules: [{ kind: 'threshold', id: 'low', metric: 'pressure', below: 2.5, clearAbove: 2.7, severity: 'critical' }]
  })
  send(0, { pressure: 2.6 })
  send(1, { pressure: 2.4 })
  send(2, { pressure: 2.65 })
  send(3, { pressure: 2.75 })
  t.same(sink.transitions.map((x) => [x.type, x.at]), [['raise', iso(1)], ['clear', iso(3)]])
  t.equal(sink.requests[0]?.severity, 'critical')
})

t.test('rate of change: a window that rises faster than the limit raises; a calm window clears', async (t) => {
  const { send, sink } = createTestPipeline({
    name: 'T', metrics: [temp],
    rules: [{ kind: 'rate_of_change', id: 'surge', metric: 'temp', risePerMinute: 1, windowSeconds: 600 }]
  })
  send(0, { temp: 60 })
  send(5, { temp: 62 })
  send(10, { temp: 65 }) // +5 in 10 min = 0.5/min
  send(20, { temp: 80 }) // +15 in 10 min = 1.5/min: raised
  send(30, { temp: 82 }) // +2 in 10 min: cleared
  t.same(sink.transitions.map((x) => [x.type, x.at]), [['raise', iso(20)], ['clear', iso(30)]])
  t.same(sink.transitions[0]?.type === 'raise' ? sink.transitions[0].evidence.ratePerMinute : null, 1.5)
})

t.test('anomaly: the EWMA baseline learns, a sustained deviation raises, and the baseline is frozen while raised', async (t) => {
  const { send, sink, pipeline } = createTestPipeline({
    name: 'T', metrics: [temp],
    rules: [{ kind: 'anomaly', id: 'odd', metric: 'temp', halfLifeHours: 24, zRaise: 4, zClear: 2, forSeconds: 600, warmupReadings: 50 }]
  })
  for (let i = 0; i < 200; i++) send(i, { temp: 70 + (i % 2 === 0 ? 1 : -1) }) // mean 70, std 1
  const state = pipeline.stateOf(DEVICE)
  const offset = state?.model.rules[0]?.offset as number
  t.ok(Math.abs((state?.slots[offset + 1] as number) - 70) < 0.05, 'mean learnt')
  t.ok(Math.abs(Math.sqrt(state?.slots[offset + 2] as number) - 1) < 0.05, 'std learnt')
  const frozen = Array.from(state?.slots.subarray(offset, offset + 3) ?? [])
  send(200, { temp: 75 }) // z = 5: pending
  send(205, { temp: 76 })
  t.same(sink.transitions, [], 'not before the duration')
  send(210, { temp: 75.5 })
  t.equal(sink.transitions.length, 1)
  t.match(sink.transitions[0], { type: 'raise', cause: 'rule:odd', kind: 'anomaly', at: iso(210) })
  for (let i = 211; i < 300; i++) send(i, { temp: 75 })
  t.same(Array.from(state?.slots.subarray(offset, offset + 3) ?? []), frozen, 'baseline frozen while raised')
  send(300, { temp: 71.5 }) // z = 1.5 ≤ 2: cleared
  t.same(sink.transitions.map((x) => [x.type, x.at]), [['raise', iso(210)], ['clear', iso(300)]])
})

t.test('anomaly: a short burst shorter than forSeconds raises nothing and barely moves the baseline', async (t) => {
  const { send, sink, pipeline } = createTestPipeline({
    name: 'T', metrics: [temp],
    rules: [{ kind: 'anomaly', id: 'odd', metric: 'temp', halfLifeHours: 1, zRaise: 4, zClear: 2, forSeconds: 600, warmupReadings: 50 }]
  })
  for (let i = 0; i < 100; i++) send(i, { temp: 70 + (i % 2 === 0 ? 1 : -1) })
  for (let i = 100; i < 105; i++) send(i, { temp: 90 })
  send(105, { temp: 70 })
  const state = pipeline.stateOf(DEVICE)
  const offset = state?.model.rules[0]?.offset as number
  t.same(sink.transitions, [])
  t.ok(Math.abs((state?.slots[offset + 1] as number) - 70) < 0.1, 'the burst was not learnt')
})

t.test('missing data: the timer raises an offline alert after the silence, the next reading clears it', async (t) => {
  const { send, sink, pipeline } = createTestPipeline({
    name: 'T', metrics: [temp, { name: 'door', unit: '', normal: { min: 0, max: 1 } }],
    rules: [
      { kind: 'missing_data', id: 'silent', afterMinutes: 30 },
      { kind: 'missing_data', id: 'no-door', metric: 'door', afterMinutes: 60 }
    ]
  })
  send(0, { temp: 70, door: 0 })
  pipeline.tick(T0 + 29 * MINUTE)
  t.same(sink.transitions, [])
  send(29, { temp: 70 })
  pipeline.tick(T0 + 58 * MINUTE)
  t.same(sink.transitions, [], 'the device spoke at minute 29')
  pipeline.tick(T0 + 60 * MINUTE)
  t.same(sink.transitions.map((x) => [x.type, x.cause, x.at]), [['raise', 'rule:silent', iso(60)], ['raise', 'rule:no-door', iso(60)]])
  t.same(sink.transitions[0], {
    type: 'raise', cause: 'rule:silent', kind: 'offline', at: iso(60),
    evidence: { rule: 'silent', condition: 'no data for 30 min', lastSeenAt: iso(29), silentMinutes: 31 }
  })
  pipeline.tick(T0 + 90 * MINUTE)
  t.equal(sink.transitions.length, 2, 'raised once')
  send(91, { temp: 70 })
  t.same(sink.transitions.slice(2).map((x) => [x.type, x.cause]), [['clear', 'rule:silent']], 'door still missing')
  send(92, { door: 1 })
  t.same(sink.transitions.slice(3).map((x) => [x.type, x.cause]), [['clear', 'rule:no-door']])
})

t.test('fault codes: severity from the catalogue, info codes raise nothing, data.cleared clears', async (t) => {
  const { pipeline, sink } = createTestPipeline({
    name: 'T', metrics: [temp],
    faultCodes: [
      { code: 'E21', title: 'Bearing temperature high', cause: 'c', remedy: 'r', severity: 'critical', parts: [{ partNumber: 'BRG-1', name: 'Bearing' }], skills: ['mechanical'] },
      { code: 'I01', title: 'Door opened', cause: 'c', remedy: 'r', severity: 'info' }
    ]
  })
  const event = (code: string, minutes: number, data: Record<string, unknown> | null = null) =>
    pipeline.onDeviceEvent({ deviceId: DEVICE, ts: (T0 + minutes * MINUTE) * 1000, code, severity: 'warning', message: 'from device', data })
  event('i01', 0)
  event('e21', 1)
  event('X99', 2)
  event('E21', 3, { cleared: true })
  t.same(sink.transitions.map((x) => [x.type, x.cause]), [['raise', 'fault_code:E21'], ['raise', 'fault_code:X99'], ['clear', 'fault_code:E21']])
  t.same(sink.requests[0], {
    deviceId: DEVICE, cause: 'fault_code:E21', kind: 'fault_code', severity: 'critical', metric: null, at: T0 + MINUTE,
    evidence: { code: 'e21', title: 'Bearing temperature high', cause: 'c', remedy: 'r', message: 'from device', data: null, inCatalogue: true, reportedAt: iso(1) },
    rul: null, location: { lat: 48.1, lng: 11.6 }, requiredSkills: ['mechanical'], requiredParts: ['BRG-1']
  })
  t.equal(sink.requests[1]?.severity, 'warning', 'unknown code: the device\'s severity')
})

t.test('readings of undeclared metrics and out-of-order readings are counted and skipped', async (t) => {
  const { send, pipeline, sink } = createTestPipeline({
    name: 'T', metrics: [temp], rules: [{ kind: 'threshold', id: 'hot', metric: 'temp', above: 95 }]
  })
  send(10, { temp: 70, humidity: 40 })
  send(5, { temp: 99 })
  t.same(sink.transitions, [])
  t.same(pipeline.counters, { readings: 3, unknownMetric: 1, outOfOrder: 1, unmodelled: 0 })
})

t.test('RUL feed: hourly means of the model\'s inputs (a missing metric carries its last mean), rule with forUpdates and hysteresis', async (t) => {
  const rows: Array<{ values: Record<string, number>, at: string }> = []
  const rul = {
    name: 'fake', sensors: ['wear', 'load'], stepSeconds: 3600,
    createUnit: () => ({
      update (values: Record<string, number>, at: number) {
        rows.push({ values, at: new Date(at).toISOString() })
        const hours = 200 - (values.wear as number)
        return { healthIndex: hours / 200, rul: { value: hours, unit: 'hours', lower: hours - 10, upper: hours + 10 } }
      },
      snapshot: () => null,
      restore: () => {}
    })
  }
  const { send, sink, pipeline } = createTestPipeline({
    name: 'T', metrics: [{ name: 'wear', unit: '', normal: { min: 0, max: 50 } }, { name: 'load', unit: '%', normal: { min: 0, max: 100 } }],
    rul: { artifact: 'fake' },
    rules: [{ kind: 'rul', id: 'soon', belowHours: 100, clearAboveHours: 150, forUpdates: 2, severity: 'critical', requiredSkills: ['mechanical'] }]
  }, rul)
  const wearByHour = [10, 110, 120, 130, 60, 40]
  for (let hour = 0; hour < wearByHour.length; hour++) {
    const wear = wearByHour[hour] as number
    // In hour 2 the load sensor drops out: its last hourly mean is carried.
    send(hour * 60 + 10, hour === 2 ? { wear: wear - 1 } : { wear: wear - 1, load: 50 })
    send(hour * 60 + 40, hour === 2 ? { wear: wear + 1 } : { wear: wear + 1, load: 70 })
  }
  send(wearByHour.length * 60, { wear: 0, load: 0 }) // opens the next hour, closing the last one
  t.same(rows, [
    { values: { wear: 10, load: 60 }, at: iso(60) },
    { values: { wear: 110, load: 60 }, at: iso(120) },
    { values: { wear: 120, load: 60 }, at: iso(180) },
    { values: { wear: 130, load: 60 }, at: iso(240) },
    { values: { wear: 60, load: 60 }, at: iso(300) },
    { values: { wear: 40, load: 60 }, at: iso(360) }
  ].map((row) => ({ ...row, at: new Date(Date.parse(row.at) - 1).toISOString() })), 'one row per hour, `at` = its last millisecond')
  t.same(sink.transitions.map((x) => [x.type, x.at]), [['raise', iso(180)], ['clear', iso(360)]], 'two estimates below 100 h raise; above 150 h clears (not at 140 h)')
  t.same(sink.requests[0]?.rul, { value: 80, unit: 'hours', lower: 70, upper: 90 })
  t.same(sink.requests[0]?.evidence, { rule: 'soon', condition: 'remaining useful life below 100 h for 2 estimate(s)', healthIndex: 0.4, rul: { value: 80, unit: 'hours', lower: 70, upper: 90 }, inputs: { wear: 120, load: 60 } })
  t.same(pipeline.health(DEVICE), { healthIndex: 0.8, rul: { value: 160, unit: 'hours', lower: 150, upper: 170 }, updatedAt: T0 + 360 * MINUTE })
})

t.test('anomaly: a metric flat through warm-up still learns its spread afterwards and then detects a deviation', async (t) => {
  const { send, sink, pipeline } = createTestPipeline({
    name: 'T', metrics: [temp],
    rules: [{ kind: 'anomaly', id: 'odd', metric: 'temp', halfLifeHours: 1, zRaise: 4, zClear: 2, forSeconds: 0, warmupReadings: 20 }]
  })
  for (let i = 0; i < 40; i++) send(i, { temp: 70 }) // flat: variance 0
  for (let i = 40; i < 400; i++) send(i, { temp: 70 + (i % 2 === 0 ? 1 : -1) }) // then it moves by ±1
  const state = pipeline.stateOf(DEVICE)
  const offset = state?.model.rules[0]?.offset as number
  const std = Math.sqrt(state?.slots[offset + 2] as number)
  t.ok(std > 0.5 && std < 1.5, `the spread was learnt after a flat start (std ${std.toFixed(3)})`)
  t.same(sink.transitions, [], 'normal movement raises nothing')
  send(400, { temp: 80 })
  t.match(sink.transitions, [{ type: 'raise', cause: 'rule:odd', kind: 'anomaly' }], 'a 10-unit jump is an anomaly')
})
