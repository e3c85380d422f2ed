import { createSpatialGrid } from './spatial-grid.js'
import type { SpatialGrid } from './spatial-grid.js'
import type { EngineerSnapshot, LatLng } from './types.js'

/**
 * Every engineer the engine knows, in memory, with a spatial index of the ones that can take work
 * right now (available, no active order, located). The dispatch services write each change to the
 * database first and then here, so a candidate search never touches the database.
 */
export interface EngineerPool {
  readonly size: number
  /** Engineers in the spatial index (dispatchable now). */
  readonly dispatchableCount: number
  /** Largest per-engineer reach override seen, km (bounds the search radius). */
  readonly largestReachKm: number
  readonly grid: SpatialGrid
  get (id: string): EngineerSnapshot | undefined
  /** Insert or replace an engineer. */
  put (engineer: EngineerSnapshot): void
  /** Apply changes to a known engineer; returns the new snapshot, or undefined when unknown. */
  update (id: string, changes: Partial<Omit<EngineerSnapshot, 'id'>>): EngineerSnapshot | undefined
  moveTo (id: string, position: LatLng, at: number): EngineerSnapshot | undefined
  remove (id: string): boolean
  values (): IterableIterator<EngineerSnapshot>
  /** Where the engine measures distances from: the live position, else the home base. */
  locate (engineer: EngineerSnapshot): LatLng | null
}

export function locateEngineer (engineer: EngineerSnapshot): LatLng | null {
  return engineer.position ?? engineer.home
}

export function isDispatchable (engineer: EngineerSnapshot): boolean {
  return engineer.status === 'available' && engineer.activeOrderId === null && locateEngineer(engineer) !== null
}

export function createEngineerPool (options: { cellDegrees?: number } = {}): EngineerPool {
  const engineers = new Map<string, EngineerSnapshot>()
  const grid = createSpatialGrid(options.cellDegrees ?? 0.01)
  let largestReachKm = 0

  const index = (engineer: EngineerSnapshot): void => {
    const at = locateEngineer(engineer)
    if (at !== null && isDispatchable(engineer)) grid.set(engineer.id, at)
    else grid.delete(engineer.id)
    if (engineer.maxDistanceKm !== null && engineer.maxDistanceKm > largestReachKm) largestReachKm = engineer.maxDistanceKm
  }

  return {
    get size () { return engineers.size },
    get dispatchableCount () { return grid.size },
    get largestReachKm () { return largestReachKm },
    grid,
    get: (id) => engineers.get(id),
    put (engineer) {
      engineers.set(engineer.id, engineer)
      index(engineer)
    },
    update (id, changes) {
      const current = engineers.get(id)
      if (current === undefined) return undefined
      const next: EngineerSnapshot = { ...current, ...changes }
      engineers.set(id, next)
      index(next)
      return next
    },
    moveTo (id, position, at) {
      const current = engineers.get(id)
      if (current === undefined) return undefined
      // Positions arrive often: mutate in place rather than copy the whole snapshot.
      current.position = { lat: position.lat, lng: position.lng }
      current.positionAt = at
      if (isDispatchable(current)) grid.set(id, current.position)
      return current
    },
    remove (id) {
      grid.delete(id)
      return engineers.delete(id)
    },
    values: () => engineers.values(),
    locate: locateEngineer
  }
}
