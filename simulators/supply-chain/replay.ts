import type { Principal } from '../../core/auth/roles.js'
import type { Traceability } from '../../traceability/index.js'
import { formatItemUri } from '../../traceability/index.js'
import type { Ref, Scenario, SimEvent } from './scenario.js'

export interface ReplayOptions {
  traceability: Traceability
  /** Sets the platform's clock (the simulation runs in simulated time). */
  setClock: (epochMs: number) => void
  start: Date
  resolver: string
  /** Simulated hours replayed together: events of different items in one window run concurrently. */
  windowHours?: number
  /** Register a machine parts are fitted to (its scenario name, e.g. `machine-3`); returns its device id. */
  registerMachine: (name: string) => Promise<string>
}

export interface ReplayResult {
  /** Item codes in item-index order. */
  codes: string[]
  scans: number
  rejected: number
  warnings: number
}

const HOUR = 3_600_000

/**
 * Play a scenario against a running traceability module, through its services (as the scan pages and
 * the public verification page would): catalogue and rules first, then every event at its simulated
 * time. Events of one item (or case, or fake code) keep their order; different items in one window go
 * concurrently, as real scanners do.
 */
export async function replayScenario (scenario: Scenario, options: ReplayOptions): Promise<ReplayResult> {
  const t = options.traceability
  const at = (hours: number) => new Date(options.start.getTime() + hours * HOUR)
  options.setClock(options.start.getTime())
  for (const product of scenario.world.products) await t.catalog.createProduct(product)
  for (const org of scenario.world.orgs) {
    await t.catalog.createOrganisation({ id: org.id, kind: org.kind, name: org.name, city: org.city, location: org.location, territory: org.territory })
  }
  for (const [supplierId, customerId] of scenario.world.links) await t.catalog.putLink({ supplierId, customerId })
  await t.rewards.createRule({ trigger: 'store_receive', amount: 0.5, shares: { store: 0.6, dealer: 0.4 } })
  await t.rewards.createRule({ trigger: 'consumer_first_verify', amount: 2, shares: { consumer: 0.5, store: 0.3, dealer: 0.2 } })

  // Issue each product's items as one lot; item i is the n-th code of its product's batch.
  const codes: string[] = new Array(scenario.itemProducts.length)
  for (const [p, product] of scenario.world.products.entries()) {
    const indexes = scenario.itemProducts.flatMap((q, i) => q === p ? [i] : [])
    const batch = await t.codes.issue({ gtin: product.gtin, lot: `LOT-${p + 1}`, quantity: indexes.length, createdBy: null })
    let n = 0
    for await (const page of t.codes.iterateCodes(batch)) for (const code of page) codes[indexes[n++] as number] = code.uri
  }

  const ssccOf = new Map<number, string>()
  const codeOf = (ref: Ref): string => {
    if ('fake' in ref) return ref.fake
    if ('case' in ref) return ssccOf.get(ref.case) as string
    const code = codes[ref.item] as string
    if ('forgedLot' in ref) {
      const [gtin, serial] = [/\/01\/(\d{14})/.exec(code)?.[1] as string, code.split('/21/')[1] as string]
      return formatItemUri(options.resolver, gtin, ref.forgedLot, serial)
    }
    return code
  }
  const staff = (orgId: string): Principal => ({ userId: `staff-${orgId}`, username: `staff-${orgId}`, role: 'org_staff', orgId })
  let scans = 0; let rejected = 0; let warnings = 0
  const count = (result: string, n = 1): void => {
    scans += n
    if (result === 'rejected') rejected += n
    if (result === 'warning') warnings += n
  }

  const apply = async (event: SimEvent): Promise<void> => {
    switch (event.kind) {
      case 'pack': {
        const container = await t.containers.create({ kind: 'case', orgId: event.orgId }, staff(event.orgId))
        ssccOf.set(event.case, container.sscc)
        await t.containers.pack(container.sscc, event.items.map((i) => codes[i] as string), staff(event.orgId))
        return
      }
      case 'unpack':
        await t.containers.unpack(ssccOf.get(event.case) as string, undefined, staff(event.orgId))
        return
      case 'ship':
      case 'receive':
      case 'sell': {
        const outcome = await t.scans.scan({
          code: codeOf(event.ref), action: event.kind, orgId: event.orgId, at: at(event.t).toISOString(),
          ...(event.kind === 'ship' ? { toOrgId: event.toOrgId } : {}),
          ...(event.kind === 'sell' && event.location !== null ? { location: event.location } : {})
        }, staff(event.orgId))
        for (const item of outcome.items) count(item.result)
        return
      }
      case 'install': {
        const outcome = await t.scans.scan({ code: codeOf(event.ref), action: 'install', deviceId: await machineOf(event.deviceId), at: at(event.t).toISOString() },
          { userId: event.engineer, username: event.engineer, role: 'engineer', orgId: null })
        count(outcome.result)
        return
      }
      case 'verify': {
        const outcome = await t.scans.verify(codeOf(event.ref), { location: event.location, consumerId: event.consumerId, at: at(event.t) })
        count(outcome.result)
      }
    }
  }

  // Install scans name registered machines: each scenario machine is registered on first use.
  const machines = new Map<string, Promise<string>>()
  const machineOf = async (name: string): Promise<string> => {
    let id = machines.get(name)
    if (id === undefined) machines.set(name, id = options.registerMachine(name))
    return await id
  }

  const windowHours = options.windowHours ?? 1
  let index = 0
  while (index < scenario.events.length) {
    const windowEnd = Math.floor((scenario.events[index] as SimEvent).t / windowHours + 1) * windowHours
    const lanes = new Map<string, SimEvent[]>()
    while (index < scenario.events.length && (scenario.events[index] as SimEvent).t < windowEnd) {
      const event = scenario.events[index++] as SimEvent
      const key = laneOf(event)
      const lane = lanes.get(key) ?? []
      lane.push(event)
      lanes.set(key, lane)
    }
    options.setClock(at(windowEnd).getTime())
    await Promise.all([...lanes.values()].map(async (lane) => { for (const event of lane) await apply(event) }))
  }
  await t.scans.idle()
  return { codes, scans, rejected, warnings }
}

function laneOf (event: SimEvent): string {
  if (event.kind === 'pack' || event.kind === 'unpack') return `case:${event.case}`
  const ref = event.ref
  if ('case' in ref) return `case:${ref.case}`
  if ('fake' in ref) return `fake:${ref.fake}`
  return `item:${ref.item}`
}
