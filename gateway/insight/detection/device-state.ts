import { SLOTS } from './compile-model.js'
import type { CompiledModel } from './compile-model.js'
import type { RulEstimateOut, RulUnitEstimator } from './rul-port.js'

export interface Health {
  healthIndex: number
  rul: { value: number, unit: string, lower: number, upper: number }
  /** Epoch milliseconds of the end of the step the estimate is for. */
  updatedAt: number
}

/**
 * Everything detection keeps about one device, in flat typed arrays so that a reading allocates nothing.
 * `snapshot()` turns it into JSON (NaN → null) for the checkpoint table; `restoreDeviceState` reverses it.
 */
export class DeviceState {
  readonly deviceId: string
  model: CompiledModel
  /** Rule states, at each compiled rule's offset. */
  slots: Float64Array
  /** Per metric: timestamp (µs) of the last reading processed, and server time (ms) it arrived. */
  metricTs: Float64Array
  metricSeenMs: Float64Array
  /** Server time (ms) of the last reading or event from the device; 0 = not heard from since start. */
  lastSeenMs = 0
  /** Server time (ms) detection started watching the device (a metric never seen is silent since then). */
  sinceMs = 0
  /** Greatest reading timestamp processed (µs); restart replays telemetry after it. */
  lastTs = 0
  /** Missing-data rules currently raised (a reading checks them only when > 0). */
  missingActive = 0
  // RUL feed: the open step (index = floor(ts / step)), per-column sums and counts, last closed means.
  step = -1
  sums: Float64Array
  counts: Float64Array
  lastMeans: Float64Array
  estimator: RulUnitEstimator | null
  health: Health | null = null
  /** Changed since the last checkpoint. */
  dirty = false

  constructor (deviceId: string, model: CompiledModel) {
    this.deviceId = deviceId
    this.model = model
    this.slots = freshSlots(model)
    this.metricTs = new Float64Array(model.metricNames.length).fill(-Infinity)
    this.metricSeenMs = new Float64Array(model.metricNames.length)
    const columns = model.rul?.sensors.length ?? 0
    this.sums = new Float64Array(columns)
    this.counts = new Float64Array(columns)
    this.lastMeans = new Float64Array(columns).fill(Number.NaN)
    this.estimator = model.rul?.createUnit(deviceId) ?? null
  }

  setHealth (estimate: RulEstimateOut, atMs: number): Health {
    this.health = { healthIndex: estimate.healthIndex, rul: { ...estimate.rul }, updatedAt: atMs }
    return this.health
  }

  snapshot (): DeviceStateSnapshot {
    return {
      v: 1,
      model: this.model.id,
      modelVersion: this.model.version,
      rules: this.model.rules.map((rule) => ({ id: rule.rule.id, signature: rule.signature, slots: toJsonNumbers(this.slots.subarray(rule.offset, rule.offset + SLOTS[rule.kind])) })),
      metrics: this.model.metricNames.map((name, i) => ({ name, ts: finiteOrNull(this.metricTs[i] as number) })),
      lastTs: this.lastTs,
      rul: this.model.rul === null
        ? null
        : {
            artifact: this.model.rul.name,
            step: this.step,
            sums: toJsonNumbers(this.sums),
            counts: toJsonNumbers(this.counts),
            lastMeans: toJsonNumbers(this.lastMeans),
            estimator: this.estimator?.snapshot() ?? null
          },
      health: this.health
    }
  }
}

export interface DeviceStateSnapshot {
  v: 1
  model: string
  modelVersion: number
  rules: Array<{ id: string, signature: string, slots: Array<number | null> }>
  metrics: Array<{ name: string, ts: number | null }>
  lastTs: number
  rul: { artifact: string, step: number, sums: Array<number | null>, counts: Array<number | null>, lastMeans: Array<number | null>, estimator: unknown } | null
  health: Health | null
}

export function freshSlots (model: CompiledModel): Float64Array {
  const slots = new Float64Array(model.stateSize)
  for (const rule of model.rules) {
    // "Not pending" and "no window yet" are NaN; counters and flags start at 0.
    if (rule.kind === 'threshold') slots[rule.offset + 1] = Number.NaN
    if (rule.kind === 'rate_of_change') slots[rule.offset] = Number.NaN
    if (rule.kind === 'anomaly') slots[rule.offset + 5] = Number.NaN
  }
  return slots
}

function finiteOrNull (value: number): number | null {
  return Number.isFinite(value) ? value : null
}

function toJsonNumbers (values: ArrayLike<number>): Array<number | null> {
  return Array.from(values, (value) => Number.isNaN(value) ? null : value)
}

function fromJsonNumbers (values: ReadonlyArray<number | null>, target: Float64Array, at = 0): void {
  for (let i = 0; i < values.length && at + i < target.length; i++) target[at + i] = values[i] ?? Number.NaN
}

/**
 * Rebuild a device's state on `model` from a snapshot, keeping what still applies: a rule's state when
 * a rule with the same id and the same definition exists, per-metric timestamps by metric name, and
 * the RUL feed when the artefact is the same. Returns the rule ids whose state was dropped.
 */
export function restoreDeviceState (deviceId: string, model: CompiledModel, snapshot: DeviceStateSnapshot): { state: DeviceState, dropped: string[] } {
  const state = new DeviceState(deviceId, model)
  const byId = new Map(snapshot.rules.map((rule) => [rule.id, rule]))
  const dropped: string[] = []
  for (const saved of snapshot.rules) {
    const rule = model.rules.find((candidate) => candidate.rule.id === saved.id)
    if (rule === undefined || rule.signature !== saved.signature) dropped.push(saved.id)
  }
  for (const rule of model.rules) {
    const saved = byId.get(rule.rule.id)
    if (saved !== undefined && saved.signature === rule.signature) fromJsonNumbers(saved.slots, state.slots, rule.offset)
  }
  for (const metric of snapshot.metrics) {
    const index = model.metricIndex.get(metric.name)
    if (index !== undefined) state.metricTs[index] = metric.ts ?? -Infinity
  }
  state.lastTs = snapshot.lastTs
  state.health = snapshot.health
  if (snapshot.rul !== null && model.rul !== null && snapshot.rul.artifact === model.rul.name) {
    state.step = snapshot.rul.step
    fromJsonNumbers(snapshot.rul.sums, state.sums)
    fromJsonNumbers(snapshot.rul.counts, state.counts)
    fromJsonNumbers(snapshot.rul.lastMeans, state.lastMeans)
    if (snapshot.rul.estimator !== null) state.estimator?.restore(snapshot.rul.estimator)
  } else if (model.rul === null) {
    state.health = null
  }
  for (const rule of model.rules) {
    if (rule.kind === 'missing_data' && state.slots[rule.offset] === 1) state.missingActive++
  }
  return { state, dropped }
}
