import { Type } from '@sinclair/typebox'
import { LatLng } from '../../core/http/schemas.js'

export const OrgId = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$' })
export const OrgKindSchema = Type.Union([
  Type.Literal('factory'), Type.Literal('distributor'), Type.Literal('dealer'), Type.Literal('store'), Type.Literal('service_station')
])
export const GtinText = Type.String({ pattern: '^[0-9]{8,14}$' })
/** Checked in depth by findTerritoryProblem, which names the broken ring. */
const TerritoryGeometry = Type.Object({
  type: Type.Union([Type.Literal('Polygon'), Type.Literal('MultiPolygon')]),
  coordinates: Type.Array(Type.Any(), { minItems: 1 })
})

export const NewProductBody = Type.Object({
  gtin: GtinText,
  name: Type.String({ minLength: 1, maxLength: 200 }),
  partNumber: Type.String({ minLength: 1, maxLength: 64 }),
  unit: Type.Optional(Type.String({ minLength: 1, maxLength: 32 }))
}, { additionalProperties: false })

export const GtinParams = Type.Object({ gtin: GtinText })

export const NewOrganisationBody = Type.Object({
  id: Type.Optional(OrgId),
  kind: OrgKindSchema,
  name: Type.String({ minLength: 1, maxLength: 200 }),
  gln: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  city: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 100 }), Type.Null()])),
  location: LatLng,
  territory: Type.Optional(Type.Union([TerritoryGeometry, Type.Null()]))
}, { additionalProperties: false })

export const OrganisationChangesBody = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  gln: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  city: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 100 }), Type.Null()])),
  location: Type.Optional(LatLng),
  territory: Type.Optional(Type.Union([TerritoryGeometry, Type.Null()]))
}, { additionalProperties: false })

export const OrgParams = Type.Object({ id: OrgId })
export const OrgListQuery = Type.Object({ kind: Type.Optional(OrgKindSchema) }, { additionalProperties: false })

export const ChannelLinkBody = Type.Object({
  supplierId: OrgId,
  customerId: OrgId,
  gtins: Type.Optional(Type.Union([Type.Array(GtinText, { maxItems: 1000 }), Type.Null()]))
}, { additionalProperties: false })

export const ChannelLinkParams = Type.Object({ supplierId: OrgId, customerId: OrgId })
