import { Type } from '@sinclair/typebox'
import { LatLng, NOT_BLANK } from '../../core/http/schemas.js'

const Code = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' })

export const NewStationBody = Type.Object({
  code: Code,
  name: Type.String({ minLength: 1, maxLength: 200, pattern: NOT_BLANK }),
  orgId: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 128 }), Type.Null()])),
  location: LatLng,
  address: Type.Optional(Type.String({ maxLength: 500 })),
  timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 }))
}, { additionalProperties: false })

export const StationUpdateBody = Type.Object({
  code: Type.Optional(Code),
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: NOT_BLANK })),
  orgId: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 128 }), Type.Null()])),
  location: Type.Optional(LatLng),
  address: Type.Optional(Type.String({ maxLength: 500 })),
  timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 }))
}, { additionalProperties: false, minProperties: 1 })
