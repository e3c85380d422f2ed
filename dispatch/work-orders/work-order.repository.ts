import type { Queryable } from '../../core/db/database.js'
import type { LatLng, Priority, SkillRequirement } from '../engine/types.js'
import { ACTIVE_STATUSES } from './state-machine.js'
import type { WorkOrderStatus } from './state-machine.js'

export type WorkOrderSource = 'customer' | 'agent' | 'alert'
export type SlaDeadlineName = 'respond' | 'arrive' | 'resolve'

export interface WorkOrderSla {
  respondBy: Date
  arriveBy: Date
  resolveBy: Date
  respondedAt: Date | null
  arrivedAt: Date | null
  resolvedAt: Date | null
  atRisk: boolean
  breached: boolean
  /** `<deadline>:at_risk` / `<deadline>:breached`, in the order they were raised. */
  flags: string[]
}

/** A job an engineer holds (`listHeldJobs`). */
export interface HeldJob {
  engineerId: string
  location: LatLng
  arrivedAt: Date | null
}

export interface WorkOrder {
  id: string
  number: number
  source: WorkOrderSource
  deviceId: string | null
  alertId: string | null
  customer: Record<string, unknown>
  contract: string
  location: LatLng | null
  priority: Priority
  problem: string
  requiredSkills: SkillRequirement[]
  requiredParts: string[]
  window: { start: Date | null, end: Date | null } | null
  preferredEngineerId: string | null
  stationId: string | null
  /** The station of the engineer who holds (or last held) the order, as of the assignment. */
  servedStationId: string | null
  status: WorkOrderStatus
  engineerId: string | null
  rejectedBy: string[]
  trackingToken: string
  autoDispatch: boolean
  sla: WorkOrderSla
  assignedAt: Date | null
  cancelledAt: Date | null
  completionNotes: string | null
  partsUsed: string[]
  createdBy: string | null
  createdAt: Date
  updatedAt: Date
}

export interface TimelineEntry {
  id: number
  at: Date
  kind: string
  fromStatus: WorkOrderStatus | null
  toStatus: WorkOrderStatus | null
  engineerId: string | null
  actor: { userId: string | null, name: string, role: string }
  details: Record<string, unknown>
}

interface WorkOrderRow {
  id: string
  number: number
  source: WorkOrderSource
  device_id: string | null
  alert_id: string | null
  customer: Record<string, unknown>
  contract: string
  lat: number | null
  lng: number | null
  priority: Priority
  problem: string
  required_skills: SkillRequirement[]
  required_parts: string[]
  window_start: Date | null
  window_end: Date | null
  preferred_engineer_id: string | null
  station_id: string | null
  served_station_id: string | null
  status: WorkOrderStatus
  engineer_id: string | null
  rejected_by: string[]
  tracking_token: string
  auto_dispatch: boolean
  respond_by: Date
  arrive_by: Date
  resolve_by: Date
  assigned_at: Date | null
  responded_at: Date | null
  arrived_at: Date | null
  resolved_at: Date | null
  cancelled_at: Date | null
  sla_flags: string[]
  completion_notes: string | null
  parts_used: string[]
  created_by: string | null
  created_at: Date
  updated_at: Date
}

const COLUMNS = `id, number, source, device_id, alert_id, customer, contract, lat, lng, priority, problem, required_skills,
  required_parts, window_start, window_end, preferred_engineer_id, station_id, served_station_id, status, engineer_id, rejected_by, tracking_token,
  auto_dispatch, respond_by, arrive_by, resolve_by, assigned_at, responded_at, arrived_at, resolved_at, cancelled_at, sla_flags,
  completion_notes, parts_used, created_by, created_at, updated_at`

function toWorkOrder (row: WorkOrderRow): WorkOrder {
  return {
    id: row.id,
    number: row.number,
    source: row.source,
    deviceId: row.device_id,
    alertId: row.alert_id,
    customer: row.customer,
    contract: row.contract,
    location: row.lat === null || row.lng === null ? null : { lat: row.lat, lng: row.lng },
    priority: row.priority,
    problem: row.problem,
    requiredSkills: row.required_skills,
    requiredParts: row.required_parts,
    window: row.window_start === null && row.window_end === null ? null : { start: row.window_start, end: row.window_end },
    preferredEngineerId: row.preferred_engineer_id,
    stationId: row.station_id,
    servedStationId: row.served_station_id,
    status: row.status,
    engineerId: row.engineer_id,
    rejectedBy: row.rejected_by,
    trackingToken: row.tracking_token,
    autoDispatch: row.auto_dispatch,
    sla: {
      respondBy: row.respond_by,
      arriveBy: row.arrive_by,
      resolveBy: row.resolve_by,
      respondedAt: row.responded_at,
      arrivedAt: row.arrived_at,
      resolvedAt: row.resolved_at,
      atRisk: row.sla_flags.some((flag) => flag.endsWith(':at_risk')),
      breached: row.sla_flags.some((flag) => flag.endsWith(':breached')),
      flags: row.sla_flags
    },
    assignedAt: row.assigned_at,
    cancelledAt: row.cancelled_at,
    completionNotes: row.completion_notes,
    partsUsed: row.parts_used,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at
  }
}

export interface NewWorkOrderRecord {
  id: string
  source: WorkOrderSource
  deviceId: string | null
  alertId: string | null
  customer: Record<string, unknown>
  contract: string
  location: LatLng | null
  priority: Priority
  problem: string
  requiredSkills: SkillRequirement[]
  requiredParts: string[]
  windowStart: Date | null
  windowEnd: Date | null
  preferredEngineerId: string | null
  stationId: string | null
  trackingToken: string
  autoDispatch: boolean
  respondBy: Date
  arriveBy: Date
  resolveBy: Date
  createdBy: string | null
  at: Date
}

export interface WorkOrderFilter {
  statuses?: readonly WorkOrderStatus[] | undefined
  priority?: Priority | undefined
  source?: WorkOrderSource | undefined
  engineerId?: string | undefined
  /** Only orders routed to one of these stations or held by one of their engineers. */
  stationIds?: readonly string[] | undefined
  deviceId?: string | undefined
  limit: number
  offset: number
}

/** Columns a transition may set, besides status and updated_at. */
export interface TransitionChanges {
  engineerId?: string | null
  assignedAt?: Date | null
  /** The accept that stands; null when the offer is withdrawn (reject, unassign). */
  respondedAt?: Date | null
  arrivedAt?: Date
  resolvedAt?: Date
  cancelledAt?: Date
  stationId?: string | null
  completionNotes?: string | null
  partsUsed?: string[]
  /** Append this engineer to the rejected list. */
  addRejected?: string
}

export interface WorkOrderDetailsChanges {
  location?: LatLng
  problem?: string
  requiredSkills?: SkillRequirement[]
  requiredParts?: string[]
  preferredEngineerId?: string | null
}

export interface NewTimelineEntry {
  workOrderId: string
  at: Date
  kind: string
  fromStatus: WorkOrderStatus | null
  toStatus: WorkOrderStatus | null
  engineerId: string | null
  actor: { userId: string | null, name: string, role: string }
  details?: Record<string, unknown>
}

export function createWorkOrderRepository (db: Queryable) {
  return {
    /** Insert; null when an order for the same alert already exists (alerts are idempotent). */
    async insert (record: NewWorkOrderRecord): Promise<WorkOrder | null> {
      const { rows } = await db.query<WorkOrderRow>(
        `INSERT INTO dispatch_work_orders (id, source, device_id, alert_id, customer, contract, lat, lng, priority, problem,
           required_skills, required_parts, window_start, window_end, preferred_engineer_id, station_id, status,
           tracking_token, auto_dispatch, respond_by, arrive_by, resolve_by, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9, $10, $11::jsonb, $12::text[], $13, $14, $15, $16, 'new',
           $17, $18, $19, $20, $21, $22, $23, $23)
         ON CONFLICT (alert_id) DO NOTHING
         RETURNING ${COLUMNS}`,
        [record.id, record.source, record.deviceId, record.alertId, JSON.stringify(record.customer), record.contract,
          record.location?.lat ?? null, record.location?.lng ?? null, record.priority, record.problem,
          JSON.stringify(record.requiredSkills), record.requiredParts, record.windowStart, record.windowEnd,
          record.preferredEngineerId, record.stationId, record.trackingToken, record.autoDispatch,
          record.respondBy, record.arriveBy, record.resolveBy, record.createdBy, record.at])
      return rows[0] === undefined ? null : toWorkOrder(rows[0])
    },

    async findById (id: string, options: { forUpdate?: boolean } = {}): Promise<WorkOrder | null> {
      const { rows } = await db.query<WorkOrderRow>(
        `SELECT ${COLUMNS} FROM dispatch_work_orders WHERE id = $1${options.forUpdate === true ? ' FOR UPDATE' : ''}`, [id])
      return rows[0] === undefined ? null : toWorkOrder(rows[0])
    },

    async findByTrackingToken (token: string): Promise<WorkOrder | null> {
      const { rows } = await db.query<WorkOrderRow>(`SELECT ${COLUMNS} FROM dispatch_work_orders WHERE tracking_token = $1`, [token])
      return rows[0] === undefined ? null : toWorkOrder(rows[0])
    },

    async findByAlertId (alertId: string): Promise<WorkOrder | null> {
      const { rows } = await db.query<WorkOrderRow>(`SELECT ${COLUMNS} FROM dispatch_work_orders WHERE alert_id = $1`, [alertId])
      return rows[0] === undefined ? null : toWorkOrder(rows[0])
    },

    async list (filter: WorkOrderFilter): Promise<{ workOrders: WorkOrder[], total: number }> {
      const where = `($1::text[] IS NULL OR status = ANY($1)) AND ($2::text IS NULL OR priority = $2)
        AND ($3::text IS NULL OR source = $3) AND ($4::uuid IS NULL OR engineer_id = $4)
        AND ($5::uuid[] IS NULL OR station_id = ANY($5) OR served_station_id = ANY($5)
             OR (status IN ('assigned', 'accepted', 'en_route', 'on_site') AND engineer_id IN (SELECT id FROM dispatch_engineers WHERE station_id = ANY($5))))
        AND ($6::uuid IS NULL OR device_id = $6)`
      const params = [filter.statuses ?? null, filter.priority ?? null, filter.source ?? null, filter.engineerId ?? null,
        filter.stationIds ?? null, filter.deviceId ?? null]
      const [{ rows }, count] = await Promise.all([
        db.query<WorkOrderRow>(`SELECT ${COLUMNS} FROM dispatch_work_orders WHERE ${where}
          ORDER BY created_at DESC, number DESC LIMIT $7 OFFSET $8`, [...params, filter.limit, filter.offset]),
        db.query<{ n: number }>(`SELECT count(*) AS n FROM dispatch_work_orders WHERE ${where}`, params)
      ])
      return { workOrders: rows.map(toWorkOrder), total: count.rows[0]?.n ?? 0 }
    },

    /** Open orders (for the SLA checker and the auto-dispatch retry), oldest first. */
    /** Orders offered to an engineer (assigned, not yet accepted) before `offeredBefore`, oldest first. */
    async listUnansweredOffers (offeredBefore: Date): Promise<WorkOrder[]> {
      const { rows } = await db.query<WorkOrderRow>(
        `SELECT ${COLUMNS} FROM dispatch_work_orders WHERE status = 'assigned' AND assigned_at < $1 ORDER BY assigned_at, number`, [offeredBefore])
      return rows.map(toWorkOrder)
    },

    async listOpen (): Promise<WorkOrder[]> {
      const { rows } = await db.query<WorkOrderRow>(
        `SELECT ${COLUMNS} FROM dispatch_work_orders WHERE status NOT IN ('completed', 'cancelled') ORDER BY created_at, number`)
      return rows.map(toWorkOrder)
    },

    /**
     * Completed orders with a milestone reached after its deadline and no breach flag for it: those
     * whose check had not run when the platform stopped. The WHERE clause is, word for word, the
     * predicate of the partial index in migration 0005, so the planner reads that index; change both together.
     */
    async listCompletedLateUnflagged (): Promise<WorkOrder[]> {
      const { rows } = await db.query<WorkOrderRow>(
        `SELECT ${COLUMNS} FROM dispatch_work_orders
          WHERE status = 'completed' AND (
            (responded_at > respond_by AND NOT ('respond:breached' = ANY(sla_flags))) OR
            (arrived_at > arrive_by AND NOT ('arrive:breached' = ANY(sla_flags))) OR
            (resolved_at > resolve_by AND NOT ('resolve:breached' = ANY(sla_flags))))
          ORDER BY created_at, number`)
      return rows.map(toWorkOrder)
    },

    /**
     * The jobs engineers hold (assigned … on site) with a location: where, and since when on site (null
     * while not there yet). Auto-dispatch looks ahead to who will be free soon, and where.
     */
    async listHeldJobs (): Promise<HeldJob[]> {
      const { rows } = await db.query<{ engineer_id: string, lat: number, lng: number, arrived_at: Date | null }>(
        `SELECT engineer_id, lat, lng, arrived_at FROM dispatch_work_orders
         WHERE status = ANY($1::text[]) AND engineer_id IS NOT NULL AND lat IS NOT NULL AND lng IS NOT NULL`,
        [ACTIVE_STATUSES])
      return rows.map((row) => ({ engineerId: row.engineer_id, location: { lat: row.lat, lng: row.lng }, arrivedAt: row.arrived_at }))
    },

    /**
     * Orders waiting for an engineer that dispatch can place (they have a location), most urgent first:
     * earliest arrive deadline, then oldest. `limit` bounds a round, so with more waiting than that the
     * ones left over are the least urgent, never the oldest.
     */
    async listQueued (options: { limit: number, autoDispatchOnly?: boolean, ids?: readonly string[] | undefined }): Promise<WorkOrder[]> {
      const { rows } = await db.query<WorkOrderRow>(
        `SELECT ${COLUMNS} FROM dispatch_work_orders
         WHERE status = 'new' AND lat IS NOT NULL AND lng IS NOT NULL
           AND ($1::boolean IS NOT TRUE OR auto_dispatch) AND ($2::uuid[] IS NULL OR id = ANY($2::uuid[]))
         ORDER BY arrive_by, created_at, number LIMIT $3`,
        [options.autoDispatchOnly ?? false, options.ids ?? null, options.limit])
      return rows.map(toWorkOrder)
    },

    /**
     * Move the order from one of `from` to `to`, setting `changes`; null when the order is no longer in
     * one of those states (another request won). `engineerId`, when given, must also still hold it,
     * and `notRejected` refuses an engineer in the rejected list.
     */
    async transition (id: string, from: readonly WorkOrderStatus[], to: WorkOrderStatus, changes: TransitionChanges, at: Date,
      guard: { engineerId?: string | null, assignedAt?: Date | null, notRejected?: string } = {}): Promise<WorkOrder | null> {
      const params: unknown[] = [id, from, to, at]
      const set = ['status = $3', 'updated_at = $4']
      const add = (column: string, value: unknown, expression?: (p: string) => string): void => {
        params.push(value)
        const placeholder = `$${params.length}`
        set.push(`${column} = ${expression === undefined ? placeholder : expression(placeholder)}`)
      }
      if (changes.engineerId !== undefined) {
        add('engineer_id', changes.engineerId)
        const engineer = `$${params.length}::uuid`
        set.push(`served_station_id = CASE WHEN ${engineer} IS NULL THEN NULL ELSE (SELECT station_id FROM dispatch_engineers WHERE id = ${engineer}) END`)
      }
      if (changes.assignedAt !== undefined) add('assigned_at', changes.assignedAt)
      if (changes.respondedAt !== undefined) add('responded_at', changes.respondedAt)
      if (changes.arrivedAt !== undefined) add('arrived_at', changes.arrivedAt)
      if (changes.resolvedAt !== undefined) add('resolved_at', changes.resolvedAt)
      if (changes.cancelledAt !== undefined) add('cancelled_at', changes.cancelledAt)
      if (changes.stationId !== undefined) add('station_id', changes.stationId)
      if (changes.completionNotes !== undefined) add('completion_notes', changes.completionNotes)
      if (changes.partsUsed !== undefined) add('parts_used', changes.partsUsed, (p) => `${p}::text[]`)
      if (changes.addRejected !== undefined) add('rejected_by', changes.addRejected, (p) => `array_append(rejected_by, ${p}::uuid)`)
      const conditions = ['id = $1', 'status = ANY($2::text[])']
      if (guard.engineerId !== undefined) {
        params.push(guard.engineerId)
        conditions.push(`engineer_id IS NOT DISTINCT FROM $${params.length}::uuid`)
      }
      if (guard.assignedAt !== undefined) {
        params.push(guard.assignedAt)
        conditions.push(`assigned_at IS NOT DISTINCT FROM $${params.length}::timestamptz`)
      }
      if (guard.notRejected !== undefined) {
        params.push(guard.notRejected)
        conditions.push(`NOT ($${params.length}::uuid = ANY(rejected_by))`)
      }
      const { rows } = await db.query<WorkOrderRow>(
        `UPDATE dispatch_work_orders SET ${set.join(', ')} WHERE ${conditions.join(' AND ')} RETURNING ${COLUMNS}`, params)
      return rows[0] === undefined ? null : toWorkOrder(rows[0])
    },

    /** Change what the order asks for while it waits for an engineer; null unless it is still new. */
    async updateDetails (id: string, changes: WorkOrderDetailsChanges, at: Date): Promise<WorkOrder | null> {
      const { rows } = await db.query<WorkOrderRow>(
        `UPDATE dispatch_work_orders SET
           lat = COALESCE($2, lat), lng = COALESCE($3, lng), problem = COALESCE($4, problem),
           required_skills = COALESCE($5::jsonb, required_skills), required_parts = COALESCE($6::text[], required_parts),
           preferred_engineer_id = CASE WHEN $7::boolean THEN $8::uuid ELSE preferred_engineer_id END, updated_at = $9
         WHERE id = $1 AND status = 'new' RETURNING ${COLUMNS}`,
        [id, changes.location?.lat ?? null, changes.location?.lng ?? null, changes.problem ?? null,
          changes.requiredSkills === undefined ? null : JSON.stringify(changes.requiredSkills), changes.requiredParts ?? null,
          changes.preferredEngineerId !== undefined, changes.preferredEngineerId ?? null, at])
      return rows[0] === undefined ? null : toWorkOrder(rows[0])
    },

    async routeToStation (id: string, stationId: string | null, at: Date): Promise<WorkOrder | null> {
      const { rows } = await db.query<WorkOrderRow>(
        `UPDATE dispatch_work_orders SET station_id = $2, updated_at = $3 WHERE id = $1 AND status = 'new' RETURNING ${COLUMNS}`, [id, stationId, at])
      return rows[0] === undefined ? null : toWorkOrder(rows[0])
    },

    /** Raise an SLA flag once; true when this call raised it. */
    async addSlaFlag (id: string, flag: string, at: Date): Promise<boolean> {
      const { rowCount } = await db.query(
        `UPDATE dispatch_work_orders SET sla_flags = array_append(sla_flags, $2::text), updated_at = $3
         WHERE id = $1 AND NOT ($2::text = ANY(sla_flags))`, [id, flag, at])
      return rowCount > 0
    },

    async appendTimeline (entry: NewTimelineEntry): Promise<void> {
      await db.query(
        `INSERT INTO dispatch_work_order_events (work_order_id, at, kind, from_status, to_status, engineer_id,
           actor_user_id, actor_name, actor_role, details)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb)`,
        [entry.workOrderId, entry.at, entry.kind, entry.fromStatus, entry.toStatus, entry.engineerId,
          entry.actor.userId, entry.actor.name, entry.actor.role, JSON.stringify(entry.details ?? {})])
    },

    async listTimeline (workOrderId: string): Promise<TimelineEntry[]> {
      const { rows } = await db.query<{ id: number, at: Date, kind: string, from_status: WorkOrderStatus | null, to_status: WorkOrderStatus | null,
        engineer_id: string | null, actor_user_id: string | null, actor_name: string, actor_role: string, details: Record<string, unknown> }>(
        `SELECT id, at, kind, from_status, to_status, engineer_id, actor_user_id, actor_name, actor_role, details
         FROM dispatch_work_order_events WHERE work_order_id = $1 ORDER BY id`, [workOrderId])
      return rows.map((row) => ({
        id: row.id,
        at: row.at,
        kind: row.kind,
        fromStatus: row.from_status,
        toStatus: row.to_status,
        engineerId: row.engineer_id,
        actor: { userId: row.actor_user_id, name: row.actor_name, role: row.actor_role },
        details: row.details
      }))
    }
  }
}

export type WorkOrderRepository = ReturnType<typeof createWorkOrderRepository>
