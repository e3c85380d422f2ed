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
 * (column generation), kept near the best π met by box-step stabilisation, and then the same with
 * subset-row cuts added to the LP: valid inequalities of whole schedules, whose multipliers σ ≤ 0 add
 * Σ σ_c to the value and charge −σ_c to a route at its second visit among a cut's orders. The result is
 * the best value met, each one a certified bound for its own multipliers; the LP's own value is never
 * used as the bound.
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
  /** Of those, routes that visit some order more than once (a cycle the pricing allowed). */
  repeatingRoutes: number
  /** Subset-row cuts added after the search (each on three orders), and the LP over the routes priced with them. */
  cuts: number
  cutLpKm: number
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
  /** Rounds of subset-row cuts after the search (2), and pricing rounds after each (8 at most). */
  cutRounds?: number
  cutPricingRounds?: number
  /** Called after each round with its bound and the master LP's value (for tuning). */
  onIteration? (iteration: number, boundKm: number, masterKm: number, columns: number, lpMs: number): void
}

export async function boundRoutes (day: OfflineDay, options: RouteBoundOptions = {}): Promise<RouteBound> {
  const started = performance.now()
  const { n, m } = day
  const assignment = boundDay(day, 'no_later')
  const { price, routeKm, setCuts } = createRoutePricer(day, assignment.earliest)
  // Subset-row cuts met so far: three orders each, and the penalties (−duals) the pricing charges.
  const cutOrders: number[] = []
  let cutPenalty = new Float64Array(0)

  /** The Lagrangian value at π and the cuts' current penalties: Σ π_j − Σ penalty_c + Σ_i reduced_i. */
  const evaluate = (pi: Float64Array, sink?: RouteSink, perEngineer?: number, below?: (i: number) => number): { value: number, pricing: Pricing } => {
    const pricing = price(pi, sink, perEngineer, below)
    let value = 0
    for (let j = 0; j < n; j++) value += pi[j] as number
    for (const penalty of cutPenalty) value -= penalty
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
  let repeatingRoutes = 0
  let cuts = 0
  let cutLpKm = Infinity
  // Every route put in the LP, by column (after the box's 2n), with its visits per order.
  const priced: Array<{ i: number, route: number[], km: number, visits: Map<number, number> }> = []
  try {
    model.options.set({ output_flag: false, solver: 'ipm', run_crossover: 'off' })
    const lower = new Float64Array(n + m)
    const upper = new Float64Array(n + m)
    lower.fill(1, 0, n); upper.fill(1, 0, n)
    lower.fill(-highs.infinity, n); upper.fill(1, n)
    model.addRows({ lower, upper, matrix: { format: 'csr', numRows: n + m, numCols: 0, starts: new Int32Array(n + m + 1), indices: new Int32Array(0), values: new Float64Array(0) } })
    const pending: Array<{ i: number, route: number[], km: number }> = []
    /** A route's coefficient in cut c. */
    const cutCoefficient = (counts: ReadonlyMap<number, number>, c: number): number =>
      subsetRowCoefficient(counts, cutOrders[3 * c] as number, cutOrders[3 * c + 1] as number, cutOrders[3 * c + 2] as number)
    const flush = (): number => {
      const starts = [0]
      const indices: number[] = []
      const values: number[] = []
      const cost: number[] = []
      for (const { i, route, km } of pending) {
        const counts = countVisits(route)
        priced.push({ i, route, km, visits: counts })
        for (const [j, count] of [...counts].sort((a, b) => a[0] - b[0])) { indices.push(j); values.push(count) }
        if (i >= 0) { indices.push(n + i); values.push(1) }
        for (let c = 0; c < cutOrders.length / 3; c++) {
          const coefficient = cutCoefficient(counts, c)
          if (coefficient > 0) { indices.push(n + m + c); values.push(coefficient) }
        }
        starts.push(indices.length)
        cost.push(km)
      }
      const count = pending.length
      if (count > 0) {
        model.addCols({
          cost: Float64Array.from(cost),
          lower: new Float64Array(count),
          upper: new Float64Array(count).fill(highs.infinity),
          matrix: { format: 'csc', numRows: n + m + cutOrders.length / 3, numCols: count, starts: Int32Array.from(starts), indices: Int32Array.from(indices), values: Float64Array.from(values) }
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
    const limit = options.timeLimitMs ?? 600_000
    const pi = new Float64Array(n)
    const sigma = new Float64Array(m)
    /** Up to `rounds` rounds of column generation in the box; false once the LP fails (the values met stand). */
    const search = (rounds: number): boolean => {
      for (let done = 0; done < rounds && performance.now() - started < limit; done++) {
        const lpStarted = performance.now()
        model.run()
        lpMs += performance.now() - lpStarted
        if (model.getModelStatus() !== highs.constants.modelStatus.optimal) return false
        lpKm = model.getObjectiveValue()
        const duals = model.getSolution().rowDual
        pi.set(duals.subarray(0, n))
        sigma.set(duals.subarray(n, n + m))
        if (cutOrders.length > 0) {
          cutPenalty = Float64Array.from(duals.subarray(n + m), (dual) => Math.max(0, -dual))
          setCuts(Int32Array.from(cutOrders), cutPenalty)
        }
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
          if (delta > 64) return true
          delta *= 2
        }
        model.changeColsCost({ kind: 'range', from: 0, to: 2 * n - 1 }, boxCosts())
      }
      return true
    }
    let searching = search(options.iterations ?? 100)
    // The LP over the routes priced alone, the box's columns barred, solved to a vertex (simplex) so the
    // count of fractional routes is the LP's, not the interior of its optimal face.
    model.options.set({ solver: 'simplex' })
    model.changeColsBounds({ kind: 'range', from: 0, to: 2 * n - 1 }, new Float64Array(2 * n), new Float64Array(2 * n))
    model.run()
    let solution: Float64Array | null = null
    if (model.getModelStatus() === highs.constants.modelStatus.optimal) {
      restrictedLpKm = model.getObjectiveValue()
      const values = model.getSolution().colValue
      solution = Float64Array.from(values.subarray(2 * n))
      for (let x = 2 * n; x < values.length; x++) {
        const value = values[x] as number
        if (value <= 1e-6) continue
        routesInUse++
        if (value < 1 - 1e-6) fractionalRoutes++
        const { route, visits } = priced[x - 2 * n] as { route: number[], visits: Map<number, number> }
        if (visits.size < route.length) repeatingRoutes++
      }
    }
    // Subset-row cuts (Jepsen et al.): for any three orders, the routes visiting at least two of them
    // add up to at most one in a schedule, since each order is on one route. The fractional LP breaks
    // many (routes a–b, b–c, a–c at ½ each). Each round adds the most violated cuts of the last LP
    // solution, then goes on with column generation in the box (reset to its first width), the cuts'
    // duals charged in the pricing labels; every Lagrangian value met is a bound, as before, now with
    // the cuts' multipliers (σ_c ≤ 0 on "≤ 1") in it.
    const cutRounds = options.cutRounds ?? 2
    model.options.set({ solver: 'ipm' })
    model.changeColsBounds({ kind: 'range', from: 0, to: 2 * n - 1 }, new Float64Array(2 * n), new Float64Array(2 * n).fill(highs.infinity))
    for (let round = 0; round < cutRounds && searching && solution !== null && performance.now() - started < limit; round++) {
      const added = separateCuts(solution, priced.map((column) => column.visits), cutOrders)
      if (added === 0) break
      cuts += added
      const first = cutOrders.length / 3 - added
      const rowStarts = [0]
      const rowIndices: number[] = []
      const rowValues: number[] = []
      for (let c = first; c < first + added; c++) {
        priced.forEach(({ visits: counts }, x) => { const coefficient = cutCoefficient(counts, c); if (coefficient > 0) { rowIndices.push(2 * n + x); rowValues.push(coefficient) } })
        rowStarts.push(rowIndices.length)
      }
      model.addRows({
        lower: new Float64Array(added).fill(-highs.infinity),
        upper: new Float64Array(added).fill(1),
        matrix: { format: 'csr', numRows: added, numCols: 2 * n + priced.length, starts: Int32Array.from(rowStarts), indices: Int32Array.from(rowIndices), values: Float64Array.from(rowValues) }
      })
      delta = options.boxKm ?? 1
      model.changeColsCost({ kind: 'range', from: 0, to: 2 * n - 1 }, boxCosts())
      searching = search(options.cutPricingRounds ?? 8)
      model.run()
      solution = model.getModelStatus() === highs.constants.modelStatus.optimal ? Float64Array.from(model.getSolution().colValue.subarray(2 * n)) : null
    }
    if (cuts > 0) {
      // The LP over the routes priced with the cuts, the box barred. Afterline's routes satisfy every
      // cut, but a day searched without them may leave an order no priced route fits: the box's covering
      // columns stay in at a prohibitive cost, and the value counts only when none is used. Interior
      // point: only the value is wanted, and simplex takes minutes here once the cuts are in.
      model.options.set({ solver: 'ipm' })
      model.changeColsCost({ kind: 'range', from: 0, to: n - 1 }, new Float64Array(n).fill(10_000))
      model.changeColsBounds({ kind: 'range', from: n, to: 2 * n - 1 }, new Float64Array(n), new Float64Array(n))
      model.run()
      if (model.getModelStatus() === highs.constants.modelStatus.optimal && !model.getSolution().colValue.subarray(0, n).some((value) => value > 1e-9)) {
        cutLpKm = model.getObjectiveValue()
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
    repeatingRoutes,
    cuts,
    cutLpKm: Math.ceil(cutLpKm * 10) / 10,
    iterations,
    bestIteration,
    columns,
    labels,
    lpMs: Math.round(lpMs),
    solveMs: Math.round(performance.now() - started)
  }
}

/** A route's coefficient in the subset-row cut on orders a, b, c: ⌊its visits among them / 2⌋. */
function subsetRowCoefficient (counts: ReadonlyMap<number, number>, a: number, b: number, c: number): number {
  return Math.floor(((counts.get(a) ?? 0) + (counts.get(b) ?? 0) + (counts.get(c) ?? 0)) / 2)
}

function countVisits (route: readonly number[]): Map<number, number> {
  const counts = new Map<number, number>()
  for (const j of route) counts.set(j, (counts.get(j) ?? 0) + 1)
  return counts
}

/**
 * Adds to `cutOrders` (three orders per cut) the subset-row cuts the LP solution `values` (per priced
 * route, visits as counted) violates by more than 0.001, most violated first, at most 400 and each
 * order in at most three new ones; returns how many were added.
 */
function separateCuts (values: ArrayLike<number>, visits: ReadonlyArray<ReadonlyMap<number, number>>, cutOrders: number[]): number {
  const known = new Set<string>()
  for (let c = 0; c < cutOrders.length; c += 3) known.add(`${cutOrders[c] as number},${cutOrders[c + 1] as number},${cutOrders[c + 2] as number}`)
  // Orders that share a fractional route, and the routes each is on.
  const fractional: number[] = []
  const routesOf = new Map<number, number[]>()
  const together = new Map<number, Set<number>>()
  for (let x = 0; x < visits.length; x++) {
    const value = values[x] as number
    if (value <= 1e-6 || value >= 1 - 1e-6) continue
    fractional.push(x)
    const orders = [...(visits[x] as ReadonlyMap<number, number>).keys()]
    for (const a of orders) {
      let routes = routesOf.get(a)
      if (routes === undefined) routesOf.set(a, routes = [])
      routes.push(x)
      let near = together.get(a)
      if (near === undefined) together.set(a, near = new Set())
      for (const b of orders) if (b > a) near.add(b)
    }
  }
  const found: Array<{ orders: [number, number, number], violation: number }> = []
  for (const [a, near] of together) {
    const others = [...near]
    for (let p = 0; p < others.length; p++) {
      for (let q = p + 1; q < others.length; q++) {
        const b = Math.min(others[p] as number, others[q] as number)
        const c = Math.max(others[p] as number, others[q] as number)
        if (known.has(`${a},${b},${c}`)) continue
        let lhs = 0
        const seen = new Set<number>()
        for (const j of [a, b, c]) {
          for (const x of routesOf.get(j) ?? []) {
            if (seen.has(x)) continue
            seen.add(x)
            lhs += subsetRowCoefficient(visits[x] as ReadonlyMap<number, number>, a, b, c) * (values[x] as number)
          }
        }
        if (lhs > 1.001) found.push({ orders: [a, b, c], violation: lhs - 1 })
      }
    }
  }
  found.sort((x, y) => y.violation - x.violation)
  const uses = new Map<number, number>()
  let added = 0
  for (const { orders } of found) {
    if (orders.some((j) => (uses.get(j) ?? 0) >= 3)) continue
    for (const j of orders) uses.set(j, (uses.get(j) ?? 0) + 1)
    cutOrders.push(...orders)
    if (++added === 400) break
  }
  return added
}
