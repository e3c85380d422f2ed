import { Type } from '@sinclair/typebox'
import type { Static } from '@sinclair/typebox'
import { MAX_PER_PAGE } from './query-filter.js'

/**
 * Query string of `GET /epcis/events`: the SimpleEventQuery parameters of EPCIS 2.0 §8.2.7.1 as the
 * REST binding carries them. A parameter may be repeated, and one value may list several separated by
 * `|`; either way they mean "any of". Times are xsd:dateTimeStamp values with an offset.
 */
const Values = Type.Array(Type.String({ minLength: 1, maxLength: 2000 }), { maxItems: 100 })
const Time = Type.String({ minLength: 1, maxLength: 64 })

export const EventQueryString = Type.Object({
  eventType: Type.Optional(Values),
  EQ_bizStep: Type.Optional(Values),
  EQ_disposition: Type.Optional(Values),
  EQ_readPoint: Type.Optional(Values),
  EQ_bizLocation: Type.Optional(Values),
  EQ_action: Type.Optional(Values),
  EQ_eventID: Type.Optional(Values),
  MATCH_epc: Type.Optional(Values),
  MATCH_parentID: Type.Optional(Values),
  MATCH_inputEPC: Type.Optional(Values),
  MATCH_outputEPC: Type.Optional(Values),
  MATCH_anyEPC: Type.Optional(Values),
  MATCH_epcClass: Type.Optional(Values),
  MATCH_anyEPCClass: Type.Optional(Values),
  GE_eventTime: Type.Optional(Time),
  LT_eventTime: Type.Optional(Time),
  GE_recordTime: Type.Optional(Time),
  LT_recordTime: Type.Optional(Time),
  EXISTS_errorDeclaration: Type.Optional(Type.String({ maxLength: 5 })),
  orderBy: Type.Optional(Type.String({ maxLength: 64 })),
  orderDirection: Type.Optional(Type.Union([Type.Literal('ASC'), Type.Literal('DESC')])),
  perPage: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PER_PAGE })),
  nextPageToken: Type.Optional(Type.String({ minLength: 1, maxLength: 512 }))
}, { additionalProperties: false })

export type EventQueryStringValue = Static<typeof EventQueryString>

/** `/epcis/events/{eventID}`: the eventID percent-encoded (it is a URI: `urn:uuid:…`, `ni:///sha-256;…`). */
export const EventIdParams = Type.Object({
  eventID: Type.String({ minLength: 1, maxLength: 2000 })
}, { additionalProperties: false })

export const CaptureIdParams = Type.Object({
  captureID: Type.String({ format: 'uuid' })
}, { additionalProperties: false })
