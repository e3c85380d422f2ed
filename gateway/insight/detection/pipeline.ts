import type { DeviceEvent, Reading } from '../../events.js'
import type { Severity } from '../device-models/device-model.js'
import type { AlertKind } from '../events.js'
import { causeOfFaultCode, U_ACTIVE, U_COUNT } from './compile-model.js'
import type { CompiledModel, CompiledRule } from './compile-model.js'
import { DeviceState, restoreDeviceState } from './device-state.js'
import type { DeviceStateSnapshot, Health } from './device-state.js'
import { evaluateAnomaly, evaluateRate, evaluateThreshold } from './evaluate-rules.js'
import type { Transitions } from './evaluate-rules.js'

/** What detection asks of the alert book: raise (deduplicated there) or clear one device × cause. */
export interface RaiseRequest {
  deviceId: string
  cause: string
  kind: AlertKind
  severity: Severity
  metric: string | null
  /** Epoch milliseconds. */
  at: number
  evidence: Record<string, unknown>
  rul: { value: number, unit: 'hours', lower: number, upper: number } | null
  location: { lat: number, lng: number } | null
  requiredSkills: string[]
  requiredParts: string[]
}

export interface DetectionSink {
  raise (request: RaiseRequest): void
  clear (deviceId: string, cause: string, at: number, reason: string): void
}

/** Which model a device belongs to and where it stands (the device registry, cached). */
export interface DeviceDirectory {
  modelOf (deviceId: string): string | null
  locationOf (deviceId: string): { lat: number, lng: number } | null
}

export interface PipelineOptions {
  now: () => number
  directory: DeviceDirectory
  sink: DetectionSink
  onHealth?: (deviceId: string, health: Health) => void
}

export interface PipelineCounters {
  readings: number
  unknownMetric: number
  outOfOrder: number
  unmodelled: number
}

/**
 * Streaming detection: called synchronously with every accepted message's readings. Per reading it
 * costs a map lookup and the rules on that metric (O(1), no allocation unless a rule changes state);
 * per device and RUL step (an hour) one estimator update. Missing data is found by `tick`, called on a
 * timer with the injected clock. Nothing here does I/O: transitions go to the sink, state is
 * checkpointed by whoever calls `snapshot`.
 */
export function createDetectionPipeline (options: PipelineOptions) {
  const { directory, sink } = options
  const models = new Map<string, CompiledModel>()
  const states = new Map<string, DeviceState>()
  /** Devices known to have no (compiled) model, so they cost one lookup per message. */
  const unmodelled = new Set<string>()
  const counters: PipelineCounters = { readings: 0, unknownMetric: 0, outOfOrder: 0, unmodelled: 0 }

  const rulOf = (state: DeviceState): RaiseRequest['rul'] => {
    const health = state.health
    return health === null || health.rul.unit !== 'hours'
      ? null
      : { value: health.rul.value, unit: 'hours', lower: health.rul.lower, upper: health.rul.upper }
  }

  const raiseRule = (state: DeviceState, rule: CompiledRule, at: number, evidence: Record<string, unknown>): void => {
    sink.raise({
      deviceId: state.deviceId,
      cause: rule.cause,
      kind: rule.alertKind,
      severity: rule.severity,
      metric: rule.metricName,
      at,
      evidence,
      rul: rulOf(state),
      location: directory.locationOf(state.deviceId),
      requiredSkills: rule.rule.requiredSkills,
      requiredParts: rule.rule.requiredParts
    })
  }

  const transitions: Transitions = {
    raise: (state, rule, ts, evidence) => raiseRule(state, rule, ts / 1000, evidence),
    clear: (state, rule, ts, reason) => sink.clear(state.deviceId, rule.cause, ts / 1000, reason)
  }

  const attach = (deviceId: string): DeviceState | null => {
    if (unmodelled.has(deviceId)) return null
    const modelId = directory.modelOf(deviceId)
    const model = modelId === null ? undefined : models.get(modelId)
    if (model === undefined) {
      unmodelled.add(deviceId)
      return null
    }
    const state = new DeviceState(deviceId, model)
    state.sinceMs = options.now()
    states.set(deviceId, state)
    return state
  }

  const clearMissing = (state: DeviceState, rules: readonly CompiledRule[], at: number): void => {
    for (const rule of rules) {
      if (state.slots[rule.offset] !== 1) continue
      state.slots[rule.offset] = 0
      state.missingActive--
      sink.clear(state.deviceId, rule.cause, at, rule.metric < 0 ? 'the device is sending again' : `${rule.metricName as string} is reported again`)
    }
  }

  const closeRulStep = (state: DeviceState): void => {
    const model = state.model
    const rul = model.rul
    if (rul === null || state.estimator === null) return
    const values: Record<string, number> = {}
    let any = false
    for (let c = 0; c < rul.sensors.length; c++) {
      const count = state.counts[c] as number
      const mean = count > 0 ? (state.sums[c] as number) / count : state.lastMeans[c] as number
      state.sums[c] = 0
      state.counts[c] = 0
      if (Number.isNaN(mean)) continue
      state.lastMeans[c] = mean
      values[rul.sensors[c] as string] = mean
      any = true
    }
    if (!any) return
    const at = (state.step + 1) * rul.stepSeconds * 1000
    const health = state.setHealth(state.estimator.update(values, at - 1), at)
    options.onHealth?.(state.deviceId, health)
    const hours = health.rul.value
    for (const rule of model.rulRules) {
      const o = rule.offset
      if (state.slots[o + U_ACTIVE] === 1) {
        if (hours > rule.clearLevel) {
          state.slots[o + U_ACTIVE] = 0
          state.slots[o + U_COUNT] = 0
          sink.clear(state.deviceId, rule.cause, at, `remaining useful life back above ${rule.clearLevel} h (${round(hours)} h)`)
        }
      } else if (hours < rule.level) {
        state.slots[o + U_COUNT] = (state.slots[o + U_COUNT] as number) + 1
        if ((state.slots[o + U_COUNT] as number) >= rule.forUpdates) {
          state.slots[o + U_ACTIVE] = 1
          raiseRule(state, rule, at, {
            rule: rule.rule.id,
            condition: `remaining useful life below ${rule.level} h for ${rule.forUpdates} estimate(s)`,
            healthIndex: round(health.healthIndex),
            rul: health.rul,
            inputs: values
          })
        }
      } else {
        state.slots[o + U_COUNT] = 0
      }
    }
  }

  const feedRul = (state: DeviceState, column: number, ts: number, value: number): void => {
    const stepMicros = (state.model.rul as NonNullable<CompiledModel['rul']>).stepSeconds * 1e6
    const step = Math.floor(ts / stepMicros)
    if (step !== state.step) {
      if (step < state.step) return
      if (state.step >= 0) closeRulStep(state)
      state.step = step
    }
    state.sums[column] = (state.sums[column] as number) + value
    state.counts[column] = (state.counts[column] as number) + 1
  }

  const pipeline = {
    counters,

    /** Install or replace a model; devices on it keep the state of unchanged rules, the rest starts afresh. */
    setModel (model: CompiledModel): void {
      models.set(model.id, model)
      unmodelled.clear()
      for (const [deviceId, old] of [...states]) {
        if (old.model.id !== model.id) continue
        pipeline.restore(deviceId, old.snapshot(), options.now())
        const fresh = states.get(deviceId)
        if (fresh === undefined) continue
        fresh.lastSeenMs = old.lastSeenMs
        fresh.sinceMs = old.sinceMs
        old.model.metricNames.forEach((name, i) => {
          const index = model.metricIndex.get(name)
          if (index !== undefined) fresh.metricSeenMs[index] = old.metricSeenMs[i] as number
        })
      }
    },

    removeModel (modelId: string): void {
      models.delete(modelId)
      for (const [deviceId, state] of states) {
        if (state.model.id !== modelId) continue
        for (const rule of state.model.rules) sink.clear(deviceId, rule.cause, options.now(), 'the device model was removed')
        states.delete(deviceId)
      }
    },

    /** The device's model (or registry entry) changed: start it afresh on its current model. */
    deviceChanged (deviceId: string): void {
      unmodelled.delete(deviceId)
      const state = states.get(deviceId)
      if (state === undefined || directory.modelOf(deviceId) === state.model.id) return
      for (const rule of state.model.rules) sink.clear(deviceId, rule.cause, options.now(), 'the device moved to another model')
      states.delete(deviceId)
    },

    onReadings (deviceId: string, readings: readonly Reading[]): void {
      const state = states.get(deviceId) ?? attach(deviceId)
      if (state === null) {
        counters.unmodelled += readings.length
        return
      }
      const nowMs = options.now()
      const model = state.model
      state.lastSeenMs = nowMs
      state.dirty = true
      if (state.missingActive > 0) clearMissing(state, model.missingDevice, nowMs)
      counters.readings += readings.length
      for (let r = 0; r < readings.length; r++) {
        const reading = readings[r] as Reading
        const index = model.metricIndex.get(reading.metric)
        if (index === undefined) {
          counters.unknownMetric++
          continue
        }
        state.metricSeenMs[index] = nowMs
        if (state.missingActive > 0) clearMissing(state, model.missingByMetric[index] as CompiledRule[], nowMs)
        const ts = reading.ts
        if (ts <= (state.metricTs[index] as number)) {
          counters.outOfOrder++
          continue
        }
        state.metricTs[index] = ts
        if (ts > state.lastTs) state.lastTs = ts
        const value = reading.value
        const rules = model.byMetric[index] as CompiledRule[]
        for (let i = 0; i < rules.length; i++) {
          const rule = rules[i] as CompiledRule
          if (rule.kind === 'threshold') evaluateThreshold(state, rule, ts, value, transitions)
          else if (rule.kind === 'anomaly') evaluateAnomaly(state, rule, ts, value, transitions)
          else evaluateRate(state, rule, ts, value, transitions)
        }
        const column = model.rulColumn[index] as number
        if (column >= 0) feedRul(state, column, ts, value)
      }
    },

    /**
     * A fault code from `devices/{id}/events`: raises a `fault_code` alert (severity from the model's
     * catalogue, else the device's own; `info` raises nothing); `data.cleared: true` clears it.
     */
    onDeviceEvent (event: DeviceEvent): void {
      const state = states.get(event.deviceId) ?? attach(event.deviceId)
      const nowMs = options.now()
      if (state !== null) {
        state.lastSeenMs = nowMs
        if (state.missingActive > 0) clearMissing(state, state.model.missingDevice, nowMs)
      }
      const entry = state?.model.faultCodes.get(event.code.toUpperCase()) ?? null
      const cause = causeOfFaultCode(event.code)
      const at = event.ts / 1000
      if (event.data !== null && event.data.cleared === true) {
        sink.clear(event.deviceId, cause, at, `the device reported ${event.code} cleared`)
        return
      }
      const severity = entry?.severity ?? event.severity
      if (severity === 'info') return
      sink.raise({
        deviceId: event.deviceId,
        cause,
        kind: 'fault_code',
        severity,
        metric: null,
        at,
        evidence: {
          code: event.code,
          title: entry?.title ?? null,
          cause: entry?.cause ?? null,
          remedy: entry?.remedy ?? null,
          message: event.message,
          data: event.data,
          inCatalogue: entry !== null,
          reportedAt: new Date(at).toISOString()
        },
        rul: state === null ? null : rulOf(state),
        location: directory.locationOf(event.deviceId),
        requiredSkills: entry?.skills ?? [],
        requiredParts: entry?.parts.map((part) => part.partNumber) ?? []
      })
    },

    /** Missing data: raise for every device (or metric) silent for longer than its rule allows. */
    tick (nowMs: number): void {
      for (const state of states.values()) {
        const rules = state.model.missing
        if (rules.length === 0 || state.lastSeenMs === 0) continue
        for (const rule of rules) {
          if (state.slots[rule.offset] === 1) continue
          const last = rule.metric < 0 ? state.lastSeenMs : Math.max(state.metricSeenMs[rule.metric] as number, state.sinceMs)
          if (nowMs - last < rule.afterMs) continue
          state.slots[rule.offset] = 1
          state.missingActive++
          state.dirty = true
          raiseRule(state, rule, nowMs, {
            rule: rule.rule.id,
            condition: rule.metric < 0 ? `no data for ${rule.afterMs / 60_000} min` : `no ${rule.metricName as string} for ${rule.afterMs / 60_000} min`,
            lastSeenAt: new Date(last).toISOString(),
            silentMinutes: Math.floor((nowMs - last) / 60_000)
          })
        }
      }
    },

    stateOf (deviceId: string): DeviceState | undefined {
      return states.get(deviceId)
    },

    health (deviceId: string): Health | null {
      return states.get(deviceId)?.health ?? null
    },

    /**
     * Install a device's checkpointed state (at start, or after its model changed). Rules whose state
     * could not be kept have their open alerts cleared. Returns false when the device has no model now.
     */
    restore (deviceId: string, snapshot: DeviceStateSnapshot, nowMs: number): boolean {
      const modelId = directory.modelOf(deviceId)
      const model = modelId === null ? undefined : models.get(modelId)
      if (model === undefined) return false
      const { state, dropped } = restoreDeviceState(deviceId, model, snapshot)
      for (const ruleId of dropped) sink.clear(deviceId, `rule:${ruleId}`, nowMs, 'the rule was changed or removed')
      // Silence is measured from now: the platform was not listening while it was down.
      state.sinceMs = nowMs
      if (state.lastTs > 0) state.lastSeenMs = nowMs
      state.dirty = true
      states.set(deviceId, state)
      unmodelled.delete(deviceId)
      return true
    },

    /** Devices changed since the last call (their checkpoint is due); resets the marks. */
    takeDirty (): string[] {
      const dirty: string[] = []
      for (const [deviceId, state] of states) {
        if (!state.dirty) continue
        state.dirty = false
        dirty.push(deviceId)
      }
      return dirty
    },

    deviceIds (): IterableIterator<string> {
      return states.keys()
    }
  }
  return pipeline
}

export type DetectionPipeline = ReturnType<typeof createDetectionPipeline>

function round (value: number): number {
  return Math.round(value * 100) / 100
}
