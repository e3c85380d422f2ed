import type { RulArtifact, RunToFailureHistory, TrainRulOptions } from './rul.types.js'
import { addReading, createFeatureState, writeFeatures } from './feature-state.js'
import { splitUnitsIntoFolds } from './folds.js'
import { coverageOf, rootMeanSquare, scorePhm08, sumPhm08 } from './metrics.js'
import { bandAround, compileRulModel, createFeatureBuffer, scoreFeatureBuffer, scoreLinear, type CompiledRulModel } from './model.js'
import { columnsOf, valueAt } from './normaliser.js'
import { createRandom } from './random.js'
import { trainRulModel } from './trainer.js'

/** A unit's series of steps; for test splits the last row is not the failure. */
export type UnitSeries = RunToFailureHistory

export interface SeriesPrediction {
  predicted: Float64Array
  linear: Float64Array
  lower: Float64Array
  upper: Float64Array
}

/** The estimate after each step of a series, from the same streaming feature code the online estimator runs. */
export function predictSeries (model: RulArtifact | CompiledRulModel, series: UnitSeries): SeriesPrediction {
  const compiled = 'format' in model ? compileRulModel(model) : model
  const { layout, normaliser, inputs } = compiled
  const columns = columnsOf(series.sensors, inputs)
  const state = createFeatureState(layout)
  const values = new Float64Array(inputs.length)
  const buffer = createFeatureBuffer(compiled)
  const n = series.rows.length
  const out: SeriesPrediction = { predicted: new Float64Array(n), linear: new Float64Array(n), lower: new Float64Array(n), upper: new Float64Array(n) }
  series.rows.forEach((row, r) => {
    for (let c = 0; c < columns.length; c++) values[c] = valueAt(row, columns[c])
    addReading(state, layout, normaliser, values, r)
    writeFeatures(state, layout, normaliser, buffer)
    const value = scoreFeatureBuffer(compiled, buffer)
    const band = bandAround(compiled.band, compiled.artifact.cap, value)
    out.predicted[r] = value
    out.linear[r] = scoreLinear(compiled, buffer)
    out.lower[r] = band.lower
    out.upper[r] = band.upper
  })
  return out
}

export interface CrossValidationOptions extends TrainRulOptions {
  /** Folds over units (default 5). */
  folds?: number
  /** Truncation points drawn per validation unit for the last-step protocol (default 10). */
  truncations?: number
  /** Fewest steps a truncated series keeps (default 31, the shortest series in the C-MAPSS FD001 test split). */
  minObserved?: number
  /**
   * Truncation points are drawn so that the remaining life is uniform over 1..horizon steps (default 1.2 × cap):
   * every horizon counts the same, and the easy plateau beyond the cap (≈ 40 % of all C-MAPSS training cycles)
   * does not dominate the figure as it does when every cycle is scored.
   */
  horizon?: number
}

export interface ProtocolFigures {
  /** Last step of series truncated at random points (see `horizon`), truth capped: comparable to a published test split. */
  rmse_truncated: number
  /** PHM08 score summed over one truncated series per unit, averaged over the draws. */
  score_truncated: number
  /** Share of truncated truths inside the band (NaN for the baseline, which has none). */
  band_coverage_truncated: number
  /** Every step of every validation unit, truth capped. */
  rmse_all_cycles: number
  score_all_cycles_mean: number
}

export interface CrossValidationReport {
  /** Per fold: the units validated and the units its model was trained on. */
  folds: Array<{ validated: string[], trainedOn: string[] }>
  model: ProtocolFigures
  baseline: ProtocolFigures
  trainSeconds: number[]
}

/**
 * Group k-fold cross-validation by unit. Each fold's model is trained on the other folds' units only (sensor
 * choice, normalisation and band calibration included) and scored on its own units.
 */
export function crossValidateRul (histories: readonly RunToFailureHistory[], options: CrossValidationOptions): CrossValidationReport {
  const { folds: foldCount = 5, truncations = 10, minObserved = 31, horizon = Math.round(1.2 * options.cap), ...trainOptions } = options
  const folds = splitUnitsIntoFolds(histories, foldCount, options.seed ?? 1)
  const byId = new Map(histories.map((history) => [history.unitId, history]))
  const draw = createRandom((options.seed ?? 1) + 7919)
  const model = createAccumulator(truncations)
  const baseline = createAccumulator(truncations)
  const trainSeconds: number[] = []
  const report: CrossValidationReport['folds'] = []
  for (const held of folds) {
    const heldSet = new Set(held)
    const artifact = trainRulModel(histories.filter((history) => !heldSet.has(history.unitId)), trainOptions)
    trainSeconds.push(artifact.trainedOn.seconds)
    report.push({ validated: held, trainedOn: artifact.trainedOn.unitIds })
    for (const id of held) {
      const history = byId.get(id) as RunToFailureHistory
      const prediction = predictSeries(artifact, history)
      const n = history.rows.length
      const truth = Float64Array.from({ length: n }, (_, r) => Math.min(artifact.cap, n - 1 - r))
      const longest = Math.max(0, Math.min(horizon, n - Math.min(minObserved, n)))
      const cuts = Array.from({ length: truncations }, () => {
        const remaining = longest === 0 ? 0 : 1 + Math.floor(draw() * longest)
        return n - 1 - remaining
      })
      model.add(prediction.predicted, prediction.lower, prediction.upper, truth, cuts)
      baseline.add(prediction.linear, null, null, truth, cuts)
    }
  }
  return { folds: report, model: model.figures(), baseline: baseline.figures(), trainSeconds }
}

function createAccumulator (draws: number) {
  const all = { predicted: [] as number[], truth: [] as number[] }
  const cut = { predicted: [] as number[], lower: [] as number[], upper: [] as number[], truth: [] as number[] }
  const scorePerDraw = new Float64Array(draws)
  return {
    add (predicted: Float64Array, lower: Float64Array | null, upper: Float64Array | null, truth: Float64Array, cuts: number[]) {
      all.predicted.push(...predicted); all.truth.push(...truth)
      cuts.forEach((r, d) => {
        cut.predicted.push(predicted[r]); cut.truth.push(truth[r])
        if (lower !== null && upper !== null) { cut.lower.push(lower[r]); cut.upper.push(upper[r]) }
        scorePerDraw[d] += scorePhm08(predicted[r], truth[r])
      })
    },
    figures (): ProtocolFigures {
      return {
        rmse_truncated: rootMeanSquare(cut.predicted, cut.truth),
        score_truncated: scorePerDraw.reduce((sum, value) => sum + value, 0) / draws,
        band_coverage_truncated: cut.lower.length === 0 ? NaN : coverageOf(cut.lower, cut.upper, cut.truth),
        rmse_all_cycles: rootMeanSquare(all.predicted, all.truth),
        score_all_cycles_mean: sumPhm08(all.predicted, all.truth) / all.truth.length
      }
    }
  }
}

export interface LastStepFigures {
  rmse: number
  score: number
  rmse_uncapped: number
  band_coverage: number
  baseline_rmse: number
  baseline_score: number
}

/** Test-split protocol: the estimate at the last step of each series against its true remaining life (capped). */
export function scoreLastSteps (model: RulArtifact | CompiledRulModel, series: readonly UnitSeries[], trueRul: readonly number[]): LastStepFigures {
  if (series.length !== trueRul.length) throw new RangeError(`${series.length} series but ${trueRul.length} true remaining lives`)
  const compiled = 'format' in model ? compileRulModel(model) : model
  const cap = compiled.artifact.cap
  const last = { predicted: [] as number[], linear: [] as number[], lower: [] as number[], upper: [] as number[] }
  for (const unit of series) {
    const prediction = predictSeries(compiled, unit)
    const r = unit.rows.length - 1
    last.predicted.push(prediction.predicted[r]); last.linear.push(prediction.linear[r])
    last.lower.push(prediction.lower[r]); last.upper.push(prediction.upper[r])
  }
  const capped = trueRul.map((value) => Math.min(cap, value))
  return {
    rmse: rootMeanSquare(last.predicted, capped),
    score: sumPhm08(last.predicted, capped),
    rmse_uncapped: rootMeanSquare(last.predicted, trueRul),
    band_coverage: coverageOf(last.lower, last.upper, capped),
    baseline_rmse: rootMeanSquare(last.linear, capped),
    baseline_score: sumPhm08(last.linear, capped)
  }
}
