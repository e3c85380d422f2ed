import t from 'tap'
import { rankCandidates } from '../../../dispatch/engine/candidate-search.js'
import type { EngineerPool } from '../../../dispatch/engine/engineer-pool.js'
import { DEFAULT_SCORING } from '../../../dispatch/engine/score.js'
import { createInstance, NOW } from './random-instances.js'

const options = { ...DEFAULT_SCORING, now: NOW, limit: 5, defaultMaxDistanceKm: 40 }

/** The pool as a station search may use it: only engineers looked up by id, and how many. */
function onlyByIdPool (pool: EngineerPool): { pool: EngineerPool, lookups: () => number } {
  let lookups = 0
  const guarded = new Proxy(pool, {
    get (target, property) {
      if (property === 'values' || property === 'grids') throw new Error(`a station search read pool.${property}`)
      if (property === 'get') return (id: string) => { lookups++; return target.get(id) }
      const value = Reflect.get(target, property, target) as unknown
      return typeof value === 'function' ? value.bind(target) : value
    }
  })
  return { pool: guarded, lookups: () => lookups }
}

t.test('station staff candidates read only the station\'s engineers, and rank them as a search of the whole pool does', async (t) => {
  for (const seed of [3, 17, 29]) {
    const { pool, engineers, orders, random } = createInstance(seed, { engineers: 3000, orders: 25 })
    for (const engineer of engineers) pool.update(engineer.id, { stationId: random.next() < 0.01 ? 'mine' : random.pick(['other', 'third', null]) })
    // The index follows engineers who move between stations or leave the pool.
    const movers = engineers.slice(0, 40)
    for (const engineer of movers) pool.update(engineer.id, { stationId: random.pick(['mine', 'other']) })
    pool.remove((movers[0] as { id: string }).id)
    pool.put({ ...(movers[1] as typeof movers[number]), stationId: 'mine' })
    const members = [...pool.values()].filter((e) => e.stationId === 'mine').map((e) => e.id).sort()
    t.same([...pool.atStation('mine')].sort(), members, `seed ${seed}: the station index matches a scan`)
    t.same([...pool.atStation('nowhere')], [])
    t.ok([...pool.values()].every((e) => pool.stationOf(e.id) === e.stationId), 'each engineer\'s station as the pool holds it')
    t.same([pool.stationOf((movers[0] as { id: string }).id), pool.stationOf(null), pool.stationOf(undefined)], [null, null, null], 'none for one who left, or for nobody')

    const others = new Set([...pool.values()].filter((e) => e.stationId !== 'mine').map((e) => e.id))
    for (const order of orders) {
      const guarded = onlyByIdPool(pool)
      const own = rankCandidates(guarded.pool, order, { ...options, only: pool.atStation('mine') })
      t.same(own, rankCandidates(pool, order, { ...options, exclude: others }), `seed ${seed} ${order.id}`)
      t.ok(guarded.lookups() <= members.length, `seed ${seed} ${order.id}: ${guarded.lookups()} lookups for ${members.length} station engineers`)
    }
  }
})
