import type { FastifyRequest } from 'fastify'

/**
 * What a JSON Schema lets through but the database would refuse, checked before validation so the
 * client gets a 400 naming the field instead of a 500 from the database.
 */

/** The canonical form PostgreSQL's uuid reads (ajv's `uuid` format also accepts a `urn:uuid:` prefix). */
const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

interface FormatTarget {
  formats: Record<string, unknown>
  addFormat (name: string, format: { type: 'string', validate: (value: string) => boolean }): unknown
}

function validatorOf (format: unknown): (value: string) => boolean {
  if (format instanceof RegExp) return (value) => format.test(value)
  if (typeof format === 'function') return format as (value: string) => boolean
  if (typeof format === 'object' && format !== null && 'validate' in format) return validatorOf((format as { validate: unknown }).validate)
  return () => true
}

/**
 * Narrows ajv's formats to what the platform can store: `uuid` in canonical form only, and
 * `date-time` only for instants that exist (RFC 3339 allows second 60, which no clock stores) and
 * fall within years 1–9999.
 */
export function narrowFormats (ajv: FormatTarget): void {
  ajv.addFormat('uuid', { type: 'string', validate: (value) => CANONICAL_UUID.test(value) })
  const dateTime = validatorOf(ajv.formats['date-time'])
  ajv.addFormat('date-time', {
    type: 'string',
    validate: (value) => {
      if (!dateTime(value)) return false
      const ms = Date.parse(value)
      return Number.isFinite(ms) && ms >= Date.UTC(1, 0, 1) - 14 * 3_600_000 && ms < Date.UTC(10000, 0, 1) + 14 * 3_600_000
    }
  })
}

/** Where in `value` a string (or key) holds U+0000, which PostgreSQL text cannot store: `body.problem`, `query.q`. */
export function findNulField (value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null
  if (value === null || typeof value !== 'object' || depth > 64) return null
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findNulField(value[i], `${path}.${i}`, depth + 1)
      if (found !== null) return found
    }
    return null
  }
  for (const [key, item] of Object.entries(value)) {
    if (key.includes('\u0000')) return `${path}.${key.replaceAll('\u0000', '\\u0000')}`
    const found = findNulField(item, `${path}.${key}`, depth + 1)
    if (found !== null) return found
  }
  return null
}

/** The first field of the request holding U+0000, or null. */
export function nulFieldOf (request: FastifyRequest): string | null {
  return findNulField(request.params, 'params') ?? findNulField(request.query, 'query') ?? findNulField(request.body, 'body')
}
