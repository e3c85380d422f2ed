/**
 * `npm run bench:dispatch` — the assignment engine under load, and a simulated service day.
 *
 * 1. Candidate search with 100,000 engineers whose positions keep changing (20 position reports and
 *    an occasional status change between queries) over 1,000 open orders: latency of the grid search
 *    against a full scan of every engineer (the baseline), and a check that both return the same
 *    engineers. Wall-clock percentiles include the time the process is preempted on a busy machine;
 *    the CPU-time percentiles (process.cpuUsage, ~1 µs resolution, including GC threads) do not, and the
 *    load average is printed so the two can be read together.
 * 2. One simulated day (≥ 300 engineers, ≥ 2,000 orders over the day, hot spots): (a) greedy nearest-
 *    available, (b) Afterline's auto-dispatch as the platform runs it, (c) an offline lower bound with full
 *    knowledge of the day (simulators/dispatch/route-bound.ts, explained in dispatch/README.md),
 *    and beside it the best schedule an offline local search finds (simulators/dispatch/offline-plan.ts),
 *    an upper bound on the hindsight optimum: the optimum lies between the two.
 *
 * The last line printed is the JSON summary. Flags: `--engineers N` (100000), `--queries N` (20000).
 */
import os from 'node:os'
import { parseArgs } from 'node:util'
import { createEngineerPool } from '../dispatch/engine/engineer-pool.js'
import { searchCandidates } from '../dispatch/engine/candidate-search.js'
import { createRuleContext } from '../dispatch/engine/candidate-search.js'
import { haversineKm } from '../dispatch/engine/geo.js'
import { passesHardRules } from '../dispatch/engine/hard-rules.js'
import { costOf, DEFAULT_SCORING } from '../dispatch/engine/score.js'
import type { EngineerSnapshot, OrderDemand } from '../dispatch/engine/types.js'
import { createCity } from '../simulators/dispatch/city.js'
import { simulateDay } from '../simulators/dispatch/day-simulation.js'
import { createFleet, createOpenOrders } from '../simulators/dispatch/fleet.js'
import { boundDay } from '../simulators/dispatch/hindsight-bound.js'
import { createOfflineDay, routesOfSchedule } from '../simulators/dispatch/offline-day.js'
import { planOffline } from '../simulators/dispatch/offline-plan.js'
import { boundRoutes } from '../simulators/dispatch/route-bound.js'
import { createEnginePolicy, createGreedyPolicy } from '../simulators/dispatch/policies.js'
import { createRandom } from '../simulators/dispatch/prng.js'
import { createScenario } from '../simulators/dispatch/scenario.js'

const { values: flags } = parseArgs({ options: { engineers: { type: 'string', default: '100000' }, queries: { type: 'string', default: '20000' } } })
const ENGINEERS = Number(flags.engineers)
const ORDERS = 1_000
const QUERIES = Number(flags.queries)
const UPDATES_PER_QUERY = 20
const SCAN_QUERIES = 300
const LIMIT = 10
const MAX_KM = 60
const NOW = Date.parse('2026-11-23T03:00:00Z')
/** Ruin-and-recreate rounds of the offline planner's search (the best known plan). */
const PLAN_REBUILDS = 20_000
/** Column-generation rounds of the route bound (c). */
const BOUND_ITERATIONS = 60
/**
 * A safety net only: the rounds above (and the two rounds of cuts after them) decide where the bound
 * stops, so it does not depend on the machine's speed; about thirteen minutes on a two-core machine.
 */
const BOUND_TIME_LIMIT_MS = 30 * 60_000

const log = (message: string): void => { process.stderr.write(`${message}\n`) }
const round = (value: number, digits = 3): number => Math.round(value * 10 ** digits) / 10 ** digits
function percentile (sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0
}

/** The baseline: every engineer checked against the rules and costed, best `limit` kept. */
function scanAll (fleet: readonly EngineerSnapshot[], order: OrderDemand): string[] {
  const context = createRuleContext({ now: NOW, defaultMaxDistanceKm: MAX_KM })
  const options = { ...DEFAULT_SCORING, now: NOW }
  const kept: Array<{ id: string, cost: number }> = []
  for (const engineer of fleet) {
    const from = engineer.position ?? engineer.home
    if (from === null) continue
    const distanceKm = haversineKm(from, order.location)
    if (!passesHardRules({ engineer, order, distanceKm }, context)) continue
    kept.push({ id: engineer.id, cost: costOf(engineer, order, distanceKm, options) })
  }
  return kept.sort((a, b) => a.cost - b.cost || (a.id < b.id ? -1 : 1)).slice(0, LIMIT).map((k) => k.id)
}

function benchCandidates () {
  const random = createRandom(99)
  const city = createCity(random)
  const fleet = createFleet(city, random, ENGINEERS)
  const orders = createOpenOrders(city, random, ORDERS, NOW)
  const pool = createEngineerPool()
  let started = performance.now()
  for (const engineer of fleet) pool.put(engineer)
  const loadMs = performance.now() - started
  const options = { ...DEFAULT_SCORING, now: NOW, limit: LIMIT, defaultMaxDistanceKm: MAX_KM }

  // A position report: the engineer moved about 150 m (a phone reporting every 30 s in town).
  const move = (): void => {
    const engineer = pool.get((fleet[random.integer(0, fleet.length - 1)] as EngineerSnapshot).id) as EngineerSnapshot
    const from = engineer.position ?? city.center
    target.lat = from.lat + random.normal(0, 0.15) / 111.195
    target.lng = from.lng + random.normal(0, 0.15) / 95.1
    pool.moveTo(engineer.id, target, NOW)
  }
  const target = { lat: 0, lng: 0 }
  const flip = (): void => {
    const engineer = pool.get((fleet[random.integer(0, fleet.length - 1)] as EngineerSnapshot).id) as EngineerSnapshot
    if (engineer.status === 'busy') pool.update(engineer.id, { status: 'available', activeOrderId: null })
    else if (engineer.status === 'available') pool.update(engineer.id, { status: 'busy', activeOrderId: 'bench' })
  }

  for (let i = 0; i < 500; i++) searchCandidates(pool, orders[i % ORDERS] as OrderDemand, options) // warm-up
  const times: number[] = []
  const cpuTimes: number[] = []
  let updateMs = 0
  let updates = 0
  for (let q = 0; q < QUERIES; q++) {
    started = performance.now()
    for (let u = 0; u < UPDATES_PER_QUERY; u++) move()
    if (q % 10 === 0) flip()
    updateMs += performance.now() - started
    updates += UPDATES_PER_QUERY
    const order = orders[random.integer(0, ORDERS - 1)] as OrderDemand
    const cpu = process.cpuUsage()
    started = performance.now()
    searchCandidates(pool, order, options)
    times.push(performance.now() - started)
    const used = process.cpuUsage(cpu)
    cpuTimes.push((used.user + used.system) / 1000)
  }
  times.sort((a, b) => a - b)
  cpuTimes.sort((a, b) => a - b)

  const current = [...pool.values()]
  const scanTimes: number[] = []
  let mismatches = 0
  for (let q = 0; q < SCAN_QUERIES; q++) {
    const order = orders[q] as OrderDemand
    started = performance.now()
    const expected = scanAll(current, order)
    scanTimes.push(performance.now() - started)
    const got = searchCandidates(pool, order, options).map((k) => k.engineer.id)
    if (got.join() !== expected.join()) mismatches++
  }
  scanTimes.sort((a, b) => a - b)
  return {
    engineers: ENGINEERS,
    dispatchable: pool.dispatchableCount,
    openOrders: ORDERS,
    queries: QUERIES,
    p50: round(percentile(times, 0.5)),
    p99: round(percentile(times, 0.99)),
    max: round(times[times.length - 1] ?? 0),
    cpuP50: round(percentile(cpuTimes, 0.5)),
    cpuP99: round(percentile(cpuTimes, 0.99)),
    positionUpdateMeanUs: round((updateMs / updates) * 1000, 2),
    poolLoadMs: round(loadMs, 0),
    scanP50: round(percentile(scanTimes, 0.5)),
    scanP99: round(percentile(scanTimes, 0.99)),
    mismatches
  }
}

async function benchDay () {
  const scenario = createScenario({ engineers: 340, orders: 2100 })
  let started = performance.now()
  const greedy = simulateDay(scenario, createGreedyPolicy())
  const greedyMs = performance.now() - started
  started = performance.now()
  const engine = simulateDay(scenario, createEnginePolicy())
  const engineMs = performance.now() - started
  const offline = createOfflineDay(scenario, engine)
  const assignment = boundDay(offline, 'no_later')
  const sameTimes = boundDay(offline, 'same_times')
  const plan = planOffline(offline, engine, { rebuilds: PLAN_REBUILDS })
  const bound = await boundRoutes(offline, { iterations: BOUND_ITERATIONS, initialRoutes: routesOfSchedule(offline, engine), timeLimitMs: BOUND_TIME_LIMIT_MS })
  const row = (r: typeof greedy) => ({
    travel_km: r.travelKm, sla_met_pct: r.slaMetPct, mean_wait_to_arrival_min: r.meanWaitToArrivalMin,
    p90_wait_to_arrival_min: r.p90WaitToArrivalMin, served: r.served, unserved: r.unserved, rejections: r.rejections
  })
  return { scenario, greedy, engine, assignment, bound, sameTimes, plan, greedyMs, engineMs, row }
}

log(`candidate search: ${ENGINEERS} engineers, ${ORDERS} open orders, ${QUERIES} queries with ${UPDATES_PER_QUERY} position reports before each…`)
const candidates = benchCandidates()
log(`  grid p50 ${candidates.p50} ms, p99 ${candidates.p99} ms; full scan p50 ${candidates.scanP50} ms, p99 ${candidates.scanP99} ms; mismatches ${candidates.mismatches}`)
log('simulated day: 340 engineers, 2,100 orders…')
const day = await benchDay()
log(`  greedy ${day.greedy.travelKm} km, SLA ${day.greedy.slaMetPct} %; Afterline ${day.engine.travelKm} km, SLA ${day.engine.slaMetPct} %; bound ${day.bound.travelKm} km (${day.bound.iterations} iterations, ${day.bound.solveMs} ms; assignment bound ${day.assignment.travelKm} km); best known plan ${day.plan.travelKm} km`)

const gap = round(day.engine.travelKm / day.bound.travelKm)
const summary = {
  bench: 'dispatch',
  candidates_p99_ms: candidates.p99,
  candidates_p50_ms: candidates.p50,
  candidates_max_ms: candidates.max,
  candidates_cpu_p50_ms: candidates.cpuP50,
  candidates_cpu_p99_ms: candidates.cpuP99,
  machine_load_average_1m: round(os.loadavg()[0] ?? 0, 2),
  machine_cpus: os.cpus().length,
  candidates_baseline_full_scan_p99_ms: candidates.scanP99,
  candidates_speedup_p99: round(candidates.scanP99 / candidates.p99, 1),
  candidates_results_match_full_scan: candidates.mismatches === 0,
  candidates_setup: {
    engineers: candidates.engineers, dispatchable_now: candidates.dispatchable, open_orders: candidates.openOrders, queries: candidates.queries,
    position_reports_between_queries: UPDATES_PER_QUERY, position_update_mean_us: candidates.positionUpdateMeanUs, limit: LIMIT
  },
  day: {
    engineers: day.scenario.engineers.length,
    orders: day.scenario.orders.length,
    greedy: day.row(day.greedy),
    afterline: day.row(day.engine),
    lower_bound: {
      travel_km: day.bound.travelKm,
      definition: 'Lagrangian relaxation of "each order served exactly once" with full knowledge of the day: for multipliers from column generation (set-partitioning LP duals, box-stabilised; then subset-row cuts on three orders, their duals charged in the pricing), the sum of the multipliers plus, per engineer, the least reduced travel of any route that engineer could drive (own home, shift, skills, van stock at the start of the day, refusals, reach, real visit times, every order reached no later than Afterline did); the best value met. A lower bound on the travel of any schedule reaching every order no later than Afterline did',
      iterations: day.bound.iterations,
      columns: day.bound.columns,
      last_master_lp_km: day.bound.masterLpKm,
      route_lp_at_most_km: day.bound.restrictedLpKm,
      route_lp_routes_in_use: day.bound.routesInUse,
      route_lp_fractional_routes: day.bound.fractionalRoutes,
      route_lp_repeating_routes: day.bound.repeatingRoutes,
      subset_row_cuts: day.bound.cuts,
      route_lp_with_cuts_at_most_km: day.bound.cutLpKm,
      best_iteration: day.bound.bestIteration,
      solve_ms: day.bound.solveMs,
      assignment_relaxation_travel_km: day.assignment.travelKm,
      assignment_arcs: day.assignment.arcs,
      same_visit_times_travel_km: day.sameTimes.travelKm
    },
    best_known_plan: {
      travel_km: day.plan.travelKm,
      definition: 'offline local search from Afterline\'s schedule under every simulator rule, reaching every order no later than Afterline did: an upper bound on the hindsight optimum',
      routes: day.plan.routes,
      rebuilds: day.plan.rebuilds,
      search_ms: day.plan.solveMs
    },
    simulate_ms: { greedy: round(day.greedyMs, 0), afterline: round(day.engineMs, 0) }
  },
  travel_vs_greedy: round(day.engine.travelKm / day.greedy.travelKm),
  sla_met_gain_points: round(day.engine.slaMetPct - day.greedy.slaMetPct, 2),
  gap_vs_optimal: gap,
  gap_best_known_plan_vs_bound: round(day.plan.travelKm / day.bound.travelKm),
  gap_vs_best_known_plan: round(day.engine.travelKm / day.plan.travelKm),
  gap_vs_same_visit_times_bound: round(day.engine.travelKm / day.sameTimes.travelKm),
  acceptance: {
    candidates_p99_le_2ms: candidates.p99 <= 2,
    beats_greedy_on_travel: day.engine.travelKm < day.greedy.travelKm,
    beats_greedy_on_sla_met: day.engine.slaMetPct > day.greedy.slaMetPct,
    lower_bound_le_best_known_plan: day.bound.travelKm <= day.plan.travelKm,
    gap_le_1_10: gap <= 1.10
  }
}
process.stdout.write(`${JSON.stringify(summary)}\n`)
