import type { LoadedItem } from './scan.repository.js'

/**
 * Issued items and their state, kept in memory between scan batches. Only for the embedded engine: the
 * database belongs to this one process and every write to item state goes through the scan batches
 * (which refresh entries after their commit) or through packing (which forgets the items it touched).
 * Bounded: the least recently used entries are dropped beyond `maxItems`.
 */
export interface ItemCache {
  get (serial: string): LoadedItem | undefined
  /** Remember items after a committed batch; items of batches not (yet) issued are never kept. */
  remember (items: Iterable<LoadedItem>): void
  forget (serials: Iterable<string>): void
  readonly size: number
}

export function createItemCache (maxItems: number): ItemCache {
  const entries = new Map<string, LoadedItem>()
  return {
    get (serial) {
      const entry = entries.get(serial)
      if (entry !== undefined) {
        entries.delete(serial)
        entries.set(serial, entry)
      }
      return entry
    },
    remember (items) {
      for (const item of items) {
        if (item.issued.batchStatus !== 'issued') continue
        entries.delete(item.issued.serial)
        entries.set(item.issued.serial, item)
      }
      while (entries.size > maxItems) {
        const oldest = entries.keys().next().value as string
        entries.delete(oldest)
      }
    },
    forget (serials) {
      for (const serial of serials) entries.delete(serial)
    },
    get size () { return entries.size }
  }
}
