import { Type } from '@sinclair/typebox'

export const TelemetryQueryString = Type.Object({
  metric: Type.String({ minLength: 1, maxLength: 64 }),
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
  bucket: Type.Optional(Type.Union([Type.Literal('1m'), Type.Literal('1h'), Type.Literal('1d')])),
  agg: Type.Optional(Type.Union([Type.Literal('avg'), Type.Literal('min'), Type.Literal('max'), Type.Literal('last')])),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 }))
}, { additionalProperties: false })
