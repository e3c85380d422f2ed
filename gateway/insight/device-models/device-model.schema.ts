/**
 * JSON Schemas of a device model definition, its rules and its fault codes. Rules are a discriminated
 * union on `kind`, so a wrong field is reported against the rule's own kind (ajv `discriminator`).
 * Semantic checks that JSON Schema cannot express (hysteresis direction, metric declared, …) are in
 * validate-device-model.ts.
 */
const name = { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$' }
const text = (maxLength: number) => ({ type: 'string', maxLength })
const nullableText = (maxLength: number) => ({ type: ['string', 'null'], maxLength })
const finite = { type: 'number' }
const severity = { enum: ['info', 'warning', 'critical'] }
const tags = { type: 'array', maxItems: 32, uniqueItems: true, items: { type: 'string', minLength: 1, maxLength: 64 } }

export const modelIdSchema = { type: 'string', minLength: 1, maxLength: 128 }

const ruleBase = {
  id: { type: 'string', pattern: '^[A-Za-z0-9_.:-]{1,64}$' },
  severity: { ...severity },
  description: nullableText(500),
  requiredSkills: tags,
  requiredParts: tags
}

function ruleOf (kind: string, properties: Record<string, unknown>, required: string[]) {
  return {
    type: 'object',
    properties: { kind: { const: kind }, ...ruleBase, ...properties },
    required: ['kind', 'id', ...required],
    additionalProperties: false
  }
}

export const ruleSchema = {
  type: 'object',
  required: ['kind'],
  discriminator: { propertyName: 'kind' },
  oneOf: [
    ruleOf('threshold', {
      metric: name, above: finite, clearBelow: finite, below: finite, clearAbove: finite,
      forSeconds: { type: 'number' }
    }, ['metric']),
    ruleOf('rate_of_change', {
      metric: name, risePerMinute: { type: 'number', exclusiveMinimum: 0 }, fallPerMinute: { type: 'number', exclusiveMinimum: 0 },
      windowSeconds: { type: 'number' }
    }, ['metric', 'windowSeconds']),
    ruleOf('missing_data', {
      metric: { anyOf: [name, { type: 'null' }] }, afterMinutes: { type: 'number' }
    }, ['afterMinutes']),
    ruleOf('anomaly', {
      metric: name,
      direction: { enum: ['both', 'up', 'down'] },
      halfLifeHours: { type: 'number' },
      varianceHalfLifeHours: { type: 'number' },
      zRaise: { type: 'number' },
      zClear: { type: 'number' },
      forSeconds: { type: 'number' },
      warmupReadings: { type: 'integer', minimum: 2, maximum: 1_000_000 }
    }, ['metric']),
    ruleOf('rul', {
      belowHours: { type: 'number' }, clearAboveHours: { type: 'number' },
      forUpdates: { type: 'integer', minimum: 1, maximum: 1000 }
    }, ['belowHours', 'clearAboveHours'])
  ]
}

export const faultCodeSchema = {
  type: 'object',
  properties: {
    code: { type: 'string', pattern: '^[A-Za-z0-9_.:-]{1,64}$' },
    title: { type: 'string', minLength: 1, maxLength: 200 },
    cause: text(2000),
    remedy: text(2000),
    severity,
    parts: {
      type: 'array',
      maxItems: 64,
      items: {
        type: 'object',
        properties: {
          partNumber: { type: 'string', minLength: 1, maxLength: 64 },
          name: { type: 'string', minLength: 1, maxLength: 200 },
          quantity: { type: 'integer', minimum: 1, maximum: 10_000 }
        },
        required: ['partNumber', 'name'],
        additionalProperties: false
      }
    },
    skills: tags
  },
  required: ['code', 'title', 'cause', 'remedy', 'severity'],
  additionalProperties: false
}

const metricSchema = {
  type: 'object',
  properties: {
    name,
    unit: { type: 'string', maxLength: 32 },
    label: nullableText(200),
    normal: {
      type: 'object',
      properties: { min: finite, max: finite },
      required: ['min', 'max'],
      additionalProperties: false
    }
  },
  required: ['name', 'unit', 'normal'],
  additionalProperties: false
}

export const rulesSchema = { type: 'array', maxItems: 500, items: ruleSchema }
export const faultCodesSchema = { type: 'array', maxItems: 5000, items: faultCodeSchema }

export const deviceModelSchema = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    manufacturer: nullableText(200),
    description: nullableText(2000),
    metrics: { type: 'array', minItems: 1, maxItems: 256, items: metricSchema },
    rules: { ...rulesSchema },
    faultCodes: { ...faultCodesSchema },
    rul: {
      anyOf: [
        {
          type: 'object',
          properties: {
            artifact: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,128}$' }
          },
          required: ['artifact'],
          additionalProperties: false
        },
        { type: 'null' }
      ]
    }
  },
  required: ['name', 'metrics'],
  additionalProperties: false
}

export const rulesBodySchema = {
  type: 'object', properties: { rules: rulesSchema }, required: ['rules'], additionalProperties: false
}

export const faultCodesBodySchema = {
  type: 'object', properties: { faultCodes: faultCodesSchema }, required: ['faultCodes'], additionalProperties: false
}
