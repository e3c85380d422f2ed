import { Ajv } from 'ajv'
import type { ErrorObject, ValidateFunction } from 'ajv'
import type { DeviceModelDefinition, FaultCode, MetricDefinition, Rule, RulSettings } from './device-model.js'
import { deviceModelSchema, faultCodesBodySchema, rulesBodySchema } from './device-model.schema.js'

/**
 * Validation of device model definitions: JSON Schema first (shape and types), then the semantic checks
 * a schema cannot express. Pure: returns the normalised definition (defaults filled in) or the first
 * problem, with the offending field as a path like `body.rules[2].clearBelow`.
 */
export interface Problem {
  field: string
  message: string
}

export type Validated<T> = { ok: true, value: T } | { ok: false, problem: Problem }

/** What validation needs to know about the installed remaining-useful-life artefacts. */
export interface RulArtifactCatalog {
  /** The metrics the artefact reads, or null when no artefact has that name. */
  sensorsOf (artifact: string): readonly string[] | null
  names (): string[]
}

const ajv = new Ajv({ allErrors: false, strict: true, strictRequired: false, discriminator: true, allowUnionTypes: true })
const validateModelShape = ajv.compile(deviceModelSchema)
const validateRulesShape = ajv.compile(rulesBodySchema)
const validateFaultCodesShape = ajv.compile(faultCodesBodySchema)

/** `/rules/2/clearBelow` → `body.rules[2].clearBelow`. */
export function pathToField (base: string, instancePath: string, extra?: string): string {
  let field = base
  for (const part of instancePath.split('/').slice(1)) field += /^\d+$/.test(part) ? `[${part}]` : `.${part}`
  return extra === undefined || extra === '' ? field : `${field}.${extra}`
}

function shapeProblem (base: string, errors: ErrorObject[] | null | undefined): Problem {
  const error = errors?.[0]
  if (error === undefined) return { field: base, message: 'is invalid' }
  const params = error.params as Record<string, unknown>
  if (typeof params.missingProperty === 'string') return { field: pathToField(base, error.instancePath, params.missingProperty), message: 'is required' }
  if (typeof params.additionalProperty === 'string') return { field: pathToField(base, error.instancePath, params.additionalProperty), message: 'is not an accepted field' }
  if (error.keyword === 'discriminator') {
    return { field: pathToField(base, error.instancePath, 'kind'), message: 'must be one of threshold, rate_of_change, missing_data, anomaly, rul' }
  }
  const allowed = Array.isArray(params.allowedValues) ? `: ${(params.allowedValues as unknown[]).join(', ')}` : ''
  return { field: pathToField(base, error.instancePath), message: `${error.message ?? 'is invalid'}${allowed}` }
}

function checkShape<T> (validate: ValidateFunction, input: unknown): Validated<T> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return { ok: false, problem: { field: 'body', message: 'must be a JSON object' } }
  return validate(input) ? { ok: true, value: input as T } : { ok: false, problem: shapeProblem('body', validate.errors) }
}

// ---- normalisation (defaults) -------------------------------------------------------------------

function normaliseRule (raw: Record<string, unknown>): Rule {
  const base = {
    id: raw.id as string,
    severity: (raw.severity ?? 'warning') as Rule['severity'],
    description: (raw.description ?? null) as string | null,
    requiredSkills: (raw.requiredSkills ?? []) as string[],
    requiredParts: (raw.requiredParts ?? []) as string[]
  }
  const optional = (name: string): Record<string, number> => typeof raw[name] === 'number' ? { [name]: raw[name] as number } : {}
  switch (raw.kind) {
    case 'threshold':
      return {
        ...base, kind: 'threshold', metric: raw.metric as string, ...optional('above'), ...optional('clearBelow'),
        ...optional('below'), ...optional('clearAbove'), forSeconds: (raw.forSeconds ?? 0) as number
      }
    case 'rate_of_change':
      return { ...base, kind: 'rate_of_change', metric: raw.metric as string, ...optional('risePerMinute'), ...optional('fallPerMinute'), windowSeconds: raw.windowSeconds as number }
    case 'missing_data':
      return { ...base, kind: 'missing_data', metric: (raw.metric ?? null) as string | null, afterMinutes: raw.afterMinutes as number }
    case 'anomaly':
      return {
        ...base, kind: 'anomaly', metric: raw.metric as string, direction: (raw.direction ?? 'both') as 'both',
        halfLifeHours: (raw.halfLifeHours ?? 24) as number,
        varianceHalfLifeHours: (raw.varianceHalfLifeHours ?? raw.halfLifeHours ?? 24) as number, zRaise: (raw.zRaise ?? 4) as number, zClear: (raw.zClear ?? 2) as number,
        forSeconds: (raw.forSeconds ?? 600) as number, warmupReadings: (raw.warmupReadings ?? 100) as number
      }
    default:
      return { ...base, kind: 'rul', belowHours: raw.belowHours as number, clearAboveHours: raw.clearAboveHours as number, forUpdates: (raw.forUpdates ?? 1) as number }
  }
}

function normaliseFaultCode (raw: Record<string, unknown>): FaultCode {
  return {
    code: raw.code as string,
    title: raw.title as string,
    cause: raw.cause as string,
    remedy: raw.remedy as string,
    severity: raw.severity as FaultCode['severity'],
    parts: ((raw.parts ?? []) as Array<Record<string, unknown>>).map((part) => ({
      partNumber: part.partNumber as string, name: part.name as string, quantity: (part.quantity ?? 1) as number
    })),
    skills: (raw.skills ?? []) as string[]
  }
}

function normaliseMetric (raw: Record<string, unknown>): MetricDefinition {
  const normal = raw.normal as { min: number, max: number }
  return { name: raw.name as string, unit: raw.unit as string, label: (raw.label ?? null) as string | null, normal: { min: normal.min, max: normal.max } }
}

// ---- semantic checks ----------------------------------------------------------------------------

function checkMetrics (metrics: readonly MetricDefinition[]): Problem | null {
  const seen = new Map<string, number>()
  for (const [i, metric] of metrics.entries()) {
    const earlier = seen.get(metric.name)
    if (earlier !== undefined) return { field: `body.metrics[${i}].name`, message: `duplicates metrics[${earlier}].name (${metric.name})` }
    seen.set(metric.name, i)
    if (metric.normal.min > metric.normal.max) return { field: `body.metrics[${i}].normal.max`, message: `must be at least normal.min (${metric.normal.min})` }
  }
  return null
}

function checkRule (rule: Rule, at: string, metrics: ReadonlySet<string>, rul: RulSettings | null): Problem | null {
  const declared = (metric: string, field = 'metric'): Problem | null => metrics.has(metric)
    ? null
    : { field: `${at}.${field}`, message: `is not a metric of this model (declared: ${[...metrics].join(', ')})` }
  const nonNegative = (value: number, field: string): Problem | null => value >= 0 ? null : { field: `${at}.${field}`, message: 'must be >= 0' }
  const positive = (value: number, field: string): Problem | null => value > 0 ? null : { field: `${at}.${field}`, message: 'must be > 0' }
  switch (rule.kind) {
    case 'threshold': {
      const hasAbove = rule.above !== undefined
      const hasBelow = rule.below !== undefined
      if (hasAbove && hasBelow) return { field: `${at}.below`, message: 'cannot be combined with above in one rule; write two rules' }
      if (!hasAbove && !hasBelow) return { field: `${at}.above`, message: 'is required (or below)' }
      if (hasAbove) {
        if (rule.clearAbove !== undefined) return { field: `${at}.clearAbove`, message: 'belongs to a below rule; an above rule clears with clearBelow' }
        if (rule.clearBelow !== undefined && rule.clearBelow > (rule.above as number)) {
          return { field: `${at}.clearBelow`, message: `must be at most above (${rule.above}): the rule clears below the level that raised it` }
        }
      } else {
        if (rule.clearBelow !== undefined) return { field: `${at}.clearBelow`, message: 'belongs to an above rule; a below rule clears with clearAbove' }
        if (rule.clearAbove !== undefined && rule.clearAbove < (rule.below as number)) {
          return { field: `${at}.clearAbove`, message: `must be at least below (${rule.below}): the rule clears above the level that raised it` }
        }
      }
      return declared(rule.metric) ?? nonNegative(rule.forSeconds, 'forSeconds')
    }
    case 'rate_of_change':
      if (rule.risePerMinute === undefined && rule.fallPerMinute === undefined) return { field: `${at}.risePerMinute`, message: 'is required (or fallPerMinute)' }
      return declared(rule.metric) ?? positive(rule.windowSeconds, 'windowSeconds')
    case 'missing_data':
      return (rule.metric === null ? null : declared(rule.metric)) ?? positive(rule.afterMinutes, 'afterMinutes')
    case 'anomaly':
      if (rule.zClear >= rule.zRaise) return { field: `${at}.zClear`, message: `must be below zRaise (${rule.zRaise}) for hysteresis` }
      return declared(rule.metric) ?? positive(rule.halfLifeHours, 'halfLifeHours') ??
        positive(rule.varianceHalfLifeHours, 'varianceHalfLifeHours') ?? positive(rule.zRaise, 'zRaise') ??
        nonNegative(rule.zClear, 'zClear') ?? nonNegative(rule.forSeconds, 'forSeconds')
    case 'rul':
      if (rul === null) return { field: `${at}.kind`, message: 'needs a remaining-useful-life model: set the device model\'s rul.artifact first' }
      if (rule.clearAboveHours < rule.belowHours) {
        return { field: `${at}.clearAboveHours`, message: `must be at least belowHours (${rule.belowHours}): the rule clears above the level that raised it` }
      }
      return positive(rule.belowHours, 'belowHours')
  }
}

export function checkRules (rules: readonly Rule[], metrics: readonly MetricDefinition[], rul: RulSettings | null): Problem | null {
  const names = new Set(metrics.map((metric) => metric.name))
  const ids = new Map<string, number>()
  for (const [i, rule] of rules.entries()) {
    const earlier = ids.get(rule.id)
    if (earlier !== undefined) return { field: `body.rules[${i}].id`, message: `duplicates rules[${earlier}].id (${rule.id})` }
    ids.set(rule.id, i)
    const problem = checkRule(rule, `body.rules[${i}]`, names, rul)
    if (problem !== null) return problem
  }
  return null
}

export function checkFaultCodes (faultCodes: readonly FaultCode[]): Problem | null {
  const codes = new Map<string, number>()
  for (const [i, entry] of faultCodes.entries()) {
    const key = entry.code.toUpperCase()
    const earlier = codes.get(key)
    if (earlier !== undefined) return { field: `body.faultCodes[${i}].code`, message: `duplicates faultCodes[${earlier}].code (${entry.code})` }
    codes.set(key, i)
    const parts = new Set<string>()
    for (const [p, part] of entry.parts.entries()) {
      if (parts.has(part.partNumber)) return { field: `body.faultCodes[${i}].parts[${p}].partNumber`, message: `is listed twice (${part.partNumber})` }
      parts.add(part.partNumber)
    }
  }
  return null
}

function checkRul (rul: RulSettings | null, metrics: readonly MetricDefinition[], artifacts: RulArtifactCatalog): Problem | null {
  if (rul === null) return null
  const sensors = artifacts.sensorsOf(rul.artifact)
  if (sensors === null) {
    const installed = artifacts.names()
    return { field: 'body.rul.artifact', message: `names no installed RUL model (installed: ${installed.length === 0 ? 'none' : installed.join(', ')})` }
  }
  const names = new Set(metrics.map((metric) => metric.name))
  const missing = sensors.filter((sensor) => !names.has(sensor))
  return missing.length === 0 ? null : { field: 'body.rul.artifact', message: `reads metrics this model does not declare: ${missing.join(', ')}` }
}

/** A whole model definition (`PUT /api/device-models/{id}`). */
export function validateDeviceModel (id: string, input: unknown, artifacts: RulArtifactCatalog): Validated<DeviceModelDefinition> {
  const shape = checkShape<Record<string, unknown>>(validateModelShape, input)
  if (!shape.ok) return shape
  const raw = shape.value
  const definition: DeviceModelDefinition = {
    id,
    name: raw.name as string,
    manufacturer: (raw.manufacturer ?? null) as string | null,
    description: (raw.description ?? null) as string | null,
    metrics: (raw.metrics as Array<Record<string, unknown>>).map(normaliseMetric),
    rules: ((raw.rules ?? []) as Array<Record<string, unknown>>).map(normaliseRule),
    faultCodes: ((raw.faultCodes ?? []) as Array<Record<string, unknown>>).map(normaliseFaultCode),
    rul: raw.rul === undefined || raw.rul === null ? null : { artifact: (raw.rul as { artifact: string }).artifact }
  }
  const problem = checkMetrics(definition.metrics) ?? checkRul(definition.rul, definition.metrics, artifacts) ??
    checkRules(definition.rules, definition.metrics, definition.rul) ?? checkFaultCodes(definition.faultCodes)
  return problem === null ? { ok: true, value: definition } : { ok: false, problem }
}

/** Only the rules of an existing model (`PUT /api/device-models/{id}/rules`). */
export function validateRules (input: unknown, model: Pick<DeviceModelDefinition, 'metrics' | 'rul'>): Validated<Rule[]> {
  const shape = checkShape<{ rules: Array<Record<string, unknown>> }>(validateRulesShape, input)
  if (!shape.ok) return shape
  const rules = shape.value.rules.map(normaliseRule)
  const problem = checkRules(rules, model.metrics, model.rul)
  return problem === null ? { ok: true, value: rules } : { ok: false, problem }
}

/** Only the fault-code catalogue of an existing model (`PUT /api/device-models/{id}/fault-codes`). */
export function validateFaultCodes (input: unknown): Validated<FaultCode[]> {
  const shape = checkShape<{ faultCodes: Array<Record<string, unknown>> }>(validateFaultCodesShape, input)
  if (!shape.ok) return shape
  const faultCodes = shape.value.faultCodes.map(normaliseFaultCode)
  const problem = checkFaultCodes(faultCodes)
  return problem === null ? { ok: true, value: faultCodes } : { ok: false, problem }
}
