import t from 'tap'
import { crossValidateRul, predictSeries, rootMeanSquare, scoreLastSteps, sumPhm08, trainRulModel } from '../../../../gateway/insight/rul/index.js'
import { generateDegradationFleet } from './synthetic-fleet.js'

const OPTIONS = { cap: 80, stepUnit: 'cycles' as const, seed: 3, trees: 80 }

t.test('test-split protocol: the last step of each truncated series against its true remaining life, capped', async (t) => {
  const artifact = trainRulModel(generateDegradationFleet(20, 61), OPTIONS)
  const full = generateDegradationFleet(6, 62)
  const cut = [10, 40, 95, 3, 60, 150]
  const series = full.map((unit, i) => ({ ...unit, rows: unit.rows.slice(0, unit.rows.length - cut[i]!) }))
  // The full series end at failure, so a series cut `cut` steps short has `cut` steps of life left.
  const figures = scoreLastSteps(artifact, series, cut)
  const predictions = series.map((unit) => predictSeries(artifact, unit))
  const last = predictions.map((p) => p.predicted.at(-1)!)
  const linear = predictions.map((p) => p.linear.at(-1)!)
  const capped = cut.map((value) => Math.min(80, value))
  const inside = predictions.filter((p, i) => capped[i]! >= p.lower.at(-1)! && capped[i]! <= p.upper.at(-1)!).length
  t.same(figures, {
    rmse: rootMeanSquare(last, capped),
    score: sumPhm08(last, capped),
    rmse_uncapped: rootMeanSquare(last, cut),
    band_coverage: inside / 6,
    baseline_rmse: rootMeanSquare(linear, capped),
    baseline_score: sumPhm08(linear, capped)
  })
  t.not(figures.rmse, figures.rmse_uncapped, 'the 150-step truth is capped at 80')
  t.throws(() => scoreLastSteps(artifact, series, [1, 2]), { message: /6 series but 2 true remaining lives/ })
})

t.test('cross-validation: the boosted model beats its linear baseline on nonlinear wear', async (t) => {
  const report = crossValidateRul(generateDegradationFleet(30, 71), { ...OPTIONS, folds: 3, truncations: 5 })
  const { model, baseline } = report
  t.ok(model.rmse_truncated < baseline.rmse_truncated, `truncated RMSE ${model.rmse_truncated.toFixed(2)} < ${baseline.rmse_truncated.toFixed(2)}`)
  t.ok(model.rmse_all_cycles < baseline.rmse_all_cycles, `all-cycle RMSE ${model.rmse_all_cycles.toFixed(2)} < ${baseline.rmse_all_cycles.toFixed(2)}`)
  t.ok(model.score_truncated < baseline.score_truncated, 'and a lower PHM08 score')
  t.ok(model.band_coverage_truncated > 0.6, `band coverage ${model.band_coverage_truncated.toFixed(2)}`)
  t.ok(Number.isNaN(baseline.band_coverage_truncated), 'the baseline has no band')
})
