import type { FastifyRequest } from 'fastify'
import { isCanonicalUuid, unstorableTextKind } from '../core/text.js'

/**
 * What a JSON Schema lets through but the database would refuse, checked around validation so the
 * client gets a 400 naming the field instead of a 500 from the database.
 */

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
  ajv.addFormat('uuid', { type: 'string', validate: isCanonicalUuid })
  const dateTime = validatorOf(ajv.formats['date-time'])
  // Date.UTC maps years 0–99 to 1900–1999: set the year itself.
  const yearOne = new Date(Date.UTC(2000, 0, 1))
  yearOne.setUTCFullYear(1)
  const earliest = yearOne.getTime() - 14 * 3_600_000
  const latest = Date.UTC(10000, 0, 1) + 14 * 3_600_000
  ajv.addFormat('date-time', {
    type: 'string',
    validate: (value) => {
      if (!dateTime(value)) return false
      const ms = Date.parse(value)
      return Number.isFinite(ms) && ms >= earliest && ms < latest
    }
  })
}

export interface Unstorable {
  field: string
  problem: string
}

const PROBLEMS = { nul: 'contains the character U+0000', lone_surrogate: 'is not well-formed Unicode (a lone surrogate)' } as const

function problemOf (text: string): string | null {
  const kind = unstorableTextKind(text)
  return kind === null ? null : PROBLEMS[kind]
}

/** What a walk looks for: a leaf (string, number, …) or an object key that is wrong, and why. */
interface Search<T> {
  leaf (value: unknown, path: string): T | null
  key? (key: string, path: string): T | null
}

/** How deeply a request's query or body may nest objects and arrays. No route's schema goes near it. */
export const MAX_INPUT_DEPTH = 64

/**
 * The path of the first object or array nested deeper than MAX_INPUT_DEPTH in `value`, or null. Walked
 * with an explicit stack: a body of 100,000 nested arrays parses fine, but would exhaust the call stack
 * of anything that recursed over it (validation, hashing, JSON.stringify).
 */
export function findTooDeep (value: unknown, path: string): string | null {
  const stack: Array<{ node: unknown, path: string, depth: number }> = [{ node: value, path, depth: 0 }]
  while (stack.length > 0) {
    const { node, path: at, depth } = stack.pop() as { node: unknown, path: string, depth: number }
    if (node === null || typeof node !== 'object') continue
    if (depth > MAX_INPUT_DEPTH) return at
    const entries: Array<[string, unknown]> = Array.isArray(node) ? node.map((item, i) => [String(i), item]) : Object.entries(node)
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, item] = entries[i] as [string, unknown]
      if (item !== null && typeof item === 'object') stack.push({ node: item, path: `${at}.${key}`, depth: depth + 1 })
    }
  }
  return null
}

/** The first part of the request (query, then body) nested deeper than MAX_INPUT_DEPTH, by path, or null. */
export function tooDeepFieldOf (request: FastifyRequest): string | null {
  return findTooDeep(request.query, 'query') ?? findTooDeep(request.body, 'body')
}

/**
 * The first finding of `search` in `value`, depth first, paths as `body.customer.name`, `body.items.1`.
 * Requests are refused past MAX_INPUT_DEPTH before this runs, so the recursion is bounded.
 */
function findFirst<T> (value: unknown, path: string, search: Search<T>, depth = 0): T | null {
  if (value === null || typeof value !== 'object') return search.leaf(value, path)
  if (depth > MAX_INPUT_DEPTH) return null
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findFirst(value[i], `${path}.${i}`, search, depth + 1)
      if (found !== null) return found
    }
    return null
  }
  for (const [key, item] of Object.entries(value)) {
    const found = search.key?.(key, path) ?? findFirst(item, `${path}.${key}`, search, depth + 1)
    if (found !== null) return found
  }
  return null
}

/** The first finding in the request's params, then query, then body. */
function findInRequest<T> (request: FastifyRequest, search: Search<T>): T | null {
  return findFirst(request.params, 'params', search) ?? findFirst(request.query, 'query', search) ?? findFirst(request.body, 'body', search)
}

const UNSTORABLE: Search<Unstorable> = {
  leaf (value, path) {
    const problem = typeof value === 'string' ? problemOf(value) : null
    return problem === null ? null : { field: path, problem }
  },
  key (key, path) {
    const problem = problemOf(key)
    return problem === null ? null : { field: `${path}.${JSON.stringify(key).slice(1, -1)}`, problem: `(a key) ${problem}` }
  }
}

/**
 * The first string or key in `value` that PostgreSQL cannot store — holding U+0000 (text cannot)
 * or a lone surrogate (json cannot) — by its path (`body.problem`, `query.q`), or null.
 */
export function findUnstorable (value: unknown, path: string): Unstorable | null {
  return findFirst(value, path, UNSTORABLE)
}

/** The first field of the request the database could not store, or null. */
export function unstorableFieldOf (request: FastifyRequest): Unstorable | null {
  return findInRequest(request, UNSTORABLE)
}

const NON_FINITE: Search<string> = {
  leaf: (value, path) => typeof value === 'number' && !Number.isFinite(value) ? path : null
}

/**
 * The first number in `value` that is not finite. JSON has no Infinity, but `1e400` parses to it, and
 * ajv coerces the strings "Infinity" and "1e400" in a query to ±Infinity and skips minimum/maximum
 * for them; the database cannot store it (or stores JSON null).
 */
export function findNonFinite (value: unknown, path: string): string | null {
  return findFirst(value, path, NON_FINITE)
}

/** The first field of the validated (and coerced) request holding a number that is not finite, or null. */
export function nonFiniteFieldOf (request: FastifyRequest): string | null {
  return findInRequest(request, NON_FINITE)
}
