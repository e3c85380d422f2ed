import type { BandParams, LinearParams, NormaliserParams, RulArtifact, RunToFailureHistory, TrainRulOptions, TreeEnsembleParams } from './rul.types.js'
import { splitUnitsIntoFolds } from './folds.js'
import { createFeatureLayout, createFeatureState, addReading, writeFeatures, compileNormaliser, nameFeatures, type FeatureLayout } from './feature-state.js'
import { fitTreeEnsemble } from './gbdt.js'
import { compileEnsemble, MAX_TREE_DEPTH, predictEnsemble } from './tree-scorer.js'
import { coverageOf, quantileOf, rootMeanSquare } from './metrics.js'
import { columnsOf, fitNormaliser, valueAt } from './normaliser.js'
import { createRandom, type Random } from './random.js'
import { fitRidge, predictLinear } from './ridge.js'
import { bandAround } from './model.js'

export const DEFAULT_TRAIN_OPTIONS = Object.freeze({
  seed: 1,
  regimes: 1,
  minCorrelation: 0.2,
  windows: [5, 20],
  useAge: true,
  trees: 500,
  depth: 4,
  learningRate: 0.05,
  minLeaf: 40,
  subsample: 0.8,
  colsample: 0.6,
  band: [0.1, 0.9] as [number, number],
  calibrationFolds: 3
})

const RIDGE_LAMBDA = 1e-3
const TREE_LAMBDA = 1
const BINS = 64
const BAND_BINS = 5

type ResolvedOptions = Required<Omit<TrainRulOptions, 'sensors' | 'conditionSensors'>> & { conditionSensors: string[], sensors?: string[] }

/** The training set: window features of every step of every history, replayed through the online feature code. */
interface Dataset {
  x: Float64Array
  y: Float64Array
  unit: Int32Array
  count: number
}

/**
 * Trains a remaining-useful-life model from run-to-failure histories and returns its JSON artefact.
 * Steps: choose health sensors → fit the condition normaliser → replay every history through the streaming
 * feature code → fit a ridge "fused" estimate and gradient-boosted trees on top → calibrate the uncertainty band
 * from out-of-fold residuals (folds by unit) → refit on all units.
 */
export function trainRulModel (histories: readonly RunToFailureHistory[], options: TrainRulOptions): RulArtifact {
  const started = performance.now()
  const resolved = resolveOptions(histories, options)
  const random = createRandom(resolved.seed)
  const { healthSensors, normaliser } = chooseSensors(histories, resolved, random)
  const layout = createFeatureLayout(healthSensors.length, resolved.conditionSensors.length, resolved.windows, resolved.useAge)
  const data = buildDataset(histories, [...healthSensors, ...resolved.conditionSensors], layout, normaliser, resolved.cap)

  const all = Uint32Array.from({ length: data.y.length }, (_, i) => i)
  const calibration = calibrateBand(histories, data, resolved, random)
  const head = fitHead(data, all, resolved, random)
  const seconds = (performance.now() - started) / 1000

  return {
    format: 'afterline.rul',
    version: 1,
    family: 'gbdt',
    sensors: healthSensors,
    cap: resolved.cap,
    stepUnit: resolved.stepUnit,
    features: { windows: layout.windows, useAge: layout.useAge, names: [...nameFeatures(healthSensors, layout), 'fused'] },
    params: { normaliser, fused: head.fused, ensemble: head.ensemble, band: calibration.band },
    trainedOn: {
      units: histories.length,
      unitIds: histories.map((history) => history.unitId),
      rows: data.y.length,
      seconds: round(seconds, 3),
      at: new Date().toISOString(),
      options: { ...resolved }
    },
    metrics: calibration.metrics
  }
}

function resolveOptions (histories: readonly RunToFailureHistory[], options: TrainRulOptions): ResolvedOptions {
  if (!Array.isArray(histories) || histories.length === 0) throw new RangeError('histories must hold at least one run-to-failure history')
  for (const history of histories) {
    if (!Array.isArray(history.rows) || history.rows.length === 0) throw new RangeError(`history ${history.unitId} has no rows`)
    for (let r = 0; r < history.rows.length; r++) {
      if (history.rows[r].length !== history.sensors.length) throw new RangeError(`history ${history.unitId} row ${r} has ${history.rows[r].length} values for ${history.sensors.length} sensors`)
    }
  }
  if (!(options.cap > 0)) throw new RangeError(`options.cap must be a positive number of steps, got ${options.cap}`)
  if (options.stepUnit !== 'cycles' && options.stepUnit !== 'hours') throw new RangeError(`options.stepUnit must be 'cycles' or 'hours', got ${String(options.stepUnit)}`)
  const resolved = { ...DEFAULT_TRAIN_OPTIONS, ...stripUndefined(options), conditionSensors: options.conditionSensors ?? [] } as ResolvedOptions
  const positive: Array<keyof ResolvedOptions> = ['trees', 'depth', 'learningRate', 'minLeaf', 'subsample', 'colsample', 'regimes']
  for (const key of positive) {
    if (!(Number(resolved[key]) > 0)) throw new RangeError(`options.${key} must be positive, got ${String(resolved[key])}`)
  }
  if (!Number.isInteger(resolved.depth) || resolved.depth > MAX_TREE_DEPTH) throw new RangeError(`options.depth must be a whole number up to ${MAX_TREE_DEPTH}, got ${resolved.depth}`)
  if (resolved.subsample > 1 || resolved.colsample > 1) throw new RangeError('options.subsample and options.colsample must be at most 1')
  const [low, high] = resolved.band
  if (!(low > 0 && low < high && high < 1)) throw new RangeError(`options.band must be two quantiles 0 < low < high < 1, got ${JSON.stringify(resolved.band)}`)
  return resolved
}

function chooseSensors (histories: readonly RunToFailureHistory[], options: ResolvedOptions, random: Random): { healthSensors: string[], normaliser: NormaliserParams } {
  const condition = new Set(options.conditionSensors)
  const candidates = options.sensors ?? [...new Set(histories.flatMap((history) => history.sensors))].filter((name) => !condition.has(name))
  for (const name of candidates) {
    if (condition.has(name)) throw new RangeError(`options.sensors: ${name} is also a condition sensor`)
    if (!histories.some((history) => history.sensors.includes(name))) throw new RangeError(`options.sensors: no history has sensor ${name}`)
  }
  const probe = fitNormaliser({ histories, conditionSensors: options.conditionSensors, healthSensors: candidates, regimes: options.regimes, random: createRandom(options.seed) })
  if (options.sensors !== undefined) return { healthSensors: candidates, normaliser: probe }
  const chosen = candidates.filter((name, s) => Math.abs(correlateWithLife(histories, name, s, probe, options)) >= options.minCorrelation)
  if (chosen.length === 0) throw new RangeError(`no sensor correlates with remaining life (|r| ≥ ${options.minCorrelation}); pass options.sensors`)
  return { healthSensors: chosen, normaliser: fitNormaliser({ histories, conditionSensors: options.conditionSensors, healthSensors: chosen, regimes: options.regimes, random }) }
}

/** Pearson correlation of a sensor's regime-standardised value with capped remaining life, over all rows. */
function correlateWithLife (histories: readonly RunToFailureHistory[], name: string, s: number, normaliser: NormaliserParams, options: ResolvedOptions): number {
  const layout = createFeatureLayout(1, options.conditionSensors.length, [2], false)
  const single: NormaliserParams = { ...normaliser, mean: normaliser.mean.map((m) => [m[s]]), std: normaliser.std.map((d) => [d[s]]) }
  const compiled = compileNormaliser(single)
  let n = 0; let sx = 0; let sy = 0; let sxx = 0; let syy = 0; let sxy = 0
  const out = new Float64Array(layout.count)
  for (const history of histories) {
    const columns = columnsOf(history.sensors, [name, ...options.conditionSensors])
    if (columns[0] < 0) continue
    const state = createFeatureState(layout)
    const values = new Float64Array(columns.length)
    history.rows.forEach((row, r) => {
      for (let c = 0; c < columns.length; c++) values[c] = valueAt(row, columns[c])
      addReading(state, layout, compiled, values, r)
      if (!Number.isFinite(values[0])) return
      writeFeatures(state, layout, compiled, out)
      const z = state.z[0]
      const life = Math.min(options.cap, history.rows.length - 1 - r)
      n++; sx += z; sy += life; sxx += z * z; syy += life * life; sxy += z * life
    })
  }
  const cov = sxy / n - (sx / n) * (sy / n)
  const varX = sxx / n - (sx / n) ** 2
  const varY = syy / n - (sy / n) ** 2
  return varX > 1e-12 && varY > 1e-12 ? cov / Math.sqrt(varX * varY) : 0
}

export function buildDataset (histories: readonly RunToFailureHistory[], inputs: string[], layout: FeatureLayout, normaliserParams: NormaliserParams, cap: number): Dataset {
  const normaliser = compileNormaliser(normaliserParams)
  const total = histories.reduce((sum, history) => sum + history.rows.length, 0)
  const stride = layout.count + 1
  const x = new Float64Array(total * stride)
  const y = new Float64Array(total)
  const unit = new Int32Array(total)
  const out = new Float64Array(layout.count)
  const values = new Float64Array(inputs.length)
  let i = 0
  histories.forEach((history, h) => {
    const columns = columnsOf(history.sensors, inputs)
    const state = createFeatureState(layout)
    history.rows.forEach((row, r) => {
      for (let c = 0; c < columns.length; c++) values[c] = valueAt(row, columns[c])
      addReading(state, layout, normaliser, values, r)
      writeFeatures(state, layout, normaliser, out)
      x.set(out, i * stride)
      y[i] = Math.min(cap, history.rows.length - 1 - r)
      unit[i] = h
      i++
    })
  })
  return { x, y, unit, count: layout.count }
}

/** Ridge on the window features, written into the last column as the fused feature, then trees on everything. */
function fitHead (data: Dataset, rows: Uint32Array, options: ResolvedOptions, random: Random): { fused: LinearParams, ensemble: TreeEnsembleParams } {
  const stride = data.count + 1
  const base = new Float64Array(rows.length * data.count)
  const targets = new Float64Array(rows.length)
  rows.forEach((row, r) => {
    base.set(data.x.subarray(row * stride, row * stride + data.count), r * data.count)
    targets[r] = data.y[row]
  })
  const fused = fitRidge(base, data.count, targets, RIDGE_LAMBDA)
  for (let i = 0; i < data.y.length; i++) data.x[i * stride + data.count] = predictLinear(fused, data.x, i * stride)
  const ensemble = fitTreeEnsemble(data.x, stride, data.y, rows, {
    trees: options.trees,
    depth: options.depth,
    learningRate: options.learningRate,
    minLeaf: options.minLeaf,
    subsample: options.subsample,
    colsample: options.colsample,
    lambda: TREE_LAMBDA,
    bins: BINS,
    random
  })
  return { fused, ensemble }
}

/**
 * Split-conformal style band: residuals (truth − prediction) of models trained without each unit, grouped by
 * the size of the prediction (near-failure estimates are tighter than mid-life ones).
 */
function calibrateBand (histories: readonly RunToFailureHistory[], data: Dataset, options: ResolvedOptions, random: Random): { band: BandParams, metrics: Record<string, number> } {
  const folds = options.calibrationFolds
  if (folds < 2 || histories.length < folds) {
    return { band: { quantiles: options.band, edges: [], lower: [0], upper: [0] }, metrics: {} }
  }
  const stride = data.count + 1
  const foldOfUnit = new Int32Array(histories.length)
  const index = new Map(histories.map((history, h) => [history.unitId, h]))
  splitUnitsIntoFolds(histories, folds, options.seed).forEach((ids, k) => ids.forEach((id) => { foldOfUnit[index.get(id) as number] = k }))
  const predicted = new Float64Array(data.y.length)
  for (let k = 0; k < folds; k++) {
    const train: number[] = []
    const held: number[] = []
    for (let i = 0; i < data.y.length; i++) (foldOfUnit[data.unit[i]] === k ? held : train).push(i)
    const head = fitHead(data, Uint32Array.from(train), options, random)
    const ensemble = compileEnsemble(head.ensemble)
    for (const i of held) predicted[i] = Math.min(options.cap, Math.max(0, predictEnsemble(ensemble, data.x.subarray(i * stride, (i + 1) * stride))))
  }
  const edges = Array.from({ length: BAND_BINS - 1 }, (_, b) => quantileOf(predicted, (b + 1) / BAND_BINS))
  const lower: number[] = []
  const upper: number[] = []
  for (let b = 0; b < BAND_BINS; b++) {
    const residuals: number[] = []
    for (let i = 0; i < predicted.length; i++) {
      const bin = edges.findIndex((edge) => predicted[i] <= edge)
      if ((bin < 0 ? BAND_BINS - 1 : bin) === b) residuals.push(data.y[i] - predicted[i])
    }
    lower.push(residuals.length > 0 ? quantileOf(residuals, options.band[0]) : 0)
    upper.push(residuals.length > 0 ? quantileOf(residuals, options.band[1]) : 0)
  }
  const band: BandParams = { quantiles: options.band, edges, lower, upper }
  const lows = new Float64Array(predicted.length)
  const highs = new Float64Array(predicted.length)
  predicted.forEach((value, i) => {
    const around = bandAround(band, options.cap, value)
    lows[i] = around.lower
    highs[i] = around.upper
  })
  return {
    band,
    metrics: {
      calibration_rmse_all_cycles: round(rootMeanSquare(predicted, data.y), 3),
      calibration_band_coverage: round(coverageOf(lows, highs, data.y), 3)
    }
  }
}

function stripUndefined<T extends object> (value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}

function round (value: number, digits: number): number {
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}
