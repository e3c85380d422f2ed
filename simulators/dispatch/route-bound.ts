import { DEFAULT_MAX_DISTANCE_KM } from './day-simulation.js'
import { boundDay } from './hindsight-bound.js'
import type { OfflineDay } from './offline-day.js'

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
 * minimum is a shortest path with time windows for one engineer, solved exactly by labels (time,
 * reduced km), keeping only labels no other label beats on both; it allows routes that visit an order
 * twice (a superset of the real routes, so still a bound) and ignores van stock used up along a route
 * (the same). Any π gives a valid bound; subgradient steps search for a high one, starting from the
 * predecessor assignment's optimal duals, where the bound is already at least the assignment's value.
 * The result is the best value met, each one a certified bound for its own π.
 */
export interface RouteBound {
  travelKm: number
  /** The predecessor assignment's value (hindsight-bound.ts), where the search starts. */
  assignmentKm: number
  iterations: number
  bestIteration: number
  /** Labels created in the last pricing (one shortest-path search per engineer). */
  labels: number
  solveMs: number
}

export interface RouteBoundOptions {
  /** Subgradient iterations (a fixed count, so the result does not depend on the machine's speed). */
  iterations?: number
  /** A schedule's travel, steering the step length (Polyak); any value keeps the bound valid. */
  targetKm?: number
  timeLimitMs?: number
  /** Called after each iteration with its bound (for tuning). */
  onIteration? (iteration: number, boundKm: number, labels: number): void
}

interface Pricing {
  /** Per engineer, the least reduced km of a route (0: stay home). */
  reduced: Float64Array
  /** Per order, how many times the engineers' best routes (those with negative reduced km) visit it. */
  visits: Int32Array
  labels: number
}

export function boundRoutes (day: OfflineDay, options: RouteBoundOptions = {}): RouteBound {
  const started = performance.now()
  const { n, m, deadline, release, service, shiftStart, shiftEnd, homeKm, homeDrive, orderKm, orderDrive, isQualified } = day
  const assignment = boundDay(day, 'no_later')
  const earliest = assignment.earliest

  // Arcs k → j that some engineer could drive (the assignment's test): anything else is never on a route.
  const outStart = new Int32Array(n + 1)
  const to: number[] = []
  for (let k = 0; k < n; k++) {
    outStart[k] = to.length
    const freeAt = (earliest[k] as number) + (service[k] as number)
    for (let j = 0; j < n; j++) {
      if (j === k || (orderKm[k * n + j] as number) > DEFAULT_MAX_DISTANCE_KM) continue
      if (Math.max(freeAt, release[j] as number) + (orderDrive[k * n + j] as number) > (deadline[j] as number)) continue
      to.push(j)
    }
  }
  outStart[n] = to.length
  const outTo = Int32Array.from(to)
  const outKm = new Float64Array(outTo.length)
  const outDrive = new Float64Array(outTo.length)
  for (let k = 0; k < n; k++) {
    for (let a = outStart[k] as number; a < (outStart[k + 1] as number); a++) {
      const j = outTo[a] as number
      outKm[a] = orderKm[k * n + j] as number
      outDrive[a] = orderDrive[k * n + j] as number
    }
  }

  // Label pool, reused for every engineer.
  let capacity = 1 << 16
  let node = new Int32Array(capacity)
  let time = new Float64Array(capacity)
  let cost = new Float64Array(capacity)
  let parent = new Int32Array(capacity)
  let dead = new Uint8Array(capacity)
  let heap = new Int32Array(capacity)
  const grow = (): void => {
    capacity *= 2
    const more = <T extends Int32Array | Float64Array | Uint8Array>(a: T, make: (size: number) => T): T => { const b = make(capacity); b.set(a); return b }
    node = more(node, (s) => new Int32Array(s))
    time = more(time, (s) => new Float64Array(s))
    cost = more(cost, (s) => new Float64Array(s))
    parent = more(parent, (s) => new Int32Array(s))
    dead = more(dead, (s) => new Uint8Array(s))
    heap = more(heap, (s) => new Int32Array(s))
  }
  const atNode: number[][] = Array.from({ length: n }, () => [])
  const touched: number[] = []

  const price = (pi: Float64Array): Pricing => {
    const reduced = new Float64Array(m)
    const visits = new Int32Array(n)
    let totalLabels = 0
    for (let i = 0; i < m; i++) {
      let count = 0
      let size = 0
      const end = shiftEnd[i] as number
      const push = (label: number): void => {
        let c = size++
        heap[c] = label
        while (c > 0) {
          const p = (c - 1) >> 1
          if ((time[heap[p] as number] as number) <= (time[label] as number)) break
          heap[c] = heap[p] as number
          c = p
        }
        heap[c] = label
      }
      const pop = (): number => {
        const top = heap[0] as number
        const last = heap[--size] as number
        let c = 0
        for (;;) {
          const l = 2 * c + 1
          if (l >= size) break
          const r = l + 1
          const child = r < size && (time[heap[r] as number] as number) < (time[heap[l] as number] as number) ? r : l
          if ((time[heap[child] as number] as number) >= (time[last] as number)) break
          heap[c] = heap[child] as number
          c = child
        }
        if (size > 0) heap[c] = last
        return top
      }
      /** Adds (j, t, c) unless a label at j is no later and no dearer; drops the ones it beats. */
      const offer = (j: number, t: number, c: number, from: number): void => {
        const list = atNode[j] as number[]
        if (list.length === 0) touched.push(j)
        let w = 0
        for (let x = 0; x < list.length; x++) {
          const other = list[x] as number
          if ((time[other] as number) <= t && (cost[other] as number) <= c) return
        }
        for (let x = 0; x < list.length; x++) {
          const other = list[x] as number
          if (t <= (time[other] as number) && c <= (cost[other] as number)) dead[other] = 1
          else list[w++] = other
        }
        list.length = w
        if (count === capacity) grow()
        const label = count++
        node[label] = j; time[label] = t; cost[label] = c; parent[label] = from; dead[label] = 0
        list.push(label)
        push(label)
      }
      const start = shiftStart[i] as number
      for (let j = 0; j < n; j++) {
        if (!isQualified(j, i) || (homeKm[j * m + i] as number) > DEFAULT_MAX_DISTANCE_KM) continue
        const leave = Math.max(start, release[j] as number)
        if (leave >= end) continue
        const arrive = leave + (homeDrive[j * m + i] as number)
        if (arrive > (deadline[j] as number)) continue
        offer(j, arrive, (homeKm[j * m + i] as number) - (pi[j] as number), -1)
      }
      let best = 0
      let bestLabel = -1
      while (size > 0) {
        const label = pop()
        if (dead[label] === 1) continue
        const k = node[label] as number
        const c = cost[label] as number
        if (c < best) { best = c; bestLabel = label }
        const free = (time[label] as number) + (service[k] as number)
        for (let a = outStart[k] as number; a < (outStart[k + 1] as number); a++) {
          const j = outTo[a] as number
          if (!isQualified(j, i)) continue
          const leave = Math.max(free, release[j] as number)
          if (leave >= end) continue
          const arrive = leave + (outDrive[a] as number)
          if (arrive > (deadline[j] as number)) continue
          offer(j, arrive, c + (outKm[a] as number) - (pi[j] as number), label)
        }
      }
      reduced[i] = best
      for (let label = bestLabel; label >= 0; label = parent[label] as number) visits[node[label] as number]++
      for (const j of touched) (atNode[j] as number[]).length = 0
      touched.length = 0
      totalLabels += count
    }
    return { reduced, visits, labels: totalLabels }
  }

  // Start at the assignment's duals: π_j = u_j + v_(m+j). Every arc's cost is at least u_head + v_tail,
  // so a route's reduced km telescopes to at least v_home ≥ v_home + (−v_last), and the bound starts at
  // no less than the assignment's value.
  const pi = new Float64Array(n)
  for (let j = 0; j < n; j++) pi[j] = (assignment.duals.rows[j] as number) + (assignment.duals.columns[m + j] as number)
  const iterations = options.iterations ?? 60
  const limit = options.timeLimitMs ?? 600_000
  const target = options.targetKm ?? assignment.travelKm * 2
  let bestKm = -Infinity
  let bestIteration = 0
  let theta = 1
  let sinceBest = 0
  let labels = 0
  let done = 0
  const direction = new Float64Array(n)
  for (let it = 0; it < iterations && performance.now() - started < limit; it++) {
    const pricing = price(pi)
    labels = pricing.labels
    done = it + 1
    let value = 0
    for (let j = 0; j < n; j++) value += pi[j] as number
    for (let i = 0; i < m; i++) value += pricing.reduced[i] as number
    options.onIteration?.(it, value, pricing.labels)
    if (value > bestKm + 1e-6) { bestKm = value; bestIteration = it; sinceBest = 0 } else if (++sinceBest >= 4) { theta /= 2; sinceBest = 0 }
    let norm = 0
    for (let j = 0; j < n; j++) {
      // Deflected subgradient: half of the last direction carried on, which damps the zig-zag.
      const g = 1 - (pricing.visits[j] as number)
      direction[j] = g + 0.5 * (direction[j] as number)
      norm += (direction[j] as number) ** 2
    }
    if (norm === 0) break // every order on exactly one best route: the bound is the optimum of the relaxation
    const step = theta * Math.max(target - value, 0.01 * Math.abs(target)) / norm
    for (let j = 0; j < n; j++) pi[j] = (pi[j] as number) + step * (direction[j] as number)
  }
  return {
    travelKm: Math.floor(bestKm * 10) / 10,
    assignmentKm: assignment.travelKm,
    iterations: done,
    bestIteration,
    labels,
    solveMs: Math.round(performance.now() - started)
  }
}
