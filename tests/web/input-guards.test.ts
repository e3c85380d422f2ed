import { Ajv } from 'ajv'
import addFormatsPlugin from 'ajv-formats'
import t from 'tap'
import { forEachDriver } from '../helpers/database.js'
import { startTestPlatform } from '../helpers/platform.js'
import { findNonFinite, findUnstorable, narrowFormats } from '../../web/input-guards.js'

const addFormats = addFormatsPlugin as unknown as (ajv: Ajv) => Ajv
import { near, openOrder } from '../dispatch/fixtures.js'

t.test('the first string or key the database cannot store is found by its path', async (t) => {
  const fieldOf = (value: unknown, path = 'body'): string | null => findUnstorable(value, path)?.field ?? null
  t.equal(fieldOf({ a: 'x', b: [{ c: 'ok' }, { c: 'y\u0000' }] }), 'body.b.1.c')
  t.equal(fieldOf({ 'k\u0000': 1 }), 'body.k\\u0000')
  t.equal(fieldOf({ a: 'fine', n: 1, z: null, list: ['a', 'b'], emoji: '🔧 张三' }), null, 'surrogate pairs are fine')
  t.equal(fieldOf('\u0000', 'query.q'), 'query.q')
  t.equal(fieldOf({ reason: 'x\ud800' }), 'body.reason')
  t.equal(fieldOf({ reason: '\udc00y' }), 'body.reason')
  t.match(findUnstorable({ reason: '\ud83d' }, 'body'), { problem: /lone surrogate/ })
})

t.test('date-times: years 1 to 9999, real instants only', async (t) => {
  const ajv = new Ajv()
  addFormats(ajv)
  narrowFormats(ajv as unknown as Parameters<typeof narrowFormats>[0])
  const valid = ajv.compile({ type: 'string', format: 'date-time' })
  for (const ok of ['0001-01-01T00:00:00Z', '0500-06-15T12:00:00+01:00', '1899-12-31T23:59:59Z', '9999-12-31T23:59:59Z']) t.equal(valid(ok), true, ok)
  for (const bad of ['0000-12-30T00:00:00Z', '2026-02-30T10:00:00Z', '2026-12-31T23:59:60Z']) t.equal(valid(bad), false, bad)
})

t.test('the first number that is not finite is found by its path', async (t) => {
  t.equal(findNonFinite({ a: 1, b: [{ lat: 2 }, { lat: Infinity }] }, 'body'), 'body.b.1.lat')
  t.equal(findNonFinite({ a: -Infinity }, 'body'), 'body.a')
  t.equal(findNonFinite({ a: NaN }, 'body'), 'body.a')
  t.equal(findNonFinite({ a: 1.5, b: 'Infinity', c: [0, -1e308] }, 'body'), null)
})

forEachDriver(t, 'what the schema let through but the database cannot store is a 400 naming the field, not a 500', async (t, driver) => {
  const test = await startTestPlatform(driver)
  t.teardown(() => test.close())
  const agent = await test.tokenFor('agent')
  const supervisor = await test.tokenFor('supervisor')
  const order = await openOrder(test, agent, {})
  const refused = async (method: string, url: string, body?: unknown): Promise<[number, string, string]> => {
    const response = await test.request(method, url, { token: agent, body })
    return [response.status, response.body.code, response.body.field]
  }
  const base = { source: 'agent', priority: 'low', problem: 'no cooling', location: near(0, 0) }

  t.same(await refused('GET', `/api/work-orders/urn:uuid:${order.id}`), [400, 'WEB_VALIDATION', 'params.id'], 'a uuid in canonical form only')
  t.same(await refused('POST', '/api/work-orders', { ...base, preferredEngineerId: `{${order.id}}` }), [400, 'WEB_VALIDATION', 'body.preferredEngineerId'])
  t.same(await refused('GET', '/api/work-orders?offset=100000000000000000000'), [400, 'WEB_VALIDATION', 'query.offset'])
  t.same(await refused('POST', '/api/work-orders', { ...base, problem: 'compressor\u0000trips' }), [400, 'WEB_VALIDATION', 'body.problem'])
  t.same(await refused('POST', '/api/work-orders', { ...base, customer: { name: 'Zhang', note: ['ok', 'a\u0000'] } }), [400, 'WEB_VALIDATION', 'body.customer.note.1'])
  t.same(await refused('GET', '/api/engineers?q=Wang%00'), [400, 'WEB_VALIDATION', 'query.q'])
  t.same(await refused('POST', `/api/work-orders/${order.id}/cancel`, { reason: 'dup\ud800' }), [400, 'WEB_VALIDATION', 'body.reason'], 'a lone surrogate, which json cannot hold')
  t.same(await refused('POST', '/api/work-orders', { ...base, window: { end: '2026-12-31T23:59:60Z' } }), [400, 'WEB_VALIDATION', 'body.window.end'], 'no clock stores a leap second')
  t.same(await refused('POST', '/api/work-orders', { ...base, window: { end: '2026-02-30T10:00:00Z' } }), [400, 'WEB_VALIDATION', 'body.window.end'])
  t.same(await refused('POST', '/api/work-orders', { ...base, location: { lat: null, lng: 121 } }), [400, 'WEB_VALIDATION', 'body.location.lat'], 'JSON bodies are not coerced: null is not 0')
  t.same(await refused('POST', '/api/work-orders', { ...base, location: { lat: true, lng: 121 } }), [400, 'WEB_VALIDATION', 'body.location.lat'], 'nor true 1')

  t.same(await refused('GET', '/api/work-orders?limit=Infinity'), [400, 'WEB_VALIDATION', 'query.limit'], 'ajv coerces "Infinity" and skips the bounds')
  t.same(await refused('GET', '/api/work-orders?offset=1e400'), [400, 'WEB_VALIDATION', 'query.offset'])
  const admin = await test.tokenFor('admin')
  const sla = await test.request('PUT', '/api/dispatch/policies/sla', { token: admin, body: { contract: 'gold', priority: 'high', respondMinutes: 'Infinity', arriveMinutes: 60, resolveMinutes: 240 } })
  t.same([sla.status, sla.body.code, sla.body.field], [400, 'WEB_VALIDATION', 'body.respondMinutes'])
  const located = await test.request('POST', '/api/work-orders', { token: agent, body: { ...base, location: { lat: 'Infinity', lng: 121 } } })
  t.same([located.status, located.body.code, located.body.field], [400, 'WEB_VALIDATION', 'body.location.lat'])

  // What is valid still goes through.
  const inAMonth = `${new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10)}T23:59:59.999+08:00`
  const fine = await test.request('POST', '/api/work-orders', { token: agent, body: { ...base, window: { end: inAMonth }, customer: { name: '张三 ✓' } } })
  t.equal(fine.status, 201)
  t.equal((await test.request('GET', `/api/work-orders/${order.id.toUpperCase()}`, { token: supervisor })).status, 200, 'upper-case hex is canonical too')
  t.equal((await test.request('GET', '/api/work-orders?offset=1000000000', { token: supervisor })).status, 200)
})
