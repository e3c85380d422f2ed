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
   * `maxKm` or `shouldStop` says so. Points in a ring are visited unordered; the visitor looks up the
   * point and filters by its exact distance (only the id is passed, so nothing is allocated per point).
   */
  searchRings (center: LatLng, maxKm: number, visit: (item: T) => void, shouldStop: (ringMinKm: number) => boolean): void
}

const COLS_PER_ROW = 100_000

export function createSpatialGrid<T = string> (cellDegrees = 0.02): SpatialGrid<T> {
  if (!(cellDegrees > 0 && cellDegrees <= 10)) throw new RangeError('cellDegrees must be in (0, 10]')
  const columns = Math.ceil(360 / cellDegrees)
  const rows = Math.ceil(180 / cellDegrees)
  const cells = new Map<number, number[]>()
  const slotOf = new Map<string, number>()
  const items: T[] = []
  const cellOf: number[] = []
  const indexInCell: number[] = []
  const free: number[] = []

  const columnOf = (lng: number): number => ((Math.floor((lng + 180) / cellDegrees) % columns) + columns) % columns
  const rowOf = (lat: number): number => Math.min(rows - 1, Math.max(0, Math.floor((lat + 90) / cellDegrees)))
  const keyOf = (column: number, row: number): number => column * COLS_PER_ROW + row

  const removeFromCell = (slot: number): void => {
    const cell = cells.get(cellOf[slot] as number) as number[]
    const at = indexInCell[slot] as number
    const last = cell.pop() as number
    if (last !== slot) {
      cell[at] = last
      indexInCell[last] = at
    }
    if (cell.length === 0) cells.delete(cellOf[slot] as number)
  }

  const addToCell = (slot: number, key: number): void => {
    let cell = cells.get(key)
    if (cell === undefined) cells.set(key, cell = [])
    cellOf[slot] = key
    indexInCell[slot] = cell.length
    cell.push(slot)
  }

  return {
    get size () { return slotOf.size },

    set (id, point, item) {
      const key = keyOf(columnOf(point.lng), rowOf(point.lat))
      let slot = slotOf.get(id)
      if (slot === undefined) {
        slot = free.pop() ?? items.length
        slotOf.set(id, slot)
        addToCell(slot, key)
      } else if (cellOf[slot] !== key) {
        removeFromCell(slot)
        addToCell(slot, key)
      }
      items[slot] = item ?? id as T
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
      const visitCell = (column: number, row: number): void => {
        if (row < 0 || row >= rows) return
        const cell = cells.get(keyOf(((column % columns) + columns) % columns, row))
        if (cell === undefined) return
        for (let i = 0; i < cell.length; i++) {
          const slot = cell[i] as number
          visit(items[slot] as T)
        }
      }
      // Every cell of ring r is at least r − 1 whole cells away along one axis; a cell is narrowest (in
      // km) at the highest latitude the search reaches.
      const cellKmAt = (ring: number): number => {
        const farLat = Math.min(89.999, Math.abs(center.lat) + (ring + 1) * cellDegrees)
        return Math.min(cellDegrees * KM_PER_DEG_LAT, cellDegrees * kmPerDegLng(farLat))
      }
      const maxRing = Math.ceil(columns / 2)
      let probed = 0
      for (let ring = 0; ring <= maxRing; ring++) {
        if (ring > 0) {
          const ringMinKm = (ring - 1) * cellKmAt(ring)
          if (ringMinKm > maxKm || shouldStop(ringMinKm)) return
          // Few points spread thinly: once the cells probed outnumber the points, reading the remaining
          // points directly is cheaper than probing more (mostly empty) cells. The total work then
          // stays within twice the cheaper of the two. Points inside the rings already read are skipped.
          if (probed > slotOf.size) {
            for (const slot of slotOf.values()) {
              const key = cellOf[slot] as number
              const dx = Math.abs(Math.floor(key / COLS_PER_ROW) - column0)
              const dy = Math.abs((key % COLS_PER_ROW) - row0)
              if (Math.max(Math.min(dx, columns - dx), dy) < ring) continue
              visit(items[slot] as T)
            }
            return
          }
          probed += 8 * ring
        } else {
          probed = 1
        }
        if (ring === 0) {
          visitCell(column0, row0)
          continue
        }
        for (let dx = -ring; dx <= ring; dx++) {
          visitCell(column0 + dx, row0 - ring)
          visitCell(column0 + dx, row0 + ring)
        }
        for (let dy = -ring + 1; dy <= ring - 1; dy++) {
          visitCell(column0 - ring, row0 + dy)
          visitCell(column0 + ring, row0 + dy)
        }
      }
    }
  }
}
