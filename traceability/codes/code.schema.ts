import { Type } from '@sinclair/typebox'
import { Offset } from '../../core/http/schemas.js'
import { GtinText } from '../catalog/catalog.schema.js'

/** GS1 AI 10 (batch/lot): 1–20 characters of CSET 82. */
export const LotText = Type.String({ pattern: '^[!"%&\'()*+,\\-./0-9:;<=>?A-Z_a-z]{1,20}$' })

export const NewBatchBody = Type.Object({
  gtin: GtinText,
  quantity: Type.Integer({ minimum: 1 }),
  lot: Type.Optional(Type.Union([LotText, Type.Null()]))
}, { additionalProperties: false })

export const BatchParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) })
export const BatchListQuery = Type.Object({
  gtin: Type.Optional(GtinText),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  offset: Offset
}, { additionalProperties: false })

export const LabelRangeQuery = Type.Object({
  offset: Offset,
  limit: Type.Integer({ minimum: 1, default: 210 })
}, { additionalProperties: false })

export const CodeQuery = Type.Object({ code: Type.String({ minLength: 1, maxLength: 512 }) }, { additionalProperties: false })
