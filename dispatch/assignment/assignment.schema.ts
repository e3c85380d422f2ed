import { Type } from '@sinclair/typebox'
import { Uuid } from '../../core/http/schemas.js'
import { Priority, Source } from '../work-orders/work-order.schema.js'

export const OptimizeBody = Type.Object({
  orderIds: Type.Optional(Type.Array(Uuid, { minItems: 1, maxItems: 1000, uniqueItems: true })),
  dryRun: Type.Optional(Type.Boolean())
}, { additionalProperties: false })

const Minutes = Type.Integer({ minimum: 1, maximum: 525600 })

export const SlaPolicyBody = Type.Object({
  /** A contract's name as customers' records carry it: letters, digits, `_`, `-`, starting with a letter or digit. */
  contract: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9_-]*$' }),
  priority: Priority,
  respondMinutes: Minutes,
  arriveMinutes: Minutes,
  resolveMinutes: Minutes
}, { additionalProperties: false })

export const AutoDispatchBody = Type.Object({ source: Source, priority: Priority, enabled: Type.Boolean() }, { additionalProperties: false })

export const MapQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 20000, default: 2000 })
}, { additionalProperties: false })
