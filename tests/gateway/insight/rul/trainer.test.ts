import t from 'tap'
import { predictSeries, trainRulModel, type RulArtifact } from '../../../../gateway/insight/rul/index.js'
import { generateDegradationFleet } from './synthetic-fleet.js'

const OPTIONS = { cap: 80, stepUnit: 'hours' as const, seed: 7, trees: 120 }
const fleet = generateDegradationFleet(30, 21)
const unseen = generateDegradationFleet(10, 4242)
const artifact: RulArtifact = trainRulModel(fleet, OPTIONS)

t.test('the artefact describes itself: format, version, sensors chosen, features, provenance', async (t) => {
  t.match(artifact, {
    format: 'afterline.rul',
    version: 1,
    family: 'gbdt',
    cap: 80,
    stepUnit: 'hours',
    features: { windows: [5, 20], useAge: true },
    trainedOn: { units: 30, rows: fleet.reduce((n, unit) => n + unit.rows.length, 0) }
  })
  t.same(artifact.sensors, ['temp', 'vibration', 'pressure'], 'noise-only and constant sensors are left out')
  t.equal(artifact.features.names.length, 1 + 3 * 5 + 1)
  t.same(artifact.features.names.slice(0, 6), ['age', 'temp.level5', 'temp.level20', 'temp.slope20', 'temp.spread20', 'temp.drift'])
  t.equal(artifact.features.names.at(-1), 'fused')
  t.equal(artifact.params.ensemble.trees.length, 120)
  t.same(artifact.trainedOn.unitIds, fleet.map((unit) => unit.unitId))
})

t.test('on units it never saw, remaining life falls as degradation advances and the band holds the truth', async (t) => {
  let inside = 0
  let scored = 0
  for (const unit of unseen) {
    const prediction = predictSeries(artifact, unit)
    const n = unit.rows.length
    const at = (remaining: number): number => prediction.predicted[n - 1 - remaining]!
    // Average over a few steps: single estimates are noisy, the trend must not be.
    const mean = (remaining: number): number => [0, 1, 2, 3, 4].reduce((sum, k) => sum + at(remaining + k), 0) / 5
    t.ok(mean(60) > mean(30) && mean(30) > mean(5), `${unit.unitId}: ${mean(60).toFixed(1)} > ${mean(30).toFixed(1)} > ${mean(5).toFixed(1)}`)
    t.ok(mean(5) < 20, `${unit.unitId}: near failure the estimate is low (${mean(5).toFixed(1)})`)
    t.ok(mean(n - 10) > 60, `${unit.unitId}: a new unit looks healthy (${mean(n - 10).toFixed(1)})`)
    let outside = 0
    for (let r = 0; r < n; r++) {
      const truth = Math.min(80, n - 1 - r)
      if (truth >= prediction.lower[r]! && truth <= prediction.upper[r]!) inside++
      scored++
      if (!(prediction.lower[r]! <= prediction.predicted[r]! && prediction.predicted[r]! <= prediction.upper[r]!)) outside++
    }
    t.equal(outside, 0, `${unit.unitId}: the band surrounds every estimate`)
  }
  const coverage = inside / scored
  t.ok(coverage > 0.7 && coverage < 0.95, `the 10–90 % band holds the truth most of the time (${coverage.toFixed(3)})`)
  t.ok(artifact.metrics.calibration_band_coverage! > 0.75, 'calibration reports its own coverage')
})

t.test('training is reproducible: same histories and seed, same model', async (t) => {
  const again = trainRulModel(fleet, OPTIONS)
  t.same(again.params, artifact.params)
})

t.test('dropouts in training histories are carried over, not fatal', async (t) => {
  const patchy = trainRulModel(generateDegradationFleet(20, 5, 0.2), { ...OPTIONS, trees: 30, calibrationFolds: 0 })
  t.same(patchy.sensors, ['temp', 'vibration', 'pressure'])
  const prediction = predictSeries(patchy, generateDegradationFleet(1, 77, 0.2)[0]!)
  t.ok(prediction.predicted.every(Number.isFinite), 'every estimate is a number')
  t.same(patchy.params.band, { quantiles: [0.1, 0.9], edges: [], lower: [0], upper: [0] }, 'no calibration asked, empty band')
})

t.test('explicit sensors and operating regimes', async (t) => {
  // Two operating regimes shift temp by 20 degrees; the regime sensor must normalise it away.
  const regimeFleet = generateDegradationFleet(16, 8).map((unit, u) => ({
    unitId: unit.unitId,
    sensors: [...unit.sensors, 'load'],
    rows: unit.rows.map((row, r) => {
      const high = (r + u) % 3 === 0
      return [row[0]! + (high ? 20 : 0), row[1]!, row[2]!, row[3]!, row[4]!, high ? 1 : 0]
    })
  }))
  const model = trainRulModel(regimeFleet, { ...OPTIONS, trees: 30, calibrationFolds: 0, conditionSensors: ['load'], regimes: 2, sensors: ['temp', 'vibration'] })
  t.same(model.sensors, ['temp', 'vibration'])
  t.same(model.params.normaliser.conditionSensors, ['load'])
  t.equal(model.params.normaliser.centroids.length, 2)
  const temps = model.params.normaliser.mean.map((regime) => regime[0]!).sort((a, b) => a - b)
  t.ok(temps[1]! - temps[0]! > 18 && temps[1]! - temps[0]! < 22, `per-regime temp means differ by the offset (${temps.map((v) => v.toFixed(1)).join(', ')})`)
})

t.test('bad input is rejected, naming the option', async (t) => {
  t.throws(() => trainRulModel([], OPTIONS), { name: 'RangeError', message: /histories must hold at least one/ })
  t.throws(() => trainRulModel(fleet, { ...OPTIONS, cap: 0 }), { message: /options\.cap must be a positive/ })
  t.throws(() => trainRulModel(fleet, { ...OPTIONS, stepUnit: 'days' as never }), { message: /options\.stepUnit/ })
  t.throws(() => trainRulModel(fleet, { ...OPTIONS, band: [0.9, 0.1] }), { message: /options\.band/ })
  t.throws(() => trainRulModel(fleet, { ...OPTIONS, depth: 11 }), { message: /options\.depth must be a whole number up to 10/ })
  t.throws(() => trainRulModel(fleet, { ...OPTIONS, windows: [1] }), { message: /windows must be integers ≥ 2/ })
  t.throws(() => trainRulModel(fleet, { ...OPTIONS, sensors: ['humidity'] }), { message: /no history has sensor humidity/ })
  t.throws(() => trainRulModel([{ unitId: 'a', sensors: ['x', 'y'], rows: [[1, 2], [3]] }], OPTIONS), { message: /history a row 1 has 1 values for 2 sensors/ })
  t.throws(() => trainRulModel(fleet.map((unit) => ({ ...unit, sensors: ['current', 'firmware', 'a', 'b', 'c'], rows: unit.rows.map((row) => [row[3]!, row[4]!, 0, 0, 0]) })), OPTIONS),
    { message: /no sensor correlates with remaining life/ })
})
