import { Type } from '@sinclair/typebox'
import { LatLng, NOT_BLANK, Offset, Uuid } from '../../core/http/schemas.js'
import { PartNumber, SkillName } from '../work-orders/work-order.schema.js'

/** [longitude, latitude(, altitude)], RFC 7946 order; ranges are checked in engineer-validation.ts. */
const Position = Type.Array(Type.Number(), { minItems: 2, maxItems: 3 })
const Ring = Type.Array(Position, { minItems: 4, maxItems: 10000 })
const PolygonCoordinates = Type.Array(Ring, { minItems: 1, maxItems: 100 })

/** GeoJSON (RFC 7946) Polygon or MultiPolygon, longitude first. */
export const Territory = Type.Union([
  Type.Object({ type: Type.Literal('Polygon'), coordinates: PolygonCoordinates }),
  Type.Object({ type: Type.Literal('MultiPolygon'), coordinates: Type.Array(PolygonCoordinates, { minItems: 1, maxItems: 100 }) })
])

export const Shift = Type.Object({
  days: Type.Array(Type.Integer({ minimum: 0, maximum: 6 }), { minItems: 1, maxItems: 7, uniqueItems: true }),
  start: Type.String({ pattern: '^\\d{2}:\\d{2}$' }),
  end: Type.String({ pattern: '^\\d{2}:\\d{2}$' })
}, { additionalProperties: false })

// A record's keys must match the name pattern too: a key that does not (`"hvac "`, `"a b"`) could never
// be required by an order, and would otherwise take any value.
const Skills = Type.Record(SkillName, Type.Integer({ minimum: 1, maximum: 5 }), { additionalProperties: false, maxProperties: 200 })
const VanStock = Type.Record(PartNumber, Type.Integer({ minimum: 0, maximum: 100000 }), { additionalProperties: false, maxProperties: 5000 })
const Timezone = Type.String({ minLength: 1, maxLength: 64 })

const fields = {
  userId: Type.Optional(Type.Union([Uuid, Type.Null()])),
  phone: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
  stationId: Type.Optional(Type.Union([Uuid, Type.Null()])),
  skills: Type.Optional(Skills),
  territory: Type.Optional(Type.Union([Territory, Type.Null()])),
  home: Type.Optional(Type.Union([LatLng, Type.Null()])),
  shifts: Type.Optional(Type.Array(Shift, { maxItems: 28 })),
  timezone: Type.Optional(Timezone),
  vanStock: Type.Optional(VanStock),
  maxDistanceKm: Type.Optional(Type.Union([Type.Number({ exclusiveMinimum: 0, maximum: 2000 }), Type.Null()]))
}

export const NewEngineerBody = Type.Object({ name: Type.String({ minLength: 1, maxLength: 200, pattern: NOT_BLANK }), ...fields }, { additionalProperties: false })
export const EngineerUpdateBody = Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: NOT_BLANK })), ...fields },
  { additionalProperties: false, minProperties: 1 })

export const LocationBody = Type.Object({
  lat: Type.Number({ minimum: -90, maximum: 90 }),
  lng: Type.Number({ minimum: -180, maximum: 180 }),
  /** When the position was taken (the phone's fix time); default: now. */
  at: Type.Optional(Type.String({ format: 'date-time' })),
  accuracyM: Type.Optional(Type.Number({ minimum: 0 }))
}, { additionalProperties: false })

export const StatusBody = Type.Object({
  status: Type.Union([Type.Literal('off'), Type.Literal('available'), Type.Literal('on_break'), Type.Literal('busy')])
}, { additionalProperties: false })

export const EngineerListQuery = Type.Object({
  stationId: Type.Optional(Uuid),
  status: Type.Optional(Type.Union([Type.Literal('off'), Type.Literal('available'), Type.Literal('busy'), Type.Literal('on_break')])),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  offset: Offset
}, { additionalProperties: false })
