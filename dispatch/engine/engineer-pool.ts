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
  /**
   * Dispatchable engineers by workload: `grids[b]` holds those with `b` jobs today (the last one, b or
   * more). The workload term of the cost is then a known floor per grid, so a search can skip whole
   * grids and stop widening each one early (see candidate-search.ts).
   */
  readonly grids: ReadonlyArray<SpatialGrid<EngineerSnapshot>>
  get (id: string): EngineerSnapshot | undefined
  /** Insert or replace an engineer. */
  put (engineer: EngineerSnapshot): void
  /** Apply changes to a known engineer; returns the new snapshot, or undefined when unknown. */
  update (id: string, changes: Partial<Omit<EngineerSnapshot, 'id'>>): EngineerSnapshot | undefined
  moveTo (id: string, position: LatLng, at: number): EngineerSnapshot | undefined
  remove (id: string): boolean
  values (): IterableIterator<EngineerSnapshot>
  /** Ids of the engineers of one station (kept as engineers join, move or leave it). */
  atStation (stationId: string): ReadonlySet<string>
  /** The station of an engineer; null for none, an unknown engineer, or no engineer. */
  stationOf (engineerId: string | null | undefined): string | null
  /** Where the engine measures distances from: the live position, else the home base. */
  locate (engineer: EngineerSnapshot): LatLng | null
}

export function locateEngineer (engineer: EngineerSnapshot): LatLng | null {
  return engineer.position ?? engineer.home
}

export function isDispatchable (engineer: EngineerSnapshot): boolean {
  return engineer.status === 'available' && engineer.activeOrderId === null && locateEngineer(engineer) !== null
}

export const WORKLOAD_BUCKETS = 8

export function workloadBucketOf (jobsToday: number): number {
  return Math.min(WORKLOAD_BUCKETS - 1, Math.max(0, Math.floor(jobsToday)))
}

export function createEngineerPool (options: { cellDegrees?: number } = {}): EngineerPool {
  const engineers = new Map<string, EngineerSnapshot>()
  const grids = Array.from({ length: WORKLOAD_BUCKETS }, () => createSpatialGrid<EngineerSnapshot>(options.cellDegrees ?? 0.005))
  const bucketOf = new Map<string, number>()
  const byStation = new Map<string, Set<string>>()
  const NO_ONE: ReadonlySet<string> = new Set()
  let largestReachKm = 0

  const leaveStation = (engineer: EngineerSnapshot | undefined): void => {
    if (engineer?.stationId === null || engineer === undefined) return
    const members = byStation.get(engineer.stationId)
    members?.delete(engineer.id)
    if (members?.size === 0) byStation.delete(engineer.stationId)
  }

  const joinStation = (engineer: EngineerSnapshot): void => {
    if (engineer.stationId === null) return
    let members = byStation.get(engineer.stationId)
    if (members === undefined) byStation.set(engineer.stationId, members = new Set())
    members.add(engineer.id)
  }

  const unindex = (id: string): void => {
    const bucket = bucketOf.get(id)
    if (bucket === undefined) return
    ;(grids[bucket] as SpatialGrid<EngineerSnapshot>).delete(id)
    bucketOf.delete(id)
  }

  const index = (engineer: EngineerSnapshot): void => {
    const at = locateEngineer(engineer)
    if (at === null || !isDispatchable(engineer)) unindex(engineer.id)
    else {
      const bucket = workloadBucketOf(engineer.jobsToday)
      if (bucketOf.get(engineer.id) !== bucket) unindex(engineer.id)
      ;(grids[bucket] as SpatialGrid<EngineerSnapshot>).set(engineer.id, at, engineer)
      bucketOf.set(engineer.id, bucket)
    }
    if (engineer.maxDistanceKm !== null && engineer.maxDistanceKm > largestReachKm) largestReachKm = engineer.maxDistanceKm
  }

  return {
    get size () { return engineers.size },
    get dispatchableCount () { return bucketOf.size },
    get largestReachKm () { return largestReachKm },
    grids,
    get: (id) => engineers.get(id),
    put (engineer) {
      // The pool owns the position object, so moves can update it in place (no allocation per report).
      const owned = engineer.position === null ? engineer : { ...engineer, position: { lat: engineer.position.lat, lng: engineer.position.lng } }
      leaveStation(engineers.get(engineer.id))
      engineers.set(engineer.id, owned)
      joinStation(owned)
      index(owned)
    },
    update (id, changes) {
      const current = engineers.get(id)
      if (current === undefined) return undefined
      const next: EngineerSnapshot = { ...current, ...changes }
      if (changes.position !== undefined && changes.position !== null) next.position = { lat: changes.position.lat, lng: changes.position.lng }
      leaveStation(current)
      engineers.set(id, next)
      joinStation(next)
      index(next)
      return next
    },
    moveTo (id, position, at) {
      const current = engineers.get(id)
      if (current === undefined) return undefined
      // Positions arrive often: update in place rather than copy the snapshot or allocate a point.
      if (current.position === null) current.position = { lat: position.lat, lng: position.lng }
      else {
        current.position.lat = position.lat
        current.position.lng = position.lng
      }
      current.positionAt = at
      const bucket = bucketOf.get(id)
      if (bucket !== undefined) (grids[bucket] as SpatialGrid<EngineerSnapshot>).set(id, current.position, current)
      else if (isDispatchable(current)) index(current)
      return current
    },
    remove (id) {
      unindex(id)
      leaveStation(engineers.get(id))
      return engineers.delete(id)
    },
    values: () => engineers.values(),
    atStation: (stationId) => byStation.get(stationId) ?? NO_ONE,
    stationOf: (engineerId) => engineerId === null || engineerId === undefined ? null : engineers.get(engineerId)?.stationId ?? null,
    locate: locateEngineer
  }
}
