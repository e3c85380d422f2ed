import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import t from 'tap'
import { loadConfig } from '../../core/config.js'
import { createSilentLogger } from '../../core/logger.js'
import { startPlatform } from '../../web/platform.js'
import type { Platform } from '../../web/platform.js'
import { forEachDriver, openTestDatabase } from '../helpers/database.js'
import { ADMIN_PASSWORD, startTestPlatform } from '../helpers/platform.js'
import { addEngineer, createClock, MONDAY_11H, near, openOrder } from './fixtures.js'

const iso = (ms: number): string => new Date(ms).toISOString()

forEachDriver(t, 'SLA timers raise at-risk and breached once, and survive a restart with states and deadlines intact', async (t, driver) => {
  const clock = createClock()
  const database = await openTestDatabase(driver, { migrate: false })
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'afterline-sla-'))
  t.teardown(async () => {
    await database.close()
    fs.rmSync(dataDir, { recursive: true, force: true })
  })
  const config = loadConfig({
    HTTP_HOST: '127.0.0.1', HTTP_PORT: '0', MQTT_HOST: '127.0.0.1', MQTT_PORT: '0', DATA_DIR: dataDir, ADMIN_PASSWORD,
    LOG_LEVEL: 'silent', DISPATCH_SLA_CHECK_INTERVAL_S: '3600', DISPATCH_AUTO_RETRY_S: '3600'
  })
  const boot = async (): Promise<Platform> => await startPlatform(config, { db: database.db, logger: createSilentLogger(), now: clock.now })
  const call = async (platform: Platform, method: string, url: string, token: string, body?: unknown): Promise<any> => {
    const response = await platform.app.inject({ method: method as 'GET', url, headers: { authorization: `Bearer ${token}` }, ...(body === undefined ? {} : { payload: body as object }) })
    return response.json()
  }

  let platform = await boot()
  const admin = (await platform.users.login('admin', ADMIN_PASSWORD)).token
  const user = await platform.users.create({ username: 'wang', password: 'engineer-password', role: 'engineer' })
  const wangToken = (await platform.users.login('wang', 'engineer-password')).token
  const wang = await call(platform, 'POST', '/api/engineers', admin, { name: 'Wang Wei', userId: user.id, skills: { hvac: 3 }, home: near(1, 0) })
  await call(platform, 'PUT', `/api/engineers/${wang.id}/status`, wangToken, { status: 'available' })
  const order = (body: Record<string, unknown>): Promise<any> => call(platform, 'POST', '/api/work-orders', admin,
    { source: 'agent', problem: 'no cooling', location: near(0, 0), requiredSkills: ['hvac'], ...body })

  // High priority: respond 30 min, arrive 120 min, resolve 480 min; medium: 60 / 240 / 1440.
  const travelling = await order({ priority: 'high' })
  await call(platform, 'POST', `/api/work-orders/${travelling.id}/assign`, admin, { engineerId: wang.id })
  clock.advanceMinutes(10)
  await call(platform, 'POST', `/api/work-orders/${travelling.id}/accept`, wangToken)
  await call(platform, 'POST', `/api/work-orders/${travelling.id}/depart`, wangToken)
  const waiting = await order({ priority: 'medium', location: near(3, 0) })

  const seen: Array<[string, string, string]> = []
  platform.bus.subscribe('sla.at_risk', (e) => { seen.push(['at_risk', e.workOrderId, e.deadline]) })
  platform.bus.subscribe('sla.breached', (e) => { seen.push(['breached', e.workOrderId, e.deadline]) })

  // 11:00 + 95 min: 25 min left of the travelling order's 120-min arrive window (under the 25 % line);
  // the waiting order (created 11:10) passed its 60-min respond deadline at 12:10.
  clock.set(MONDAY_11H + 95 * 60_000)
  t.same(await platform.dispatch.sla.checkNow(), { atRisk: 1, breached: 1 })
  t.same(await platform.dispatch.sla.checkNow(), { atRisk: 0, breached: 0 }, 'raised once')
  await platform.bus.idle()
  t.same(seen, [['at_risk', travelling.id, 'arrive'], ['breached', waiting.id, 'respond']])
  const atRisk = await call(platform, 'GET', `/api/work-orders/${travelling.id}`, admin)
  t.match(atRisk.sla, { atRisk: true, breached: false, flags: ['arrive:at_risk'] })

  await platform.stop()
  // The platform is down for 40 minutes: the arrive deadline (13:00) passes meanwhile.
  clock.set(MONDAY_11H + 135 * 60_000)
  platform = await boot()

  const after = await call(platform, 'GET', `/api/work-orders/${travelling.id}`, admin)
  t.match(after, { status: 'en_route', engineerId: wang.id })
  t.same(after.sla, {
    respondBy: iso(MONDAY_11H + 30 * 60_000), arriveBy: iso(MONDAY_11H + 120 * 60_000), resolveBy: iso(MONDAY_11H + 480 * 60_000),
    respondedAt: iso(MONDAY_11H + 10 * 60_000), arrivedAt: null, resolvedAt: null,
    atRisk: true, breached: true, flags: ['arrive:at_risk', 'arrive:breached']
  }, 'the deadline that passed while down was raised at start')
  t.same(after.timeline.filter((e: any) => e.kind.startsWith('sla_')).map((e: any) => [e.kind, e.details.deadline, e.actor.role, e.at]), [
    ['sla_at_risk', 'arrive', 'system', iso(MONDAY_11H + 95 * 60_000)],
    ['sla_breached', 'arrive', 'system', iso(MONDAY_11H + 135 * 60_000)]
  ])
  const stillWaiting = await call(platform, 'GET', `/api/work-orders/${waiting.id}`, admin)
  t.match(stillWaiting, { status: 'new', sla: { flags: ['respond:breached'] } })
  t.match(platform.dispatch.pool.get(wang.id), { status: 'busy', activeOrderId: travelling.id }, 'the engine reloaded the engineer as busy')

  // The timers are armed again: later deadlines still fire, and milestones close them.
  const events: string[] = []
  platform.bus.subscribe('sla.at_risk', (e) => { events.push(`at_risk ${e.deadline}`) })
  clock.set(MONDAY_11H + 200 * 60_000)
  await platform.dispatch.sla.checkNow()
  await platform.bus.idle()
  t.same(events, ['at_risk arrive'], 'the waiting order\'s arrive deadline (15:10, 240-min window) is now at risk')
  await call(platform, 'POST', `/api/work-orders/${travelling.id}/arrive`, wangToken)
  await call(platform, 'POST', `/api/work-orders/${travelling.id}/complete`, wangToken, { notes: 'fixed' })
  await platform.bus.idle()
  const closed = await call(platform, 'GET', `/api/work-orders/${travelling.id}`, admin)
  t.match(closed, { status: 'completed', sla: { flags: ['arrive:at_risk', 'arrive:breached'] } }, 'resolved in time: no resolve flag')
  await platform.stop()
})

forEachDriver(t, 'an order completed late just before a stop is flagged breached when the platform starts again', async (t, driver) => {
  const clock = createClock()
  const test = await startTestPlatform(driver, { now: clock.now, env: { DISPATCH_SLA_CHECK_INTERVAL_S: '3600', DISPATCH_AUTO_RETRY_S: '3600' } })
  t.teardown(() => test.close())
  const supervisor = await test.tokenFor('supervisor')
  const wang = await addEngineer(test, supervisor, { name: 'Wang Wei', at: near(1, 0) })
  // High priority: resolve within 480 minutes.
  const order = await openOrder(test, supervisor, { priority: 'high' })
  await test.request('POST', `/api/work-orders/${order.id}/assign`, { token: supervisor, body: { engineerId: wang.id } })
  for (const step of ['accept', 'depart', 'arrive']) await test.request('POST', `/api/work-orders/${order.id}/${step}`, { token: wang.token })

  // The SLA check is not listening (the platform stopping) when the job is completed, 20 minutes late.
  await test.platform.bus.idle()
  await test.platform.dispatch.stop()
  clock.advanceMinutes(500)
  t.equal((await test.request('POST', `/api/work-orders/${order.id}/complete`, { token: wang.token, body: { notes: 'seal replaced' } })).status, 200)
  await test.platform.bus.idle()
  t.same((await test.platform.dispatch.workOrders.get(order.id)).sla.flags, [], 'not flagged yet')

  const breached: string[] = []
  test.platform.bus.subscribe('sla.breached', (e) => { breached.push(`${e.workOrderId}:${e.deadline}`) })
  clock.advanceMinutes(1)
  await test.platform.dispatch.start()
  await test.platform.bus.idle()
  const flagged = await test.platform.dispatch.workOrders.get(order.id)
  t.match(flagged, { status: 'completed', sla: { breached: true, flags: ['resolve:breached'] } })
  t.same(breached, [`${order.id}:resolve`])
  t.same(await test.platform.dispatch.sla.checkNow(), { atRisk: 0, breached: 0 }, 'raised once')
})
