import type { Principal } from '../../core/auth/roles.js'
import type { Database, Queryable } from '../../core/db/database.js'
import { isUniqueViolation } from '../../core/db/database.js'
import type { CatalogSnapshot } from '../catalog/catalog-snapshot.js'
import type { CatalogService } from '../catalog/catalog.service.js'
import type { SerialGenerator } from '../codes/serial.js'
import { TRC_CONTAINER_EXISTS, TRC_CONTAINER_FORBIDDEN, TRC_CONTAINER_NOT_FOUND, TRC_ORG_NOT_FOUND, TRC_PACK_REFUSED, TRC_SCAN_FIELD_REQUIRED, TRC_SCAN_ORG_FORBIDDEN, TRC_SSCC_INVALID } from '../errors.js'
import { formatItemUri, formatSsccUri, parseCode } from '../gs1/digital-link.js'
import { composeSscc, isValidSscc } from '../gs1/sscc.js'
import type { EpcisEvent, EpcisEventSink } from '../scans/event-sink.js'
import { orgLocationUri } from '../scans/epcis-mapping.js'
import { createContainerRepository } from './container.repository.js'
import type { Container, ContainerKind, PackedItem } from './container.repository.js'
import { randomUUID } from 'node:crypto'

/** Extension digit of SSCCs the platform allocates (GS1 Gen Specs §2.2.1: the company's choice). */
const EXTENSION_DIGIT: Record<ContainerKind, number> = { case: 0, pallet: 1 }
const MAX_CHILDREN = 10_000

export interface ContainerTree extends Container {
  uri: string
  items: Array<{ code: string, serial: string, gtin: string, lot: string | null, status: string }>
  containers: ContainerTree[]
  /** Items inside at any depth. */
  itemCount: number
}

/**
 * Cases and pallets (SSCC) and what they hold. Packing and unpacking are recorded as EPCIS
 * AggregationEvents (ADD / DELETE, CBV packing / unpacking). A scan of a container acts on every item
 * inside it, through any depth of nesting (see scans).
 */
export function createContainerService (deps: { db: Database, catalog: CatalogService, serials: SerialGenerator, sink: EpcisEventSink, resolver: string, companyPrefix: string, now: () => number, onItemsChanged: (serials: string[]) => void }) {
  const repo = createContainerRepository()
  const lock = deps.db.driver === 'server'

  const orgOf = (principal: Principal, given: string | null | undefined): string | null => {
    if (principal.role === 'org_staff') {
      if (given !== undefined && given !== null && given !== principal.orgId) throw new TRC_SCAN_ORG_FORBIDDEN(given).withDetails({ field: 'body.orgId' })
      return principal.orgId
    }
    return given ?? null
  }

  /**
   * Organisation staff pack and unpack only containers of their own organisation — created by it, or
   * whose contents it holds now (a factory's case, received by a dealer, is the dealer's to unpack) —
   * and pack only items their organisation holds (at a factory: items not yet handed over). Brand
   * staff and admins may act on any.
   */
  const mayHandle = async (q: Queryable, principal: Principal, container: Container): Promise<boolean> => {
    if (principal.role !== 'org_staff' || container.orgId === principal.orgId) return true
    const holders = await repo.holdersInside(q, container.sscc)
    return holders.length > 0 && holders.every((holder) => holder === principal.orgId)
  }
  const requireOwnContainer = async (q: Queryable, principal: Principal, container: Container): Promise<void> => {
    if (!await mayHandle(q, principal, container)) throw new TRC_CONTAINER_FORBIDDEN(container.sscc).withDetails({ field: 'params.sscc' })
  }
  const foreignItems = (principal: Principal, catalog: CatalogSnapshot, items: Array<[number, PackedItem]>): Array<{ index: number, reason: string }> => {
    if (principal.role !== 'org_staff') return []
    const atFactory = principal.orgId !== null && catalog.org(principal.orgId)?.kind === 'factory'
    return items.flatMap(([index, item]) => item.holderOrgId === principal.orgId || (item.holderOrgId === null && atFactory)
      ? []
      : [{ index, reason: `${item.serial} is not held by your organisation` }])
  }

  const requireContainer = async (q: Queryable, sscc: string, field: string, forUpdate = false): Promise<Container> => {
    if (!isValidSscc(sscc)) throw new TRC_SSCC_INVALID(sscc).withDetails({ field })
    const container = await repo.find(q, sscc, forUpdate && lock)
    if (container === null) throw new TRC_CONTAINER_NOT_FOUND(sscc).withDetails({ field })
    return container
  }

  // The catalogue snapshot is read before the transaction: the embedded engine runs nothing else inside one.
  const aggregationEvent = (catalog: CatalogSnapshot, action: 'ADD' | 'DELETE', container: Container, childEpcs: string[], orgId: string | null, at: Date): EpcisEvent => {
    const event: EpcisEvent = {
      type: 'AggregationEvent',
      eventID: `urn:uuid:${randomUUID()}`,
      eventTime: at.toISOString(),
      eventTimeZoneOffset: '+00:00',
      parentID: formatSsccUri(deps.resolver, container.sscc),
      childEPCs: childEpcs,
      action,
      bizStep: action === 'ADD' ? 'packing' : 'unpacking'
    }
    if (orgId !== null && catalog.org(orgId) !== undefined) {
      event.readPoint = { id: orgLocationUri(catalog, orgId) }
      event.bizLocation = { id: orgLocationUri(catalog, orgId) }
    }
    return event
  }

  const service = {
    async create (input: { kind: ContainerKind, sscc?: string | undefined, orgId?: string | null | undefined }, principal: Principal): Promise<ContainerTree> {
      const orgId = orgOf(principal, input.orgId)
      if (orgId !== null && (await deps.catalog.snapshot()).org(orgId) === undefined) throw new TRC_ORG_NOT_FOUND(orgId).withDetails({ field: 'body.orgId' })
      let sscc = input.sscc
      if (sscc !== undefined && !isValidSscc(sscc)) throw new TRC_SSCC_INVALID(sscc).withDetails({ field: 'body.sscc' })
      sscc ??= composeSscc(EXTENSION_DIGIT[input.kind], deps.companyPrefix, await repo.nextSerialReference(deps.db))
      try {
        const container = await repo.insert(deps.db, { sscc, kind: input.kind, orgId, at: new Date(deps.now()) })
        return { ...container, uri: formatSsccUri(deps.resolver, sscc), items: [], containers: [], itemCount: 0 }
      } catch (error) {
        if (isUniqueViolation(error)) throw new TRC_CONTAINER_EXISTS(sscc).withDetails({ field: 'body.sscc' })
        throw error
      }
    },

    async get (sscc: string): Promise<ContainerTree> {
      const container = await requireContainer(deps.db, sscc, 'params.sscc')
      return await tree(deps.db, container, 0)
    },

    /** Put items and smaller containers into a container: all or nothing, every refusal named. */
    async pack (sscc: string, children: readonly string[], principal: Principal, orgIdGiven?: string | null): Promise<ContainerTree> {
      if (children.length === 0 || children.length > MAX_CHILDREN) throw new TRC_SCAN_FIELD_REQUIRED('pack', `1 to ${MAX_CHILDREN} children`).withDetails({ field: 'body.children' })
      const orgId = orgOf(principal, orgIdGiven)
      const at = new Date(deps.now())
      const catalog = await deps.catalog.snapshot()
      const tree = await deps.db.transaction(async (tx) => {
        const container = await requireContainer(tx, sscc, 'params.sscc', true)
        await requireOwnContainer(tx, principal, container)
        const { items, containers, problems } = await resolveChildren(tx, children)
        problems.push(...foreignItems(principal, catalog, items))
        for (const [i, child] of containers) {
          if (!await mayHandle(tx, principal, child)) problems.push({ index: i, reason: `${child.sscc} belongs to another organisation` })
        }
        const ancestors = new Set(await repo.ancestors(tx, sscc))
        for (const [i, child] of containers) {
          if (ancestors.has(child.sscc)) problems.push({ index: i, reason: `${child.sscc} contains ${sscc} (a container cannot hold itself)` })
          else if (child.parentSscc !== null && child.parentSscc !== sscc) problems.push({ index: i, reason: `${child.sscc} is inside ${child.parentSscc}; unpack it first` })
          else if (container.kind === 'case' && child.kind === 'pallet') problems.push({ index: i, reason: `a case cannot hold pallet ${child.sscc}` })
        }
        for (const [i, item] of items) {
          if (item.parentSscc !== null && item.parentSscc !== sscc) problems.push({ index: i, reason: `${item.serial} is inside ${item.parentSscc}; unpack it first` })
          else if (item.status === 'sold' || item.status === 'installed') problems.push({ index: i, reason: `${item.serial} is ${item.status}` })
        }
        refuse(problems)
        await repo.setItemParents(tx, items.map(([, item]) => item), sscc, at)
        deps.onItemsChanged(items.map(([, item]) => item.serial))
        await repo.setContainerParents(tx, containers.map(([, c]) => c.sscc), sscc, at)
        await deps.sink.recordEvents(tx, [{ event: aggregationEvent(catalog, 'ADD', container, childUris(items, containers), orgId ?? container.orgId, at), orgId: orgId ?? container.orgId }])
        return await treeOf(tx, container)
      })
      return tree
    },

    /** Take the named children (default: all) out of a container. */
    async unpack (sscc: string, children: readonly string[] | undefined, principal: Principal, orgIdGiven?: string | null): Promise<ContainerTree> {
      const orgId = orgOf(principal, orgIdGiven)
      const at = new Date(deps.now())
      const catalog = await deps.catalog.snapshot()
      return await deps.db.transaction(async (tx) => {
        const container = await requireContainer(tx, sscc, 'params.sscc', true)
        await requireOwnContainer(tx, principal, container)
        let items: Array<[number, PackedItem]>
        let containers: Array<[number, Container]>
        if (children === undefined) {
          const direct = await repo.children(tx, sscc)
          items = direct.items.map((item, i) => [i, item])
          containers = direct.containers.map((c, i) => [i, c])
        } else {
          const resolved = await resolveChildren(tx, children)
          for (const [i, item] of resolved.items) if (item.parentSscc !== sscc) resolved.problems.push({ index: i, reason: `${item.serial} is not in ${sscc}` })
          for (const [i, c] of resolved.containers) if (c.parentSscc !== sscc) resolved.problems.push({ index: i, reason: `${c.sscc} is not in ${sscc}` })
          refuse(resolved.problems)
          items = resolved.items
          containers = resolved.containers
        }
        if (items.length + containers.length > 0) {
          await repo.setItemParents(tx, items.map(([, item]) => item), null, at)
          deps.onItemsChanged(items.map(([, item]) => item.serial))
          await repo.setContainerParents(tx, containers.map(([, c]) => c.sscc), null, at)
          await deps.sink.recordEvents(tx, [{ event: aggregationEvent(catalog, 'DELETE', container, childUris(items, containers), orgId ?? container.orgId, at), orgId: orgId ?? container.orgId }])
        }
        return await treeOf(tx, container)
      })
    }
  }

  function childUris (items: Array<[number, PackedItem]>, containers: Array<[number, Container]>): string[] {
    return [
      ...items.map(([, item]) => formatItemUri(deps.resolver, item.gtin, item.lot, item.serial)),
      ...containers.map(([, c]) => formatSsccUri(deps.resolver, c.sscc))
    ]
  }

  function refuse (problems: Array<{ index: number, reason: string }>): void {
    if (problems.length === 0) return
    problems.sort((a, b) => a.index - b.index)
    const first = problems[0] as { index: number, reason: string }
    throw new TRC_PACK_REFUSED(problems.map((p) => p.reason).join('; ')).withDetails({ field: `body.children.${first.index}`, problems })
  }

  async function resolveChildren (tx: Queryable, children: readonly string[]) {
    const problems: Array<{ index: number, reason: string }> = []
    const itemRefs: Array<[number, string, string]> = []
    const containerRefs: Array<[number, string]> = []
    // One child named twice (as the same code, or as two spellings of it) is packed once.
    const seen = new Set<string>()
    children.forEach((child, index) => {
      const parsed = parseCode(child)
      const key = !parsed.ok ? null : parsed.code.kind === 'sscc' ? `sscc:${parsed.code.sscc}` : `item:${parsed.code.serial}`
      if (key !== null && seen.has(key)) return
      if (key !== null) seen.add(key)
      if (!parsed.ok) problems.push({ index, reason: `${child}: ${parsed.reason}` })
      else if (parsed.code.kind === 'sscc') containerRefs.push([index, parsed.code.sscc])
      else if (!deps.serials.hasValidTag(parsed.code.gtin, parsed.code.serial)) problems.push({ index, reason: `${parsed.code.serial} is not a genuine serial` })
      else itemRefs.push([index, parsed.code.serial, parsed.code.gtin])
    })
    const found = new Map((await repo.items(tx, itemRefs.map(([, serial]) => serial), lock)).map((item) => [item.serial, item]))
    const items: Array<[number, PackedItem]> = []
    for (const [index, serial, gtin] of itemRefs) {
      const item = found.get(serial)
      if (item === undefined || item.gtin !== gtin) problems.push({ index, reason: `${serial} was never issued for GTIN ${gtin}` })
      else items.push([index, item])
    }
    const known = new Map((await repo.findMany(tx, containerRefs.map(([, s]) => s))).map((c) => [c.sscc, c]))
    const containers: Array<[number, Container]> = []
    for (const [index, sscc] of containerRefs) {
      const container = known.get(sscc)
      if (container === undefined) problems.push({ index, reason: `SSCC ${sscc} is not registered` })
      else containers.push([index, container])
    }
    return { items, containers, problems }
  }

  async function treeOf (q: Queryable, container: Container): Promise<ContainerTree> {
    return await tree(q, (await repo.find(q, container.sscc)) ?? container, 0)
  }

  async function tree (q: Queryable, container: Container, depth: number): Promise<ContainerTree> {
    const { containers, items } = await repo.children(q, container.sscc)
    const nested = depth > 8 ? [] : await Promise.all(containers.map((c) => tree(q, c, depth + 1)))
    return {
      ...container,
      uri: formatSsccUri(deps.resolver, container.sscc),
      items: items.map((item) => ({ code: formatItemUri(deps.resolver, item.gtin, item.lot, item.serial), serial: item.serial, gtin: item.gtin, lot: item.lot, status: item.status })),
      containers: nested,
      itemCount: items.length + nested.reduce((sum, c) => sum + c.itemCount, 0)
    }
  }

  return service
}

export type ContainerService = ReturnType<typeof createContainerService>
