import { defineRoute, respond } from '../../core/http/route.js'
import type { RouteDefinition } from '../../core/http/route.js'
import { SERVICE_REQUEST_BODY_LIMIT_BYTES, ServiceRequestBody } from './service-request.schema.js'
import type { ServiceRequestService } from './service-request.service.js'

export function createServiceRequestRoutes (requests: ServiceRequestService): RouteDefinition[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/service-requests',
      access: 'public',
      summary: 'a customer asks for service (no login): opens a work order and answers with its tracking link; limited per address',
      schema: { body: ServiceRequestBody },
      bodyLimitBytes: SERVICE_REQUEST_BODY_LIMIT_BYTES,
      handler: async (request) => respond(201, await requests.submit(request.body, { ip: request.ip, userId: request.principal?.userId ?? null }))
    })
  ]
}
