import type { RulArtifact, RulEstimate, RulEstimatorState } from './rul.types.js'
import { addReading, createFeatureState, hasReadings, restoreFeatureState, snapshotFeatureState, writeFeatures } from './feature-state.js'
import { compileRulModel, createFeatureBuffer, describeEstimate, scoreFeatureBuffer, type CompiledRulModel } from './model.js'

/** One unit's streaming RUL estimate. */
export interface RulEstimator {
  /**
   * Folds one reading in; cheap (no scoring). `values` maps sensor name → value, any subset of the model's
   * sensors (one metric at a time is fine for hourly models); absent, null or non-finite values are dropouts and
   * the last value seen is carried. `at`: epoch milliseconds. Hourly models average the readings of one clock hour
   * into one step; for cycle models each call is one cycle and `at` is only recorded. Returns true when the call
   * closed the previous step (a good moment to read `current()`).
   */
  add: (values: Readonly<Record<string, number | null | undefined>>, at: number) => boolean
  /** `add` then `current`. */
  update: (values: Readonly<Record<string, number | null | undefined>>, at: number) => RulEstimate
  /** The estimate from everything added so far (scored once per change), or null before the first reading. */
  current: () => RulEstimate | null
  /** Time (`at`) of the last update, or null. */
  updatedAt: () => number | null
  snapshot: () => RulEstimatorState
  restore: (state: RulEstimatorState) => void
}

const HOUR_MS = 3_600_000

export function createRulEstimator (model: RulArtifact | CompiledRulModel): RulEstimator {
  const compiled = 'format' in model ? compileRulModel(model) : model
  const { layout, normaliser, inputs } = compiled
  const hourly = compiled.artifact.stepUnit === 'hours'
  const values = new Float64Array(inputs.length)
  const buffer = createFeatureBuffer(compiled)
  let state = createFeatureState(layout)
  let lastAt: number | null = null
  let estimate: RulEstimate | null = null
  let stale = false

  const current = (): RulEstimate | null => {
    if (stale && hasReadings(state)) {
      writeFeatures(state, layout, normaliser, buffer)
      estimate = describeEstimate(compiled, scoreFeatureBuffer(compiled, buffer))
    }
    stale = false
    return estimate
  }
  const add = (reading: Readonly<Record<string, number | null | undefined>>, at: number): boolean => {
    if (typeof at !== 'number' || !Number.isFinite(at)) throw new RangeError(`at must be a finite number of epoch milliseconds, got ${String(at)}`)
    for (let j = 0; j < inputs.length; j++) {
      const value = reading[inputs[j]]
      values[j] = typeof value === 'number' ? value : NaN
    }
    const before = state.steps
    const step = hourly ? Math.floor(at / HOUR_MS) : (hasReadings(state) ? state.headStep + 1 : 0)
    addReading(state, layout, normaliser, values, step)
    lastAt = at
    stale = true
    return state.steps > before
  }

  return {
    add,
    update (reading, at) {
      add(reading, at)
      return current() as RulEstimate
    },
    current,
    updatedAt: () => lastAt,
    snapshot: () => ({ format: 'afterline.rul.state', version: 1, inputs: inputs.slice(), lastAt, window: snapshotFeatureState(state) }),
    restore (saved) {
      if (saved?.format !== 'afterline.rul.state' || saved.version !== 1) throw new RangeError('state is not an afterline.rul.state version 1')
      if (!Array.isArray(saved.inputs) || saved.inputs.join('\u0000') !== inputs.join('\u0000')) {
        throw new RangeError(`state belongs to a model with inputs ${JSON.stringify(saved.inputs)}, this model reads ${JSON.stringify(inputs)}`)
      }
      state = restoreFeatureState(layout, saved.window)
      lastAt = saved.lastAt ?? null
      estimate = null
      stale = true
    }
  }
}
