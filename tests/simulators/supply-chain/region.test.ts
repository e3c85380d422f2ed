import { area, booleanPointInPolygon, booleanValid, feature, featureCollection, intersect, kinks } from '@turf/turf'
import t from 'tap'
import { PROVINCES } from '../../../simulators/supply-chain/region.js'

t.test('province outlines are valid, tile without overlap, and hold their own cities only', async (t) => {
  const areas = Object.fromEntries(PROVINCES.map((p) => [p.id, Math.round(area(p.outline) / 1e6 / 1000)]))
  // Official areas (thousand km²): Shanghai 6.3 (land; the outline includes some estuary), Jiangsu 107, Zhejiang 106, Anhui 140.
  t.same(areas, { shanghai: 10, jiangsu: 116, zhejiang: 121, anhui: 141 })
  for (const p of PROVINCES) {
    t.ok(booleanValid(p.outline), `${p.id} is a valid polygon`)
    t.equal(kinks(p.outline).features.length, 0, `${p.id} does not cross itself`)
    for (const city of p.cities) {
      t.same(PROVINCES.filter((q) => booleanPointInPolygon([city.lng, city.lat], q.outline)).map((q) => q.id), [p.id], `${city.name} lies in ${p.id} only`)
    }
  }
  for (const [i, a] of PROVINCES.entries()) {
    for (const b of PROVINCES.slice(i + 1)) {
      const overlap = intersect(featureCollection([feature(a.outline), feature(b.outline)]))
      t.equal(overlap === null ? 0 : Math.round(area(overlap)), 0, `${a.id} and ${b.id} do not overlap`)
    }
  }
})
