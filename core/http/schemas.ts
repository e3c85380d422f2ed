import { Type } from '@sinclair/typebox'

/** Schemas shared by several modules' routes. */
export const Uuid = Type.String({ format: 'uuid' })
/** A pattern for text that must hold more than white space (names, problem descriptions). */
export const NOT_BLANK = '\\S'
export const IdParams = Type.Object({ id: Uuid })
export const IsoDateTime = Type.String({ format: 'date-time' })
export const LatLng = Type.Object({
  lat: Type.Number({ minimum: -90, maximum: 90 }),
  lng: Type.Number({ minimum: -180, maximum: 180 })
}, { additionalProperties: false })
export const Limit = Type.Integer({ minimum: 1, maximum: 1000, default: 100 })
/** Rows to skip in a listing; bounded, as the database's bigint and JavaScript's safe integers are. */
export const Offset = Type.Integer({ minimum: 0, maximum: 1_000_000_000, default: 0 })
