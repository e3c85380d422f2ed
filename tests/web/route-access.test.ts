import t from 'tap'
import { ROLES } from '../../core/auth/roles.js'
import type { Role } from '../../core/auth/roles.js'
import { forEachDriver } from '../helpers/database.js'
import { startTestPlatform } from '../helpers/platform.js'

const SOME_ID = '00000000-0000-4000-8000-000000000000'

/**
 * The routes anyone may call without logging in. A route is added here on purpose, with the reason
 * it is public, so nothing becomes public by accident.
 */
const PUBLIC_ROUTES = [
  'POST /api/auth/login', // logging in
  'GET /healthz', 'GET /metrics', // probes and scraping
  'GET /api/fault-codes', // customers' fault-code lookup
  'GET /api/verify', 'GET /01/:gtin/21/:serial', 'GET /01/:gtin/10/:lot/21/:serial', // consumers verify a part
  'GET /api/track/:token', // customers follow their work order
  'POST /api/service-requests' // customers ask for service (rate-limited per address)
]

/** What a caller of each role must get from each route: 401, 403, or anything else (allowed). */
function expected (access: 'public' | readonly Role[], role: Role | null): 'allowed' | 401 | 403 {
  if (access === 'public') return 'allowed'
  if (role === null) return 401
  return role === 'admin' || access.includes(role) ? 'allowed' : 403
}

forEachDriver(t, 'every route answers every role as its access declares', async (t, driver) => {
  const test = await startTestPlatform(driver)
  t.teardown(() => test.close())
  const callers: Array<Role | null> = [null, ...ROLES]
  const tokens = new Map<Role, string>()
  for (const role of ROLES) tokens.set(role, await test.tokenFor(role))

  t.ok(test.platform.routes.length > 10, 'routes are registered')
  t.same(test.platform.routes.filter((route) => route.access === 'public').map((route) => `${route.method} ${route.url}`).sort(), [...PUBLIC_ROUTES].sort(),
    'exactly the routes meant for people without a login are public')
  for (const route of test.platform.routes) {
    t.ok(route.access === 'public' || route.access.length > 0, `${route.method} ${route.url} declares who may call it`)
    const url = route.url.replace(/:[A-Za-z]+/g, SOME_ID)
    for (const role of callers) {
      const response = await test.request(route.method, url, {
        token: role === null ? null : tokens.get(role) as string,
        ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { body: {} })
      })
      const want = expected(route.access, role)
      const who = role ?? 'anonymous'
      if (want === 'allowed') {
        t.notOk(response.status === 401 || response.status === 403, `${who} may call ${route.method} ${route.url} (got ${response.status})`)
      } else {
        t.equal(response.status, want, `${who} is refused ${route.method} ${route.url}`)
        t.equal(response.body?.code, want === 401 ? 'WEB_AUTH_REQUIRED' : 'WEB_FORBIDDEN')
      }
    }
  }
})

t.test('an invalid or expired token is refused with WEB_AUTH_INVALID', async (t) => {
  let clock = Date.parse('2026-11-22T00:00:00Z')
  const test = await startTestPlatform('embedded', { now: () => clock, env: { AUTH_TOKEN_TTL_S: '60' } })
  t.teardown(() => test.close())
  const token = await test.tokenFor('supervisor')
  t.equal((await test.request('GET', '/api/devices', { token })).status, 200)
  t.equal((await test.request('GET', '/api/devices', { token: `${token}x` })).body.code, 'WEB_AUTH_INVALID')
  clock += 61_000
  const expired = await test.request('GET', '/api/devices', { token })
  t.equal(expired.status, 401)
  t.equal(expired.body.code, 'WEB_AUTH_INVALID')
})

t.test('a disabled user\'s token stops working', async (t) => {
  const test = await startTestPlatform('embedded')
  t.teardown(() => test.close())
  const token = await test.tokenFor('agent')
  const admin = await test.tokenFor('admin')
  const users = await test.request('GET', '/api/users?role=agent', { token: admin })
  const agent = users.body.users[0]
  t.equal((await test.request('PATCH', `/api/users/${agent.id}`, { token: admin, body: { disabled: true } })).status, 200)
  t.equal((await test.request('GET', '/api/devices', { token })).body.code, 'WEB_AUTH_INVALID')
  const login = await test.request('POST', '/api/auth/login', { body: { username: 'test-agent', password: 'password-agent' } })
  t.equal(login.status, 401)
  t.equal(login.body.code, 'CORE_AUTH_INVALID_CREDENTIALS')
})
