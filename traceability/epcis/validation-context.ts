import { checkIdentifier, isAbsoluteUri, uriLengthProblem } from './identifiers.js'
import { parseTimestamp } from './timestamps.js'
import { resolveVocabulary } from './vocabulary.js'
import type { VocabularyKind } from './vocabulary.js'

/** One reason a document is refused: where (JSON pointer) and why. */
export interface ValidationProblem {
  /** RFC 6901 JSON pointer into the submitted document, e.g. `/epcisBody/eventList/2/bizStep`. */
  pointer: string
  message: string
  /** Index of the failing event in the event list, when the problem is inside an event. */
  eventIndex?: number
  eventID?: string
}

/** Stop collecting after this many problems: enough to fix a document, bounded for a huge one. */
export const MAX_PROBLEMS = 50

export function pointerOf (base: string, ...parts: Array<string | number>): string {
  return base + parts.map((part) => `/${String(part).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('')
}

export function isPlainObject (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * An extension field name (EPCIS 2.0 §9.1 / JSON binding §10.2): a compact IRI `prefix:local` whose
 * prefix is declared in `@context`, or an absolute IRI. Bare names are reserved for the standard.
 */
export function isExtensionName (name: string): boolean {
  return /^[A-Za-z_][\w.-]*:[^\s]+$/.test(name)
}

/**
 * Collects the problems of one event (or of the document header) with the event's index and ID, and
 * offers one checker per kind of field so the per-type rules stay declarative.
 */
export class ProblemCollector {
  readonly problems: ValidationProblem[] = []
  eventIndex: number | undefined
  eventID: string | undefined

  constructor (readonly prefixes: Record<string, string>) {}

  get full (): boolean {
    return this.problems.length >= MAX_PROBLEMS
  }

  add (pointer: string, message: string): void {
    if (this.full) return
    const problem: ValidationProblem = { pointer, message }
    if (this.eventIndex !== undefined) problem.eventIndex = this.eventIndex
    if (this.eventID !== undefined) problem.eventID = this.eventID
    this.problems.push(problem)
  }

  uri (pointer: string, value: unknown): value is string {
    if (!isAbsoluteUri(value)) {
      this.add(pointer, 'must be an absolute URI')
      return false
    }
    const tooLong = uriLengthProblem(value)
    if (tooLong !== null) this.add(pointer, tooLong)
    return tooLong === null
  }

  identifier (pointer: string, value: unknown): value is string {
    if (typeof value !== 'string') {
      this.add(pointer, 'must be a string (an EPC URI or a GS1 Digital Link URI)')
      return false
    }
    const problem = checkIdentifier(value)
    if (problem !== null) this.add(pointer, `${value} ${problem}`)
    return problem === null
  }

  identifierList (pointer: string, value: unknown): value is string[] {
    if (!Array.isArray(value)) {
      this.add(pointer, 'must be an array of identifiers')
      return false
    }
    let ok = true
    value.forEach((item, index) => { ok = this.identifier(pointerOf(pointer, index), item) && ok })
    return ok
  }

  timestamp (pointer: string, value: unknown): number | null {
    const parsed = parseTimestamp(value)
    if (parsed === null) this.add(pointer, 'must be a date-time with a time zone offset (xsd:dateTimeStamp, e.g. 2024-05-01T10:15:00.000+08:00)')
    return parsed?.ms ?? null
  }

  vocabulary (kind: VocabularyKind, pointer: string, value: unknown): string | null {
    const result = resolveVocabulary(kind, value, this.prefixes)
    if (!result.ok) this.add(pointer, result.problem)
    return result.ok ? result.uri : null
  }

  number (pointer: string, value: unknown): value is number {
    if (typeof value === 'number' && Number.isFinite(value)) return true
    this.add(pointer, 'must be a number')
    return false
  }

  object (pointer: string, value: unknown): value is Record<string, unknown> {
    if (isPlainObject(value)) return true
    this.add(pointer, 'must be an object')
    return false
  }

  array (pointer: string, value: unknown, options: { nonEmpty?: boolean } = {}): value is unknown[] {
    if (!Array.isArray(value)) {
      this.add(pointer, 'must be an array')
      return false
    }
    if (options.nonEmpty === true && value.length === 0) {
      this.add(pointer, 'must not be empty')
      return false
    }
    return true
  }

  /** Every key is one of `known` or an extension name. */
  keys (pointer: string, value: Record<string, unknown>, known: ReadonlySet<string>, what: string): void {
    for (const key of Object.keys(value)) {
      if (!known.has(key) && !isExtensionName(key)) {
        this.add(pointerOf(pointer, key), `is not a field of ${what}; extension fields need a namespace prefix declared in @context (e.g. "example:${key}")`)
      }
    }
  }
}
