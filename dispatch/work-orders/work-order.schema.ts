import { Type } from '@sinclair/typebox'
import { LatLng, NOT_BLANK, Offset, Uuid } from '../../core/http/schemas.js'

export const Priority = Type.Union([Type.Literal('low'), Type.Literal('medium'), Type.Literal('high'), Type.Literal('critical')])
export const Source = Type.Union([Type.Literal('customer'), Type.Literal('agent'), Type.Literal('alert')])
export const Status = Type.Union([Type.Literal('new'), Type.Literal('assigned'), Type.Literal('accepted'), Type.Literal('en_route'),
  Type.Literal('on_site'), Type.Literal('completed'), Type.Literal('cancelled')])
export const SkillName = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.:-]+$' })
export const PartNumber = Type.String({ minLength: 1, maxLength: 64, pattern: '^\\S+$' })
export const SkillRequirement = Type.Union([
  SkillName,
  Type.Object({ skill: SkillName, level: Type.Integer({ minimum: 1, maximum: 5 }) }, { additionalProperties: false })
])
const Instant = Type.String({ format: 'date-time' })

/** The customer as the order knows them; `contract` selects the SLA policy. */
export const Customer = Type.Object({
  id: Type.Optional(Type.String({ maxLength: 128 })),
  name: Type.Optional(Type.String({ maxLength: 200 })),
  phone: Type.Optional(Type.String({ maxLength: 64 })),
  email: Type.Optional(Type.String({ maxLength: 200 })),
  address: Type.Optional(Type.String({ maxLength: 500 })),
  contract: Type.Optional(Type.String({ minLength: 1, maxLength: 64 }))
}, { additionalProperties: Type.Union([Type.String({ maxLength: 500 }), Type.Number(), Type.Boolean(), Type.Null()]), maxProperties: 32, propertyNames: { maxLength: 64 } })

export const NewWorkOrderBody = Type.Object({
  source: Source,
  deviceId: Type.Optional(Type.Union([Uuid, Type.Null()])),
  customer: Type.Optional(Customer),
  location: Type.Optional(Type.Union([LatLng, Type.Null()])),
  priority: Priority,
  problem: Type.String({ minLength: 1, maxLength: 2000, pattern: NOT_BLANK }),
  requiredSkills: Type.Optional(Type.Array(SkillRequirement, { maxItems: 20 })),
  requiredParts: Type.Optional(Type.Array(PartNumber, { maxItems: 50 })),
  window: Type.Optional(Type.Union([Type.Object({
    start: Type.Optional(Type.Union([Instant, Type.Null()])),
    end: Type.Optional(Type.Union([Instant, Type.Null()]))
  }, { additionalProperties: false }), Type.Null()])),
  preferredEngineerId: Type.Optional(Type.Union([Uuid, Type.Null()])),
  stationId: Type.Optional(Type.Union([Uuid, Type.Null()]))
}, { additionalProperties: false })

export const WorkOrderUpdateBody = Type.Object({
  location: Type.Optional(LatLng),
  problem: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
  requiredSkills: Type.Optional(Type.Array(SkillRequirement, { maxItems: 20 })),
  requiredParts: Type.Optional(Type.Array(PartNumber, { maxItems: 50 })),
  preferredEngineerId: Type.Optional(Type.Union([Uuid, Type.Null()]))
}, { additionalProperties: false, minProperties: 1 })

export const WorkOrderListQuery = Type.Object({
  status: Type.Optional(Type.Array(Status, { maxItems: 7 })),
  open: Type.Optional(Type.Boolean()),
  priority: Type.Optional(Priority),
  source: Type.Optional(Source),
  engineerId: Type.Optional(Uuid),
  deviceId: Type.Optional(Uuid),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  offset: Offset
}, { additionalProperties: false })

export const CandidatesQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 50, default: 10 })
}, { additionalProperties: false })

export const AssignBody = Type.Object({ engineerId: Uuid }, { additionalProperties: false })
export const RejectBody = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false })
export const ReasonBody = Type.Object({ reason: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false })
export const RouteBody = Type.Object({ stationId: Type.Union([Uuid, Type.Null()]) }, { additionalProperties: false })

export const CompleteBody = Type.Object({
  notes: Type.Optional(Type.String({ maxLength: 4000 })),
  /** Codes of the parts fitted: GS1 Digital Link URIs or serials. */
  partsUsed: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 512, pattern: '^\\S+$' }), { maxItems: 100 })),
  stockUsed: Type.Optional(Type.Array(Type.Object({
    partNumber: PartNumber,
    quantity: Type.Integer({ minimum: 1, maximum: 1000 })
  }, { additionalProperties: false }), { maxItems: 100 }))
}, { additionalProperties: false })

export const TrackParams = Type.Object({ token: Type.String({ pattern: '^[A-Za-z0-9_-]{22}$' }) })
