import { TRC_EPCIS_QUERY_INVALID } from '../errors.js'
import type { EventFilter, IdentifierMatch } from './epcis-query.repository.js'
import type { EpcisQuery, EpcisViewer, EpcRole } from './epcis.types.js'
import { canonicalIdentifier, isAbsoluteUri, parseEpcUri, uriLengthProblem } from './identifiers.js'
import { resolveVocabulary } from './vocabulary.js'
import type { VocabularyKind } from './vocabulary.js'

/**
 * SimpleEventQuery parameters (EPCIS 2.0 §8.2.7.1) → a repository filter. Values are accepted in
 * every form the standard allows and compared in stored form: CBV terms as bare words, Web URIs or
 * URNs; identifiers as EPC URIs, EPC pattern URIs (`urn:epc:idpat:sgtin:4012345.012345.*` matches
 * every serial of the class) or GS1 Digital Link URIs. Pure, no I/O.
 */

export const DEFAULT_PER_PAGE = 30
export const MAX_PER_PAGE = 1000

/** Which identifier roles each MATCH_ parameter looks at (EPCIS 2.0 §8.2.7.1.1). */
export const MATCH_ROLES: Readonly<Record<string, readonly EpcRole[]>> = {
  MATCH_epc: ['epc', 'child'],
  MATCH_parentID: ['parent'],
  MATCH_inputEPC: ['input'],
  MATCH_outputEPC: ['output'],
  MATCH_anyEPC: ['epc', 'child', 'parent', 'input', 'output'],
  MATCH_epcClass: ['quantity'],
  MATCH_anyEPCClass: ['quantity', 'input_quantity', 'output_quantity']
}

interface PageCursor { key: number, seq: number, orderBy: string, direction: string }

export function encodePageToken (cursor: PageCursor): string {
  return Buffer.from(JSON.stringify([cursor.key, cursor.seq, cursor.orderBy, cursor.direction]), 'utf8').toString('base64url')
}

const MAX_TIME_MS = Date.UTC(10000, 0, 1)

function decodePageToken (token: string, orderBy: string, direction: string): { key: number, seq: number } {
  try {
    const [key, seq, tokenOrder, tokenDirection] = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown[]
    // key: epoch milliseconds of a stored time, so within years 100–9999 (see timestamps.ts).
    if (typeof key === 'number' && Number.isSafeInteger(key) && Math.abs(key) <= MAX_TIME_MS && typeof seq === 'number' && Number.isSafeInteger(seq) &&
      tokenOrder === orderBy && tokenDirection === direction) return { key, seq }
  } catch {}
  throw new TRC_EPCIS_QUERY_INVALID('nextPageToken', 'is not a token this query returned (keep orderBy and orderDirection unchanged while paging)')
    .withDetails({ field: 'query.nextPageToken' })
}

function vocabularyValues (name: string, kind: VocabularyKind, values: string[] | undefined): string[] | undefined {
  return values?.map((value) => {
    const result = resolveVocabulary(kind, value)
    if (!result.ok) throw new TRC_EPCIS_QUERY_INVALID(name, result.problem).withDetails({ field: `query.${name}` })
    return result.uri
  })
}

function identifierValues (name: string, values: string[] | undefined): string[] | undefined {
  return values?.map((value) => {
    if (!isAbsoluteUri(value)) throw new TRC_EPCIS_QUERY_INVALID(name, `${value} is not a URI`).withDetails({ field: `query.${name}` })
    const tooLong = uriLengthProblem(value)
    if (tooLong !== null) throw new TRC_EPCIS_QUERY_INVALID(name, `the URI ${tooLong}`).withDetails({ field: `query.${name}` })
    return canonicalIdentifier(value)
  })
}

function identifierMatch (name: string, values: string[], roles: readonly EpcRole[]): IdentifierMatch {
  const match: IdentifierMatch = { roles, exact: [], prefixes: [] }
  for (const value of values) {
    if (!isAbsoluteUri(value)) throw new TRC_EPCIS_QUERY_INVALID(name, `${value} is not an EPC URI, EPC pattern URI or GS1 Digital Link URI`).withDetails({ field: `query.${name}` })
    if (value.startsWith('urn:epc:idpat:')) {
      const parsed = parseEpcUri(value)
      if (parsed.canonical === null) throw new TRC_EPCIS_QUERY_INVALID(name, `${value} is not a supported EPC pattern URI`).withDetails({ field: `query.${name}` })
      match.exact.push(parsed.canonical)
      match.prefixes.push(`${parsed.canonical}/`)
    } else {
      match.exact.push(canonicalIdentifier(value))
    }
  }
  return match
}

export function toEventFilter (query: EpcisQuery, viewer: EpcisViewer | undefined): EventFilter {
  const orderBy = query.orderBy ?? 'recordTime'
  const direction = query.orderDirection ?? 'ASC'
  const matches: IdentifierMatch[] = []
  for (const [name, roles] of Object.entries(MATCH_ROLES)) {
    const values = query[name as keyof EpcisQuery] as string[] | undefined
    if (values !== undefined && values.length > 0) matches.push(identifierMatch(name, values, roles))
  }
  const perPage = query.perPage ?? DEFAULT_PER_PAGE
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > MAX_PER_PAGE) {
    throw new TRC_EPCIS_QUERY_INVALID('perPage', `must be an integer from 1 to ${MAX_PER_PAGE}`).withDetails({ field: 'query.perPage' })
  }
  return {
    types: query.eventType,
    bizSteps: vocabularyValues('EQ_bizStep', 'bizStep', query.EQ_bizStep),
    dispositions: vocabularyValues('EQ_disposition', 'disposition', query.EQ_disposition),
    readPoints: identifierValues('EQ_readPoint', query.EQ_readPoint),
    bizLocations: identifierValues('EQ_bizLocation', query.EQ_bizLocation),
    actions: query.EQ_action,
    eventIds: query.EQ_eventID,
    matches,
    geEventTime: query.GE_eventTime,
    ltEventTime: query.LT_eventTime,
    geRecordTime: query.GE_recordTime,
    ltRecordTime: query.LT_recordTime,
    errorDeclared: query.EXISTS_errorDeclaration,
    orgId: viewer?.restrictedToOrg === true ? viewer.orgId : undefined,
    orderBy,
    direction,
    // One more than a page: its presence says whether there is a next page.
    limit: perPage + 1,
    after: query.nextPageToken === undefined ? undefined : decodePageToken(query.nextPageToken, orderBy, direction)
  }
}
