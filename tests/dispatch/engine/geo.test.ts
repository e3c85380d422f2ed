import t from 'tap'
import { estimateEtaMinutes, haversineKm, interpolate, reachableKm } from '../../../dispatch/engine/geo.js'

t.test('haversine distance matches known city pairs', async (t) => {
  // Shanghai People's Square → Beijing Tiananmen: 1,067 km great-circle.
  t.equal(Math.round(haversineKm({ lat: 31.2304, lng: 121.4737 }, { lat: 39.9042, lng: 116.4074 })), 1067)
  // One degree of latitude.
  t.equal(Math.round(haversineKm({ lat: 0, lng: 0 }, { lat: 1, lng: 0 }) * 1000) / 1000, 111.195)
  t.equal(haversineKm({ lat: 10, lng: 20 }, { lat: 10, lng: 20 }), 0)
})

t.test('the ETA model: start-up time, speed rising by band, continuous and increasing', async (t) => {
  t.equal(estimateEtaMinutes(0), 2)
  // 1 km straight = 1.3 km of road at 18 km/h = 4.333 min + 2.
  t.equal(Math.round(estimateEtaMinutes(1) * 1000) / 1000, 6.333)
  // 10 km straight = 13 km of road: 2 km @18 + 8 km @28 + 3 km @45.
  t.equal(Math.round(estimateEtaMinutes(10) * 1000) / 1000, Math.round((2 + (2 / 18 + 8 / 28 + 3 / 45) * 60) * 1000) / 1000)
  let previous = 0
  for (let km = 0; km <= 100; km += 0.25) {
    const eta = estimateEtaMinutes(km)
    t.ok(eta >= previous, `increasing at ${km} km`)
    previous = eta
  }
  for (const minutes of [1, 2, 5, 17, 45, 120]) {
    t.equal(Math.round(estimateEtaMinutes(reachableKm(minutes)) * 1e6) / 1e6, Math.max(2, minutes), `reachableKm inverts the model at ${minutes} min`)
  }
})

t.test('interpolate clamps to the segment', async (t) => {
  t.same(interpolate({ lat: 0, lng: 0 }, { lat: 2, lng: 4 }, 0.5), { lat: 1, lng: 2 })
  t.same(interpolate({ lat: 0, lng: 0 }, { lat: 2, lng: 4 }, 2), { lat: 2, lng: 4 })
})
