import { Type } from '@sinclair/typebox'
import { LatLng, Offset } from '../../core/http/schemas.js'

const AssetCode = Type.String({ minLength: 1, maxLength: 128, pattern: '^\\S(.*\\S)?$' })
const Model = Type.String({ minLength: 1, maxLength: 128 })

/** The owner as the customer record knows them; `name` is searched by the device list. */
const Customer = Type.Object({
  id: Type.Optional(Type.String({ maxLength: 128 })),
  name: Type.Optional(Type.String({ maxLength: 200 })),
  email: Type.Optional(Type.String({ maxLength: 200 })),
  phone: Type.Optional(Type.String({ maxLength: 64 })),
  address: Type.Optional(Type.String({ maxLength: 500 }))
}, { additionalProperties: Type.Union([Type.String({ maxLength: 500 }), Type.Number(), Type.Boolean(), Type.Null()]) })

export const NewDeviceBody = Type.Object({
  assetCode: AssetCode,
  model: Model,
  customer: Type.Optional(Customer),
  location: Type.Optional(Type.Union([LatLng, Type.Null()]))
}, { additionalProperties: false })

export const DeviceUpdateBody = Type.Object({
  assetCode: Type.Optional(AssetCode),
  model: Type.Optional(Model),
  customer: Type.Optional(Customer),
  location: Type.Optional(Type.Union([LatLng, Type.Null()]))
}, { additionalProperties: false, minProperties: 1 })

export const DeviceListQuery = Type.Object({
  status: Type.Optional(Type.Union([Type.Literal('online'), Type.Literal('offline')])),
  model: Type.Optional(Model),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  offset: Offset
}, { additionalProperties: false })

export const CommandBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.:-]+$' }),
  params: Type.Optional(Type.Record(Type.String(), Type.Unknown()))
}, { additionalProperties: false })

export const DeadLetterQuery = Type.Object({
  deviceId: Type.Optional(Type.String({ format: 'uuid' })),
  reasonCode: Type.Optional(Type.String({ maxLength: 64 })),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 })
}, { additionalProperties: false })
