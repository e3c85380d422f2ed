import t from 'tap'
import { boundDay, computeHindsightBound } from '../../simulators/dispatch/hindsight-bound.js'
import { createOfflineDay } from '../../simulators/dispatch/offline-day.js'
import { planOffline } from '../../simulators/dispatch/offline-plan.js'
import { simulateDay } from '../../simulators/dispatch/day-simulation.js'
import type { SimPolicy } from '../../simulators/dispatch/day-simulation.js'
import { createEnginePolicy, createGreedyPolicy } from '../../simulators/dispatch/policies.js'
import { createScenario } from '../../simulators/dispatch/scenario.js'

t.test('a seeded day is the same day every time', async (t) => {
  const a = createScenario({ seed: 5, engineers: 30, orders: 150 })
  const b = createScenario({ seed: 5, engineers: 30, orders: 150 })
  t.same(a.orders, b.orders)
  t.same(a.engineers, b.engineers)
  t.equal(a.orders.length, 150)
  t.ok(a.orders.every((o, i) => i === 0 || (a.orders[i - 1] as typeof o).releaseAt <= o.releaseAt), 'orders arrive in time order')
})

t.test('on small days both policies serve the orders, and the offline bound never exceeds the travel it bounds', async (t) => {
  for (const seed of [1, 2, 3]) {
    const scenario = createScenario({ seed, engineers: 40, orders: 220 })
    for (const policy of [createGreedyPolicy(), createEnginePolicy()]) {
      const result = simulateDay(scenario, policy)
      t.equal(result.served + result.unserved, 220)
      t.ok(result.served >= 200, `${policy.name} served ${result.served}`)
      const travel = [...result.servedOrders.values()].reduce((sum, s) => sum + s.travelKm, 0)
      t.equal(Math.round(travel * 10) / 10, result.travelKm, 'travel is the sum of the trips')
      for (const mode of ['no_later', 'same_times'] as const) {
        const bound = computeHindsightBound(scenario, result, mode)
        t.ok(bound.travelKm <= result.travelKm + 0.1, `seed ${seed} ${policy.name} ${mode}: bound ${bound.travelKm} ≤ ${result.travelKm}`)
        t.ok(bound.travelKm > 0)
      }
      const sameTimes = computeHindsightBound(scenario, result, 'same_times')
      const noLater = computeHindsightBound(scenario, result, 'no_later')
      t.ok(noLater.travelKm <= sameTimes.travelKm + 1e-6, 'the wider problem has the lower bound')
    }
  }
})

t.test('the best known plan lies between the lower bound and the schedule it starts from', async (t) => {
  for (const seed of [1, 2]) {
    const scenario = createScenario({ seed, engineers: 40, orders: 220 })
    const reference = simulateDay(scenario, createEnginePolicy())
    const day = createOfflineDay(scenario, reference)
    const bound = boundDay(day)
    const plan = planOffline(day, reference, { rebuilds: 300 })
    t.ok(plan.travelKm <= reference.travelKm + 0.1, `seed ${seed}: plan ${plan.travelKm} ≤ reference ${reference.travelKm}`)
    t.ok(bound.travelKm <= plan.travelKm + 0.1, `seed ${seed}: bound ${bound.travelKm} ≤ plan ${plan.travelKm}`)
  }
})

t.test('the simulator refuses a policy that breaks a hard rule', async (t) => {
  const scenario = createScenario({ seed: 9, engineers: 10, orders: 30 })
  const reckless: SimPolicy = {
    name: 'reckless',
    onOrderReleased (ctx, orderId) {
      const engineer = [...ctx.pool.values()].find((e) => e.status === 'off')
      if (engineer !== undefined) ctx.assign(orderId, engineer.id)
    }
  }
  t.throws(() => simulateDay(scenario, reckless), /policy broke hard rule available/)
})
