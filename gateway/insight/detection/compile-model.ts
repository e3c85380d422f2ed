import type { DeviceModelDefinition, FaultCode, Rule, Severity } from '../device-models/device-model.js'
import type { AlertKind } from '../events.js'
import type { RulModel } from './rul-port.js'

/**
 * A device model turned into what the hot path needs: metric names → indexes, rules grouped by metric
 * with their numeric parameters pre-converted to microseconds, and each rule's place in the device's
 * flat state array (`Float64Array`, one per device, so a reading costs no allocation).
 */
export const SLOTS = { threshold: 3, rate_of_change: 4, anomaly: 7, missing_data: 1, rul: 2 } as const

/** Threshold slots: active (0/1), pending since (µs, NaN = not pending), extreme value while pending/active. */
export const T_ACTIVE = 0, T_PENDING = 1, T_EXTREME = 2
/** Rate slots: window start (µs, NaN = none), value at window start, active, last rate per minute. */
export const R_ANCHOR_TS = 0, R_ANCHOR_VALUE = 1, R_ACTIVE = 2, R_RATE = 3
/** Anomaly slots: readings seen, EWMA mean, EWMA variance, last ts (µs), active, pending since, peak |z|. */
export const A_COUNT = 0, A_MEAN = 1, A_VAR = 2, A_TS = 3, A_ACTIVE = 4, A_PENDING = 5, A_PEAK = 6
/** RUL slots: active, consecutive estimates below the level. */
export const U_ACTIVE = 0, U_COUNT = 1

export interface CompiledRule {
  rule: Rule
  kind: Rule['kind']
  alertKind: AlertKind
  cause: string
  severity: Severity
  /** Metric index, or −1 for device-level rules (missing data on any metric, RUL). */
  metric: number
  metricName: string | null
  offset: number
  /** Equal signatures mean a state can be carried over when the model is redefined. */
  signature: string
  // Pre-converted parameters (unused ones are 0).
  direction: number
  level: number
  clearLevel: number
  forMicros: number
  windowMicros: number
  tauMicros: number
  varianceTauMicros: number
  zRaise: number
  zClear: number
  warmup: number
  afterMs: number
  forUpdates: number
}

export interface CompiledModel {
  id: string
  version: number
  definition: DeviceModelDefinition
  metricNames: string[]
  metricIndex: Map<string, number>
  units: string[]
  rules: CompiledRule[]
  /** Per metric index: the threshold, rate and anomaly rules on it. */
  byMetric: CompiledRule[][]
  /** Missing-data rules (device-level and per metric). */
  missing: CompiledRule[]
  /** Per metric index: its missing-data rules (cleared by a reading of that metric). */
  missingByMetric: CompiledRule[][]
  missingDevice: CompiledRule[]
  rulRules: CompiledRule[]
  stateSize: number
  faultCodes: Map<string, FaultCode>
  rul: RulModel | null
  /** Per metric index: its column in the RUL row, or −1. */
  rulColumn: Int32Array
}

export function causeOfRule (ruleId: string): string {
  return `rule:${ruleId}`
}

export function causeOfFaultCode (code: string): string {
  return `fault_code:${code.toUpperCase()}`
}

const ALERT_KIND: Record<Rule['kind'], AlertKind> = {
  threshold: 'threshold', rate_of_change: 'threshold', anomaly: 'anomaly', missing_data: 'offline', rul: 'rul'
}

function compileRule (rule: Rule, metricIndex: Map<string, number>, offset: number): CompiledRule {
  const metricName = 'metric' in rule ? rule.metric : null
  const compiled: CompiledRule = {
    rule, kind: rule.kind, alertKind: ALERT_KIND[rule.kind], cause: causeOfRule(rule.id), severity: rule.severity,
    metric: metricName === null ? -1 : metricIndex.get(metricName) as number,
    metricName, offset, signature: JSON.stringify(rule),
    direction: 0, level: 0, clearLevel: 0, forMicros: 0, windowMicros: 0, tauMicros: 0, varianceTauMicros: 0, zRaise: 0, zClear: 0, warmup: 0, afterMs: 0, forUpdates: 0
  }
  switch (rule.kind) {
    case 'threshold':
      compiled.direction = rule.above !== undefined ? 1 : -1
      compiled.level = (rule.above ?? rule.below) as number
      compiled.clearLevel = rule.above !== undefined ? (rule.clearBelow ?? rule.above) : (rule.clearAbove ?? rule.below as number)
      compiled.forMicros = rule.forSeconds * 1e6
      break
    case 'rate_of_change':
      compiled.level = rule.risePerMinute ?? Infinity
      compiled.clearLevel = rule.fallPerMinute ?? Infinity
      compiled.windowMicros = rule.windowSeconds * 1e6
      break
    case 'anomaly':
      compiled.direction = rule.direction === 'up' ? 1 : rule.direction === 'down' ? -1 : 0
      // Half-life h → time constant τ = h / ln 2; a reading dt after the previous one has weight 1 − e^(−dt/τ).
      compiled.tauMicros = rule.halfLifeHours * 3600e6 / Math.LN2
      compiled.varianceTauMicros = rule.varianceHalfLifeHours * 3600e6 / Math.LN2
      compiled.zRaise = rule.zRaise
      compiled.zClear = rule.zClear
      compiled.forMicros = rule.forSeconds * 1e6
      compiled.warmup = rule.warmupReadings
      break
    case 'missing_data':
      compiled.afterMs = rule.afterMinutes * 60_000
      break
    case 'rul':
      compiled.level = rule.belowHours
      compiled.clearLevel = rule.clearAboveHours
      compiled.forUpdates = rule.forUpdates
      break
  }
  return compiled
}

/** Compile a validated definition; `rul` is the artefact its `rul.artifact` names (null when none or not installed). */
export function compileModel (definition: DeviceModelDefinition, version: number, rul: RulModel | null): CompiledModel {
  const metricNames = definition.metrics.map((metric) => metric.name)
  const metricIndex = new Map(metricNames.map((name, i) => [name, i]))
  const byMetric: CompiledRule[][] = metricNames.map(() => [])
  const missingByMetric: CompiledRule[][] = metricNames.map(() => [])
  const rules: CompiledRule[] = []
  let offset = 0
  for (const rule of definition.rules) {
    if (rule.kind === 'rul' && rul === null) continue
    const compiled = compileRule(rule, metricIndex, offset)
    offset += SLOTS[rule.kind]
    rules.push(compiled)
    if (rule.kind === 'missing_data') {
      if (compiled.metric >= 0) missingByMetric[compiled.metric]?.push(compiled)
    } else if (compiled.metric >= 0) {
      byMetric[compiled.metric]?.push(compiled)
    }
  }
  const rulColumn = new Int32Array(metricNames.length).fill(-1)
  if (rul !== null) {
    rul.sensors.forEach((sensor, column) => {
      const index = metricIndex.get(sensor)
      if (index !== undefined) rulColumn[index] = column
    })
  }
  const missing = rules.filter((rule) => rule.kind === 'missing_data')
  return {
    id: definition.id,
    version,
    definition,
    metricNames,
    metricIndex,
    units: definition.metrics.map((metric) => metric.unit),
    rules,
    byMetric,
    missing,
    missingByMetric,
    missingDevice: missing.filter((rule) => rule.metric < 0),
    rulRules: rules.filter((rule) => rule.kind === 'rul'),
    stateSize: offset,
    faultCodes: new Map(definition.faultCodes.map((entry) => [entry.code.toUpperCase(), entry])),
    rul,
    rulColumn
  }
}
