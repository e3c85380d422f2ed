/**
 * A device model: what its machines measure, when that is a problem, and what its fault codes mean.
 * Rules are data: the detection pipeline compiles them (detection/compile-model.ts); nothing here runs.
 */
export type Severity = 'info' | 'warning' | 'critical'

export interface MetricDefinition {
  name: string
  unit: string
  label: string | null
  /** The range a healthy machine stays in under normal operation (shown on charts, used by anomaly evidence). */
  normal: { min: number, max: number }
}

interface RuleBase {
  /** Unique within the model; an alert's cause is `<rule id>` (fault codes: `fault_code:<code>`). */
  id: string
  severity: Severity
  description: string | null
  /** Skills an engineer needs to deal with it, and part numbers usually needed (passed on to dispatch). */
  requiredSkills: string[]
  requiredParts: string[]
}

/** "temp > 95 for 5 min, clear below 90" = `{metric:'temp', above:95, forSeconds:300, clearBelow:90}`. */
export interface ThresholdRule extends RuleBase {
  kind: 'threshold'
  metric: string
  above?: number
  clearBelow?: number
  below?: number
  clearAbove?: number
  forSeconds: number
}

/** Change over `windowSeconds` faster than `risePerMinute` up or `fallPerMinute` down. */
export interface RateOfChangeRule extends RuleBase {
  kind: 'rate_of_change'
  metric: string
  risePerMinute?: number
  fallPerMinute?: number
  windowSeconds: number
}

/** No reading of `metric` (or of anything, when metric is null) for `afterMinutes`; raises an `offline` alert. */
export interface MissingDataRule extends RuleBase {
  kind: 'missing_data'
  metric: string | null
  afterMinutes: number
}

/**
 * EWMA mean and variance per device × metric, decaying with time: the mean with `halfLifeHours`, the
 * variance with `varianceHalfLifeHours` (longer, so a slow drift shows as a growing z instead of being
 * absorbed as extra variance). |z| ≥ zRaise for `forSeconds` raises, |z| ≤ zClear clears. The baseline
 * is frozen while raised (or about to be).
 */
export interface AnomalyRule extends RuleBase {
  kind: 'anomaly'
  metric: string
  direction: 'both' | 'up' | 'down'
  halfLifeHours: number
  varianceHalfLifeHours: number
  zRaise: number
  zClear: number
  forSeconds: number
  /** Readings that build the baseline before the rule may raise. */
  warmupReadings: number
}

/** Remaining useful life below `belowHours` for `forUpdates` consecutive estimates; clears above `clearAboveHours`. */
export interface RulRule extends RuleBase {
  kind: 'rul'
  belowHours: number
  clearAboveHours: number
  forUpdates: number
}

export type Rule = ThresholdRule | RateOfChangeRule | MissingDataRule | AnomalyRule | RulRule
export type RuleKind = Rule['kind']

export interface FaultCodePart {
  partNumber: string
  name: string
  quantity: number
}

export interface FaultCode {
  code: string
  title: string
  cause: string
  remedy: string
  /** `info` codes are recorded but raise no alert. */
  severity: Severity
  parts: FaultCodePart[]
  skills: string[]
}

/** Which remaining-useful-life model the devices use: an artefact in gateway/insight/models/ (`<artifact>.rul.json`). */
export interface RulSettings {
  artifact: string
}

export interface DeviceModelDefinition {
  /** The value of `model` on the devices of this model (e.g. `AC-200`). */
  id: string
  name: string
  manufacturer: string | null
  description: string | null
  metrics: MetricDefinition[]
  rules: Rule[]
  faultCodes: FaultCode[]
  rul: RulSettings | null
}

export interface DeviceModel extends DeviceModelDefinition {
  version: number
  createdAt: Date
  updatedAt: Date
  updatedBy: string | null
}
