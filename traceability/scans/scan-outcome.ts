import type { CatalogSnapshot } from '../catalog/catalog-snapshot.js'
import type { ScanRecord } from './scan.repository.js'
import type { CheckResult, ItemStatus, ScanResult } from './scan-types.js'

/** What one item's scan answered. */
export interface ItemOutcome {
  scanId: string
  code: string
  serial: string | null
  gtin: string | null
  lot: string | null
  result: ScanResult
  checks: CheckResult[]
  product: { gtin: string, name: string, partNumber: string, unit: string } | null
  status: ItemStatus | null
  firstVerifiedAt: Date | null
  consumerVerifications: number | null
}

/** What a scan request answered: one item, or everything inside a case or pallet. */
export interface ScanOutcome {
  scanId: string
  result: ScanResult
  checks: CheckResult[]
  eventId: string | null
  items: ItemOutcome[]
  /** True when this is the stored answer to a scan id seen before (nothing was written again). */
  replayed: boolean
}

const RANK: Record<ScanResult, number> = { ok: 0, warning: 1, rejected: 2 }

export function worstResult (results: readonly ScanResult[]): ScanResult {
  let worst: ScanResult = 'ok'
  for (const result of results) if (RANK[result] > RANK[worst]) worst = result
  return worst
}

/** A case or pallet's checks: that it is known, what it holds, then every item's failed checks. */
export function summariseContainer (sscc: string, items: readonly ItemOutcome[]): CheckResult[] {
  const checks: CheckResult[] = [
    { name: 'container_known', passed: true, detail: `SSCC ${sscc} is registered` },
    { name: 'container_contents', passed: items.length > 0, detail: items.length > 0 ? `${items.length} item(s) inside, each checked` : 'the container is empty: nothing to scan' }
  ]
  for (const item of items) {
    for (const check of item.checks) {
      if (!check.passed) checks.push({ name: check.name, passed: false, detail: `${item.serial ?? item.code}: ${check.detail}` })
    }
  }
  return checks
}

/** Rebuild the answer to a replayed scan id from the rows it wrote. */
export function outcomeFromRecords (requestId: string, records: readonly ScanRecord[], catalog: CatalogSnapshot): ScanOutcome {
  const items: ItemOutcome[] = records.map((r) => {
    const product = r.gtin === null ? undefined : catalog.product(r.gtin)
    return {
      scanId: r.id, code: r.code, serial: r.serial, gtin: r.gtin, lot: r.lot, result: r.result, checks: r.checks,
      product: product === undefined ? null : { gtin: product.gtin, name: product.name, partNumber: product.partNumber, unit: product.unit },
      status: null, firstVerifiedAt: null, consumerVerifications: null
    }
  })
  const sscc = records[0]?.sscc ?? null
  return {
    scanId: requestId,
    result: worstResult(items.map((i) => i.result)),
    checks: sscc !== null ? summariseContainer(sscc, items) : items[0]?.checks ?? [],
    eventId: records.find((r) => r.eventId !== null)?.eventId ?? null,
    items,
    replayed: true
  }
}
