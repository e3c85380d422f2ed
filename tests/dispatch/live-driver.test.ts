import t from 'tap'
import { startTestPlatform, ADMIN_PASSWORD } from '../helpers/platform.js'
import { createLiveDriver } from '../../simulators/dispatch/live-driver.js'

t.test('the live simulator plays engineers and customers against a running platform, through its API only', async (t) => {
  const test = await startTestPlatform('embedded')
  t.teardown(() => test.close())
  const supervisor = await test.tokenFor('supervisor')
  const driver = createLiveDriver({ baseUrl: test.httpUrl, adminPassword: ADMIN_PASSWORD, engineers: 6, orderEverySeconds: 0.3, speedup: 600, tickMs: 150, rejectRate: 0.1, seed: 3 })
  await driver.setup()
  driver.start()
  const deadline = Date.now() + 60_000
  while (driver.stats.completed < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200))
  const stats = await driver.stop()
  t.same(stats.errors, [], 'no unexpected errors')
  t.ok(stats.completed >= 3, `orders completed (${stats.completed})`)
  t.ok(stats.positionReports > 6, 'engineers reported positions while driving')
  const completed = await test.request('GET', '/api/work-orders?status=completed', { token: supervisor })
  t.equal(completed.body.total, stats.completed, 'the platform agrees on what was completed')
  const one = await test.request('GET', `/api/work-orders/${completed.body.workOrders[0].id}`, { token: supervisor })
  t.same(one.body.timeline.map((e: any) => e.kind).filter((k: string) => ['accept', 'depart', 'arrive', 'complete'].includes(k)), ['accept', 'depart', 'arrive', 'complete'])
})
