/**
 * What detection needs from a remaining-useful-life model: the metrics it reads, how often it wants a
 * row (per-metric means over `stepSeconds`), and a fresh per-device estimator. gateway/insight/rul/
 * provides the estimator; detection/rul-models.ts loads the artefacts and adapts them to this port.
 */
export interface RulEstimateOut {
  /** 1 = healthy, 0 = failure expected now. */
  healthIndex: number
  rul: { value: number, unit: string, lower: number, upper: number }
}

export interface RulUnitEstimator {
  /** One row of means, keyed by metric; `at` is the last millisecond of the step (epoch ms). */
  update (values: Record<string, number>, at: number): RulEstimateOut
  snapshot (): unknown
  restore (state: unknown): void
}

export interface RulModel {
  name: string
  sensors: readonly string[]
  stepSeconds: number
  /** A fresh estimator for one device. */
  createUnit (deviceId: string): RulUnitEstimator
}

export interface RulModelCatalog {
  get (name: string): RulModel | null
  names (): string[]
  sensorsOf (name: string): readonly string[] | null
}

export function createRulModelCatalog (models: readonly RulModel[]): RulModelCatalog {
  const byName = new Map(models.map((model) => [model.name, model]))
  return {
    get: (name) => byName.get(name) ?? null,
    names: () => [...byName.keys()].sort(),
    sensorsOf: (name) => byName.get(name)?.sensors ?? null
  }
}
