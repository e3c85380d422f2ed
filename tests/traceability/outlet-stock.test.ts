import t from 'tap'
import type { Queryable } from '../../core/db/database.js'
import { createOutletStock } from '../../traceability/index.js'
import { forEachDriver, openTestDatabase } from '../helpers/database.js'
import { startTestPlatform } from '../helpers/platform.js'
import { addEngineer, createClock, near, openOrder } from '../dispatch/fixtures.js'

// Dispatch's "required parts obtainable" rule reads traceability's channel inventory: genuine units
// in stock at an outlet near the order.

async function seedOutlets (db: Queryable): Promise<void> {
  await db.query(`INSERT INTO trace_products (gtin, name, part_number) VALUES
    ('09506000134352', 'Hydraulic pump', 'HP-220'), ('09506000134369', 'Seal kit', 'SK-10'), ('09506000134376', 'Filter', 'FL-3')`)
  const at = (east: number): { lat: number, lng: number } => near(east, 0)
  const orgs: Array<[string, string, number]> = [['dealer-near', 'dealer', 2], ['store-mid', 'store', 12], ['dealer-far', 'dealer', 45], ['dist-near', 'distributor', 1]]
  for (const [id, kind, east] of orgs) {
    await db.query('INSERT INTO trace_organisations (id, kind, name, lat, lng) VALUES ($1, $2, $3, $4, $5)', [id, kind, `${kind} ${id}`, at(east).lat, at(east).lng])
  }
  const units: Array<[string, string, string, string]> = [
    ['A1', '09506000134352', 'in_stock', 'dealer-near'], ['A2', '09506000134352', 'in_stock', 'dealer-near'],
    ['A3', '09506000134352', 'sold', 'dealer-near'], ['A4', '09506000134352', 'in_transit', 'dealer-near'],
    ['B1', '09506000134369', 'in_stock', 'store-mid'], ['B2', '09506000134352', 'in_stock', 'dealer-far'],
    ['C1', '09506000134352', 'in_stock', 'dist-near'], ['D1', '09506000134376', 'in_stock', 'dealer-near']
  ]
  for (const [serial, gtin, status, holder] of units) {
    await db.query('INSERT INTO trace_code_state (serial, gtin, status, holder_org_id) VALUES ($1, $2, $3, $4)', [serial, gtin, status, holder])
  }
}

forEachDriver(t, 'outlet stock counts units in stock at dealers, stores and stations within the radius, nearest first', async (t, driver) => {
  const { db, close } = await openTestDatabase(driver)
  t.teardown(close)
  await seedOutlets(db)
  const stock = createOutletStock(db)
  const offers = await stock.findNear(near(0, 0), ['HP-220', 'SK-10'], 30)
  t.same(offers.map((o) => [o.dealerId, o.partNumber, o.quantity]), [['dealer-near', 'HP-220', 2], ['store-mid', 'SK-10', 1]],
    'sold and in-transit units, a distributor\'s warehouse, an outlet 45 km away and parts not asked for are left out')
  t.ok(Math.abs((offers[0]?.distanceKm ?? 0) - 2) < 0.01, 'distance from the order')
  t.same((await stock.findNear(near(0, 0), ['HP-220'], 50)).map((o) => o.dealerId), ['dealer-near', 'dealer-far'])
  t.same(await stock.findNear(near(0, 0), [], 30), [])
  t.same(await stock.findNear(near(0, 0), ['NOPE'], 30), [])
})

forEachDriver(t, 'an engineer without the part qualifies when an outlet near the order has it in stock', async (t, driver) => {
  const test = await startTestPlatform(driver, { now: createClock().now })
  t.teardown(() => test.close())
  const supervisor = await test.tokenFor('supervisor')
  const agent = await test.tokenFor('agent')
  const wang = await addEngineer(test, supervisor, { name: 'Wang Wei', at: near(1, 0), vanStock: {} })
  const candidatesFor = async (order: { id: string }): Promise<string[]> =>
    (await test.request('GET', `/api/work-orders/${order.id}/candidates`, { token: supervisor })).body.candidates.map((c: any) => c.engineerId)

  const pump = await openOrder(test, agent, { requiredParts: ['HP-220'] })
  t.same(await candidatesFor(pump), [], 'no van and no outlet holds the pump yet')
  await seedOutlets(test.platform.db)
  t.same(await candidatesFor(pump), [wang.id], 'the dealer 2 km away has two in stock')
  // 35 km west: within Wang's reach, but the nearest pump in stock is 37 km from the order.
  const noPartsNeeded = await openOrder(test, agent, { location: near(-35, 0) })
  t.same(await candidatesFor(noPartsNeeded), [wang.id], 'Wang can reach an order out there')
  const far = await openOrder(test, agent, { requiredParts: ['HP-220'], location: near(-35, 0) })
  t.same(await candidatesFor(far), [], 'no outlet within DISPATCH_DEALER_RADIUS_KM (30 km) of it has the pump')
  const assigned = await test.request('POST', `/api/work-orders/${pump.id}/assign`, { token: supervisor, body: { engineerId: wang.id } })
  t.equal(assigned.status, 200)
})
