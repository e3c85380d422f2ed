import type { Static } from '@sinclair/typebox'
import { DSP_ASSET_UNKNOWN, DSP_TOO_MANY_REQUESTS } from '../errors.js'
import type { DeviceDirectory } from '../ports.js'
import type { Actor } from '../work-orders/actor.js'
import type { WorkOrderService } from '../work-orders/work-order.service.js'
import type { RequestLimiter } from './request-limiter.js'
import type { ServiceRequestBody } from './service-request.schema.js'

export type ServiceRequest = Static<typeof ServiceRequestBody>

/** What the customer gets back: enough to follow the order, nothing about who will handle it. */
export interface ServiceRequestReceipt {
  id: string
  status: string
  trackingToken: string
  trackingUrl: string
}

export function trackingUrlOf (trackingToken: string): string {
  return `/dispatch/track.html?t=${encodeURIComponent(trackingToken)}`
}

/**
 * Customers raise work orders themselves (source `customer`), through the same intake as the service
 * desk: the machine (by asset code or device id) fills in location, owner and contract, the SLA
 * deadlines follow from them, and the auto-dispatch policy for (customer, priority) applies.
 * Each caller's address has a token bucket; a request without a token is refused before any work.
 */
export function createServiceRequestService (deps: { workOrders: WorkOrderService, devices: DeviceDirectory, limiter: RequestLimiter }) {
  const deviceIdOf = async (request: ServiceRequest): Promise<string | null> => {
    if (request.assetCode === undefined) return request.deviceId ?? null
    const device = await deps.devices.findByAssetCode(request.assetCode)
    if (device === null || (request.deviceId !== undefined && request.deviceId !== device.id)) {
      throw new DSP_ASSET_UNKNOWN(request.assetCode).withDetails({ field: 'body.assetCode' })
    }
    return device.id
  }

  return {
    async submit (request: ServiceRequest, caller: { ip: string, userId: string | null }): Promise<ServiceRequestReceipt> {
      const decision = deps.limiter.take(caller.ip)
      if (!decision.allowed) {
        throw new DSP_TOO_MANY_REQUESTS(decision.retryAfterSeconds).withDetails({ retryAfterSeconds: decision.retryAfterSeconds })
      }
      const actor: Actor = { userId: caller.userId, name: request.customer.name, role: 'customer' }
      const order = await deps.workOrders.create({
        source: 'customer',
        deviceId: await deviceIdOf(request),
        customer: request.customer,
        location: request.location ?? null,
        priority: request.priority ?? 'medium',
        problem: request.problem
      }, actor)
      // Only alerts are idempotent (null = duplicate alert); a customer request always creates an order.
      if (order === null) throw new Error('a customer request created no work order')
      return { id: order.id, status: order.status, trackingToken: order.trackingToken, trackingUrl: trackingUrlOf(order.trackingToken) }
    }
  }
}

export type ServiceRequestService = ReturnType<typeof createServiceRequestService>
