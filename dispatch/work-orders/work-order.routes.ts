import { defineRoute, principalOf, respond } from '../../core/http/route.js'
import type { RouteDefinition } from '../../core/http/route.js'
import { IdParams } from '../../core/http/schemas.js'
import type { AssignmentService } from '../assignment/assignment.service.js'
import type { TrackingService } from '../tracking/tracking.service.js'
import { actorOf } from './actor.js'
import { OPEN_STATUSES } from './state-machine.js'
import {
  AssignBody, CandidatesQuery, CompleteBody, NewWorkOrderBody, ReasonBody, RejectBody, RouteBody, TrackParams,
  WorkOrderListQuery, WorkOrderUpdateBody
} from './work-order.schema.js'
import type { WorkOrder } from './work-order.repository.js'
import type { WorkOrderService } from './work-order.service.js'

const READERS = ['supervisor', 'agent', 'engineer', 'org_staff'] as const
const FIELD = ['engineer', 'supervisor'] as const

/** An order as the API gives it: with `answerBy`, when an offer still waiting for its engineer lapses (null otherwise). */
export function presentWorkOrder (order: WorkOrder, offerTimeoutMinutes: number): WorkOrder & { answerBy: Date | null } {
  const waiting = order.status === 'assigned' && order.assignedAt !== null && offerTimeoutMinutes > 0
  return { ...order, answerBy: waiting ? new Date((order.assignedAt as Date).getTime() + offerTimeoutMinutes * 60_000) : null }
}

export function createWorkOrderRoutes (deps: { workOrders: WorkOrderService, assignment: AssignmentService, tracking: TrackingService, offerTimeoutMinutes: number }): RouteDefinition[] {
  const { workOrders, assignment, tracking } = deps
  const present = (order: WorkOrder): WorkOrder & { answerBy: Date | null } => presentWorkOrder(order, deps.offerTimeoutMinutes)
  const fieldStep = (name: 'accept' | 'depart' | 'arrive', summary: string): RouteDefinition => defineRoute({
    method: 'POST',
    url: `/api/work-orders/:id/${name}`,
    access: FIELD,
    summary,
    schema: { params: IdParams },
    handler: async (request) => present(await workOrders[name](request.params.id, principalOf(request)))
  })

  return [
    defineRoute({
      method: 'POST',
      url: '/api/work-orders',
      access: ['agent', 'supervisor'],
      summary: 'open a work order; answers with its SLA deadlines and public tracking token (auto-dispatch may assign it at once)',
      schema: { body: NewWorkOrderBody },
      handler: async (request) => {
        const created = await workOrders.create(request.body, actorOf(principalOf(request)))
        return respond(201, created === null ? null : present(created))
      }
    }),
    defineRoute({
      method: 'GET',
      url: '/api/work-orders',
      access: READERS,
      summary: 'list work orders, newest first (engineers: theirs; station staff: their stations\')',
      schema: { querystring: WorkOrderListQuery },
      handler: async (request) => {
        const { status, open, ...filter } = request.query
        const statuses = status ?? (open === true ? OPEN_STATUSES : undefined)
        const { workOrders: found, total } = await workOrders.list({ ...filter, statuses }, principalOf(request))
        return { workOrders: found.map(present), total }
      }
    }),
    defineRoute({
      method: 'GET',
      url: '/api/work-orders/:id',
      access: READERS,
      summary: 'one work order with its audit timeline',
      schema: { params: IdParams },
      handler: async (request) => {
        const order = await workOrders.getFor(request.params.id, principalOf(request))
        return { ...present(order), timeline: await workOrders.timeline(order.id) }
      }
    }),
    defineRoute({
      method: 'PATCH',
      url: '/api/work-orders/:id',
      access: ['agent', 'supervisor'],
      summary: 'correct location, problem, skills, parts or preferred engineer of an order still waiting (new)',
      schema: { params: IdParams, body: WorkOrderUpdateBody },
      handler: async (request) => present(await workOrders.updateDetails(request.params.id, request.body, principalOf(request)))
    }),
    defineRoute({
      method: 'GET',
      url: '/api/work-orders/:id/candidates',
      access: ['supervisor', 'org_staff'],
      summary: 'engineers who may take the order, ranked, each with distance, ETA and the reasons for the score',
      schema: { params: IdParams, querystring: CandidatesQuery },
      handler: async (request) => {
        const principal = principalOf(request)
        await workOrders.getFor(request.params.id, principal)
        return await assignment.candidates(request.params.id, request.query.limit, principal)
      }
    }),
    defineRoute({
      method: 'POST',
      url: '/api/work-orders/:id/assign',
      access: ['supervisor', 'org_staff'],
      summary: 'assign an engineer (hard rules enforced; a second concurrent assignment of the engineer or the order gets 409)',
      schema: { params: IdParams, body: AssignBody },
      handler: async (request) => {
        const principal = principalOf(request)
        return present(await workOrders.assign(request.params.id, request.body.engineerId, actorOf(principal), { principal }))
      }
    }),
    defineRoute({
      method: 'POST',
      url: '/api/work-orders/:id/unassign',
      access: ['supervisor', 'org_staff'],
      summary: 'take the order back from its engineer (assigned, accepted or en route) into the queue',
      schema: { params: IdParams, body: ReasonBody },
      handler: async (request) => present(await workOrders.unassign(request.params.id, request.body.reason ?? '', principalOf(request)))
    }),
    defineRoute({
      method: 'POST',
      url: '/api/work-orders/:id/route',
      access: ['supervisor'],
      summary: 'hand a new order to a service station (its staff then assign one of its engineers); null takes it back',
      schema: { params: IdParams, body: RouteBody },
      handler: async (request) => present(await workOrders.routeToStation(request.params.id, request.body.stationId, principalOf(request)))
    }),
    fieldStep('accept', 'the assigned engineer accepts the order'),
    defineRoute({
      method: 'POST',
      url: '/api/work-orders/:id/reject',
      access: FIELD,
      summary: 'the assigned engineer turns the order down (it goes back to new; they are not offered it again)',
      schema: { params: IdParams, body: RejectBody },
      handler: async (request) => present(await workOrders.reject(request.params.id, request.body.reason, principalOf(request)))
    }),
    fieldStep('depart', 'the engineer sets off (en_route)'),
    fieldStep('arrive', 'the engineer is on site'),
    defineRoute({
      method: 'POST',
      url: '/api/work-orders/:id/complete',
      access: FIELD,
      summary: 'finish the order with notes and the codes of the parts fitted',
      schema: { params: IdParams, body: CompleteBody },
      handler: async (request) => present(await workOrders.complete(request.params.id, request.body, principalOf(request)))
    }),
    defineRoute({
      method: 'POST',
      url: '/api/work-orders/:id/cancel',
      access: ['supervisor', 'agent'],
      summary: 'cancel an open order (its engineer, if any, is freed)',
      schema: { params: IdParams, body: ReasonBody },
      handler: async (request) => present(await workOrders.cancel(request.params.id, request.body.reason ?? '', principalOf(request)))
    }),
    defineRoute({
      method: 'GET',
      url: '/api/track/:token',
      access: 'public',
      summary: 'public tracking: status, timeline, the engineer\'s first name and ETA (no other personal data)',
      schema: { params: TrackParams },
      handler: async ({ params }) => await tracking.view(params.token)
    })
  ]
}
