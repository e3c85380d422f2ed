import type { NormaliserParams, RulEstimatorState } from './rul.types.js'
import { nearestCentroid } from './normaliser.js'

/**
 * Streaming window features for one unit, the same code for offline training and online scoring.
 *
 * Readings are folded into the current step (a cycle, or an hour bucket); when a reading for a later step
 * arrives, the current step is committed to the window. Features always describe the committed window plus the
 * current step, so an estimate is never more than one reading old. Per health sensor, in regime-standardised
 * units: a smoothed level for every span in `windows` (EWMA, α = 2 / (span + 1)), the least-squares slope and
 * the spread over the last `span` steps, and the drift of the longest level from the unit's own first `span`
 * steps (units start with different wear). Plus, optionally, the age in steps since the unit was first seen.
 */
export interface FeatureLayout {
  health: number
  conditions: number
  windows: number[]
  span: number
  useAge: boolean
  perSensor: number
  count: number
}

/** A standardised value this far out is a glitch, not wear; clipping keeps one spike from poisoning the window. */
const Z_LIMIT = 12

export function createFeatureLayout (health: number, conditions: number, windows: readonly number[], useAge: boolean): FeatureLayout {
  for (const span of windows) {
    if (!Number.isInteger(span) || span < 2) throw new RangeError(`windows must be integers ≥ 2, got ${span}`)
  }
  if (windows.length === 0) throw new RangeError('windows must list at least one span')
  const sorted = [...new Set(windows)].sort((a, b) => a - b)
  const perSensor = sorted.length + 3
  return { health, conditions, windows: sorted, span: sorted.at(-1)!, useAge, perSensor, count: (useAge ? 1 : 0) + health * perSensor }
}

export function nameFeatures (sensors: readonly string[], layout: FeatureLayout): string[] {
  const names = layout.useAge ? ['age'] : []
  for (const sensor of sensors) {
    for (const span of layout.windows) names.push(`${sensor}.level${span}`)
    names.push(`${sensor}.slope${layout.span}`, `${sensor}.spread${layout.span}`, `${sensor}.drift`)
  }
  return names
}

export interface CompiledNormaliser {
  conditionMean: Float64Array
  conditionStd: Float64Array
  centroids: Float64Array[]
  mean: Float64Array[]
  std: Float64Array[]
}

export function compileNormaliser (params: NormaliserParams): CompiledNormaliser {
  return {
    conditionMean: Float64Array.from(params.conditionMean),
    conditionStd: Float64Array.from(params.conditionStd),
    centroids: params.centroids.map((c) => Float64Array.from(c)),
    mean: params.mean.map((m) => Float64Array.from(m)),
    std: params.std.map((s) => Float64Array.from(s))
  }
}

export interface FeatureState {
  /** Step key of the first reading and of the current (uncommitted) step; NaN before the first reading. */
  firstStep: number
  headStep: number
  steps: number
  /** Last value seen per sensor (health sensors, then condition sensors), NaN until seen. */
  carry: Float64Array
  headSum: Float64Array
  headCount: Float64Array
  levels: Float64Array
  ring: Float64Array
  ringCount: number
  ringNext: number
  baseSum: Float64Array
  baseCount: number
  regime: number
  z: Float64Array
  condition: Float64Array
}

export function createFeatureState (layout: FeatureLayout): FeatureState {
  const sensors = layout.health + layout.conditions
  return {
    firstStep: NaN,
    headStep: NaN,
    steps: 0,
    carry: new Float64Array(sensors).fill(NaN),
    headSum: new Float64Array(sensors),
    headCount: new Float64Array(sensors),
    levels: new Float64Array(layout.health * layout.windows.length),
    ring: new Float64Array(layout.health * (layout.span - 1)),
    ringCount: 0,
    ringNext: 0,
    baseSum: new Float64Array(layout.health),
    baseCount: 0,
    regime: 0,
    z: new Float64Array(layout.health),
    condition: new Float64Array(layout.conditions)
  }
}

/**
 * Fold one reading into the step `step` (a non-decreasing key; a reading older than the current step joins the
 * current step). `values` holds health sensors then condition sensors; NaN = not reported.
 */
export function addReading (state: FeatureState, layout: FeatureLayout, normaliser: CompiledNormaliser, values: ArrayLike<number>, step: number): void {
  if (Number.isNaN(state.headStep)) {
    state.firstStep = step
    state.headStep = step
  } else if (step > state.headStep) {
    commitHead(state, layout, normaliser)
    state.headStep = step
  }
  for (let j = 0; j < state.carry.length; j++) {
    const value = values[j] as number
    if (!Number.isFinite(value)) continue
    state.carry[j] = value
    state.headSum[j]! += value
    state.headCount[j]! += 1
  }
}

export function hasReadings (state: FeatureState): boolean {
  return !Number.isNaN(state.headStep)
}

/** Features of the committed window plus the current step, written into `out` (length `layout.count`). */
export function writeFeatures (state: FeatureState, layout: FeatureLayout, normaliser: CompiledNormaliser, out: Float64Array): void {
  standardiseHead(state, layout, normaliser)
  const { health, windows, span } = layout
  const capacity = span - 1
  const held = Math.min(state.ringCount, capacity)
  const oldest = (state.ringNext - held + capacity) % (capacity || 1)
  const n = held + 1
  const xMean = (n - 1) / 2
  const sxx = n * (n * n - 1) / 12
  const first = state.steps === 0
  const inBaseline = state.steps < span
  let o = 0
  if (layout.useAge) out[o++] = state.headStep - state.firstStep + 1
  for (let s = 0; s < health; s++) {
    const z = state.z[s]!
    let longLevel = z
    for (let k = 0; k < windows.length; k++) {
      const level = state.levels[s * windows.length + k]!
      const alpha = 2 / (windows[k]! + 1)
      longLevel = first ? z : level + alpha * (z - level)
      out[o++] = longLevel
    }
    let sum = z
    let sxy = (n - 1 - xMean) * z
    for (let i = 0; i < held; i++) {
      const value = state.ring[((oldest + i) % capacity) * health + s]!
      sum += value
      sxy += (i - xMean) * value
    }
    const mean = sum / n
    let squares = (z - mean) * (z - mean)
    for (let i = 0; i < held; i++) {
      const d = state.ring[((oldest + i) % capacity) * health + s]! - mean
      squares += d * d
    }
    out[o++] = n > 1 ? sxy / sxx : 0
    out[o++] = Math.sqrt(squares / n)
    const baseline = (state.baseSum[s]! + (inBaseline ? z : 0)) / (state.baseCount + (inBaseline ? 1 : 0))
    out[o++] = longLevel - baseline
  }
}

function commitHead (state: FeatureState, layout: FeatureLayout, normaliser: CompiledNormaliser): void {
  standardiseHead(state, layout, normaliser)
  const { health, windows, span } = layout
  const capacity = span - 1
  for (let s = 0; s < health; s++) {
    const z = state.z[s]!
    for (let k = 0; k < windows.length; k++) {
      const index = s * windows.length + k
      state.levels[index] = state.steps === 0 ? z : state.levels[index]! + (2 / (windows[k]! + 1)) * (z - state.levels[index]!)
    }
    if (capacity > 0) state.ring[state.ringNext * health + s] = z
    if (state.steps < span) state.baseSum[s]! += z
  }
  if (capacity > 0) {
    state.ringNext = (state.ringNext + 1) % capacity
    state.ringCount = Math.min(state.ringCount + 1, capacity)
  }
  if (state.steps < span) state.baseCount++
  state.steps++
  state.headSum.fill(0)
  state.headCount.fill(0)
}

/** The current step's values (mean of its readings, else the last value seen) in regime-standardised units. */
function standardiseHead (state: FeatureState, layout: FeatureLayout, normaliser: CompiledNormaliser): void {
  const { health, conditions } = layout
  for (let c = 0; c < conditions; c++) {
    const raw = headValue(state, health + c)
    state.condition[c] = Number.isFinite(raw) ? (raw - normaliser.conditionMean[c]!) / normaliser.conditionStd[c]! : 0
  }
  state.regime = conditions === 0 ? 0 : nearestCentroid(normaliser.centroids, state.condition)
  const mean = normaliser.mean[state.regime]!
  const std = normaliser.std[state.regime]!
  for (let s = 0; s < health; s++) {
    const raw = headValue(state, s)
    const z = Number.isFinite(raw) ? (raw - mean[s]!) / std[s]! : 0
    state.z[s] = z > Z_LIMIT ? Z_LIMIT : z < -Z_LIMIT ? -Z_LIMIT : z
  }
}

function headValue (state: FeatureState, j: number): number {
  const count = state.headCount[j]!
  return count > 0 ? state.headSum[j]! / count : state.carry[j]!
}

/** JSON-safe copy (NaN → null). */
export type FeatureStateSnapshot = RulEstimatorState['window']

export function snapshotFeatureState (state: FeatureState): FeatureStateSnapshot {
  return {
    firstStep: nullIfNaN(state.firstStep),
    headStep: nullIfNaN(state.headStep),
    steps: state.steps,
    carry: Array.from(state.carry, nullIfNaN),
    headSum: Array.from(state.headSum),
    headCount: Array.from(state.headCount),
    levels: Array.from(state.levels),
    ring: Array.from(state.ring),
    ringCount: state.ringCount,
    ringNext: state.ringNext,
    baseSum: Array.from(state.baseSum),
    baseCount: state.baseCount
  }
}

export function restoreFeatureState (layout: FeatureLayout, snapshot: FeatureStateSnapshot): FeatureState {
  const state = createFeatureState(layout)
  const arrays: Array<[Float64Array, ReadonlyArray<number | null>, string]> = [
    [state.carry, snapshot.carry, 'carry'], [state.headSum, snapshot.headSum, 'headSum'],
    [state.headCount, snapshot.headCount, 'headCount'], [state.levels, snapshot.levels, 'levels'],
    [state.ring, snapshot.ring, 'ring'], [state.baseSum, snapshot.baseSum, 'baseSum']
  ]
  for (const [target, source, name] of arrays) {
    if (!Array.isArray(source) || source.length !== target.length) throw new RangeError(`state.${name} must have ${target.length} values for this model`)
    for (let i = 0; i < target.length; i++) target[i] = source[i] ?? NaN
  }
  state.firstStep = snapshot.firstStep ?? NaN
  state.headStep = snapshot.headStep ?? NaN
  state.steps = checkCount(snapshot.steps, 'steps', Infinity)
  state.ringCount = checkCount(snapshot.ringCount, 'ringCount', layout.span - 1)
  state.ringNext = checkCount(snapshot.ringNext, 'ringNext', Math.max(0, layout.span - 2))
  state.baseCount = checkCount(snapshot.baseCount, 'baseCount', layout.span)
  return state
}

function checkCount (value: unknown, name: string, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) throw new RangeError(`state.${name} must be an integer in 0..${max}`)
  return value
}

function nullIfNaN (value: number): number | null {
  return Number.isNaN(value) ? null : value
}
