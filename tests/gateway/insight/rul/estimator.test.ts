import t from 'tap'
import { createRulEstimator, predictSeries, trainRulModel, type RulEstimate } from '../../../../gateway/insight/rul/index.js'
import { generateDegradationFleet } from './synthetic-fleet.js'

const fleet = generateDegradationFleet(16, 41)
const hourly = trainRulModel(fleet, { cap: 80, stepUnit: 'hours', seed: 9, trees: 60 })
const cyclic = trainRulModel(fleet, { cap: 80, stepUnit: 'cycles', seed: 9, trees: 60 })
const unit = generateDegradationFleet(1, 1234, 0.05)[0]!
const HOUR = 3_600_000
const START = Date.UTC(2026, 10, 1)
const readingOf = (row: number[]): Record<string, number> => Object.fromEntries(unit.sensors.map((name, i) => [name, row[i]!]))

t.test('online estimates equal the offline replay used in training and evaluation', async (t) => {
  const offline = predictSeries(cyclic, unit)
  const estimator = createRulEstimator(cyclic)
  t.equal(estimator.current(), null, 'no estimate before the first reading')
  unit.rows.forEach((row, r) => {
    const estimate = estimator.update(readingOf(row), START + r * 1000)
    if (estimate.rul.value !== offline.predicted[r] || estimate.rul.lower !== offline.lower[r] || estimate.rul.upper !== offline.upper[r]) t.fail(`step ${r} differs`)
  })
  const last = unit.rows.length - 1
  t.same(estimator.current(), {
    healthIndex: offline.predicted[last]! / 80,
    rul: { value: offline.predicted[last], unit: 'cycles', lower: offline.lower[last], upper: offline.upper[last] }
  })
  t.equal(estimator.updatedAt(), START + last * 1000)
})

t.test('hourly models average the readings of one clock hour into one step', async (t) => {
  const perHour = createRulEstimator(hourly)
  const perMinute = createRulEstimator(hourly)
  unit.rows.slice(0, 60).forEach((row, h) => {
    const hour = START + h * HOUR
    perHour.update(readingOf(row), hour + 30 * 60_000)
    // The same hourly means, reported as three readings (one metric arriving alone) within the hour.
    perMinute.add({ temp: row[0]! - 1, vibration: row[1]!, pressure: row[2]! }, hour + 5 * 60_000)
    perMinute.add({ temp: row[0]! + 1 }, hour + 20 * 60_000)
    t.equal(perMinute.add({ temp: row[0]!, vibration: row[1]!, pressure: row[2]!, current: row[3]! }, hour + 59 * 60_000), false, 'same hour: no step closed')
  })
  const a = perHour.current()!
  const b = perMinute.current()!
  t.equal(a.rul.unit, 'hours')
  t.ok(Math.abs(a.rul.value - b.rul.value) < 1e-9, `same estimate (${a.rul.value} vs ${b.rul.value})`)
  t.equal(perMinute.add({ temp: 70 }, START + 60 * HOUR), true, 'a reading in the next hour closes the step')
})

t.test('snapshot and restore: a restarted estimator continues exactly where it stopped', async (t) => {
  const uninterrupted = createRulEstimator(hourly)
  const before = createRulEstimator(hourly)
  const half = Math.floor(unit.rows.length / 2)
  unit.rows.forEach((row, r) => { uninterrupted.update(readingOf(row), START + r * HOUR) })
  unit.rows.slice(0, half).forEach((row, r) => { before.update(readingOf(row), START + r * HOUR) })
  // Saved as JSON (the state goes to the database), restored into a fresh estimator after a restart.
  const saved = JSON.parse(JSON.stringify(before.snapshot()))
  t.match(saved, { format: 'afterline.rul.state', version: 1, inputs: ['temp', 'vibration', 'pressure'], lastAt: START + (half - 1) * HOUR })
  const after = createRulEstimator(hourly)
  after.restore(saved)
  t.same(after.current(), before.current(), 'the estimate is the same right after restart')
  const outputs: RulEstimate[] = unit.rows.slice(half).map((row, i) => after.update(readingOf(row), START + (half + i) * HOUR))
  t.same(outputs.at(-1), uninterrupted.current(), 'and stays the same to the end')
  t.same(after.snapshot(), uninterrupted.snapshot())
})

t.test('restore refuses a state that is not this model\'s', async (t) => {
  const estimator = createRulEstimator(hourly)
  estimator.update(readingOf(unit.rows[0]!), START)
  const state = estimator.snapshot()
  t.throws(() => estimator.restore({ ...state, version: 2 as 1 }), { name: 'RangeError', message: /not an afterline\.rul\.state version 1/ })
  t.throws(() => estimator.restore({ ...state, inputs: ['temp'] }), { message: /state belongs to a model with inputs \["temp"\]/ })
  t.throws(() => estimator.restore({ ...state, window: { ...state.window, levels: [1] } }), { message: /state\.levels must have 6 values/ })
  t.throws(() => estimator.restore({ ...state, window: { ...state.window, ringCount: 99 } }), { message: /state\.ringCount must be an integer in 0\.\.19/ })
})

t.test('missing values: dropouts carry the last value, never crash', async (t) => {
  const full = createRulEstimator(cyclic)
  const patchy = createRulEstimator(cyclic)
  const rows = unit.rows.slice(0, 80).map((row) => row.map((value, i) => Number.isFinite(value) ? value : unit.rows[0]![i]!))
  rows.forEach((row, r) => {
    full.update(readingOf(row), r)
    const reading: Record<string, number | null | undefined> = readingOf(row)
    // Every third cycle temp is missing, null or NaN, and the repeated value stands in for it.
    if (r % 3 === 1) {
      reading.temp = [undefined, null, NaN][r % 9 === 1 ? 0 : r % 9 === 4 ? 1 : 2]
      rows[r]![0] = rows[r - 1]![0]!
    }
    patchy.update(reading, r)
  })
  const replay = createRulEstimator(cyclic)
  rows.forEach((row, r) => replay.update(readingOf(row), r))
  t.same(patchy.current(), replay.current(), 'a dropout is the same as repeating the last value')

  const silent = createRulEstimator(hourly)
  const estimate = silent.update({}, START)
  t.ok(Number.isFinite(estimate.rul.value) && estimate.healthIndex >= 0 && estimate.healthIndex <= 1, 'an empty first reading still gives an estimate')
  t.ok(Number.isFinite(silent.update({ temp: Infinity, vibration: 'x' as never, unknown: 5 }, START + HOUR).rul.value), 'junk values are dropouts')
  t.throws(() => silent.update({ temp: 70 }, NaN), { name: 'RangeError', message: /at must be a finite number of epoch milliseconds/ })
})

t.test('a wild glitch is clipped instead of poisoning the window', async (t) => {
  const estimator = createRulEstimator(cyclic)
  unit.rows.slice(0, 40).forEach((row, r) => estimator.update(readingOf(row), r))
  const glitch = estimator.update({ ...readingOf(unit.rows[40]!), temp: 1e12 }, 40)
  t.ok(glitch.rul.value >= 0 && glitch.rul.value <= 80 && glitch.healthIndex >= 0 && glitch.healthIndex <= 1, 'estimate stays inside [0, cap]')
})
