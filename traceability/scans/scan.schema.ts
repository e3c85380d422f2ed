import { Type } from '@sinclair/typebox'
import { LatLng, Uuid } from '../../core/http/schemas.js'
import { OrgId } from '../catalog/catalog.schema.js'

const Code = Type.String({ minLength: 1, maxLength: 512 })

export const ScanBody = Type.Object({
  scanId: Type.Optional(Uuid),
  code: Code,
  action: Type.Union([Type.Literal('ship'), Type.Literal('receive'), Type.Literal('sell'), Type.Literal('install'), Type.Literal('verify')]),
  orgId: Type.Optional(Type.Union([OrgId, Type.Null()])),
  toOrgId: Type.Optional(Type.Union([OrgId, Type.Null()])),
  deviceId: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 128 }), Type.Null()])),
  workOrderId: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 128 }), Type.Null()])),
  location: Type.Optional(Type.Union([LatLng, Type.Null()])),
  at: Type.Optional(Type.String({ format: 'date-time' }))
}, { additionalProperties: false })

export const VerifyQuery = Type.Object({
  code: Code,
  lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
  lng: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
  consumerId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{8,64}$' }))
}, { additionalProperties: false })

export const DigitalLinkQuery = Type.Object({
  lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
  lng: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
  consumerId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{8,64}$' }))
})

export const DigitalLinkParams = Type.Object({ gtin: Type.String(), serial: Type.String() })
export const DigitalLinkLotParams = Type.Object({ gtin: Type.String(), lot: Type.String(), serial: Type.String() })
export const PartCodeParams = Type.Object({ code: Code })

/**
 * A consumer's verification as answered (scan.routes.ts `toVerification`): the schema serialises the
 * most frequent public answer without a generic JSON.stringify. Nullable fields are type lists
 * (compiled to a null test, where a union would be matched schema by schema).
 */
const nullable = <T>(schema: Record<string, unknown>) => Type.Unsafe<T | null>({ ...schema, type: [schema.type, 'null'] })
export const VerificationAnswer = Type.Object({
  genuine: Type.Boolean(),
  result: Type.String(),
  code: nullable<string>({ type: 'string' }),
  product: nullable<{ gtin: string, name: string, partNumber: string, unit: string }>({
    type: 'object',
    properties: { gtin: { type: 'string' }, name: { type: 'string' }, partNumber: { type: 'string' }, unit: { type: 'string' } },
    required: ['gtin', 'name', 'partNumber', 'unit']
  }),
  lot: nullable<string>({ type: 'string' }),
  serial: nullable<string>({ type: 'string' }),
  firstVerifiedAt: nullable<string>({ type: 'string', format: 'date-time' }),
  verifications: Type.Integer(),
  warnings: Type.Array(Type.String()),
  checks: Type.Array(Type.Object({ name: Type.String(), passed: Type.Boolean(), detail: Type.String() }))
})
