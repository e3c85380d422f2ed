import { DEFAULT_MAX_DISTANCE_KM } from './day-simulation.js'
import type { SimulationResult } from './day-simulation.js'
import { routeLengthKm, routesOfSchedule } from './offline-day.js'
import type { OfflineDay } from './offline-day.js'

/**
 * The best schedule we know for the day, planned offline with full knowledge: it starts from the
 * reference schedule (one route per engineer, in the order they served) and improves it by local
 * search — move one order elsewhere, swap two, exchange the tails of two routes — accepting a change
 * only when it shortens travel and every route stays executable in the simulator: real visit times and
 * drives propagated along the route, every order reached no later than the reference did, skills,
 * van stock as it is used up, refusals, reach, and assignments only while on shift. It is a schedule,
 * so its travel is an upper bound on the hindsight optimum (the lower bound is hindsight-bound.ts).
 */
export interface OfflinePlan {
  travelKm: number
  routes: number
  passes: number
  rebuilds: number
  moves: number
  solveMs: number
  /** The plan itself: per engineer index, the orders in sequence. */
  schedule: number[][]
}

export interface OfflinePlanOptions {
  /** Nearest orders tried as new neighbours of each order. */
  neighbours?: number
  /** Ruin-and-recreate rounds (a fixed count, so the result does not depend on the machine's speed). */
  rebuilds?: number
  /** Stop after this long (ms) in any case. */
  timeLimitMs?: number
}

export function planOffline (day: OfflineDay, reference: SimulationResult, options: OfflinePlanOptions = {}): OfflinePlan {
  const started = performance.now()
  const { n, m, deadline, release, service, shiftStart, shiftEnd, homeKm, homeDrive, orderKm, orderDrive, isQualified, parts } = day
  const limit = options.timeLimitMs ?? 120_000
  const routes = routesOfSchedule(day, reference)

  /** Travel of engineer i driving `route` in order, or -1 when the simulator would not allow it. */
  const travelOf = (i: number, route: readonly number[]): number => {
    let t = shiftStart[i] as number
    let previous = -1
    let km = 0
    let stock: Record<string, number> | null = null
    for (const j of route) {
      if (!isQualified(j, i)) return -1
      const needs = parts[j] as Map<string, number>
      if (needs.size > 0) {
        stock ??= { ...(day.engineers[i] as { vanStock: Record<string, number> }).vanStock }
        for (const [part, quantity] of needs) {
          if ((stock[part] ?? 0) < quantity) return -1
          stock[part] = (stock[part] as number) - quantity
        }
      }
      const d = previous < 0 ? homeKm[j * m + i] as number : orderKm[previous * n + j] as number
      if (d > DEFAULT_MAX_DISTANCE_KM) return -1
      const leave = Math.max(t, release[j] as number)
      if (leave >= (shiftEnd[i] as number)) return -1
      const arrive = leave + (previous < 0 ? homeDrive[j * m + i] as number : orderDrive[previous * n + j] as number)
      if (arrive > (deadline[j] as number)) return -1
      t = arrive + (service[j] as number)
      km += d
      previous = j
    }
    return km
  }

  const km = routes.map((route, i) => {
    const value = travelOf(i, route)
    if (value < 0) throw new Error(`the reference route of ${(day.engineers[i] as { id: string }).id} is not executable`)
    return value
  })
  const routeOf = new Int32Array(n)
  const reindex = (i: number): void => { for (const j of routes[i] as number[]) routeOf[j] = i }
  for (let i = 0; i < m; i++) reindex(i)

  const neighbourCount = options.neighbours ?? 25
  const neighbours = Array.from({ length: n }, (_, j) => {
    const others = Array.from({ length: n }, (_, k) => k).filter((k) => k !== j)
    others.sort((a, b) => (orderKm[j * n + a] as number) - (orderKm[j * n + b] as number))
    return others.slice(0, neighbourCount)
  })
  // Engineers whose home is near an order, for starting a route there.
  const nearHomes = Array.from({ length: n }, (_, j) => Array.from({ length: m }, (_, i) => i)
    .filter((i) => isQualified(j, i))
    .sort((a, b) => (homeKm[j * m + a] as number) - (homeKm[j * m + b] as number))
    .slice(0, 8))

  /** Apply the change if it saves travel; `next` maps engineer → new route. */
  const tryChange = (next: Map<number, number[]>): boolean => {
    let before = 0
    let after = 0
    const values = new Map<number, number>()
    for (const [i, route] of next) {
      const value = travelOf(i, route)
      if (value < 0) return false
      values.set(i, value)
      before += km[i] as number
      after += value
    }
    if (after >= before - 1e-9) return false
    for (const [i, route] of next) {
      routes[i] = route
      km[i] = values.get(i) as number
      reindex(i)
    }
    return true
  }

  const relocate = (j: number, i: number, at: number): boolean => {
    const from = routeOf[j] as number
    const source = (routes[from] as number[]).filter((x) => x !== j)
    const target = from === i ? source : [...(routes[i] as number[])]
    target.splice(Math.min(at, target.length), 0, j)
    return tryChange(from === i ? new Map([[i, target]]) : new Map([[from, source], [i, target]]))
  }

  let moves = 0
  let passes = 0
  const improve = (): void => {
    let improved = true
    while (improved && performance.now() - started < limit) {
      improved = false
      passes++
      for (let j = 0; j < n; j++) {
        if (performance.now() - started >= limit) break
        if (improveAround(j)) { moves++; improved = true }
      }
    }
  }
  const improveAround = (j: number): boolean => {
    for (const k of neighbours[j] as number[]) {
      const a = routeOf[j] as number
      const b = routeOf[k] as number
      const ra = routes[a] as number[]
      const rb = routes[b] as number[]
      const pj = ra.indexOf(j)
      const pk = rb.indexOf(k)
      // j straight after k, or straight before it.
      if (relocate(j, b, a === b && pj < pk ? pk : pk + 1) || relocate(j, b, a === b && pj < pk ? pk - 1 : pk)) return true
      if (a === b) continue
      // Exchange tails: a keeps up to j then takes b's after k, and the reverse; or j then k onwards.
      const tails: Array<[number[], number[]]> = [
        [[...ra.slice(0, pj + 1), ...rb.slice(pk + 1)], [...rb.slice(0, pk + 1), ...ra.slice(pj + 1)]],
        [[...ra.slice(0, pj + 1), ...rb.slice(pk)], [...rb.slice(0, pk), ...ra.slice(pj + 1)]]
      ]
      if (tails.some(([na, nb]) => tryChange(new Map([[a, na], [b, nb]])))) return true
      // Swap j and k.
      const sa = [...ra]
      const sb = [...rb]
      sa[pj] = k
      sb[pk] = j
      if (tryChange(new Map([[a, sa], [b, sb]]))) return true
    }
    for (const i of nearHomes[j] as number[]) {
      if (routeOf[j] !== i && relocate(j, i, 0)) return true
    }
    return false
  }

  // Ruin and recreate: take out a group of orders close in space and time, put each back where it
  // adds least travel (feasibly), keep the result only when the day's travel falls.
  let seed = 0x2545f491
  const nextRandom = (): number => {
    seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5
    return (seed >>> 0) / 4294967296
  }
  const HOUR = 3_600_000
  const rebuild = (): boolean => {
    const centre = Math.floor(nextRandom() * n)
    const group = [centre, ...(neighbours[centre] as number[]).filter((k) =>
      Math.abs((deadline[k] as number) - (deadline[centre] as number)) < 1.5 * HOUR && nextRandom() < 0.7)].slice(0, 12)
    const saved = new Map<number, number[]>()
    const before = km.reduce((sum, value) => sum + value, 0)
    for (const j of group) {
      const i = routeOf[j] as number
      if (!saved.has(i)) saved.set(i, routes[i] as number[])
      routes[i] = (routes[i] as number[]).filter((x) => x !== j)
      km[i] = travelOf(i, routes[i] as number[])
      routeOf[j] = -1
    }
    const order = [...group].sort((x, y) => (deadline[x] as number) - (deadline[y] as number) + (nextRandom() - 0.5) * 20 * 60_000)
    for (const j of order) {
      let best: { i: number, route: number[], value: number, delta: number } | null = null
      const consider = (i: number, at: number): void => {
        const route = [...(routes[i] as number[])]
        route.splice(at, 0, j)
        const value = travelOf(i, route)
        if (value < 0) return
        // A route the removal broke (travel -1) still has a length to compare against.
        const delta = value - ((km[i] as number) >= 0 ? km[i] as number : routeLengthKm(day, i, routes[i] as number[]))
        if (best === null || delta < best.delta) best = { i, route, value, delta }
      }
      for (const k of neighbours[j] as number[]) {
        const i = routeOf[k] as number
        if (i < 0) continue
        const at = (routes[i] as number[]).indexOf(k)
        consider(i, at)
        consider(i, at + 1)
      }
      for (const i of nearHomes[j] as number[]) consider(i, 0)
      if (best === null) break
      const chosen = best as { i: number, route: number[], value: number }
      if (!saved.has(chosen.i)) saved.set(chosen.i, routes[chosen.i] as number[])
      routes[chosen.i] = chosen.route
      km[chosen.i] = chosen.value
      reindex(chosen.i)
    }
    // Taking an order out can break the rest of its route: the engineer now waits elsewhere for the next
    // order's release and may no longer reach it in time. Such a route (travel -1) must be mended by the
    // reinsertion, or the change is undone.
    const complete = group.every((j) => (routeOf[j] as number) >= 0 && (routes[routeOf[j] as number] as number[]).includes(j))
    const executable = [...saved.keys()].every((i) => (km[i] as number) >= 0)
    const after = km.reduce((sum, value) => sum + value, 0)
    if (complete && executable && after < before - 1e-9) return true
    for (const [i, route] of saved) {
      routes[i] = route
      km[i] = travelOf(i, route)
      reindex(i)
    }
    return false
  }

  improve()
  let rebuilds = 0
  while (rebuilds++ < (options.rebuilds ?? 3000) && performance.now() - started < limit) {
    if (rebuild()) moves++
  }
  let travelKm = 0
  routes.forEach((route, i) => {
    const value = travelOf(i, route)
    if (value < 0) throw new Error(`the plan's route of ${(day.engineers[i] as { id: string }).id} is not executable`)
    travelKm += value
  })
  return {
    travelKm: Math.round(travelKm * 10) / 10,
    routes: routes.filter((route) => route.length > 0).length,
    passes,
    rebuilds: rebuilds - 1,
    moves,
    solveMs: Math.round(performance.now() - started),
    schedule: routes
  }
}
