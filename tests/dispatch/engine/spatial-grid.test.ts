import t from 'tap'
import { haversineKm } from '../../../dispatch/engine/geo.js'
import { createSpatialGrid } from '../../../dispatch/engine/spatial-grid.js'
import { createRandom } from '../../../simulators/dispatch/prng.js'

t.test('ring search with moving points finds every point within the radius, like a full scan', async (t) => {
  const random = createRandom(42)
  for (const cell of [0.005, 0.01, 0.1]) {
    const grid = createSpatialGrid(cell)
    const points = new Map<string, { lat: number, lng: number }>()
    const place = (): { lat: number, lng: number } => ({ lat: 31.2 + random.between(-0.3, 0.3), lng: 121.5 + random.between(-0.3, 0.3) })
    for (let i = 0; i < 2000; i++) {
      const p = place()
      points.set(`p${i}`, p)
      grid.set(`p${i}`, p)
    }
    for (let round = 0; round < 30; round++) {
      // Move a third, delete a few, add a few: the index must follow.
      for (let i = 0; i < 700; i++) {
        const id = `p${random.integer(0, 2999)}`
        if (random.next() < 0.05) {
          points.delete(id)
          grid.delete(id)
        } else {
          const p = place()
          points.set(id, p)
          grid.set(id, p)
        }
      }
      const center = place()
      const radius = random.between(0.5, 20)
      const found: string[] = []
      let stalePositions = 0
      grid.searchRings(center, radius, (id, lat, lng) => {
        const p = points.get(id)!
        if (p.lat !== lat || p.lng !== lng) stalePositions++
        if (haversineKm(center, p) <= radius) found.push(id)
      }, () => false)
      t.equal(stalePositions, 0, `cell ${cell} round ${round}: each point is visited with its latest position`)
      const expected = [...points].filter(([, p]) => haversineKm(center, p) <= radius).map(([id]) => id).sort()
      t.same(found.sort(), expected, `cell ${cell} round ${round}`)
    }
    t.equal(grid.size, points.size)
  }
})

t.test('the ring bound never exceeds the true distance of a point in that ring', async (t) => {
  const grid = createSpatialGrid(0.01)
  const random = createRandom(3)
  const points = new Map<string, { lat: number, lng: number }>()
  for (let i = 0; i < 500; i++) {
    const p = { lat: 59 + random.between(-1, 1), lng: 18 + random.between(-1, 1) } // high latitude: narrow cells
    points.set(`p${i}`, p)
    grid.set(`p${i}`, p)
  }
  const center = { lat: 59, lng: 18 }
  let bound = 0
  let violations = 0
  grid.searchRings(center, 200, (id) => {
    if (haversineKm(center, points.get(id)!) < bound - 1e-9) violations++
  }, (ringMinKm) => { bound = ringMinKm; return false })
  t.equal(violations, 0)
})

t.test('cells finer than the grid can key are refused', async (t) => {
  t.throws(() => createSpatialGrid(0.004), RangeError)
  t.throws(() => createSpatialGrid(0), RangeError)
  const finest = createSpatialGrid(0.005)
  // The corners of the world map to the first and last cell keys: both must still be found.
  finest.set('sw', { lat: -90, lng: -180 })
  finest.set('ne', { lat: 89.9999, lng: 179.9999 })
  const seen: string[] = []
  for (const center of [{ lat: -90, lng: -180 }, { lat: 89.9999, lng: 179.9999 }]) {
    finest.searchRings(center, 1, (id, lat, lng) => { if (haversineKm(center, { lat, lng }) <= 1) seen.push(id) }, () => false)
  }
  t.same(seen, ['sw', 'ne'])
})
