import { createEngineerPool } from '../../dispatch/engine/engineer-pool.js'
import type { EngineerPool } from '../../dispatch/engine/engineer-pool.js'
import { estimateEtaMinutes, haversineKm } from '../../dispatch/engine/geo.js'
import { countParts, findViolation } from '../../dispatch/engine/hard-rules.js'
import { createRuleContext } from '../../dispatch/engine/candidate-search.js'
import type { BusyJob } from '../../dispatch/engine/dispatch-round.js'
import type { LatLng, OrderDemand } from '../../dispatch/engine/types.js'
import { hashUniform } from './prng.js'
import { toSnapshot } from './scenario.js'
import type { Scenario, SimEngineer, SimOrder } from './scenario.js'

/**
 * A discrete-event simulation of one service day. Engineers start at home when their shift starts,
 * drive to orders at the ETA model's speed, occasionally reject an order (decided by a hash of order
 * and engineer, so every policy meets the same refusals), spend the order's real time on site, and wait
 * where they finished. The policy under test only decides who goes where; the simulator refuses any
 * assignment that breaks a hard rule.
 */
export interface SimulationContext {
  readonly now: number
  readonly scenario: Scenario
  readonly pool: EngineerPool
  /** Released orders waiting for an engineer, in release order. */
  readonly pending: ReadonlyMap<string, OrderDemand>
  readonly defaultMaxDistanceKm: number
  /** The jobs engineers hold: where, and when they are (or will be) on site — what the platform knows. */
  busyJobs (): BusyJob[]
  assign (orderId: string, engineerId: string): void
}

export interface SimPolicy {
  name: string
  /** Minutes between `onTick` calls (none when absent). */
  tickMinutes?: number
  onOrderReleased? (ctx: SimulationContext, orderId: string): void
  onEngineerFreed? (ctx: SimulationContext, engineerId: string): void
  onTick? (ctx: SimulationContext): void
}

export interface ServedOrder {
  orderId: string
  engineerId: string
  /** What the engineer came from: `start:<engineerId>` (home at shift start) or the previous order's id. */
  predecessor: string
  assignedAt: number
  arrivedAt: number
  completedAt: number
  travelKm: number
  slaMet: boolean
}

export interface SimulationResult {
  policy: string
  orders: number
  served: number
  unserved: number
  rejections: number
  travelKm: number
  slaMetPct: number
  meanWaitToArrivalMin: number
  p90WaitToArrivalMin: number
  servedOrders: Map<string, ServedOrder>
}

type NewEvent =
  | { at: number, kind: 'shift_start' | 'shift_end', engineerId: string }
  | { at: number, kind: 'release', orderId: string }
  | { at: number, kind: 'reject' | 'arrive' | 'complete', orderId: string, engineerId: string }
  | { at: number, kind: 'tick' }
type SimEvent = NewEvent & { seq: number }

const MINUTE = 60_000
export const ACCEPT_MINUTES = 1
export const REJECT_MINUTES = 2
export const REJECT_RATE = 0.03
export const DEFAULT_MAX_DISTANCE_KM = 60

/** A binary heap of events by time, then by insertion order. */
function createEventQueue () {
  const heap: SimEvent[] = []
  let seq = 0
  const before = (a: SimEvent, b: SimEvent): boolean => a.at < b.at || (a.at === b.at && a.seq < b.seq)
  return {
    get size () { return heap.length },
    push (event: NewEvent): void {
      const item = { ...event, seq: seq++ } as SimEvent
      heap.push(item)
      let i = heap.length - 1
      while (i > 0) {
        const parent = (i - 1) >> 1
        if (!before(heap[i] as SimEvent, heap[parent] as SimEvent)) break
        ;[heap[i], heap[parent]] = [heap[parent] as SimEvent, heap[i] as SimEvent]
        i = parent
      }
    },
    pop (): SimEvent | undefined {
      const top = heap[0]
      const last = heap.pop()
      if (heap.length > 0 && last !== undefined) {
        heap[0] = last
        let i = 0
        for (;;) {
          const l = 2 * i + 1
          const r = l + 1
          let m = i
          if (l < heap.length && before(heap[l] as SimEvent, heap[m] as SimEvent)) m = l
          if (r < heap.length && before(heap[r] as SimEvent, heap[m] as SimEvent)) m = r
          if (m === i) break
          ;[heap[i], heap[m]] = [heap[m] as SimEvent, heap[i] as SimEvent]
          i = m
        }
      }
      return top
    }
  }
}

export function toDemand (order: SimOrder, rejectedBy: string[]): OrderDemand {
  return {
    id: order.id,
    location: order.location,
    priority: order.priority,
    requiredSkills: order.requiredSkills,
    requiredParts: order.requiredParts,
    rejectedBy,
    preferredEngineerId: null,
    arriveBy: order.deadlines.arriveBy,
    createdAt: order.releaseAt
  }
}

export function simulateDay (scenario: Scenario, policy: SimPolicy, options: { rejectRate?: number } = {}): SimulationResult {
  const rejectRate = options.rejectRate ?? REJECT_RATE
  const pool = createEngineerPool()
  for (const engineer of scenario.engineers) pool.put(toSnapshot(engineer, scenario.city.timezone))
  const engineerById = new Map<string, SimEngineer>(scenario.engineers.map((e) => [e.id, e]))
  const orderById = new Map<string, SimOrder>(scenario.orders.map((o) => [o.id, o]))
  const rejectedBy = new Map<string, string[]>()
  const pending = new Map<string, OrderDemand>()
  const served = new Map<string, ServedOrder>()
  const lastStop = new Map<string, string>()
  const offAfterJob = new Set<string>()
  const jobOf = new Map<string, { orderId: string, arriveAt: number }>()
  const queue = createEventQueue()
  let now = scenario.dayStart
  let travelKm = 0
  let rejections = 0
  let busy = 0

  for (const engineer of scenario.engineers) {
    queue.push({ at: engineer.shiftStart, kind: 'shift_start', engineerId: engineer.id })
    queue.push({ at: engineer.shiftEnd, kind: 'shift_end', engineerId: engineer.id })
    lastStop.set(engineer.id, `start:${engineer.id}`)
  }
  for (const order of scenario.orders) queue.push({ at: order.releaseAt, kind: 'release', orderId: order.id })
  const lastShiftEnd = Math.max(...scenario.engineers.map((e) => e.shiftEnd))
  const firstShiftStart = Math.min(...scenario.engineers.map((e) => e.shiftStart))
  if (policy.tickMinutes !== undefined) queue.push({ at: firstShiftStart, kind: 'tick' })

  const context: SimulationContext = {
    get now () { return now },
    scenario,
    pool,
    pending,
    defaultMaxDistanceKm: DEFAULT_MAX_DISTANCE_KM,
    busyJobs () {
      return [...jobOf].map(([engineerId, job]) => ({ engineerId, site: (orderById.get(job.orderId) as SimOrder).location, onSiteAt: job.arriveAt }))
    },
    assign (orderId, engineerId) {
      const demand = pending.get(orderId)
      const engineer = pool.get(engineerId)
      if (demand === undefined || engineer === undefined) throw new Error(`cannot assign ${orderId} to ${engineerId}: not pending or unknown`)
      const from = pool.locate(engineer) as LatLng
      const distanceKm = haversineKm(from, demand.location)
      const violation = findViolation({ engineer, order: demand, distanceKm }, createRuleContext({ now, defaultMaxDistanceKm: DEFAULT_MAX_DISTANCE_KM }))
      if (violation !== null) throw new Error(`policy broke hard rule ${violation.rule} (${violation.reason}) assigning ${orderId} to ${engineerId}`)
      pending.delete(orderId)
      pool.update(engineerId, { status: 'busy', activeOrderId: orderId, jobsToday: engineer.jobsToday + 1 })
      busy++
      if (hashUniform(scenario.seed, `${orderId}/${engineerId}`) < rejectRate) {
        queue.push({ at: now + REJECT_MINUTES * MINUTE, kind: 'reject', orderId, engineerId })
        return
      }
      const order = orderById.get(orderId) as SimOrder
      const arriveAt = now + (ACCEPT_MINUTES + estimateEtaMinutes(distanceKm)) * MINUTE
      const completeAt = arriveAt + order.serviceMinutes * MINUTE
      travelKm += distanceKm
      jobOf.set(engineerId, { orderId, arriveAt })
      served.set(orderId, {
        orderId,
        engineerId,
        predecessor: lastStop.get(engineerId) as string,
        assignedAt: now,
        arrivedAt: arriveAt,
        completedAt: completeAt,
        travelKm: distanceKm,
        slaMet: arriveAt <= order.deadlines.arriveBy && completeAt <= order.deadlines.resolveBy
      })
      queue.push({ at: arriveAt, kind: 'arrive', orderId, engineerId })
      queue.push({ at: completeAt, kind: 'complete', orderId, engineerId })
    }
  }

  const free = (engineerId: string): void => {
    busy--
    jobOf.delete(engineerId)
    const off = offAfterJob.delete(engineerId)
    pool.update(engineerId, { status: off ? 'off' : 'available', activeOrderId: null })
    if (!off) policy.onEngineerFreed?.(context, engineerId)
  }

  for (let event = queue.pop(); event !== undefined; event = queue.pop()) {
    now = event.at
    switch (event.kind) {
      case 'shift_start':
        pool.update(event.engineerId, { status: 'available', position: (engineerById.get(event.engineerId) as SimEngineer).home })
        policy.onEngineerFreed?.(context, event.engineerId)
        break
      case 'shift_end':
        if (pool.get(event.engineerId)?.activeOrderId === null) pool.update(event.engineerId, { status: 'off' })
        else offAfterJob.add(event.engineerId)
        break
      case 'release':
        rejectedBy.set(event.orderId, [])
        pending.set(event.orderId, toDemand(orderById.get(event.orderId) as SimOrder, rejectedBy.get(event.orderId) as string[]))
        policy.onOrderReleased?.(context, event.orderId)
        break
      case 'reject':
        rejections++
        ;(rejectedBy.get(event.orderId) as string[]).push(event.engineerId)
        pending.set(event.orderId, toDemand(orderById.get(event.orderId) as SimOrder, rejectedBy.get(event.orderId) as string[]))
        free(event.engineerId)
        policy.onOrderReleased?.(context, event.orderId)
        break
      case 'arrive':
        pool.update(event.engineerId, { position: (orderById.get(event.orderId) as SimOrder).location })
        break
      case 'complete': {
        const engineer = pool.get(event.engineerId)
        const order = orderById.get(event.orderId) as SimOrder
        if (engineer !== undefined) {
          const stock = { ...engineer.vanStock }
          for (const [part, quantity] of countParts(order.requiredParts)) {
            if (stock[part] !== undefined) stock[part] = Math.max(0, stock[part] - quantity)
          }
          pool.update(event.engineerId, { vanStock: stock })
        }
        lastStop.set(event.engineerId, event.orderId)
        free(event.engineerId)
        break
      }
      case 'tick':
        policy.onTick?.(context)
        if (now < lastShiftEnd || busy > 0) queue.push({ at: now + (policy.tickMinutes as number) * MINUTE, kind: 'tick' })
        break
    }
  }

  const waits = [...served.values()].map((s) => (s.arrivedAt - (orderById.get(s.orderId) as SimOrder).releaseAt) / MINUTE).sort((a, b) => a - b)
  const met = [...served.values()].filter((s) => s.slaMet).length
  const round = (value: number, digits = 2): number => Math.round(value * 10 ** digits) / 10 ** digits
  return {
    policy: policy.name,
    orders: scenario.orders.length,
    served: served.size,
    unserved: scenario.orders.length - served.size,
    rejections,
    travelKm: round(travelKm, 1),
    slaMetPct: round((met / scenario.orders.length) * 100),
    meanWaitToArrivalMin: round(waits.reduce((a, b) => a + b, 0) / Math.max(1, waits.length)),
    p90WaitToArrivalMin: round(waits[Math.floor(waits.length * 0.9)] ?? 0),
    servedOrders: served
  }
}
