import { validateEvent } from './event-validation.js'
import type { ValidatedEvent } from './event-validation.js'
import { isPlainObject, MAX_PROBLEMS, pointerOf, ProblemCollector } from './validation-context.js'
import type { ValidationProblem } from './validation-context.js'

/**
 * Validation of an EPCISDocument for capture (EPCIS 2.0 §8.2.2 and the JSON/JSON-LD binding §10):
 * liberal in what the standard allows (any `@context` form, extension fields with namespace prefixes,
 * event types as terms or IRIs, optional fields, any ISO 8601 offset), strict in what it requires.
 * The capture is all or nothing, so every problem found is reported, up to MAX_PROBLEMS. Pure.
 */

export type ValidationResult =
  | { ok: true, events: ValidatedEvent[] }
  | { ok: false, problems: ValidationProblem[] }

const DOCUMENT_FIELDS = new Set(['@context', 'id', 'type', 'schemaVersion', 'creationDate', 'epcisHeader', 'epcisBody', 'sender', 'receiver', 'instanceIdentifier'])
const DOCUMENT_TYPES = new Set(['EPCISDocument', 'epcis:EPCISDocument', 'https://ref.gs1.org/epcis/EPCISDocument'])

export function validateDocument (document: unknown): ValidationResult {
  const check = new ProblemCollector({})
  if (!isPlainObject(document)) {
    check.add('', 'the body must be an EPCISDocument: a JSON object with "type": "EPCISDocument"')
    return { ok: false, problems: check.problems }
  }
  check.keys('', document, DOCUMENT_FIELDS, 'an EPCISDocument')
  if (document.type === undefined) check.add('/type', 'is required and must be "EPCISDocument"')
  else if (typeof document.type !== 'string' || !DOCUMENT_TYPES.has(document.type)) check.add('/type', `${JSON.stringify(document.type)} is not "EPCISDocument"`)
  if (document['@context'] === undefined) check.add('/@context', 'is required: a JSON-LD context, e.g. "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"')
  else checkContext(check, '/@context', document['@context'])
  if (document.schemaVersion === undefined) check.add('/schemaVersion', 'is required ("2.0")')
  else if (!isSchemaVersion2(document.schemaVersion)) check.add('/schemaVersion', 'must be "2.0" (EPCIS 2.x)')
  if (document.creationDate === undefined) check.add('/creationDate', 'is required')
  else check.timestamp('/creationDate', document.creationDate)
  if (document.epcisHeader !== undefined) check.object('/epcisHeader', document.epcisHeader)

  const body = document.epcisBody
  if (body === undefined) check.add('/epcisBody', 'is required and must hold eventList')
  else if (check.object('/epcisBody', body)) {
    if (body.eventList === undefined) check.add('/epcisBody/eventList', 'is required')
    else if (check.array('/epcisBody/eventList', body.eventList)) {
      if (check.problems.length > 0) return { ok: false, problems: check.problems }
      return validateEvents(body.eventList, '/epcisBody/eventList', prefixesOf(document['@context']))
    }
  }
  return { ok: false, problems: check.problems }
}

/** Validate a list of events (the document's eventList, or events the platform records itself). */
export function validateEvents (events: readonly unknown[], pointer: string, documentPrefixes: Record<string, string>): ValidationResult {
  const problems: ValidationProblem[] = []
  const valid: ValidatedEvent[] = []
  for (let index = 0; index < events.length && problems.length < MAX_PROBLEMS; index++) {
    const event = events[index]
    const eventContext = isPlainObject(event) ? event['@context'] : undefined
    const check = new ProblemCollector(eventContext === undefined ? documentPrefixes : { ...documentPrefixes, ...prefixesOf(eventContext) })
    check.eventIndex = index
    if (eventContext !== undefined) checkContext(check, pointerOf(pointer, index, '@context'), eventContext)
    const result = validateEvent(event, index, pointerOf(pointer, index), check)
    problems.push(...check.problems.slice(0, MAX_PROBLEMS - problems.length))
    if (result !== null && check.problems.length === 0) valid.push(result)
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, events: valid }
}

/** "2.0" as the standard writes it; early EPCIS 2.0 writers sent the number 2.0, which means the same. */
function isSchemaVersion2 (value: unknown): boolean {
  if (typeof value === 'number') return value >= 2 && value < 3
  return typeof value === 'string' && /^2(\.\d+){0,2}$/.test(value)
}

/** `@context`: an IRI, an object, or an array of both (JSON-LD 1.1 §3.1). */
function checkContext (check: ProblemCollector, pointer: string, context: unknown): void {
  const items = Array.isArray(context) ? context : [context]
  if (items.length === 0) check.add(pointer, 'must not be empty')
  items.forEach((item, i) => {
    const where = Array.isArray(context) ? pointerOf(pointer, i) : pointer
    if (typeof item === 'string') check.uri(where, item)
    else if (!isPlainObject(item)) check.add(where, 'must be a context IRI or an object of term definitions')
  })
}

/** The CURIE prefixes a JSON-LD context declares: terms whose value is an IRI (or `{"@id": IRI}`). */
export function prefixesOf (context: unknown): Record<string, string> {
  const prefixes: Record<string, string> = {}
  for (const item of Array.isArray(context) ? context : [context]) {
    if (!isPlainObject(item)) continue
    for (const [term, definition] of Object.entries(item)) {
      if (term.startsWith('@')) continue
      const iri = typeof definition === 'string' ? definition : isPlainObject(definition) && typeof definition['@id'] === 'string' ? definition['@id'] : null
      if (iri !== null && /^[A-Za-z][A-Za-z0-9+.-]*:/.test(iri)) prefixes[term] = iri
    }
  }
  return prefixes
}
