import { Type } from '@sinclair/typebox'
import type { Static } from '@sinclair/typebox'
import { IsoDateTime } from '../../../core/http/schemas.js'

const Day = Type.String({ format: 'date' })
const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength })

export const ContractBody = Type.Object({
  type: Type.Union([Type.Literal('sale'), Type.Literal('lease')]),
  number: Text(64),
  customer: Type.Optional(Type.Object({
    id: Type.Optional(Text(128)),
    name: Type.Optional(Text(200)),
    email: Type.Optional(Text(200)),
    phone: Type.Optional(Text(64)),
    address: Type.Optional(Text(500))
  }, { additionalProperties: false })),
  startsOn: Day,
  endsOn: Type.Optional(Type.Union([Day, Type.Null()])),
  warrantyUntil: Type.Optional(Type.Union([Day, Type.Null()])),
  /** Free commercial terms: price, monthly fee, currency, lessor, service level… */
  terms: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), Type.Union([Type.String({ maxLength: 500 }), Type.Number(), Type.Boolean(), Type.Null()]), { maxProperties: 32 })),
  notes: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()]))
}, { additionalProperties: false })

export type ContractInput = Static<typeof ContractBody>

const bomFields = {
  partNumber: Text(64),
  name: Type.Optional(Type.Union([Text(200), Type.Null()])),
  position: Type.Optional(Type.Union([Text(128), Type.Null()])),
  serial: Type.Optional(Type.Union([Text(128), Type.Null()])),
  code: Type.Optional(Type.Union([Text(512), Type.Null()])),
  gtin: Type.Optional(Type.Union([Type.String({ pattern: '^[0-9]{8,14}$' }), Type.Null()])),
  lot: Type.Optional(Type.Union([Text(64), Type.Null()])),
  fittedAt: Type.Optional(IsoDateTime),
  fittedBy: Type.Optional(Text(128)),
  workOrderId: Type.Optional(Type.Union([Text(128), Type.Null()]))
}

export const NewBomItemBody = Type.Object(bomFields, { additionalProperties: false })
export type NewBomItemInput = Static<typeof NewBomItemBody>

export const BomItemUpdateBody = Type.Object({
  ...Object.fromEntries(Object.entries(bomFields).map(([key, schema]) => [key, Type.Optional(schema)])) as typeof bomFields,
  partNumber: Type.Optional(Text(64)),
  removedAt: Type.Optional(Type.Union([IsoDateTime, Type.Null()]))
}, { additionalProperties: false, minProperties: 1 })
export type BomItemUpdateInput = Static<typeof BomItemUpdateBody>

export const BomItemParams = Type.Object({ id: Type.String({ format: 'uuid' }), itemId: Type.String({ format: 'uuid' }) })

export const BomQuery = Type.Object({
  includeRemoved: Type.Optional(Type.Boolean())
}, { additionalProperties: false })
