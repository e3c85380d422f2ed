import t from 'tap'
import { distanceKm, findTerritoryProblem, isInTerritory, prepareTerritory } from '../../traceability/catalog/territory.js'
import type { Territory } from '../../traceability/catalog/territory.js'

const square: Territory = { type: 'Polygon', coordinates: [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]], [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]]] }
const two: Territory = { type: 'MultiPolygon', coordinates: [[[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]], [[[5, 5], [6, 5], [6, 6], [5, 6], [5, 5]]]] }

t.test('points inside, outside, in a hole, on the boundary', async (t) => {
  const prepared = prepareTerritory(square)
  t.same(prepared.bbox, [0, 0, 10, 10])
  t.ok(isInTerritory(prepared, { lat: 1, lng: 1 }))
  t.notOk(isInTerritory(prepared, { lat: 5, lng: 5 }), 'holes are outside')
  t.notOk(isInTerritory(prepared, { lat: 11, lng: 1 }), 'outside the bounding box')
  t.ok(isInTerritory(prepared, { lat: 0, lng: 3 }), 'the boundary is inside')
  const multi = prepareTerritory(two)
  t.ok(isInTerritory(multi, { lat: 5.5, lng: 5.5 }))
  t.notOk(isInTerritory(multi, { lat: 3, lng: 3 }), 'between the parts')
})

t.test('invalid territories are named precisely', async (t) => {
  t.equal(findTerritoryProblem(square), null)
  t.equal(findTerritoryProblem(two), null)
  t.equal(findTerritoryProblem(null), 'expected an object')
  t.equal(findTerritoryProblem({ type: 'Point', coordinates: [1, 2] }), 'type must be Polygon or MultiPolygon')
  t.equal(findTerritoryProblem({ type: 'Polygon', coordinates: [] }), 'coordinates must be a non-empty array')
  t.equal(findTerritoryProblem({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [0, 0]]] }), 'ring 0 of polygon 0 needs at least 4 positions')
  t.equal(findTerritoryProblem({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1]]] }), 'ring 0 of polygon 0 is not closed (last position must equal the first)')
  t.equal(findTerritoryProblem({ type: 'Polygon', coordinates: [[[0, 0], [200, 0], [1, 1], [0, 0]]] }), 'ring 0 of polygon 0 has a position outside [-180..180, -90..90]')
  t.equal(findTerritoryProblem({ type: 'MultiPolygon', coordinates: [[[[0, 0], [1, 0], [1, 1], [0, 0]]], [['x']]] }), 'ring 0 of polygon 1 needs at least 4 positions')
})

t.test('great-circle distances in kilometres', async (t) => {
  t.equal(distanceKm({ lat: 30, lng: 120 }, { lat: 30, lng: 120 }), 0)
  // Shanghai – Beijing ≈ 1,067 km.
  const km = distanceKm({ lat: 31.2304, lng: 121.4737 }, { lat: 39.9042, lng: 116.4074 })
  t.ok(Math.abs(km - 1067) < 5, `${km.toFixed(1)} km`)
  t.ok(Math.abs(distanceKm({ lat: 0, lng: 0 }, { lat: 0, lng: 1 }) - 111.195) < 0.01, 'one degree of longitude at the equator')
})
