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

/** Lone UTF-16 surrogates: not Unicode text, and refused by PostgreSQL's json (JSON.stringify writes them as `\ud800`). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

export interface Unstorable {
  field: string
  problem: string
}

function problemOf (text: string): string | null {
  if (text.includes('\u0000')) return 'contains the character U+0000'
  if (LONE_SURROGATE.test(text)) return 'is not well-formed Unicode (a lone surrogate)'
  return null
}

/**
 * The first string or key in `value` that PostgreSQL cannot store — holding U+0000 (text cannot)
 * or a lone surrogate (json cannot) — by its path (`body.problem`, `query.q`), or null.
 */
export function findUnstorable (value: unknown, path: string, depth = 0): Unstorable | null {
  if (typeof value === 'string') {
    const problem = problemOf(value)
    return problem === null ? null : { field: path, problem }
  }
  if (value === null || typeof value !== 'object' || depth > 64) return null
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnstorable(value[i], `${path}.${i}`, depth + 1)
      if (found !== null) return found
    }
    return null
  }
  for (const [key, item] of Object.entries(value)) {
    const keyProblem = problemOf(key)
    if (keyProblem !== null) return { field: `${path}.${JSON.stringify(key).slice(1, -1)}`, problem: `(a key) ${keyProblem}` }
    const found = findUnstorable(item, `${path}.${key}`, depth + 1)
    if (found !== null) return found
  }
  return null
}

/** The first field of the request the database could not store, or null. */
export function unstorableFieldOf (request: FastifyRequest): Unstorable | null {
  return findUnstorable(request.params, 'params') ?? findUnstorable(request.query, 'query') ?? findUnstorable(request.body, 'body')
}

/**
 * The first number in `value` that is not finite. JSON has no Infinity, but `1e400` parses to it, and
 * ajv coerces the strings "Infinity" and "1e400" in a query to ±Infinity and skips minimum/maximum
 * for them; the database cannot store it (or stores JSON null).
 */
export function findNonFinite (value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : path
  if (value === null || typeof value !== 'object' || depth > 64) return null
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findNonFinite(value[i], `${path}.${i}`, depth + 1)
      if (found !== null) return found
    }
    return null
  }
  for (const [key, item] of Object.entries(value)) {
    const found = findNonFinite(item, `${path}.${key}`, depth + 1)
    if (found !== null) return found
  }
  return null
}

/** The first field of the validated (and coerced) request holding a number that is not finite, or null. */
export function nonFiniteFieldOf (request: FastifyRequest): string | null {
  return findNonFinite(request.params, 'params') ?? findNonFinite(request.query, 'query') ?? findNonFinite(request.body, 'body')
}
