import { defineRoute, principalOf } from '../../core/http/route.js'
import type { RouteDefinition } from '../../core/http/route.js'
import type { PolicyService } from '../policies/policy.service.js'
import { AutoDispatchBody, MapQuery, OptimizeBody, SlaPolicyBody } from './assignment.schema.js'
import type { AssignmentService } from './assignment.service.js'
import type { MapService } from './map.service.js'

export function createDispatchRoutes (deps: { assignment: AssignmentService, policies: PolicyService, map: MapService }): RouteDefinition[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/dispatch/optimize',
      access: ['supervisor'],
      summary: 'assign all pending orders together (min-cost matching under the hard rules); dryRun only plans',
      schema: { body: OptimizeBody },
      handler: async (request) => await deps.assignment.optimize(request.body, principalOf(request))
    }),
    defineRoute({
      method: 'GET',
      url: '/api/dispatch/policies',
      access: ['supervisor', 'agent'],
      summary: 'SLA targets per contract and priority, and which orders are auto-dispatched',
      handler: async () => ({ sla: deps.policies.sla(), autoDispatch: deps.policies.autoDispatch() })
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/dispatch/policies/sla',
      access: ['admin'],
      summary: 'set the SLA targets (minutes) of a contract and priority; applies to orders created afterwards',
      schema: { body: SlaPolicyBody },
      handler: async ({ body }) => {
        const { contract, priority, ...targets } = body
        return { sla: await deps.policies.setSla(contract, priority, targets) }
      }
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/dispatch/policies/auto-dispatch',
      access: ['admin'],
      summary: 'switch auto-dispatch on or off for a source and priority',
      schema: { body: AutoDispatchBody },
      handler: async ({ body }) => ({ autoDispatch: await deps.policies.setAutoDispatch(body.source, body.priority, body.enabled) })
    }),
    defineRoute({
      method: 'GET',
      url: '/api/dispatch/map',
      access: ['supervisor', 'agent', 'org_staff'],
      summary: 'what the console map draws: stations, engineers with live status and position, open orders',
      schema: { querystring: MapQuery },
      handler: async (request) => await deps.map.snapshot(request.query.limit, principalOf(request))
    })
  ]
}
