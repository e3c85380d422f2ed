/**
 * JSON Schemas of what devices may publish. Range checks that depend on the time of receipt
 * (timestamps) are done in parse-payload.ts after the structural check.
 */
export const MAX_READINGS_PER_MESSAGE = 1000
export const MAX_METRICS_PER_READING = 256
export const MAX_EVENTS_PER_MESSAGE = 100

const metricName = { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$' }

/** `ts`: epoch milliseconds (integer) or an RFC 3339 date-time string. */
const timestamp = { anyOf: [{ type: 'integer' }, { type: 'string', maxLength: 40 }] }

const values = {
  type: 'object',
  minProperties: 1,
  maxProperties: MAX_METRICS_PER_READING,
  propertyNames: metricName,
  additionalProperties: { type: 'number' }
}

/** `{"ts":…,"values":{…}}` when the object has `values`; otherwise flat `{"temp":81.2}` at server time. */
const reading = {
  if: { type: 'object', required: ['values'] },
  then: { type: 'object', required: ['values'], properties: { ts: timestamp, values }, additionalProperties: false },
  else: { ...values, propertyNames: { ...metricName, not: { enum: ['ts'] } } }
}

export const telemetryPayloadSchema = {
  if: { type: 'array' },
  then: { type: 'array', minItems: 1, maxItems: MAX_READINGS_PER_MESSAGE, items: reading },
  else: reading
}

const event = {
  type: 'object',
  required: ['code'],
  properties: {
    ts: timestamp,
    code: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.:-]+$' },
    severity: { enum: ['info', 'warning', 'critical'] },
    message: { type: 'string', maxLength: 1000 },
    data: { type: 'object', maxProperties: 64 }
  },
  additionalProperties: false
}

export const eventPayloadSchema = {
  if: { type: 'array' },
  then: { type: 'array', minItems: 1, maxItems: MAX_EVENTS_PER_MESSAGE, items: event },
  else: event
}
