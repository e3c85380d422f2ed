import type { BandParams, RulArtifact, RulEstimate } from './rul.types.js'
import { compileNormaliser, createFeatureLayout, type CompiledNormaliser, type FeatureLayout } from './feature-state.js'
import { compileEnsemble, predictEnsemble, type CompiledEnsemble } from './tree-scorer.js'
import { predictLinear } from './ridge.js'

/**
 * An artefact turned into typed arrays for scoring. The feature vector is the window features followed by one
 * "fused" feature: the linear (ridge) estimate of remaining life from those features, which gives the trees a
 * denoised combination of all sensors that axis-aligned splits cannot build by themselves.
 */
export interface CompiledRulModel {
  artifact: RulArtifact
  /** Health sensors then condition sensors: the order of the values a feature state holds. */
  inputs: string[]
  layout: FeatureLayout
  normaliser: CompiledNormaliser
  fused: { intercept: number, weights: Float64Array }
  ensemble: CompiledEnsemble
  band: BandParams
}

const compiled = new WeakMap<RulArtifact, CompiledRulModel>()

export function compileRulModel (artifact: RulArtifact): CompiledRulModel {
  const cached = compiled.get(artifact)
  if (cached !== undefined) return cached
  const { normaliser, fused, ensemble, band } = artifact.params
  const model: CompiledRulModel = {
    artifact,
    inputs: [...artifact.sensors, ...normaliser.conditionSensors],
    layout: createFeatureLayout(artifact.sensors.length, normaliser.conditionSensors.length, artifact.features.windows, artifact.features.useAge),
    normaliser: compileNormaliser(normaliser),
    fused: { intercept: fused.intercept, weights: Float64Array.from(fused.weights) },
    ensemble: compileEnsemble(ensemble),
    band
  }
  compiled.set(artifact, model)
  return model
}

/** A buffer for `writeFeatures` plus the fused feature. */
export function createFeatureBuffer (model: CompiledRulModel): Float64Array {
  return new Float64Array(model.layout.count + 1)
}

/** Fills the fused feature of a buffer whose window features are written, and returns the capped tree estimate. */
export function scoreFeatureBuffer (model: CompiledRulModel, buffer: Float64Array): number {
  buffer[model.layout.count] = predictLinear(model.fused, buffer)
  return clamp(predictEnsemble(model.ensemble, buffer), 0, model.artifact.cap)
}

/** The linear estimate alone (the fused feature), capped: the baseline the trees are measured against. */
export function scoreLinear (model: CompiledRulModel, buffer: Float64Array): number {
  return clamp(predictLinear(model.fused, buffer), 0, model.artifact.cap)
}

/** Wraps a point estimate with its calibrated band and health index. */
export function describeEstimate (model: CompiledRulModel, value: number): RulEstimate {
  const { lower, upper } = bandAround(model.band, model.artifact.cap, value)
  return { healthIndex: value / model.artifact.cap, rul: { value, unit: model.artifact.stepUnit, lower, upper } }
}

/** The band of the prediction's size bin, kept inside [0, cap] and around the estimate itself. */
export function bandAround (band: BandParams, cap: number, value: number): { lower: number, upper: number } {
  let bin = 0
  while (bin < band.edges.length && value > band.edges[bin]) bin++
  return { lower: clamp(value + band.lower[bin], 0, value), upper: clamp(value + band.upper[bin], value, cap) }
}

function clamp (value: number, min: number, max: number): number {
  return value < min ? min : value > max ? max : value
}
