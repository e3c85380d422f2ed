import { DEFAULT_MAX_DISTANCE_KM } from './day-simulation.js'
import { routeLengthKm } from './offline-day.js'
import type { OfflineDay } from './offline-day.js'

/**
 * Route pricing for the route bound (route-bound.ts): for multipliers π on the orders, each engineer's
 * least reduced km over every route they could drive — from home at shift start, order to order,
 * each assigned on shift (leave = max(free, release) < shift end), reached by its deadline, within
 * reach, real visit times, only orders they may serve. A shortest path with time windows, solved
 * exactly by labels (arrival time, reduced km) in time order, dropping only a label another at the same
 * order beats on both. A route never turns straight back to the order it came from (k → j → k): a label
 * remembers its previous order, and beats another only when it came from the same place, or from home,
 * or from an order the other could no longer get back to in time — so no route that such a turn would
 * not spoil is lost. Longer cycles (k → j → l → k) are still allowed, and van stock is not used up along
 * a route: the routes searched are a superset of the real ones, which is what a lower bound needs.
 *
 * With subset-row cuts (`setCuts`), a route also pays each cut's penalty at its second visit among the
 * cut's three orders (and fourth, …). A label then carries the cuts it has visited an odd number of
 * times, and beats another only by enough to cover the penalties it may still pay that the other
 * would not; a cut is forgotten once all its orders' deadlines have passed, when it can cost nothing more.
 */

/** Receives a route engineer i could drive (orders in sequence, one may repeat), its km and reduced km. */
export type RouteSink = (i: number, route: number[], km: number, reducedKm: number) => void

export interface Pricing {
  /** Per engineer, the least reduced km of a route (at most 0: staying home). */
  reduced: Float64Array
  labels: number
}

export interface RoutePricer {
  /**
   * Prices every engineer; with a sink, also reports up to `perEngineer` routes with reduced km below
   * `below(i)`, ending at different orders.
   */
  price (pi: Float64Array, sink?: RouteSink, perEngineer?: number, below?: (i: number) => number): Pricing
  routeKm (i: number, route: readonly number[]): number
  /**
   * Subset-row cuts on three orders (`orders`, three per cut) and their penalties (−dual, ≥ 0): from
   * now on a route pays a cut's penalty each time it reaches its second (fourth, …) visit among the
   * cut's orders, as the LP charges it.
   */
  setCuts (orders: Int32Array, penalty: Float64Array): void
}

/** `earliest`: per order, the earliest any schedule reaches it (arcs that cannot be on time are dropped). */
export function createRoutePricer (day: OfflineDay, earliest: Float64Array): RoutePricer {
  const { n, m, deadline, release, service, shiftStart, shiftEnd, homeKm, homeDrive, orderKm, orderDrive, isQualified } = day
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

  // Subset-row cuts. A label keeps the cuts it has visited an odd number of times (`odd`, null when none)
  // while one of the cut's orders could still be reached (deadline not passed): after that the state can
  // no longer change what the route pays, and forgetting it lets more labels beat each other.
  let cutsOf: number[][] = Array.from({ length: n }, () => [])
  let cutPenalty = new Float64Array(0)
  let cutLastDeadline = new Float64Array(0)
  const odd: Array<number[] | null> = []
  const setCuts = (orders: Int32Array, penalty: Float64Array): void => {
    cutsOf = Array.from({ length: n }, () => [])
    cutPenalty = Float64Array.from(penalty)
    cutLastDeadline = new Float64Array(penalty.length)
    for (let c = 0; c < penalty.length; c++) {
      let last = -Infinity
      for (let x = 3 * c; x < 3 * c + 3; x++) last = Math.max(last, deadline[orders[x] as number] as number)
      cutLastDeadline[c] = last
      if ((penalty[c] as number) <= 1e-9) continue
      for (let x = 3 * c; x < 3 * c + 3; x++) (cutsOf[orders[x] as number] as number[]).push(c)
    }
  }
  /** What a label whose odd cuts are `a` may pay on top of one whose odd cuts are `b`, at most. */
  const extraOver = (a: number[] | null, b: number[] | null): number => {
    if (a === null) return 0
    let extra = 0
    for (const c of a) if (b === null || !b.includes(c)) extra += cutPenalty[c] as number
    return extra
  }

  const routeKm = (i: number, route: readonly number[]): number => routeLengthKm(day, i, route)

  /**
   * For each engineer, the least reduced km of any route (non-positive: staying home is 0); with a sink,
   * also up to `perEngineer` routes with reduced km below `below(i)`, ending at different orders.
   */
  const price = (pi: Float64Array, sink?: RouteSink, perEngineer = 1, below: (i: number) => number = () => 0): Pricing => {
    const reduced = new Float64Array(m)
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
      /** The order a label came from, or −1 from home. */
      const previousOf = (label: number): number => { const p = parent[label] as number; return p < 0 ? -1 : node[p] as number }
      /**
       * Whether a label at j, previous order p, reached at t, beats every extension of another label at
       * j reached at `later` (≥ t) that came from elsewhere: it does when p is home, or when the other
       * could no longer drive back to p (the one turn the first label may not take) by p's deadline.
       */
      const turnHarmless = (p: number, j: number, later: number): boolean => {
        if (p < 0 || (orderKm[j * n + p] as number) > DEFAULT_MAX_DISTANCE_KM) return true
        return Math.max(later + (service[j] as number), release[p] as number) + (orderDrive[j * n + p] as number) > (deadline[p] as number)
      }
      const beats = (a: number, t: number, c: number, p: number, j: number, cuts: number[] | null): boolean => {
        if ((time[a] as number) > t || (cost[a] as number) + extraOver(odd[a] ?? null, cuts) > c) return false
        const q = previousOf(a)
        return q === p || turnHarmless(q, j, t)
      }
      /**
       * Adds (j, t, c) unless a label at j beats it, after the cuts' penalties the visit to j incurs;
       * drops the ones it beats.
       */
      const offer = (j: number, t: number, c: number, from: number): void => {
        let cuts = from < 0 ? null : odd[from] ?? null
        const atJ = cutsOf[j] as number[]
        if (atJ.length > 0 || cuts !== null) {
          const next = cuts === null ? [] : cuts.filter((k) => (cutLastDeadline[k] as number) >= t)
          for (const k of atJ) {
            const at = next.indexOf(k)
            if (at < 0) next.push(k)
            else { next.splice(at, 1); c += cutPenalty[k] as number }
          }
          cuts = next.length > 0 ? next : null
        }
        const list = atNode[j] as number[]
        if (list.length === 0) touched.push(j)
        const p = from < 0 ? -1 : node[from] as number
        let w = 0
        for (let x = 0; x < list.length; x++) {
          if (beats(list[x] as number, t, c, p, j, cuts)) return
        }
        for (let x = 0; x < list.length; x++) {
          const other = list[x] as number
          const otherTime = time[other] as number
          if (t <= otherTime && c + extraOver(cuts, odd[other] ?? null) <= (cost[other] as number) && (previousOf(other) === p || turnHarmless(p, j, otherTime))) dead[other] = 1
          else list[w++] = other
        }
        list.length = w
        if (count === capacity) grow()
        const label = count++
        node[label] = j; time[label] = t; cost[label] = c; parent[label] = from; dead[label] = 0; odd[label] = cuts
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
      while (size > 0) {
        const label = pop()
        if (dead[label] === 1) continue
        const k = node[label] as number
        const c = cost[label] as number
        if (c < best) best = c
        const free = (time[label] as number) + (service[k] as number)
        const back = previousOf(label)
        for (let a = outStart[k] as number; a < (outStart[k + 1] as number); a++) {
          const j = outTo[a] as number
          if (j === back || !isQualified(j, i)) continue
          const leave = Math.max(free, release[j] as number)
          if (leave >= end) continue
          const arrive = leave + (outDrive[a] as number)
          if (arrive > (deadline[j] as number)) continue
          offer(j, arrive, c + (outKm[a] as number) - (pi[j] as number), label)
        }
      }
      reduced[i] = best
      if (sink !== undefined) {
        const threshold = below(i)
        const ends = touched.map((j) => {
          let bestAt = -1
          for (const label of atNode[j] as number[]) if (bestAt < 0 || (cost[label] as number) < (cost[bestAt] as number)) bestAt = label
          return bestAt
        }).filter((label) => label >= 0 && (cost[label] as number) < threshold)
        ends.sort((a, b) => (cost[a] as number) - (cost[b] as number))
        for (const end of ends.slice(0, perEngineer)) {
          const route: number[] = []
          for (let label = end; label >= 0; label = parent[label] as number) route.push(node[label] as number)
          route.reverse()
          sink(i, route, routeKm(i, route), cost[end] as number)
        }
      }
      for (const j of touched) (atNode[j] as number[]).length = 0
      touched.length = 0
      totalLabels += count
    }
    return { reduced, labels: totalLabels }
  }

  return { price, routeKm, setCuts }
}
