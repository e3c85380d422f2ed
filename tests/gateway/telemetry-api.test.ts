import t from 'tap'
import { forEachDriver } from '../helpers/database.js'
import { registerDevice } from '../helpers/mqtt.js'
import { startTestPlatform } from '../helpers/platform.js'

const START = Date.parse('2026-11-01T00:00:00Z')
const MINUTE = 60_000

forEachDriver(t, 'telemetry API: raw points, buckets, aggregates and errors', async (t, driver) => {
  const test = await startTestPlatform(driver)
  t.teardown(() => test.close())
  const device = await registerDevice(test, 'TEL-1')
  // 10 days, one reading every minute: value = minute index mod 60.
  const minutes = 10 * 24 * 60
  const rows = Array.from({ length: minutes }, (_, i) => `${device.id},temp,${new Date(START + i * MINUTE).toISOString()},${i % 60}\n`)
  await test.platform.db.copyFrom('telemetry', ['device_id', 'metric', 'ts', 'value'], (async function * () { yield * rows })())
  const token = await test.tokenFor('engineer')
  const get = async (query: string): Promise<{ status: number, body: any }> =>
    await test.request('GET', `/api/devices/${device.id}/telemetry?${query}`, { token })

  const raw = await get(`metric=temp&from=${new Date(START).toISOString()}&to=${new Date(START + 5 * MINUTE).toISOString()}`)
  t.equal(raw.status, 200)
  t.same(raw.body.points, [0, 1, 2, 3, 4].map((i) => ({ ts: new Date(START + i * MINUTE).toISOString(), value: i })))
  t.equal(raw.body.truncated, false)

  const limited = await get(`metric=temp&from=${new Date(START).toISOString()}&to=${new Date(START + 60 * MINUTE).toISOString()}&limit=10`)
  t.equal(limited.body.points.length, 10)
  t.equal(limited.body.truncated, true)

  for (const agg of ['avg', 'min', 'max', 'last'] as const) {
    const hourly = await get(`metric=temp&from=${new Date(START).toISOString()}&to=${new Date(START + 3 * 60 * MINUTE).toISOString()}&bucket=1h&agg=${agg}`)
    const expected = { avg: 29.5, min: 0, max: 59, last: 59 }[agg]
    t.same(hourly.body.points, [0, 1, 2].map((h) => ({ ts: new Date(START + h * 60 * MINUTE).toISOString(), value: expected })), `1h ${agg}`)
  }

  // Over 9 days the daily buckets come from the hourly rollup (TimescaleDB) or raw rows; same answers.
  const daily = await get(`metric=temp&from=${new Date(START).toISOString()}&to=${new Date(START + 9 * 24 * 60 * MINUTE).toISOString()}&bucket=1d&agg=avg`)
  t.equal(daily.body.source, test.platform.db.timescaledb ? 'telemetry_1h' : 'telemetry')
  t.same(daily.body.points.map((p: { value: number }) => p.value), Array(9).fill(29.5))
  const minutely = await get(`metric=temp&from=${new Date(START).toISOString()}&to=${new Date(START + 12 * 60 * MINUTE).toISOString()}&bucket=1m&agg=max`)
  t.equal(minutely.body.source, test.platform.db.timescaledb ? 'telemetry_1m' : 'telemetry')
  t.equal(minutely.body.points.length, 720)
  t.same(minutely.body.points.slice(0, 3).map((p: { value: number }) => p.value), [0, 1, 2])

  // A partial range is widened to whole buckets.
  const widened = await get(`metric=temp&from=${new Date(START + 30 * MINUTE).toISOString()}&to=${new Date(START + 90 * MINUTE).toISOString()}&bucket=1h&agg=min`)
  t.equal(widened.body.from, new Date(START).toISOString())
  t.equal(widened.body.to, new Date(START + 120 * MINUTE).toISOString())
  t.same(widened.body.points.map((p: { value: number }) => p.value), [0, 0])

  const backwards = await get(`metric=temp&from=${new Date(START + MINUTE).toISOString()}&to=${new Date(START).toISOString()}`)
  t.match(backwards, { status: 400, body: { code: 'GW_TELEMETRY_RANGE_INVALID', field: 'query.from' } })
  const tooMany = await get(`metric=temp&from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z&bucket=1m`)
  t.match(tooMany, { status: 400, body: { code: 'GW_TELEMETRY_TOO_MANY_BUCKETS', field: 'query.bucket' } })
  t.match(await get('metric=temp&bucket=5m'), { status: 400, body: { code: 'WEB_VALIDATION', field: 'query.bucket' } })
  t.match(await get('from=2026-01-01T00:00:00Z'), { status: 400, body: { code: 'WEB_VALIDATION', field: 'query.metric' } })
  t.match(await get('metric=temp&from=yesterday'), { status: 400, body: { code: 'WEB_VALIDATION', field: 'query.from' } })
  const unknown = await test.request('GET', '/api/devices/00000000-0000-4000-8000-000000000000/telemetry?metric=temp', { token })
  t.match(unknown, { status: 404, body: { code: 'GW_DEVICE_NOT_FOUND' } })
})
