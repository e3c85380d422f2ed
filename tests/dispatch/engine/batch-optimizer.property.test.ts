import t from 'tap'
import { FORBIDDEN, solveAssignment } from '../../../dispatch/engine/assignment-solver.js'
import { optimizeBatch, planOneByOne } from '../../../dispatch/engine/batch-optimizer.js'
import { rankCandidates } from '../../../dispatch/engine/candidate-search.js'
import { costOf, DEFAULT_SCORING } from '../../../dispatch/engine/score.js'
import { haversineKm } from '../../../dispatch/engine/geo.js'
import { unassignedPenalty } from '../../../dispatch/engine/urgency.js'
import { createRandom } from '../../../simulators/dispatch/prng.js'
import { oracleAllows } from './hard-rules-oracle.js'
import { createInstance, NOW } from './random-instances.js'

const MAX_KM = 25
const options = (penalty: 'serve' | 'patient') => ({
  ...DEFAULT_SCORING,
  now: NOW,
  limit: 4,
  defaultMaxDistanceKm: MAX_KM,
  unassignedCost: penalty === 'serve'
    ? (order: Parameters<typeof unassignedPenalty>[0]) => unassignedPenalty(order, NOW, DEFAULT_SCORING.weights)
    : () => 25 // leaving an order is sometimes cheaper than a far engineer
})

t.test('over random instances no plan or candidate ever breaks a hard rule, and the batch never costs more than one by one', async (t) => {
  let instances = 0
  let strictlyBetter = 0
  for (let seed = 1; seed <= 300; seed++) {
    const { pool, engineers, orders } = createInstance(seed, { engineers: 10 + (seed % 50), orders: 1 + (seed % 25) })
    const byId = new Map(engineers.map((e) => [e.id, e]))
    const orderById = new Map(orders.map((o) => [o.id, o]))
    for (const penalty of ['serve', 'patient'] as const) {
      const plan = optimizeBatch(pool, orders, options(penalty))
      const oneByOne = planOneByOne(pool, orders, options(penalty))
      instances++
      for (const pair of [...plan.assignments, ...oneByOne.assignments]) {
        if (!oracleAllows(byId.get(pair.engineerId)!, orderById.get(pair.orderId)!, NOW, MAX_KM)) {
          t.fail(`seed ${seed}: ${pair.engineerId} may not take ${pair.orderId}`)
        }
      }
      const engineersUsed = plan.assignments.map((a) => a.engineerId)
      if (new Set(engineersUsed).size !== engineersUsed.length) t.fail(`seed ${seed}: an engineer got two orders`)
      if (plan.assignments.length + plan.unassigned.length !== orders.length) t.fail(`seed ${seed}: orders lost`)
      if (plan.totalCost > oneByOne.totalCost + 1e-6) t.fail(`seed ${seed}/${penalty}: batch ${plan.totalCost} > one by one ${oneByOne.totalCost}`)
      if (penalty === 'serve' && plan.assignments.length < oneByOne.assignments.length) t.fail(`seed ${seed}: batch served fewer orders`)
      if (plan.totalCost < oneByOne.totalCost - 1e-6) strictlyBetter++
    }
    for (const order of orders.slice(0, 3)) {
      for (const candidate of rankCandidates(pool, order, { ...options('serve'), limit: 10 })) {
        if (!oracleAllows(byId.get(candidate.engineerId)!, order, NOW, MAX_KM)) t.fail(`seed ${seed}: candidate ${candidate.engineerId} breaks a rule for ${order.id}`)
      }
    }
  }
  t.equal(instances, 600)
  t.ok(strictlyBetter > 20, `the batch is strictly cheaper on ${strictlyBetter} instances (it is not merely equal)`)
})

t.test('the candidate search returns exactly the best feasible engineers a full scan finds', async (t) => {
  for (let seed = 1000; seed < 1100; seed++) {
    const { pool, engineers, orders } = createInstance(seed, { engineers: 200, orders: 5 })
    for (const order of orders) {
      const ranked = rankCandidates(pool, order, { ...options('serve'), limit: 5 })
      const scan = engineers
        .filter((e) => oracleAllows(e, order, NOW, MAX_KM))
        .map((e) => ({ id: e.id, cost: costOf(e, order, haversineKm((e.position ?? e.home)!, order.location), { ...DEFAULT_SCORING, now: NOW }) }))
        .sort((a, b) => a.cost - b.cost || (a.id < b.id ? -1 : 1))
        .slice(0, 5)
      t.same(ranked.map((c) => c.engineerId), scan.map((c) => c.id), `seed ${seed} ${order.id}`)
    }
  }
})

t.test('the assignment solver finds the exact minimum (checked by enumerating every assignment)', async (t) => {
  const random = createRandom(7)
  for (let trial = 0; trial < 200; trial++) {
    const rows = random.integer(1, 5)
    const columns = rows + random.integer(0, 3)
    const costs = new Float64Array(rows * columns)
    for (let i = 0; i < costs.length; i++) costs[i] = random.next() < 0.2 ? FORBIDDEN : Math.round(random.between(-20, 100))
    for (let r = 0; r < rows; r++) costs[r * columns + columns - 1 - (r % columns)] = 500 // always something allowed
    let best = Infinity
    const used = new Array<boolean>(columns).fill(false)
    const search = (row: number, sum: number): void => {
      if (row === rows) { best = Math.min(best, sum); return }
      for (let c = 0; c < columns; c++) {
        if (used[c] === true) continue
        used[c] = true
        search(row + 1, sum + (costs[row * columns + c] as number))
        used[c] = false
      }
    }
    search(0, 0)
    const solution = solveAssignment(costs, rows, columns)
    t.equal(new Set(solution).size, rows, 'distinct columns')
    t.equal(Array.from(solution).reduce((sum, c, r) => sum + (costs[r * columns + c] as number), 0), best, `trial ${trial}`)
  }
})
