import net from 'node:net'
import t from 'tap'
import { createSilentLogger } from '../../core/logger.js'
import type { RouteDefinition } from '../../core/http/route.js'
import { createHttpApp } from '../../web/app.js'

/** What the router, the body walkers and a stopping server refuse: coded JSON like every other error. */
const routes = [
  { method: 'GET', url: '/api/things/:id', summary: 'one thing', access: 'public', schema: {}, handler: async () => ({ ok: true }) },
  { method: 'POST', url: '/api/things', summary: 'store a thing', access: 'public', schema: { body: { type: 'object' } }, handler: async ({ body }) => ({ stored: JSON.stringify(body).length }) },
  {
    method: 'GET', url: '/api/slow', summary: 'a slow answer', access: 'public', schema: {}, handler: async () => {
      await new Promise((resolve) => setTimeout(resolve, 300))
      return { ok: true }
    }
  }
] as RouteDefinition[]

const open = async (): Promise<Awaited<ReturnType<typeof createHttpApp>>> =>
  await createHttpApp({ logger: createSilentLogger(), routes, authenticate: async () => null })

t.test('a URL the router cannot read and an over-long path parameter get coded errors', async (t) => {
  const app = await open()
  t.teardown(() => app.close())
  const bad = await app.inject({ method: 'GET', url: '/api/things/%E0%A4%A' })
  t.equal(bad.statusCode, 400)
  t.match(bad.json(), { code: 'WEB_BAD_URL', statusCode: 400 })
  const long = await app.inject({ method: 'GET', url: `/api/things/${'x'.repeat(101)}` })
  t.equal(long.statusCode, 414)
  t.match(long.json(), { code: 'WEB_PARAM_TOO_LONG', message: /longer than 100 characters/ })
  t.equal((await app.inject({ method: 'GET', url: `/api/things/${'x'.repeat(100)}` })).statusCode, 200, '100 characters are fine')
})

t.test('a body nested deeper than 64 levels is a 400 naming where, before anything walks it', async (t) => {
  const app = await open()
  t.teardown(() => app.close())
  const deep = await app.inject({ method: 'POST', url: '/api/things', payload: `{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`, headers: { 'content-type': 'application/json' } })
  t.equal(deep.statusCode, 400)
  t.match(deep.json(), { code: 'WEB_VALIDATION', message: /nests deeper than 64 levels/, field: /^body\.a(\.0)+$/ })
  const justDeepEnough = JSON.stringify({ a: JSON.parse(`${'['.repeat(63)}1${']'.repeat(63)}`) })
  t.equal((await app.inject({ method: 'POST', url: '/api/things', payload: justDeepEnough, headers: { 'content-type': 'application/json' } })).statusCode, 200, '64 levels are accepted')
  const deepNumber = JSON.stringify({ a: JSON.parse(`${'['.repeat(70)}1e400${']'.repeat(70)}`) })
  t.match((await app.inject({ method: 'POST', url: '/api/things', payload: deepNumber, headers: { 'content-type': 'application/json' } })).json(), { code: 'WEB_VALIDATION' }, 'an Infinity below the depth where the walkers stopped is no longer let through')
})

t.test('a request arriving while the server stops gets a coded 503 and the connection is closed', async (t) => {
  const app = await open()
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as net.AddressInfo
  const socket = net.connect(port, '127.0.0.1')
  let text = ''
  socket.on('data', (chunk) => { text += String(chunk) })
  const ended = new Promise((resolve) => socket.on('close', resolve))
  socket.write('GET /api/slow HTTP/1.1\r\nHost: test\r\n\r\n')
  await new Promise((resolve) => setTimeout(resolve, 50))
  const closing = app.close()
  await new Promise((resolve) => setTimeout(resolve, 50))
  // A second request on the kept-alive connection, after stopping began.
  socket.write('GET /api/things/1 HTTP/1.1\r\nHost: test\r\n\r\n')
  await ended
  await closing
  const [first, second] = text.split(/(?=HTTP\/1\.1 )/)
  t.match(first, /^HTTP\/1\.1 200/, 'the request in flight completes')
  t.match(second, /^HTTP\/1\.1 503/)
  t.match(second, /connection: close/i)
  t.match(second, /"code":"WEB_SHUTTING_DOWN"/)
})
