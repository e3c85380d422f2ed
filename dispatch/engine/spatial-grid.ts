import { KM_PER_DEG_LAT, kmPerDegLng } from './geo.js'
import type { LatLng } from './types.js'

/**
 * A uniform latitude/longitude grid of moving points. Moving a point is O(1) (swap-remove from its old
 * cell, append to the new one), which is what live engineer positions need: kdbush is static and an
 * R-tree pays a rebalancing remove + insert per move. Searches visit cells ring by ring outwards from
 * the query point, and the caller stops as soon as the nearest unvisited ring cannot hold anything
 * better than what it already has (see candidate-search.ts).
 */
export interface SpatialGrid<T = string> {
  readonly size: number
  /** Insert or move a point; `item` is what searches hand to the visitor (the id by default). */
  set (id: string, point: LatLng, item?: T): void
  delete (id: string): boolean
  has (id: string): boolean
  /**
   * Visit points ring by ring around `center`. Before ring r ≥ 1 the lower bound on the distance of any
   * point in it (`ringMinKm`) is passed to `shouldStop`; the search ends when that bound exceeds
   * `maxKm` or `shouldStop` says so. Points in a ring are visited unordered, each with the position
   * the grid holds for it, so the visitor can filter by exact distance before it reads the item.
   */
  searchRings (center: LatLng, maxKm: number, visit: (item: T, lat: number, lng: number) => void, shouldStop: (ringMinKm: number) => boolean): void
}

/**
 * Cell keys are shifted into the 32-bit integer range, which V8 keeps as small integers: a key beyond
 * it would be a heap number, allocated on every lookup of a search (and collected in the middle of one).
 */
const KEY_OFFSET = 2 ** 31
/** The finest cell whose keys still fit (72,000 × 36,000 cells of 0.005°). */
export const FINEST_CELL_DEGREES = 0.005

export function createSpatialGrid<T = string> (cellDegrees = 0.02): SpatialGrid<T> {
  if (!(cellDegrees >= FINEST_CELL_DEGREES && cellDegrees <= 10)) throw new RangeError(`cellDegrees must be in [${FINEST_CELL_DEGREES}, 10]`)
  const columns = Math.ceil(360 / cellDegrees)
  const rows = Math.ceil(180 / cellDegrees)
  const cells = new Map<number, number[]>()
  const slotOf = new Map<string, number>()
  const items: T[] = []
  // Positions by slot in plain arrays of doubles (stored unboxed, side by side): a search reads them
  // without touching the items, which lie scattered over the heap.
  const latOf: number[] = []
  const lngOf: number[] = []
  const columnOfSlot: number[] = []
  const rowOfSlot: number[] = []
  const indexInCell: number[] = []
  const free: number[] = []

  const columnOf = (lng: number): number => ((Math.floor((lng + 180) / cellDegrees) % columns) + columns) % columns
  const rowOf = (lat: number): number => Math.min(rows - 1, Math.max(0, Math.floor((lat + 90) / cellDegrees)))
  const keyOf = (column: number, row: number): number => column * rows + row - KEY_OFFSET

  const removeFromCell = (slot: number): void => {
    const key = keyOf(columnOfSlot[slot] as number, rowOfSlot[slot] as number)
    const cell = cells.get(key) as number[]
    const at = indexInCell[slot] as number
    const last = cell.pop() as number
    if (last !== slot) {
      cell[at] = last
      indexInCell[last] = at
    }
    if (cell.length === 0) cells.delete(key)
  }

  const addToCell = (slot: number, column: number, row: number): void => {
    const key = keyOf(column, row)
    let cell = cells.get(key)
    if (cell === undefined) cells.set(key, cell = [])
    columnOfSlot[slot] = column
    rowOfSlot[slot] = row
    indexInCell[slot] = cell.length
    cell.push(slot)
  }

  // Declared once per grid, not per search: a search allocates no closures of its own.
  const visitCell = (column: number, row: number, visit: (item: T, lat: number, lng: number) => void): void => {
    if (row < 0 || row >= rows) return
    const cell = cells.get(keyOf(((column % columns) + columns) % columns, row))
    if (cell === undefined) return
    for (let i = 0; i < cell.length; i++) {
      const slot = cell[i] as number
      visit(items[slot] as T, latOf[slot] as number, lngOf[slot] as number)
    }
  }
  // Every cell of ring r is at least r − 1 whole cells away along one axis; a cell is narrowest (in
  // km) at the highest latitude the search reaches.
  const cellKmAt = (centerLat: number, ring: number): number => {
    const farLat = Math.min(89.999, Math.abs(centerLat) + (ring + 1) * cellDegrees)
    return Math.min(cellDegrees * KM_PER_DEG_LAT, cellDegrees * kmPerDegLng(farLat))
  }

  return {
    get size () { return slotOf.size },

    set (id, point, item) {
      const column = columnOf(point.lng)
      const row = rowOf(point.lat)
      let slot = slotOf.get(id)
      if (slot === undefined) {
        slot = free.pop() ?? items.length
        slotOf.set(id, slot)
        addToCell(slot, column, row)
      } else if (columnOfSlot[slot] !== column || rowOfSlot[slot] !== row) {
        removeFromCell(slot)
        addToCell(slot, column, row)
      }
      items[slot] = item ?? id as T
      latOf[slot] = point.lat
      lngOf[slot] = point.lng
    },

    delete (id) {
      const slot = slotOf.get(id)
      if (slot === undefined) return false
      removeFromCell(slot)
      slotOf.delete(id)
      items[slot] = undefined as T
      free.push(slot)
      return true
    },

    has (id) {
      return slotOf.has(id)
    },

    searchRings (center, maxKm, visit, shouldStop) {
      const column0 = columnOf(center.lng)
      const row0 = rowOf(center.lat)
      const maxRing = Math.ceil(columns / 2)
      let probed = 0
      for (let ring = 0; ring <= maxRing; ring++) {
        if (ring > 0) {
          const ringMinKm = (ring - 1) * cellKmAt(center.lat, ring)
          if (ringMinKm > maxKm || shouldStop(ringMinKm)) return
          // Few points spread thinly: once the cells probed outnumber the points, reading the remaining
          // points directly is cheaper than probing more (mostly empty) cells. The total work then
          // stays within twice the cheaper of the two. Points inside the rings already read are skipped.
          if (probed > slotOf.size) {
            for (let slot = 0; slot < items.length; slot++) {
              const item = items[slot]
              if (item === undefined) continue // a freed slot
              const dx = Math.abs((columnOfSlot[slot] as number) - column0)
              const dy = Math.abs((rowOfSlot[slot] as number) - row0)
              if (Math.max(Math.min(dx, columns - dx), dy) < ring) continue
              visit(item, latOf[slot] as number, lngOf[slot] as number)
            }
            return
          }
          probed += 8 * ring
        } else {
          probed = 1
        }
        if (ring === 0) {
          visitCell(column0, row0, visit)
          continue
        }
        for (let dx = -ring; dx <= ring; dx++) {
          visitCell(column0 + dx, row0 - ring, visit)
          visitCell(column0 + dx, row0 + ring, visit)
        }
        for (let dy = -ring + 1; dy <= ring - 1; dy++) {
          visitCell(column0 - ring, row0 + dy, visit)
          visitCell(column0 + ring, row0 + dy, visit)
        }
      }
    }
  }
}
