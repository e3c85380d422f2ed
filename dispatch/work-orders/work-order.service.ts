import type { Principal } from '../../core/auth/roles.js'
import type { Database, Queryable } from '../../core/db/database.js'
import { isUniqueViolation } from '../../core/db/database.js'
import type { EventBus } from '../../core/event-bus.js'
import type { AccessScope } from '../access.js'
import type { EngineerPool } from '../engine/engineer-pool.js'
import { countParts, ownCount } from '../engine/hard-rules.js'
import type { RuleViolation } from '../engine/hard-rules.js'
import { createEngineerRepository, toSnapshot } from '../engineers/engineer.repository.js'
import type { Engineer } from '../engineers/engineer.repository.js'
import {
  DSP_ASSIGN_RULE_VIOLATED, DSP_ENGINEER_NOT_FOUND, DSP_ENGINEER_UNAVAILABLE, DSP_NOT_ASSIGNED_TO_YOU, DSP_ORDER_NO_LOCATION,
  DSP_ORDER_STATE, DSP_STATION_NOT_FOUND, DSP_STATION_SCOPE, DSP_WORK_ORDER_NOT_FOUND
} from '../errors.js'
import type { WorkOrderEvent } from '../events.js'
import type { StationRepository } from '../stations/station.repository.js'
import { actorOf, SYSTEM_ACTOR } from './actor.js'
import type { Actor } from './actor.js'
import { canTransition, isActive, TRANSITIONS } from './state-machine.js'
import type { TransitionName, WorkOrderStatus } from './state-machine.js'
import { normaliseSkills, prepareWorkOrder } from './work-order-intake.js'
import type { IntakeDeps, WorkOrderRequest } from './work-order-intake.js'
import { createWorkOrderRepository } from './work-order.repository.js'
import type { TimelineEntry, TransitionChanges, WorkOrder, WorkOrderDetailsChanges, WorkOrderFilter } from './work-order.repository.js'
import type { SkillRequirement } from '../engine/types.js'

export interface CompletionReport {
  notes?: string | null
  /** Part codes fitted (GS1 Digital Link URIs or serials), for traceability to verify. */
  partsUsed?: string[]
  /** Van stock used, by part number; default: the order's required parts that were on the van. */
  stockUsed?: Array<{ partNumber: string, quantity: number }>
}

export interface WorkOrderServiceDeps {
  db: Database
  bus: EventBus
  pool: EngineerPool
  scope: AccessScope
  stations: StationRepository
  intake: IntakeDeps
  now: () => number
}

/** Decides hard-rule violations for a manual assignment (the assignment engine provides it). */
export type AssignmentCheck = (order: WorkOrder, engineerId: string) => Promise<RuleViolation[]>
/** Tries to assign an order that is (back) in the queue; returns the order as it ends up. */
export type AutoDispatcher = (order: WorkOrder) => Promise<WorkOrder>

interface Moved {
  order: WorkOrder
  engineer: Engineer | null
}

export function createWorkOrderService (deps: WorkOrderServiceDeps) {
  const { db, bus, pool, now } = deps
  const repo = createWorkOrderRepository(db)
  let checkAssignment: AssignmentCheck = async () => []
  let autoDispatch: AutoDispatcher | null = null

  const userOf = (engineerId: string | null): string | null => engineerId === null ? null : pool.get(engineerId)?.userId ?? null

  const toEvent = (order: WorkOrder): WorkOrderEvent => ({
    workOrderId: order.id,
    number: order.number,
    trackingToken: order.trackingToken,
    status: order.status,
    priority: order.priority,
    source: order.source,
    engineerId: order.engineerId,
    engineerUserId: userOf(order.engineerId),
    stationId: order.stationId,
    at: new Date(now())
  })

  /** Puts the engineer's new state in the pool; `jobs` +1 for an order assigned, −1 for one handed back. */
  const syncEngineer = (engineer: Engineer | null, jobs: -1 | 0 | 1 = 0): void => {
    if (engineer === null) return
    pool.put(toSnapshot(engineer, Math.max(0, (pool.get(engineer.id)?.jobsToday ?? 0) + jobs)))
  }

  const publishEngineerStatus = (engineer: Engineer | null, previous: Engineer['status']): void => {
    if (engineer === null || engineer.status === previous) return
    bus.publish('engineer.status_changed', {
      engineerId: engineer.id, userId: engineer.userId, stationId: engineer.stationId, status: engineer.status, previous,
      activeOrderId: engineer.activeOrderId, at: new Date(now())
    })
  }

  const load = async (id: string, db: Queryable = deps.db): Promise<WorkOrder> => {
    const order = await createWorkOrderRepository(db).findById(id)
    if (order === null) throw new DSP_WORK_ORDER_NOT_FOUND(id)
    return order
  }

  const stateError = (order: WorkOrder, name: TransitionName): InstanceType<typeof DSP_ORDER_STATE> =>
    new DSP_ORDER_STATE(order.id, order.status, name, TRANSITIONS[name].from.join(' or '))

  /**
   * Station staff act only on orders routed to their stations, served by their station's engineers
   * (as of the assignment: a transferred engineer's past orders stay with the station that did them),
   * or held now by one of their engineers.
   */
  const checkStationScope = async (order: WorkOrder, principal: Principal | null, engineerId?: string): Promise<void> => {
    if (principal === null) return
    const stations = await deps.scope.stationIdsOf(principal)
    if (stations === null) return
    const mine = (stationId: string | null | undefined): boolean => stationId !== null && stationId !== undefined && stations.includes(stationId)
    const owned = mine(order.stationId) || mine(order.servedStationId) || (isActive(order.status) && mine(pool.stationOf(order.engineerId)))
    if (!owned) throw new DSP_STATION_SCOPE(`work order ${order.id}`)
    if (engineerId !== undefined && !stations.includes(pool.stationOf(engineerId) ?? '')) throw new DSP_STATION_SCOPE(`engineer ${engineerId}`)
  }

  /** The order, checked for the transition's starting states and the caller's right to make it. */
  const prepare = async (name: TransitionName, id: string, principal: Principal | null): Promise<WorkOrder> => {
    const order = await load(id)
    if (TRANSITIONS[name].actor === 'engineer' && principal?.role === 'engineer') {
      const own = await createEngineerRepository(db).findByUserId(principal.userId)
      if (own === null || own.id !== order.engineerId) throw new DSP_NOT_ASSIGNED_TO_YOU(id)
    }
    if (TRANSITIONS[name].actor === 'dispatcher') await checkStationScope(order, principal)
    if (!canTransition(name, order.status)) throw stateError(order, name)
    return order
  }

  /**
   * One transition in one transaction: the conditional UPDATE on the order (only from the expected
   * state, so of two racing requests one finds the state changed and gets 409), the engineer's row,
   * and the timeline entry. A transition that releases the engineer applies only while the order still
   * has the engineer it was read with (none counts too): that is the engineer it frees.
   */
  const move = async (name: TransitionName, order: WorkOrder, actor: Actor, changes: TransitionChanges,
    options: { engineer?: 'claim' | 'release', releaseTo?: 'available' | 'off', details?: Record<string, unknown>, timelineKind?: string, guardEngineer?: string, guardAssignedAt?: Date | null, notRejected?: string, stockUsed?: ReadonlyMap<string, number> } = {}): Promise<Moved> => {
    const at = new Date(now())
    const { from, to } = TRANSITIONS[name]
    try {
      return await db.transaction(async (tx) => {
        const orders = createWorkOrderRepository(tx)
        const engineers = createEngineerRepository(tx)
        const guardEngineer = options.guardEngineer ?? (options.engineer === 'release' ? order.engineerId : undefined)
        const guard = {
          ...(guardEngineer === undefined ? {} : { engineerId: guardEngineer }),
          ...(options.guardAssignedAt === undefined ? {} : { assignedAt: options.guardAssignedAt }),
          ...(options.notRejected === undefined ? {} : { notRejected: options.notRejected })
        }
        const next = await orders.transition(order.id, from, to, changes, at, guard)
        if (next === null) {
          const fresh = await load(order.id, tx)
          if (options.notRejected !== undefined && fresh.rejectedBy.includes(options.notRejected)) {
            throw new DSP_ASSIGN_RULE_VIOLATED(order.id, 'not_rejected: rejected this order before')
          }
          throw stateError(fresh, name)
        }
        let engineer: Engineer | null = null
        const engineerId = options.engineer === 'claim' ? next.engineerId : order.engineerId
        if (options.engineer === 'claim' && engineerId !== null) {
          engineer = await engineers.claim(engineerId, order.id, at)
          if (engineer === null) throw new DSP_ENGINEER_UNAVAILABLE(engineerId, 'busy, off shift or holding another order')
        } else if (options.engineer === 'release' && engineerId !== null) {
          engineer = await engineers.release(engineerId, order.id, at, options.releaseTo)
          if (options.stockUsed !== undefined && options.stockUsed.size > 0) engineer = await engineers.consumeStock(engineerId, options.stockUsed, at)
        }
        await orders.appendTimeline({
          workOrderId: order.id, at, kind: options.timelineKind ?? name, fromStatus: order.status, toStatus: to,
          engineerId, actor, details: options.details ?? {}
        })
        return { order: next, engineer }
      })
    } catch (error) {
      if (isUniqueViolation(error) && options.engineer === 'claim') {
        throw new DSP_ENGINEER_UNAVAILABLE(changes.engineerId ?? 'unknown', 'already holds another work order')
      }
      throw error
    }
  }

  /** Offer a handed-back order again under its auto policy; the order as it now stands (perhaps assigned anew). */
  const requeue = async (order: WorkOrder): Promise<WorkOrder> =>
    order.autoDispatch && autoDispatch !== null ? await autoDispatch(order) : order

  /** A preferred engineer must be one (an unknown id would be preferred in vain, silently). */
  const requirePreferredEngineer = (engineerId: string | null | undefined): void => {
    if (engineerId !== undefined && engineerId !== null && pool.get(engineerId) === undefined) {
      throw new DSP_ENGINEER_NOT_FOUND(engineerId).withDetails({ field: 'body.preferredEngineerId' })
    }
  }

  const service = {
    repository: repo,

    setAssignmentCheck (check: AssignmentCheck): void { checkAssignment = check },
    setAutoDispatcher (dispatcher: AutoDispatcher): void { autoDispatch = dispatcher },

    /** Create an order; null when it came from an alert that already has one. */
    async create (request: WorkOrderRequest, actor: Actor): Promise<WorkOrder | null> {
      if (request.stationId !== undefined && request.stationId !== null && await deps.stations.findById(request.stationId) === null) {
        throw new DSP_STATION_NOT_FOUND(request.stationId).withDetails({ field: 'body.stationId' })
      }
      requirePreferredEngineer(request.preferredEngineerId)
      const record = await prepareWorkOrder(request, actor, deps.intake)
      const order = await db.transaction(async (tx) => {
        const orders = createWorkOrderRepository(tx)
        const created = await orders.insert(record)
        if (created !== null) {
          await orders.appendTimeline({
            workOrderId: created.id, at: created.createdAt, kind: 'created', fromStatus: null, toStatus: 'new', engineerId: null, actor,
            details: { source: created.source, ...(created.alertId === null ? {} : { alertId: created.alertId }) }
          })
        }
        return created
      })
      if (order === null) return null
      bus.publish('workorder.created', toEvent(order))
      if (order.autoDispatch && order.location !== null && autoDispatch !== null) return await autoDispatch(order)
      return order
    },

    get: load,

    /** One order as the caller may see it (engineers: their own; station staff: their stations'). */
    async getFor (id: string, principal: Principal): Promise<WorkOrder> {
      const order = await load(id)
      if (principal.role === 'engineer') {
        const own = await createEngineerRepository(db).findByUserId(principal.userId)
        if (own === null || own.id !== order.engineerId) throw new DSP_WORK_ORDER_NOT_FOUND(id)
      }
      await checkStationScope(order, principal)
      return order
    },

    async list (filter: WorkOrderFilter, principal: Principal): Promise<{ workOrders: WorkOrder[], total: number }> {
      if (principal.role === 'engineer') {
        const own = await createEngineerRepository(db).findByUserId(principal.userId)
        if (own === null) return { workOrders: [], total: 0 }
        return await repo.list({ ...filter, engineerId: own.id })
      }
      const stations = await deps.scope.stationIdsOf(principal)
      return await repo.list(stations === null ? filter : { ...filter, stationIds: stations })
    },

    timeline: async (id: string): Promise<TimelineEntry[]> => await repo.listTimeline(id),

    async assign (id: string, engineerId: string, actor: Actor, options: { principal?: Principal | null, auto?: boolean, explanation?: Record<string, unknown> } = {}): Promise<WorkOrder> {
      const principal = options.principal ?? null
      const order = await prepare('assign', id, principal)
      if (principal !== null) await checkStationScope(order, principal, engineerId)
      if (order.location === null) throw new DSP_ORDER_NO_LOCATION(id)
      if (pool.get(engineerId) === undefined) throw new DSP_ENGINEER_NOT_FOUND(engineerId).withDetails({ field: 'body.engineerId' })
      const violations = await checkAssignment(order, engineerId)
      if (violations.length > 0) {
        if (violations.every((v) => v.rule === 'available')) throw new DSP_ENGINEER_UNAVAILABLE(engineerId, (violations[0] as RuleViolation).reason)
        throw new DSP_ASSIGN_RULE_VIOLATED(id, violations.map((v) => `${v.rule}: ${v.reason}`).join('; ')).withDetails({ field: 'body.engineerId', violations })
      }
      const previous = pool.get(engineerId)?.status ?? 'available'
      const { order: assigned, engineer } = await move('assign', order, actor, { engineerId, assignedAt: new Date(now()) }, {
        engineer: 'claim', notRejected: engineerId, details: { auto: options.auto ?? false, ...options.explanation }
      })
      syncEngineer(engineer, 1)
      bus.publish('workorder.assigned', { ...toEvent(assigned), auto: options.auto ?? false })
      publishEngineerStatus(engineer, previous)
      return assigned
    },

    async accept (id: string, principal: Principal): Promise<WorkOrder> {
      const order = await prepare('accept', id, principal)
      const { order: accepted } = await move('accept', order, actorOf(principal), { respondedAt: new Date(now()) }, { guardEngineer: order.engineerId as string })
      bus.publish('workorder.accepted', toEvent(accepted))
      return accepted
    },

    async reject (id: string, reason: string, principal: Principal): Promise<WorkOrder> {
      const order = await prepare('reject', id, principal)
      const engineerId = order.engineerId as string
      const { order: rejected, engineer } = await move('reject', order, actorOf(principal),
        // SLA: a refused offer is no response; the respond deadline waits for the next accept.
        { engineerId: null, assignedAt: null, respondedAt: null, addRejected: engineerId }, { engineer: 'release', details: { reason } })
      syncEngineer(engineer, -1)
      bus.publish('workorder.rejected', { ...toEvent(rejected), rejectedEngineerId: engineerId, rejectedEngineerUserId: userOf(engineerId) })
      publishEngineerStatus(engineer, 'busy')
      return await requeue(rejected)
    },

    async depart (id: string, principal: Principal): Promise<WorkOrder> {
      return await service.advance('depart', id, principal, {})
    },

    async arrive (id: string, principal: Principal): Promise<WorkOrder> {
      return await service.advance('arrive', id, principal, { arrivedAt: new Date(now()) })
    },

    async advance (name: 'depart' | 'arrive', id: string, principal: Principal, changes: TransitionChanges): Promise<WorkOrder> {
      const order = await prepare(name, id, principal)
      const { order: moved } = await move(name, order, actorOf(principal), changes, { guardEngineer: order.engineerId as string })
      bus.publish('workorder.status_changed', { ...toEvent(moved), from: order.status, previousEngineerUserId: userOf(order.engineerId) })
      return moved
    },

    async complete (id: string, report: CompletionReport, principal: Principal): Promise<WorkOrder> {
      const order = await prepare('complete', id, principal)
      const engineerId = order.engineerId as string
      const partsUsed = report.partsUsed ?? []
      const snapshot = pool.get(engineerId)
      const stockUsed = report.stockUsed === undefined
        ? new Map([...countParts(order.requiredParts)].filter(([part]) => snapshot !== undefined && ownCount(snapshot.vanStock, part) > 0))
        : report.stockUsed.reduce((used, item) => used.set(item.partNumber, (used.get(item.partNumber) ?? 0) + item.quantity), new Map<string, number>())
      const { order: completed, engineer } = await move('complete', order, actorOf(principal),
        { resolvedAt: new Date(now()), completionNotes: report.notes ?? null, partsUsed },
        { engineer: 'release', stockUsed, details: { partsUsed, ...(report.notes === undefined || report.notes === null ? {} : { notes: report.notes }) } })
      syncEngineer(engineer)
      bus.publish('workorder.completed', { ...toEvent(completed), deviceId: completed.deviceId, engineerId, completedAt: completed.sla.resolvedAt ?? new Date(now()), notes: completed.completionNotes, partsUsed })
      publishEngineerStatus(engineer, 'busy')
      return completed
    },

    /** A dispatcher takes the order back from its engineer (who is not excluded from it). */
    async unassign (id: string, reason: string, principal: Principal): Promise<WorkOrder> {
      const order = await prepare('unassign', id, principal)
      const engineerId = order.engineerId as string
      // SLA: the taken-back accept no longer stands, so the order counts as not yet responded to.
      const { order: back, engineer } = await move('unassign', order, actorOf(principal), { engineerId: null, assignedAt: null, respondedAt: null },
        { engineer: 'release', details: { reason } })
      syncEngineer(engineer, -1)
      bus.publish('workorder.status_changed', { ...toEvent(back), from: order.status, previousEngineerUserId: userOf(engineerId) })
      publishEngineerStatus(engineer, 'busy')
      return await requeue(back)
    },

    /**
     * The platform takes back an offer its engineer left unanswered, as a refusal: the order is free
     * for the next engineer and not offered to this one again. The engineer goes `off` — whoever does
     * not answer would otherwise be offered the next order and hold that one up too — until they say
     * they are available again. Null when the engineer answered (or the order moved on) first.
     */
    async expireOffer (order: WorkOrder, timeoutMinutes: number): Promise<WorkOrder | null> {
      if (order.status !== 'assigned' || order.engineerId === null) return null
      const engineerId = order.engineerId
      let moved: Moved
      try {
        moved = await move('expire', order, SYSTEM_ACTOR, { engineerId: null, assignedAt: null, respondedAt: null, addRejected: engineerId },
          // Only the offer that was read as lapsed: one taken back and made again meanwhile has its own time.
          { engineer: 'release', releaseTo: 'off', guardAssignedAt: order.assignedAt, details: { reason: 'offer_expired', timeoutMinutes, offeredAt: order.assignedAt?.toISOString() ?? null } })
      } catch (error) {
        if (error instanceof DSP_ORDER_STATE) return null
        throw error
      }
      syncEngineer(moved.engineer, -1)
      bus.publish('workorder.status_changed', { ...toEvent(moved.order), from: 'assigned', reason: 'offer_expired', previousEngineerUserId: userOf(engineerId) })
      publishEngineerStatus(moved.engineer, 'busy')
      return await requeue(moved.order)
    },

    async cancel (id: string, reason: string, principal: Principal): Promise<WorkOrder> {
      for (let attempt = 1; ; attempt++) {
        const order = await prepare('cancel', id, principal)
        try {
          const { order: cancelled, engineer } = await move('cancel', order, actorOf(principal), { cancelledAt: new Date(now()) },
            { engineer: 'release', details: { reason } })
          syncEngineer(engineer)
          bus.publish('workorder.status_changed', { ...toEvent(cancelled), from: order.status, previousEngineerUserId: userOf(order.engineerId) })
          publishEngineerStatus(engineer, 'busy')
          return cancelled
        } catch (error) {
          // It changed hands meanwhile (auto-dispatch or another supervisor assigned it): cancel it as it
          // is now. Read again, an order no longer open is refused by `prepare`.
          if (attempt < 3 && error instanceof DSP_ORDER_STATE) continue
          throw error
        }
      }
    },

    /** Correct what a waiting order asks for (location, problem, skills, parts, preferred engineer). */
    async updateDetails (id: string, changes: Omit<WorkOrderDetailsChanges, 'requiredSkills'> & { requiredSkills?: Array<string | SkillRequirement> }, principal: Principal): Promise<WorkOrder> {
      requirePreferredEngineer(changes.preferredEngineerId)
      const order = await load(id)
      if (order.status !== 'new') throw new DSP_ORDER_STATE(id, order.status, 'editing', 'new')
      const { requiredSkills, ...rest } = changes
      const normalised: WorkOrderDetailsChanges = requiredSkills === undefined ? rest : { ...rest, requiredSkills: normaliseSkills(requiredSkills) }
      const updated = await db.transaction(async (tx) => {
        const orders = createWorkOrderRepository(tx)
        const next = await orders.updateDetails(id, normalised, new Date(now()))
        if (next === null) throw stateError(await load(id, tx), 'assign')
        await orders.appendTimeline({
          workOrderId: id, at: new Date(now()), kind: 'edited', fromStatus: 'new', toStatus: 'new', engineerId: null,
          actor: actorOf(principal), details: { fields: Object.keys(changes) }
        })
        return next
      })
      if (updated.autoDispatch && updated.location !== null) return await (autoDispatch?.(updated) ?? updated)
      return updated
    },

    /** Hand a new order to a service station, whose staff then choose one of its engineers. */
    async routeToStation (id: string, stationId: string | null, principal: Principal): Promise<WorkOrder> {
      const order = await load(id)
      if (order.status !== 'new') throw new DSP_ORDER_STATE(id, order.status, 'routing to a station', 'new')
      if (stationId !== null && await deps.stations.findById(stationId) === null) {
        throw new DSP_STATION_NOT_FOUND(stationId).withDetails({ field: 'body.stationId' })
      }
      const routed = await db.transaction(async (tx) => {
        const orders = createWorkOrderRepository(tx)
        // Only while still new: an assignment that landed meanwhile wins, and this gets the 409.
        const next = await orders.routeToStation(id, stationId, new Date(now()))
        if (next === null) { const fresh = await load(id, tx); throw new DSP_ORDER_STATE(id, fresh.status, 'routing to a station', 'new') }
        await orders.appendTimeline({
          workOrderId: id, at: new Date(now()), kind: 'routed', fromStatus: order.status, toStatus: order.status, engineerId: null,
          actor: actorOf(principal), details: { stationId }
        })
        return next
      })
      bus.publish('workorder.routed', { ...toEvent(routed), previousStationId: order.stationId })
      return routed
    },

    toEvent
  }
  return service
}

export type WorkOrderService = ReturnType<typeof createWorkOrderService>
export type { WorkOrderStatus }
