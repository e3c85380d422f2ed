import t from 'tap'
import { forEachDriver } from '../helpers/database.js'
import { startTestPlatform } from '../helpers/platform.js'
import { createClock, MONDAY_11H, near } from './fixtures.js'

const minutesAfterStart = (iso: string): number => (Date.parse(iso) - MONDAY_11H) / 60_000

forEachDriver(t, 'SLA targets per contract: set per priority, the rest from standard, any contract name is safe', async (t, driver) => {
  const test = await startTestPlatform(driver, { now: createClock().now })
  t.teardown(() => test.close())
  const admin = await test.tokenFor('admin')
  const agent = await test.tokenFor('agent')
  const setSla = async (body: Record<string, unknown>): Promise<{ status: number, body: any }> =>
    await test.request('PUT', '/api/dispatch/policies/sla', { token: admin, body: { priority: 'critical', respondMinutes: 5, arriveMinutes: 30, resolveMinutes: 120, ...body } })
  const deadlines = async (customer: Record<string, unknown>, priority: string): Promise<number[]> => {
    const created = await test.request('POST', '/api/work-orders', { token: agent, body: { source: 'agent', priority, problem: 'no cooling', location: near(0, 0), customer } })
    t.equal(created.status, 201, `order for ${JSON.stringify(customer)} ${priority}`)
    return [created.body.sla.respondBy, created.body.sla.arriveBy, created.body.sla.resolveBy].map(minutesAfterStart)
  }

  const gold = await setSla({ contract: 'gold' })
  t.equal(gold.status, 200)
  t.same(gold.body.sla.gold, { critical: { respondMinutes: 5, arriveMinutes: 30, resolveMinutes: 120 } })
  t.same(await deadlines({ name: 'Acme', contract: 'gold' }, 'critical'), [5, 30, 120], 'the contract\'s own targets')
  t.same(await deadlines({ name: 'Acme', contract: 'gold' }, 'medium'), [60, 240, 1440], 'a priority the contract does not set: standard\'s')
  for (const contract of ['toString', '__proto__', 'constructor', 'hasOwnProperty']) {
    t.same(await deadlines({ name: 'Acme', contract }, 'high'), [30, 120, 480], `contract "${contract}" is just an unknown contract`)
  }

  for (const contract of ['__proto__', '', 'gold plus', '-x']) {
    const refused = await setSla({ contract })
    t.same([refused.status, refused.body.code, refused.body.field], [400, 'WEB_VALIDATION', 'body.contract'], `contract name ${JSON.stringify(contract)} refused`)
  }
  t.equal((await setSla({ contract: 'constructor', priority: 'low' })).status, 200, 'a name like an object\'s own property is stored as any other')
  t.equal(({} as Record<string, unknown>).low, undefined, 'and reaches no other object')
  await test.platform.dispatch.policies.load()
  t.same(await deadlines({ name: 'Acme', contract: 'constructor' }, 'low'), [5, 30, 120], 'read back after a reload')
  t.same(await deadlines({ name: 'Acme', contract: 'constructor' }, 'critical'), [15, 60, 240])
  t.equal((await test.request('POST', '/api/auth/login', { body: { username: 'nobody', password: 'wrong-password' } })).status, 401, 'requests with bodies still validate as before')
})
