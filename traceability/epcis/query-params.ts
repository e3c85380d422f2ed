import { TRC_EPCIS_QUERY_INVALID } from '../errors.js'
import type { EventQueryStringValue } from './epcis.schema.js'
import { EPCIS_EVENT_TYPES } from './epcis.types.js'
import type { EpcisAction, EpcisEventType, EpcisQuery } from './epcis.types.js'
import { parseTimestamp } from './timestamps.js'

/** The query string of `GET /epcis/events` → EpcisQuery; each bad parameter is named. Pure. */

const LIST_PARAMS = [
  'EQ_bizStep', 'EQ_disposition', 'EQ_readPoint', 'EQ_bizLocation', 'EQ_eventID',
  'MATCH_epc', 'MATCH_parentID', 'MATCH_inputEPC', 'MATCH_outputEPC', 'MATCH_anyEPC', 'MATCH_epcClass', 'MATCH_anyEPCClass'
] as const
const TIME_PARAMS = ['GE_eventTime', 'LT_eventTime', 'GE_recordTime', 'LT_recordTime'] as const

function invalid (name: string, problem: string): Error {
  return new TRC_EPCIS_QUERY_INVALID(name, problem).withDetails({ field: `query.${name}` })
}

/** Repeated parameters and `a|b` both mean "any of a, b". */
function splitValues (values: readonly string[]): string[] {
  return values.flatMap((value) => value.split('|')).map((value) => value.trim()).filter((value) => value !== '')
}

export function parseEventQuery (raw: EventQueryStringValue): EpcisQuery {
  const query: EpcisQuery = {}
  for (const name of LIST_PARAMS) {
    const values = raw[name]
    if (values !== undefined) query[name] = splitValues(values)
  }
  if (raw.eventType !== undefined) {
    query.eventType = splitValues(raw.eventType).map((type) => {
      const bare = type.replace(/^(?:epcis:|https:\/\/ref\.gs1\.org\/epcis\/)/, '')
      if (!(EPCIS_EVENT_TYPES as readonly string[]).includes(bare)) throw invalid('eventType', `${type} is not one of ${EPCIS_EVENT_TYPES.join(', ')}`)
      return bare as EpcisEventType
    })
  }
  if (raw.EQ_action !== undefined) {
    query.EQ_action = splitValues(raw.EQ_action).map((action) => {
      if (action !== 'ADD' && action !== 'OBSERVE' && action !== 'DELETE') throw invalid('EQ_action', `${action} is not ADD, OBSERVE or DELETE`)
      return action satisfies EpcisAction
    })
  }
  for (const name of TIME_PARAMS) {
    const value = raw[name]
    if (value === undefined) continue
    // An unencoded `+08:00` arrives as ` 08:00` (form encoding turns + into a space): read it as meant.
    const parsed = parseTimestamp(value.replace(/ (\d{2}:\d{2})$/, '+$1'))
    if (parsed === null) throw invalid(name, 'must be a date-time with an offset, e.g. 2024-05-01T00:00:00Z')
    query[name] = new Date(parsed.ms)
  }
  if (raw.EXISTS_errorDeclaration !== undefined) {
    if (raw.EXISTS_errorDeclaration !== 'true' && raw.EXISTS_errorDeclaration !== 'false' && raw.EXISTS_errorDeclaration !== '') {
      throw invalid('EXISTS_errorDeclaration', 'must be empty, true or false')
    }
    query.EXISTS_errorDeclaration = raw.EXISTS_errorDeclaration !== 'false'
  }
  if (raw.orderBy !== undefined) {
    if (raw.orderBy !== 'eventTime' && raw.orderBy !== 'recordTime') throw invalid('orderBy', 'must be eventTime or recordTime')
    query.orderBy = raw.orderBy
  }
  if (raw.orderDirection !== undefined) query.orderDirection = raw.orderDirection
  if (raw.perPage !== undefined) query.perPage = raw.perPage
  if (raw.nextPageToken !== undefined) query.nextPageToken = raw.nextPageToken
  return query
}

/** The query string again, for the `Link: <…>; rel="next"` of the following page. */
export function formatEventQuery (raw: EventQueryStringValue, nextPageToken: string): string {
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries(raw)) {
    if (name === 'nextPageToken' || value === undefined) continue
    for (const item of Array.isArray(value) ? value : [value]) params.append(name, String(item))
  }
  params.set('nextPageToken', nextPageToken)
  return params.toString()
}
