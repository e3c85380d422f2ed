import { Type } from '@sinclair/typebox'
import { LatLng, NOT_BLANK, Uuid } from '../../core/http/schemas.js'

/**
 * What a customer sends from the public request page, without logging in. Everything is bounded, and
 * the priority is the customer's view of it: `critical` (and with it the tightest SLA and immediate
 * auto-dispatch) is set by the service desk after triage or by a machine's own alert.
 */
export const CustomerPriority = Type.Union([Type.Literal('low'), Type.Literal('medium'), Type.Literal('high')], { default: 'medium' })

export const ServiceRequestBody = Type.Object({
  /** The code printed on the machine's plate; or `deviceId` from a link or QR code. */
  assetCode: Type.Optional(Type.String({ minLength: 1, maxLength: 128, pattern: '^[^\\s%\\\\]([^%\\\\]*[^\\s%\\\\])?$' })),
  deviceId: Type.Optional(Uuid),
  customer: Type.Object({
    name: Type.String({ minLength: 1, maxLength: 200, pattern: NOT_BLANK }),
    phone: Type.String({ minLength: 5, maxLength: 32, pattern: '^\\+?[0-9][0-9 ()./-]{3,30}[0-9]$' }),
    email: Type.Optional(Type.String({ format: 'email', maxLength: 200 })),
    address: Type.Optional(Type.String({ maxLength: 500 }))
  }, { additionalProperties: false }),
  /** Where the engineer should come; may be left out when the machine's location is known. */
  location: Type.Optional(LatLng),
  problem: Type.String({ minLength: 3, maxLength: 2000, pattern: NOT_BLANK }),
  priority: Type.Optional(CustomerPriority)
}, { additionalProperties: false })

/**
 * A request is a few hundred bytes, about 12 KiB with every field full of 4-byte characters; 32 KiB
 * leaves room for escaped text. The platform-wide limit is meant for bulk uploads.
 */
export const SERVICE_REQUEST_BODY_LIMIT_BYTES = 32 * 1024
