import type { FaultCode, Rule } from '../../gateway/insight/device-models/device-model.js'

/**
 * How a simulated machine model behaves. A sensor reads
 *   (base + perLoad·load + perAmbient·ambient) · (1 + Σ scale·wᵖ) + Σ add·wᵖ + transient offsets
 * through a first-order thermal lag, plus Gaussian noise that may grow with wear. `w` ∈ [0, 1] is the
 * wear of the device's failure mode (0 = healthy, 1 = failed). `ambient_temp` and `load` are the operating
 * condition itself.
 */
export interface SensorSpec {
  metric: string
  unit: string
  label: string
  normal: { min: number, max: number }
  base: number
  perLoad: number
  perAmbient: number
  noise: number
  /** Thermal inertia, minutes (0 = follows at once). */
  lagMinutes: number
  decimals: number
  floor?: number
}

export interface WearEffect {
  metric: string
  /** Added at full wear (times wᵖ). */
  add?: number
  /** Relative change at full wear (times wᵖ), applied to the healthy value. */
  scale?: number
  power: number
  /** Noise multiplied by (1 + noiseGrowth·w). */
  noiseGrowth?: number
}

export interface FailureModeSpec {
  id: string
  title: string
  effects: WearEffect[]
  /** Reported by the controller when the machine fails (the breakdown itself). */
  failureCode: string
  /**
   * A warning the controller reports by itself before the failure: when `metric` stays above `above` for
   * `forMinutes` (a built-in protection limit, like a real controller's), once per episode.
   */
  controllerWarning?: { code: string, metric: string, above: number, forMinutes: number }
}

export interface TransientSpec {
  id: string
  /** Reported when it starts (null: none). */
  code: string | null
  minutes: [number, number]
  /** Forced load (percent) while it lasts, or offsets added to sensors. */
  load?: number
  offsets?: Array<{ metric: string, add: number }>
}

export interface SimModelSpec {
  id: string
  name: string
  manufacturer: string
  description: string
  /** Name of the remaining-useful-life artefact trained for it (gateway/insight/models/<name>.rul.json). */
  rulArtifact: string
  sensors: SensorSpec[]
  failureModes: FailureModeSpec[]
  transients: TransientSpec[]
  /** Condition sensors (normalised against by the RUL model, not health signals). */
  conditionSensors: string[]
  rules: Array<Partial<Rule> & Pick<Rule, 'kind' | 'id'>>
  faultCodes: FaultCode[]
}

/** The body of `PUT /api/device-models/{id}` for a simulated model. */
export function definitionOf (spec: SimModelSpec, options: { withRul: boolean }): Record<string, unknown> {
  return {
    name: spec.name,
    manufacturer: spec.manufacturer,
    description: spec.description,
    metrics: spec.sensors.map((sensor) => ({ name: sensor.metric, unit: sensor.unit, label: sensor.label, normal: sensor.normal })),
    rules: options.withRul ? spec.rules : spec.rules.filter((rule) => rule.kind !== 'rul'),
    faultCodes: spec.faultCodes,
    rul: options.withRul ? { artifact: spec.rulArtifact } : null
  }
}
