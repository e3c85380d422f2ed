import { randomBytes, randomUUID } from 'node:crypto'
import type { LatLng, Priority, SkillRequirement } from '../engine/types.js'
import { DSP_DEVICE_UNKNOWN, DSP_LOCATION_REQUIRED, DSP_WINDOW_INVALID, DSP_WINDOW_TOO_FAR } from '../errors.js'
import type { AutoDispatchTable } from '../policies/policy.repository.js'
import type { DeviceDirectory, DirectoryDevice } from '../ports.js'
import { computeDeadlines, DEFAULT_CONTRACT, findTargets } from '../sla/sla-policy.js'
import type { SlaPolicyTable } from '../sla/sla-policy.js'
import type { Actor } from './actor.js'
import type { NewWorkOrderRecord, WorkOrderSource } from './work-order.repository.js'

/** A request for service, from the API (customer app, service desk) or from an alert. */
export interface WorkOrderRequest {
  source: WorkOrderSource
  deviceId?: string | null
  alertId?: string | null
  customer?: Record<string, unknown>
  location?: LatLng | null
  priority: Priority
  problem: string
  /** A skill name (level 1) or a skill with a minimum level. */
  requiredSkills?: Array<string | SkillRequirement>
  requiredParts?: string[]
  /** When the customer can receive the engineer (ISO 8601 or epoch ms). */
  window?: { start?: string | number | null, end?: string | number | null } | null
  preferredEngineerId?: string | null
  stationId?: string | null
  /** Resolve no later than this (epoch ms), e.g. before a predicted failure; tightens the SLA's resolve deadline. */
  resolveNoLaterThan?: number | null
}

export interface IntakeDeps {
  devices: DeviceDirectory
  slaPolicies: () => SlaPolicyTable
  autoDispatch: () => AutoDispatchTable
  now: () => number
}

/** 128 random bits, URL-safe: the public tracking link cannot be guessed. */
export function generateTrackingToken (): string {
  return randomBytes(16).toString('base64url')
}

export function normaliseSkills (skills: ReadonlyArray<string | SkillRequirement> | undefined): SkillRequirement[] {
  const merged = new Map<string, number>()
  for (const item of skills ?? []) {
    const need = typeof item === 'string' ? { skill: item, level: 1 } : item
    merged.set(need.skill, Math.max(merged.get(need.skill) ?? 0, need.level))
  }
  return [...merged].map(([skill, level]) => ({ skill, level }))
}

/** How far ahead a visit window may lie: a year and a day (a yearly service booked on its anniversary). */
export const WINDOW_HORIZON_DAYS = 366

const toDate = (value: string | number | null | undefined): Date | null =>
  value === null || value === undefined ? null : new Date(value)

/**
 * Who the order is for. The service desk and alerts start from the machine owner's record and the
 * request overrides single fields (whatever the source the desk records). A customer's own request
 * (the public request page, actor role `customer`) keeps their contact whole — whoever stands
 * at the machine is the one the engineer calls — and takes from the owner's record only the contract
 * (which sets the SLA) and the owner's name, never the owner's phone, email or address.
 */
function customerOf (request: WorkOrderRequest, actor: Actor, device: DirectoryDevice | null): Record<string, unknown> {
  const owner = device?.customer ?? {}
  if (actor.role !== 'customer' || request.customer === undefined) return { ...owner, ...(request.customer ?? {}) }
  return {
    ...request.customer,
    ...(typeof owner.contract === 'string' ? { contract: owner.contract } : {}),
    ...(typeof owner.name === 'string' && owner.name !== request.customer.name ? { owner: owner.name } : {})
  }
}

/**
 * Turn a request into the record to store: the device fills in location and customer when the
 * request leaves them out; the SLA deadlines come from the customer's contract and the priority.
 * A service window moves the arrive and resolve clocks to its start (the customer is not there
 * before) and the arrive deadline to its end at the latest.
 */
export async function prepareWorkOrder (request: WorkOrderRequest, actor: Actor, deps: IntakeDeps): Promise<NewWorkOrderRecord> {
  // An alert the platform raised names a device the gateway knows: if the directory cannot find it, or
  // it has no location, the order is still opened (and waits for one). A caller of the API who says
  // source "alert" gets the same checks as anyone else.
  const raisedHere = request.source === 'alert' && actor.role === 'system'
  let device: DirectoryDevice | null = null
  if (request.deviceId !== undefined && request.deviceId !== null) {
    device = await deps.devices.getDevice(request.deviceId)
    if (device === null && !raisedHere) throw new DSP_DEVICE_UNKNOWN(request.deviceId).withDetails({ field: 'body.deviceId' })
  }
  const location = request.location ?? device?.location ?? null
  if (location === null && !raisedHere) throw new DSP_LOCATION_REQUIRED().withDetails({ field: 'body.location' })
  const windowStart = toDate(request.window?.start)
  const windowEnd = toDate(request.window?.end)
  if (windowStart !== null && windowEnd !== null && windowEnd.getTime() <= windowStart.getTime()) {
    throw new DSP_WINDOW_INVALID().withDetails({ field: 'body.window.end' })
  }
  // A visit window already over could never be met: its deadlines would be breached on creation.
  if (windowEnd !== null && windowEnd.getTime() <= deps.now()) throw new DSP_WINDOW_INVALID().withDetails({ field: 'body.window.end' })
  // A booking is for the coming year; its deadlines (up to a year more) must be instants the database holds.
  for (const [bound, field] of [[windowStart, 'body.window.start'], [windowEnd, 'body.window.end']] as const) {
    if (bound !== null && bound.getTime() > deps.now() + WINDOW_HORIZON_DAYS * 86_400_000) throw new DSP_WINDOW_TOO_FAR(WINDOW_HORIZON_DAYS).withDetails({ field })
  }

  const customer = customerOf(request, actor, device)
  const contract = typeof customer.contract === 'string' && customer.contract !== '' ? customer.contract : DEFAULT_CONTRACT
  const at = deps.now()
  const targets = findTargets(deps.slaPolicies(), contract, request.priority)
  const respondBy = computeDeadlines(at, targets).respondBy
  const visitFrom = Math.max(at, windowStart?.getTime() ?? at)
  const visit = computeDeadlines(visitFrom, targets)
  const arriveBy = windowEnd === null ? visit.arriveBy : Math.max(visitFrom, Math.min(visit.arriveBy, windowEnd.getTime()))
  const resolveBy = Math.max(arriveBy, Math.min(visit.resolveBy, request.resolveNoLaterThan ?? Infinity))

  return {
    id: randomUUID(),
    source: request.source,
    deviceId: request.deviceId ?? null,
    alertId: request.alertId ?? null,
    customer,
    contract,
    location,
    priority: request.priority,
    problem: request.problem,
    requiredSkills: normaliseSkills(request.requiredSkills),
    requiredParts: request.requiredParts ?? [],
    windowStart,
    windowEnd,
    preferredEngineerId: request.preferredEngineerId ?? null,
    stationId: request.stationId ?? null,
    trackingToken: generateTrackingToken(),
    autoDispatch: deps.autoDispatch()[request.source]?.[request.priority] ?? false,
    respondBy: new Date(respondBy),
    arriveBy: new Date(arriveBy),
    resolveBy: new Date(resolveBy),
    createdBy: actor.userId,
    at: new Date(at)
  }
}
