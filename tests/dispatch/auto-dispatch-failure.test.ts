import t from 'tap'
import type { Test } from 'tap'
import type { Database, DriverName } from '../../core/db/database.js'
import { forEachDriver, openTestDatabase } from '../helpers/database.js'
import { startTestPlatform } from '../helpers/platform.js'
import { addEngineer, createClock, near, openOrder } from './fixtures.js'

/** The outlet-stock read dispatch makes for orders that need parts (traceability's channel inventory). */
const isOutletStockRead = (sql: string): boolean => sql.includes('trace_code_state s ON s.holder_org_id')

/**
 * The platform on a database whose outlet-stock reads throw while `failing(partNumbers)` says so,
 * with auto-dispatch on for agents' high-priority orders.
 */
async function startWithStockReads (t: Test, driver: DriverName, failing: (partNumbers: readonly string[]) => boolean) {
  const opened = await openTestDatabase(driver, { migrate: false, template: true })
  const db: Database = {
    ...opened.db,
    async query<Row> (sql: string, params?: readonly unknown[]) {
      if (isOutletStockRead(sql) && failing(params?.[1] as string[])) throw new Error('stock read failed')
      return await opened.db.query<Row>(sql, params)
    }
  }
  const clock = createClock()
  const test = await startTestPlatform(driver, { now: clock.now, db, env: { DISPATCH_SLA_CHECK_INTERVAL_S: '3600', DISPATCH_AUTO_RETRY_S: '3600' } })
  t.teardown(async () => { await test.close(); await opened.close() })
  const supervisor = await test.tokenFor('supervisor')
  const agent = await test.tokenFor('agent')
  const admin = await test.tokenFor('admin')
  t.equal((await test.request('PUT', '/api/dispatch/policies/auto-dispatch', { token: admin, body: { source: 'agent', priority: 'high', enabled: true } })).status, 200)
  return { test, supervisor, agent }
}

forEachDriver(t, 'an auto-dispatch round that fails after the order is stored answers with the stored order, and the next round sends it', async (t, driver) => {
  let stockReadsFail = false
  let failedReads = 0
  const { test, supervisor, agent } = await startWithStockReads(t, driver, () => {
    if (stockReadsFail) failedReads++
    return stockReadsFail
  })
  const wang = await addEngineer(test, supervisor, { name: 'Wang Wei', at: near(1, 0), vanStock: { 'P-7': 1 } })
  const li = await addEngineer(test, supervisor, { name: 'Li Na', at: near(3, 0), vanStock: { 'P-7': 1 } })

  stockReadsFail = true
  const created = await test.request('POST', '/api/work-orders', {
    token: agent,
    body: { source: 'agent', priority: 'high', problem: 'pump seal leaks', location: near(0, 0), requiredSkills: ['hvac'], requiredParts: ['P-7'] }
  })
  t.equal(failedReads, 1, 'the round did fail')
  t.equal(created.status, 201, 'the order is stored, so the caller is told so: no retry, no duplicate')
  t.match(created.body, { status: 'new', engineerId: null, trackingToken: String })
  const listed = (await test.request('GET', '/api/work-orders?status=new', { token: supervisor })).body
  t.equal(listed.total, 1, 'one order, queued')

  // A refusal is committed before its order is offered again: the engineer is told it went through.
  stockReadsFail = false
  t.equal(await test.platform.dispatch.assignment.dispatchQueued(), 1, 'the next round sends it')
  t.match(await test.platform.dispatch.workOrders.get(created.body.id), { status: 'assigned', engineerId: wang.id })
  stockReadsFail = true
  const refused = await test.request('POST', `/api/work-orders/${created.body.id}/reject`, { token: wang.token, body: { reason: 'van broke down' } })
  t.equal(refused.status, 200)
  t.match(refused.body, { status: 'new', engineerId: null, rejectedBy: [wang.id] })
  stockReadsFail = false
  t.equal(await test.platform.dispatch.assignment.dispatchQueued(), 1)
  t.match(await test.platform.dispatch.workOrders.get(created.body.id), { status: 'assigned', engineerId: li.id })
})

forEachDriver(t, 'an order whose parts stock cannot be read waits; the periodic round still sends the others', async (t, driver) => {
  // Reads of the outlet stock for part P-9 fail (say, a malformed row for it); other reads work.
  const { test, supervisor, agent } = await startWithStockReads(t, driver, (partNumbers) => partNumbers.includes('P-9'))
  // Both orders arrive while nobody is free, so both wait in the queue.
  const stuck = await openOrder(test, agent, { priority: 'high', requiredParts: ['P-9'] })
  const plain = await openOrder(test, agent, { priority: 'high', location: near(0.5, 0) })
  t.match([stuck.status, plain.status], ['new', 'new'])
  const wang = await addEngineer(test, supervisor, { name: 'Wang Wei', at: near(1, 0), vanStock: { 'P-9': 1 } })
  const li = await addEngineer(test, supervisor, { name: 'Li Na', at: near(2, 0), vanStock: { 'P-9': 1 } })

  t.equal(await test.platform.dispatch.assignment.dispatchQueued(), 1, 'the round goes ahead without the order it cannot read')
  t.match(await test.platform.dispatch.workOrders.get(plain.id), { status: 'assigned', engineerId: wang.id })
  t.match(await test.platform.dispatch.workOrders.get(stuck.id), { status: 'new', engineerId: null })
  t.match(test.platform.dispatch.pool.get(li.id), { status: 'available' })
})
