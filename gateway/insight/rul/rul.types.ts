/** Shapes shared by the RUL trainer, the artefact and the online estimator. */

export type StepUnit = 'cycles' | 'hours'

/**
 * One unit's run-to-failure history: one row per time step, values in `sensors` order, the last row is the
 * failure (remaining life 0). Missing values are `NaN` (the last seen value is carried forward).
 */
export interface RunToFailureHistory {
  unitId: string
  sensors: string[]
  rows: number[][]
}

export interface TrainRulOptions {
  /** Remaining life is capped at this many steps (piecewise-linear target); 125 for C-MAPSS. */
  cap: number
  /** What one row of a history stands for: an engine cycle, or one hour of a device's life. */
  stepUnit: StepUnit
  /** Seed for every random choice (row and feature sampling, calibration folds). */
  seed?: number
  /** Sensors that describe the operating condition (normalised against, never used as health signals). */
  conditionSensors?: string[]
  /** Number of operating regimes found by k-means over `conditionSensors` (1 = one global normalisation). */
  regimes?: number
  /** Health sensors to use; default: every non-condition sensor that varies and correlates with remaining life. */
  sensors?: string[]
  /** Smallest |correlation| with capped remaining life for a sensor to be chosen automatically (default 0.2). */
  minCorrelation?: number
  /** Smoothing spans in steps for the level features; the longest is also the slope and spread window. */
  windows?: number[]
  /** Use the steps since the unit was first seen as a feature (default true). */
  useAge?: boolean
  /** Boosting: number of trees, depth, learning rate, leaf size, row and feature sampling. */
  trees?: number
  depth?: number
  learningRate?: number
  minLeaf?: number
  subsample?: number
  colsample?: number
  /** Quantiles of the uncertainty band, from out-of-fold residuals (default [0.1, 0.9]). */
  band?: [number, number]
  /** Unit-grouped folds used to calibrate the band; 0 skips calibration (the band is then empty). */
  calibrationFolds?: number
}

/** A regression tree ensemble in flat arrays: node i splits on `feature[i]` at `threshold[i]`, or is a leaf when `feature[i] < 0`. */
export interface TreeEnsembleParams {
  base: number
  trees: Array<{ feature: number[], threshold: number[], left: number[], right: number[], value: number[] }>
}

export interface LinearParams {
  intercept: number
  weights: number[]
}

export interface NormaliserParams {
  /** Condition sensors and, per regime, their centroid in standardised units. */
  conditionSensors: string[]
  conditionMean: number[]
  conditionStd: number[]
  centroids: number[][]
  /** Per regime, per health sensor: mean and standard deviation. */
  mean: number[][]
  std: number[][]
}

export interface FeatureSpec {
  windows: number[]
  useAge: boolean
  names: string[]
}

export interface BandParams {
  quantiles: [number, number]
  /** Upper edges of predicted-RUL bins; residual (truth − prediction) quantiles per bin. */
  edges: number[]
  lower: number[]
  upper: number[]
}

export interface RulArtifact {
  format: 'afterline.rul'
  version: 1
  family: 'gbdt'
  sensors: string[]
  cap: number
  stepUnit: StepUnit
  features: FeatureSpec
  params: {
    normaliser: NormaliserParams
    fused: LinearParams
    ensemble: TreeEnsembleParams
    band: BandParams
  }
  trainedOn: { units: number, unitIds: string[], rows: number, seconds: number, at: string, options: Record<string, unknown> }
  metrics: Record<string, number>
}

export interface RulEstimate {
  /** 1 = healthy (at least `cap` steps of life left), 0 = failure expected now. */
  healthIndex: number
  rul: { value: number, unit: StepUnit, lower: number, upper: number }
}

/** JSON-serialisable state of one unit's estimator (`snapshot()` / `restore()`); NaN is stored as null. */
export interface RulEstimatorState {
  format: 'afterline.rul.state'
  version: 1
  /** Inputs of the model the state belongs to (health then condition sensors); restore refuses another model's state. */
  inputs: string[]
  lastAt: number | null
  window: {
    firstStep: number | null
    headStep: number | null
    steps: number
    carry: Array<number | null>
    headSum: number[]
    headCount: number[]
    levels: number[]
    ring: number[]
    ringCount: number
    ringNext: number
    baseSum: number[]
    baseCount: number
  }
}
