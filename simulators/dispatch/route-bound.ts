import * as highsModule from 'highs'
import { boundDay } from './hindsight-bound.js'
import type { OfflineDay } from './offline-day.js'
import { createRoutePricer } from './route-pricing.js'
import type { Pricing, RouteSink } from './route-pricing.js'

// highs ships CommonJS types beside its ES module: TypeScript sees the loader one `default` deeper than Node does.
type HighsLoader = typeof highsModule.default.default
const loadHighs = ((highsModule.default as unknown as { default?: HighsLoader }).default ?? highsModule.default) as HighsLoader
let highsRuntime: ReturnType<HighsLoader> | null = null

/**
 * A lower bound on the travel of any schedule that serves the day's orders, each reached no later than
 * the reference reached it, under the simulator's rules — by Lagrangian relaxation of "each order is
 * served exactly once", keeping everything else per engineer.
 *
 * A schedule is one route per engineer: leave home at shift start, drive order to order, each order
 * assigned while on shift (leave = max(free, release) < shift end), reached by its deadline, within
 * reach, only orders the engineer is qualified for (skills, van stock at the start of the day, not a
 * refusal). For any multipliers π (one per order, any sign):
 *
 *   travel(schedule) = Σ_j π_j + Σ_i (km(route_i) − Σ_{j ∈ route_i} π_j)
 *                   ≥ Σ_j π_j + Σ_i min(0, min over routes r engineer i could drive of km(r) − Σ_{j ∈ r} π_j)
 *
 * because every order is on exactly one route and each engineer drives one route (or none). The inner
 * minimum is priced exactly over a superset of the real routes (route-pricing.ts), so any π gives a
 * valid bound. The π tried: the predecessor assignment's optimal duals (where the value is already at
 * least the assignment bound), then the duals of a set-partitioning LP over the routes priced so far
 * (column generation), kept near the best π met by box-step stabilisation. The result is the best
 * value met, each one a certified bound for its own π; the LP's own value is never used as the bound.
 */
export interface RouteBound {
  travelKm: number
  /** The predecessor assignment's value (hindsight-bound.ts), where the search starts. */
  assignmentKm: number
  /** The last master LP's value, box columns included: how far the search had to go, never the bound. */
  masterLpKm: number
  /**
   * The set-partitioning LP over the routes priced, without the box: at least the LP over all routes,
   * so that LP lies between travelKm and this (Infinity when the routes priced do not cover every order).
   */
  restrictedLpKm: number
  /** In that LP's solution: routes with a positive value, and how many of them are fractional. */
  routesInUse: number
  fractionalRoutes: number
  iterations: number
  bestIteration: number
  columns: number
  /** Labels created in the last pricing (one shortest-path search per engineer). */
  labels: number
  /** Time spent in the master LP. */
  lpMs: number
  solveMs: number
}

export interface RouteBoundOptions {
  /** Column-generation rounds at most (a fixed count, so the result does not depend on the machine's speed). */
  iterations?: number
  /** Half-width, km, of the box the LP's duals are kept in around the best multipliers met. */
  boxKm?: number
  /** Routes added per engineer and round. */
  columnsPerEngineer?: number
  /** Routes to start from, per engineer index (a known schedule: the LP then starts at its travel). */
  initialRoutes?: ReadonlyArray<readonly number[]>
  timeLimitMs?: number
  /** Called after each round with its bound and the master LP's value (for tuning). */
  onIteration? (iteration: number, boundKm: number, masterKm: number, columns: number, lpMs: number): void
}

export async function boundRoutes (day: OfflineDay, options: RouteBoundOptions = {}): Promise<RouteBound> {
  const started = performance.now()
  const { n, m } = day
  const assignment = boundDay(day, 'no_later')
  const { price, routeKm } = createRoutePricer(day, assignment.earliest)

  const evaluate = (pi: Float64Array, sink?: RouteSink, perEngineer?: number, below?: (i: number) => number): { value: number, pricing: Pricing } => {
    const pricing = price(pi, sink, perEngineer, below)
    let value = 0
    for (let j = 0; j < n; j++) value += pi[j] as number
    for (let i = 0; i < m; i++) value += pricing.reduced[i] as number
    return { value, pricing }
  }

  // The assignment's duals first: π_j = u_j + v_(m+j). Every arc's cost is at least u_head + v_tail, so
  // a route's reduced km telescopes to at least v_home − v_last ≥ v_home, and this value is already at
  // least the assignment's.
  const start = new Float64Array(n)
  for (let j = 0; j < n; j++) start[j] = (assignment.duals.rows[j] as number) + (assignment.duals.columns[m + j] as number)
  const first = evaluate(start)
  let bestKm = first.value
  let bestIteration = 0
  let labels = first.pricing.labels

  // Column generation: the set-partitioning LP over the routes found so far (each order on routes adding
  // up to exactly one, each engineer at most one route) gives the next multipliers, its row duals.
  highsRuntime ??= loadHighs()
  const highs = await highsRuntime
  const model = highs.createModel()
  let lpKm = Infinity
  let lpMs = 0
  let iterations = 0
  let columns = 0
  let restrictedLpKm = Infinity
  let routesInUse = 0
  let fractionalRoutes = 0
  try {
    model.options.set({ output_flag: false, solver: 'ipm', run_crossover: 'off' })
    const lower = new Float64Array(n + m)
    const upper = new Float64Array(n + m)
    lower.fill(1, 0, n); upper.fill(1, 0, n)
    lower.fill(-highs.infinity, n); upper.fill(1, n)
    model.addRows({ lower, upper, matrix: { format: 'csr', numRows: n + m, numCols: 0, starts: new Int32Array(n + m + 1), indices: new Int32Array(0), values: new Float64Array(0) } })
    const pending: Array<{ i: number, route: number[], km: number }> = []
    const flush = (): number => {
      const starts = [0]
      const indices: number[] = []
      const values: number[] = []
      const cost: number[] = []
      for (const { i, route, km } of pending) {
        const counts = new Map<number, number>()
        for (const j of route) counts.set(j, (counts.get(j) ?? 0) + 1)
        for (const [j, count] of [...counts].sort((a, b) => a[0] - b[0])) { indices.push(j); values.push(count) }
        if (i >= 0) { indices.push(n + i); values.push(1) }
        starts.push(indices.length)
        cost.push(km)
      }
      const count = pending.length
      if (count > 0) {
        model.addCols({
          cost: Float64Array.from(cost),
          lower: new Float64Array(count),
          upper: new Float64Array(count).fill(highs.infinity),
          matrix: { format: 'csc', numRows: n + m, numCols: count, starts: Int32Array.from(starts), indices: Int32Array.from(indices), values: Float64Array.from(values) }
        })
      }
      pending.length = 0
      columns += count
      return count
    }
    // Box-step stabilisation (du Merle et al.): per order, a column covering it at cost c_j + δ and one
    // uncovering it at −(c_j − δ), so the LP's duals stay in [c_j − δ, c_j + δ] around a centre c (the
    // best multipliers met). The LP's value is then no bound by itself, but the Lagrangian value at its
    // duals is, like at any multipliers; the centre moves whenever that value improves.
    const center = Float64Array.from(start)
    let delta = options.boxKm ?? 1
    const boxCosts = (): Float64Array => {
      const costs = new Float64Array(2 * n)
      for (let j = 0; j < n; j++) { costs[j] = (center[j] as number) + delta; costs[n + j] = -((center[j] as number) - delta) }
      return costs
    }
    const boxStarts = Int32Array.from({ length: 2 * n + 1 }, (_, x) => x)
    model.addCols({
      cost: boxCosts(),
      lower: new Float64Array(2 * n),
      upper: new Float64Array(2 * n).fill(highs.infinity),
      matrix: { format: 'csc', numRows: n + m, numCols: 2 * n, starts: boxStarts, indices: Int32Array.from({ length: 2 * n }, (_, x) => x % n), values: Float64Array.from({ length: 2 * n }, (_, x) => x < n ? 1 : -1) }
    })
    options.initialRoutes?.forEach((route, i) => { if (route.length > 0) pending.push({ i, route: [...route], km: routeKm(i, route) }) })
    flush()
    const iterationLimit = options.iterations ?? 100
    const limit = options.timeLimitMs ?? 600_000
    const pi = new Float64Array(n)
    const sigma = new Float64Array(m)
    while (iterations < iterationLimit && performance.now() - started < limit) {
      const lpStarted = performance.now()
      model.run()
      lpMs += performance.now() - lpStarted
      if (model.getModelStatus() !== highs.constants.modelStatus.optimal) break // the values met so far stand
      lpKm = model.getObjectiveValue()
      const duals = model.getSolution().rowDual
      pi.set(duals.subarray(0, n))
      sigma.set(duals.subarray(n, n + m))
      iterations++
      const round = evaluate(pi, (i, route, km) => pending.push({ i, route, km }), options.columnsPerEngineer ?? 3, (i) => (sigma[i] as number) - 1e-7)
      labels = round.pricing.labels
      options.onIteration?.(iterations, round.value, lpKm, columns, lpMs)
      const added = flush()
      if (round.value > bestKm) {
        bestKm = round.value
        bestIteration = iterations
        center.set(pi)
      } else if (added === 0) {
        // Nothing prices out inside the box and the centre is no better: the box's optimum is its
        // centre's; widen it, and stop once it is wide enough that it no longer binds.
        if (delta > 64) break
        delta *= 2
      }
      model.changeColsCost({ kind: 'range', from: 0, to: 2 * n - 1 }, boxCosts())
    }
    // The LP over the routes priced alone, the box's columns barred, solved to a vertex (simplex) so the
    // count of fractional routes is the LP's, not the interior of its optimal face.
    model.options.set({ solver: 'simplex' })
    model.changeColsBounds({ kind: 'range', from: 0, to: 2 * n - 1 }, new Float64Array(2 * n), new Float64Array(2 * n))
    model.run()
    if (model.getModelStatus() === highs.constants.modelStatus.optimal) {
      restrictedLpKm = model.getObjectiveValue()
      const values = model.getSolution().colValue
      for (let x = 2 * n; x < values.length; x++) {
        const value = values[x] as number
        if (value <= 1e-6) continue
        routesInUse++
        if (value < 1 - 1e-6) fractionalRoutes++
      }
    }
  } finally {
    model.dispose()
  }
  return {
    travelKm: Math.floor(bestKm * 10) / 10,
    assignmentKm: assignment.travelKm,
    masterLpKm: Math.round(lpKm * 10) / 10,
    restrictedLpKm: Math.ceil(restrictedLpKm * 10) / 10,
    routesInUse,
    fractionalRoutes,
    iterations,
    bestIteration,
    columns,
    labels,
    lpMs: Math.round(lpMs),
    solveMs: Math.round(performance.now() - started)
  }
}
